"""Value-chain commands: chain, chain-chokepoints, chain-pair, chain-downstream, io-shock, io-reliance.

They read the embedded ETO and WIOD files (or user folders), not the trade warehouse.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from straits.cli._common import Format, FormatOpt, OutOpt, emit

EtoDirOpt = Annotated[Path | None, typer.Option("--eto-dir", help="Folder of ETO CSVs (default: embedded).")]
WiodDirOpt = Annotated[
    Path | None,
    typer.Option("--wiod-dir", envvar="STRAITS_WIOD_DIR",
                 help="Folder holding wiot_{year}.parquet (default: embedded 2011 table)."),
]
IoYearOpt = Annotated[int, typer.Option("--year", "-y", help="WIOD year, 1995-2011 (2011 embedded).")]


def _eto_notes(df) -> list[str]:
    """The source's missing-data caveat and the ETO licence (set by ``valuechain.chips``)."""
    missing = df.attrs.get("missing")
    return [*([missing] if missing else []), f"Licence: {df.attrs['licence']} (non-commercial)."]


def _brief(df, fmt: Format, out: Path | None, drop: tuple[str, ...]):
    """Terminal tables leave out long text columns; files keep every column."""
    return df.drop(columns=list(drop)) if fmt is Format.table and out is None else df


def chain(
    country: Annotated[str | None, typer.Option(help="Rows of one country and its firms, e.g. KOR.")] = None,
    input: Annotated[  # noqa: A002
        str | None, typer.Option("--input", help="One input or stage: name or id (N31).")
    ] = None,
    eto_dir: EtoDirOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Shares of countries and firms on each input and stage of chipmaking (ETO data)."""
    from straits.valuechain.chips import chain as run

    df = run(country=country, input=input, path=eto_dir)
    emit(_brief(df, fmt, out, ("source", "market_size", "provider_id")), fmt, out,
         title="Semiconductor supply chain: market shares (0-1)", source=df.attrs["source"],
         notes=_eto_notes(df))


def chain_chokepoints(
    country_threshold: Annotated[float, typer.Option(help="Top-country share threshold.")] = 0.65,
    firm_top3_threshold: Annotated[float, typer.Option(help="Top-3 firm share threshold.")] = 0.90,
    all_inputs: Annotated[
        bool, typer.Option("--all", help="List every input, not only chokepoints.")
    ] = False,
    eto_dir: EtoDirOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Chip inputs where one country or the top three firms dominate, and the steps they feed."""
    from straits.valuechain.chips import chokepoints

    df = chokepoints(country_threshold=country_threshold, firm_top3_threshold=firm_top3_threshold,
                     include_all=all_inputs, path=eto_dir)
    emit(_brief(df, fmt, out, ("stage", "type", "n_countries", "top3_firms", "n_firms", "country_chokepoint",
                               "firm_chokepoint", "chokepoint", "downstream_stages")),
         fmt, out, title="Semiconductor chokepoints", source=df.attrs["source"], notes=_eto_notes(df))


def chain_pair(
    a: Annotated[str, typer.Argument(help="First country, e.g. KOR.")],
    b: Annotated[str, typer.Argument(help="Second country, e.g. JPN.")],
    joint_threshold: Annotated[float, typer.Option(help="Joint share for joint dominance.")] = 0.65,
    weak_threshold: Annotated[float, typer.Option(help="Share below which a country is weak.")] = 0.10,
    eto_dir: EtoDirOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Two countries along the chip chain: both shares, leader, joint dominance, third-country dependence."""
    from straits.valuechain.chips import chain_pair as run

    df = run(a, b, joint_threshold=joint_threshold, weak_threshold=weak_threshold, path=eto_dir)
    emit(_brief(df, fmt, out, ("stage", "type", "country_a", "country_b")), fmt, out,
         title=f"{df['country_a'].iat[0] if len(df) else a} (share_a) and "
               f"{df['country_b'].iat[0] if len(df) else b} (share_b) along the chip chain",
         source=df.attrs["source"], notes=_eto_notes(df))


def chain_downstream(
    input_id: Annotated[str, typer.Argument(help="Input name or id, e.g. N31 or Photoresists.")],
    eto_dir: EtoDirOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Every path from a chip input down to the finished chip (ETO sequence)."""
    from straits.valuechain.chips import downstream

    df = downstream(input_id, path=eto_dir)
    emit(_brief(df, fmt, out, ("path_ids", "input_id", "input")), fmt, out,
         title=f"Downstream of {df['input'].iat[0] if len(df) else input_id}", source=df.attrs["source"],
         notes=_eto_notes(df))


def io_shock(
    supplier: Annotated[str, typer.Option(help="Supplier country(ies): JPN or JPN,CHN.")],
    sector: Annotated[str, typer.Option(help="Supplier industry(ies): c9 or c9,c14.")],
    customer: Annotated[str, typer.Option(help="Customer country(ies): KOR.")],
    cut: Annotated[float, typer.Option(help="Fraction of the flows cut, 0-1.")],
    customer_sector: Annotated[str | None, typer.Option(help="Customer industries (default all).")] = None,
    year: IoYearOpt = 2011, wiod_dir: WiodDirOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Propagate a bilateral supply cut through the WIOD table (Leontief and Ghosh extraction)."""
    from straits.valuechain.io import io_shock as run

    df = run(supplier=supplier, sector=sector, customer=customer, cut=cut, year=year,
             customer_sector=customer_sector, path=wiod_dir)
    a = df.attrs
    sh = a["shock"]
    notes = [f"Cut flows: {a['cut_flows_musd']:,.1f} million USD. Values in {a['unit']}.",
             *(f"{k}: {v}" for k, v in a["method"].items())]
    emit(df, fmt, out, source=a["source"], notes=notes,
         title=f"Supply cut, WIOD {a['year']}: {sh['cut']:.0%} of {'+'.join(sh['supplier'])} "
               f"{','.join(sh['sector'])} sales to {'+'.join(sh['customer'])} (million USD; shares 0-1)")


def io_reliance(
    country: Annotated[str, typer.Option(help="Using country, e.g. KOR.")],
    supplier: Annotated[str | None, typer.Option(help="Supplier country(ies); default all others.")] = None,
    industry: Annotated[str | None, typer.Option(help="Industries of the country (default all).")] = None,
    year: IoYearOpt = 2011, wiod_dir: WiodDirOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Foreign input reliance, face value and look-through (Baldwin, Freeman & Theodorakopoulos 2023)."""
    from straits.valuechain.io import foreign_input_reliance

    df = foreign_input_reliance(country=country, supplier=supplier, industry=industry, year=year,
                                path=wiod_dir)
    emit(df, fmt, out, title=f"Input reliance of {country}, WIOD {df.attrs['year']}: {df.attrs['unit']}",
         source=df.attrs["source"], notes=[df.attrs["method"]])


def register(app: typer.Typer) -> None:
    """Add the value-chain commands to the top-level app."""
    app.command("chain")(chain)
    app.command("chain-chokepoints")(chain_chokepoints)
    app.command("chain-pair")(chain_pair)
    app.command("chain-downstream")(chain_downstream)
    app.command("io-shock")(io_shock)
    app.command("io-reliance")(io_reliance)
