"""Security commands: dependency, mutual, shared-dependence, shock, event."""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from straits.cli._common import DbOpt, Format, FormatOpt, OutOpt, YearOpt, emit, open_session

ProductsOpt = Annotated[
    str | None, typer.Option("--products", "-p", help="HS2/HS4/HS6 codes, comma-separated.")
]


class MutualPart(enum.StrEnum):
    """Which table of `straits mutual` to write."""

    products = "products"
    balance = "balance"


class EventView(enum.StrEnum):
    """Which table of `straits event` to write."""

    summary = "summary"
    annual = "annual"
    gainers = "gainers"


def dependency(
    importer: Annotated[str, typer.Argument(help="Importer: KOR, EU27 or a bloc like KOR+JPN.")],
    year: YearOpt = None,
    products: ProductsOpt = None,
    persistence: Annotated[int | None, typer.Option(
        help="Require geodep in N of the last 3 loaded years (1-3).")] = None,
    blocs: Annotated[str | None, typer.Option(
        help="Blocs counted as one supplier, e.g. 'EU27' or 'EU27,USA+CAN'.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Dependency screen: top supplier, HHI, import/export ratio, 50% and GeoDep flags."""
    bloc_list = [b.strip() for b in blocs.split(",") if b.strip()] if blocs else None
    with open_session(db) as s:
        df = s.dependency(importer, year=year, products=products, persistence=persistence,
                          blocs=bloc_list)
        if fmt is Format.table and out is None:  # fit a terminal: contract columns only
            df = df[[c for c in df.columns if c not in ("description", "export_kusd",
                                                        "non_substitutable", "geodep_years")]]
        emit(df, fmt, out, title=f"Dependency screen of {importer} (thousand USD)",
             source=df.attrs["source"], notes=[df.attrs["method"]])


def mutual(
    a: Annotated[str, typer.Argument(help="First economy or bloc.")] = "KOR",
    b: Annotated[str, typer.Argument(help="Second economy or bloc.")] = "JPN",
    year: YearOpt = None,
    top: Annotated[int, typer.Option(help="Partner counts if among the top N suppliers.")] = 3,
    part: Annotated[MutualPart, typer.Option(
        help="Table to write with csv/json/parquet: products or balance.")] = MutualPart.products,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """What A depends on B for and B on A for (partner a top or >50% supplier), with balance."""
    with open_session(db) as s:
        m = s.mutual(a, b, year=year, top=top)
        both = fmt is Format.table and out is None
        if both or part is MutualPart.products:
            emit(m.products, fmt, out, title=f"Mutual dependence {m.a}-{m.b}, {m.year}",
                 source=None if both else m.source, notes=None if both else [m.method])
        if both or part is MutualPart.balance:
            emit(m.balance, fmt, out, title="Balance (thousand USD)", source=m.source,
                 notes=[m.method])


def shared_dependence(
    a: Annotated[str, typer.Argument(help="First economy or bloc.")] = "KOR",
    b: Annotated[str, typer.Argument(help="Second economy or bloc.")] = "JPN",
    on: Annotated[str, typer.Option(help="Economy both may depend on.")] = "CHN",
    year: YearOpt = None,
    top: Annotated[int, typer.Option(help="Counts if among the top N suppliers.")] = 3,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Products where A and B both depend on C, with joint coverage and alternatives."""
    with open_session(db) as s:
        df = s.shared_dependence(a, b, on=on, year=year, top=top)
        emit(df, fmt, out, title=f"{df.attrs['a']} and {df.attrs['b']} both depending on "
             f"{df.attrs['on']} (thousand USD)", source=df.attrs["source"],
             notes=[df.attrs["method"]])


def shock(
    exporter: Annotated[str, typer.Option(help="Restricting economy or coalition: CHN.")],
    importer: Annotated[str, typer.Option(help="Importer(s), comma-separated: KOR,JPN,EU27.")],
    products: Annotated[str, typer.Option("--products", "-p", help="HS codes: 811292,250490.")],
    year: YearOpt = None,
    cut: Annotated[float, typer.Option(help="Share of exports to the importer cut, 0-1.")] = 1.0,
    redirect: Annotated[float, typer.Option(
        help="Share of alternatives' other exports they could redirect, 0-1.")] = 0.2,
    also_restricting: Annotated[str | None, typer.Option(
        help="Economies joining the restriction (no substitution): RUS,PRK.")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Restriction shock: exposed imports, substitute capacity, covered value and gap."""
    with open_session(db) as s:
        df = s.shock(exporter=exporter, importer=importer, products=products, year=year,
                     cut=cut, redirect=redirect, also_restricting=also_restricting)
        emit(df, fmt, out, title=f"Shock: {exporter} restricts {products} (thousand USD)",
             source=df.attrs["source"], notes=[df.attrs["method"]])


def event(
    preset: Annotated[str | None, typer.Option(
        help="jp-kr-2019, cn-gallium-germanium-2023, cn-graphite-2023, cn-antimony-2024.")] = None,
    importer: Annotated[str | None, typer.Option(help="Importer observed (default KOR).")] = None,
    exporter: Annotated[str | None, typer.Option(help="Restricting economy.")] = None,
    products: ProductsOpt = None,
    start: Annotated[str | None, typer.Option(help="Month the measure began: 2023-08.")] = None,
    view: Annotated[EventView, typer.Option(
        help="Table: summary, annual or gainers.")] = EventView.summary,
    monthly: Annotated[bool, typer.Option(
        "--monthly", help="Month by month from customs/Comtrade monthly data (gainers view "
        "for suppliers).")] = False,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Replay a real export restriction on annual flows: before/after shares and gainers."""
    if monthly:  # straits.security.monthly (issue 6)
        from straits.cli.reporter import emit_monthly
        from straits.security.monthly import custom_preset

        with open_session(db) as s:
            ev = s.monthly_event(preset or custom_preset(exporter, products, start, importer),
                                 importer)
        return emit_monthly(ev, fmt, out, gainers=view is EventView.gainers)
    with open_session(db) as s:
        e = s.event(preset, importer=importer, exporter=exporter, products=products, start=start)
        emit(getattr(e, view.value), fmt, out,
             title=f"{e.title or e.exporter + ' restriction'}: {e.importer}, {view.value}",
             source=e.source, notes=[e.method, *e.notes])


def register(app: typer.Typer) -> None:
    """Add the security commands to the top-level app."""
    for fn in (dependency, mutual, shock, event):
        app.command()(fn)
    app.command("shared-dependence")(shared_dependence)
