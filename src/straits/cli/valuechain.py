"""Value-chain commands: chain, chain-chokepoints, chain-pair, chain-downstream, io-shock, io-reliance.

They read the warehouse's ETO and input-output tables (the embedded ETO release and WIOD 2011
in the default warehouse; a user's own with ``straits ingest FOLDER`` and ``--db``).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from straits.cli._common import DbOpt, Format, FormatOpt, OutOpt, emit, open_session, to_terminal
from straits.valuechain import thresholds as th

IoYearOpt = Annotated[
    int | None,
    typer.Option("--year", "-y", help="Input-output table year (default: the latest loaded; "
                                      "the default warehouse holds WIOD 2011)."),
]


def _notes(df) -> list[str]:
    """Method, caveats and licence from the result's provenance."""
    from straits.provenance import of

    prov = of(df)
    if prov is None:
        return []
    return [*([prov.method] if prov.method else []), *prov.notes,
            *([f"Licence: {prov.licence}."] if prov.licence else [])]


def _brief(df, fmt: Format, out: Path | None, drop: tuple[str, ...]):
    """Terminal tables leave out long text columns; files keep every column."""
    return df.drop(columns=list(drop)) if to_terminal(fmt, out) else df


def chain(
    country: Annotated[str | None, typer.Option(help="Rows of one country and its firms, e.g. KOR.")] = None,
    input: Annotated[  # noqa: A002
        str | None, typer.Option("--input", help="One input or stage: name or id (N31).")
    ] = None,
    db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Shares of countries and firms on each input and stage of chipmaking (ETO data, shares 0-1)."""
    with open_session(db) as s:
        df = s.chain(country=country, input=input)
    emit(_brief(df, fmt, out, ("source", "market_size", "provider_id", "stages")), fmt, out,
         title="Semiconductor supply chain: market shares (0-1)", source=df.attrs["source"],
         notes=_notes(df))


def chain_chokepoints(
    country_threshold: Annotated[float, typer.Option(
        help="Top-country share at or above which an input is a chokepoint (0-1).")] = th.COUNTRY_THRESHOLD,
    firm_top3_threshold: Annotated[float, typer.Option(
        help="Top-3 firms' combined share at or above which it is a chokepoint (0-1)."),
    ] = th.FIRM_TOP3_THRESHOLD,
    all_inputs: Annotated[
        bool, typer.Option("--all", help="List every input, not only chokepoints.")
    ] = False,
    db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Chip inputs where one country or the top three firms dominate, and the steps they feed."""
    with open_session(db) as s:
        df = s.chokepoints(country_threshold=country_threshold,
                           firm_top3_threshold=firm_top3_threshold, include_all=all_inputs)
    emit(_brief(df, fmt, out, ("stages", "type", "n_countries", "top3_firms", "n_firms",
                               "chokepoint", "downstream_stages")),
         fmt, out, title="Semiconductor chokepoints (shares 0-1)", source=df.attrs["source"],
         notes=_notes(df))


def chain_pair(
    a: Annotated[str, typer.Argument(help="First country, e.g. KOR.")],
    b: Annotated[str, typer.Argument(help="Second country, e.g. JPN.")],
    joint_threshold: Annotated[float, typer.Option(
        help="Combined share at or above which the pair jointly dominates (0-1).")] = th.JOINT_THRESHOLD,
    weak_threshold: Annotated[float, typer.Option(
        help="Share below which a country is weak on an input (0-1).")] = th.WEAK_THRESHOLD,
    db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Two countries along the chip chain: both shares, top country, joint dominance, third country."""
    with open_session(db) as s:
        df = s.chain_pair(a, b, joint_threshold=joint_threshold, weak_threshold=weak_threshold)
    emit(_brief(df, fmt, out, ("stages", "type", "country_a", "country_b")), fmt, out,
         title=f"{df['country_a'].iat[0] if len(df) else a} (share_a) and "
               f"{df['country_b'].iat[0] if len(df) else b} (share_b) along the chip chain",
         source=df.attrs["source"], notes=_notes(df))


def chain_downstream(
    input_id: Annotated[str, typer.Argument(help="Input name or id, e.g. N31 or Photoresists.")],
    db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Every path from a chip input down to the finished chip (ETO sequence links)."""
    with open_session(db) as s:
        df = s.chain_downstream(input_id)
    emit(_brief(df, fmt, out, ("path_ids", "input_id", "input")), fmt, out,
         title=f"Downstream of {df['input'].iat[0] if len(df) else input_id}",
         source=df.attrs["source"], notes=_notes(df))


def io_shock(
    supplier: Annotated[str, typer.Option(help="Supplier country(ies): JPN or JPN,CHN.")],
    sector: Annotated[str, typer.Option(help="Supplier industry(ies): c9 or c9,c14.")],
    customer: Annotated[str, typer.Option(help="Customer country(ies): KOR.")],
    cut: Annotated[float, typer.Option(help="Fraction of the flows cut, 0-1.")],
    customer_sector: Annotated[str | None, typer.Option(help="Customer industries (default all).")] = None,
    year: IoYearOpt = None, db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Propagate a bilateral supply cut through the input-output table (Leontief and Ghosh extraction)."""
    with open_session(db) as s:
        df = s.io_shock(supplier=supplier, sector=sector, customer=customer, cut=cut, year=year,
                        customer_sector=customer_sector)
    sh = df.attrs["shock"]
    emit(df, fmt, out, source=df.attrs["source"], notes=_notes(df),
         title=f"Supply cut, {sh['year']}: {sh['cut']:.0%} of {'+'.join(sh['supplier'])} "
               f"{','.join(sh['sector'])} sales to {'+'.join(sh['customer'])} "
               "(million USD; shares 0-1)")


def io_reliance(
    country: Annotated[str, typer.Option(help="Using country, e.g. KOR.")],
    supplier: Annotated[str | None, typer.Option(help="Supplier country(ies); default all others.")] = None,
    industry: Annotated[str | None, typer.Option(help="Industries of the country (default all).")] = None,
    year: IoYearOpt = None, db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None,
) -> None:
    """Foreign input reliance, face value and look-through (Baldwin, Freeman & Theodorakopoulos 2023)."""
    with open_session(db) as s:
        df = s.foreign_input_reliance(country=country, supplier=supplier, industry=industry,
                                      year=year)
    emit(df, fmt, out, title=f"Input reliance of {country} (shares 0-1; output million USD)",
         source=df.attrs["source"], notes=_notes(df))


def register(app: typer.Typer) -> None:
    """Add the value-chain commands to the top-level app."""
    app.command("chain")(chain)
    app.command("chain-chokepoints")(chain_chokepoints)
    app.command("chain-pair")(chain_pair)
    app.command("chain-downstream")(chain_downstream)
    app.command("io-shock")(io_shock)
    app.command("io-reliance")(io_reliance)
