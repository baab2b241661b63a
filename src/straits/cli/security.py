"""Security commands: dependency, mutual, shared-dependence, shock, event."""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Annotated

import typer

from straits.cli._common import (
    DbOpt,
    Format,
    FormatOpt,
    OutOpt,
    YearOpt,
    emit,
    open_session,
    to_terminal,
)

if TYPE_CHECKING:
    from pathlib import Path

    import pandas as pd

ProductsOpt = Annotated[
    str | None, typer.Option("--products", "-p", help="HS2/HS4/HS6 codes, comma-separated.")
]
MinShareOpt = Annotated[float | None, typer.Option(
    "--min-share", help="Smallest partner share that counts as dependence, 0-1 (default "
    "0.1: straits.security.dependence.MIN_SHARE).")]


class MutualPart(enum.StrEnum):
    """Which table of `straits mutual` to write."""

    products = "products"
    balance = "balance"


class EventView(enum.StrEnum):
    """Which table of `straits event` to write."""

    summary = "summary"
    annual = "annual"
    gainers = "gainers"
    coverage = "coverage"


class ShockView(enum.StrEnum):
    """Which table of `straits shock` to write."""

    importer = "importer"
    supplier = "supplier"


def show(df: pd.DataFrame, fmt: Format, out: Path | None, title: str, *,
         extra: list[str] | None = None) -> None:
    """Emit a result with its provenance (method and notes under the table, source cited).

    In the terminal table, list cells read as ``USA 12,345, DEU 8,000``; JSON and Parquet
    keep them as lists, CSV as their JSON text.
    """
    from straits.provenance import of

    prov = of(df)
    notes = ([prov.method, *prov.notes] if prov else []) + (extra or [])
    emit(df, fmt, out, title=title, source=prov.source if prov else None, notes=notes)


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
    with open_session(db) as s:
        df = s.dependency(importer, year=year, products=products, persistence=persistence,
                          blocs=blocs, arrow=True)
    if to_terminal(fmt, out):  # fit a terminal: contract columns only
        df = df.drop_columns(["description", "export_kusd", "no_own_exports", "geodep_years"])
    show(df, fmt, out, f"Dependency screen of {importer} (thousand USD)")


def mutual(
    a: Annotated[str, typer.Argument(help="First economy or bloc.")] = "KOR",
    b: Annotated[str, typer.Argument(help="Second economy or bloc (not A).")] = "JPN",
    year: YearOpt = None,
    min_share: MinShareOpt = None,
    part: Annotated[MutualPart, typer.Option(
        help="Table to write with csv/json/parquet: products or balance.")] = MutualPart.products,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """What A depends on B for and B on A for (partner share >= min-share), with balance."""
    with open_session(db) as s:
        m = s.mutual(a, b, year=year, min_share=min_share)
    both = to_terminal(fmt, out)
    if both or part is MutualPart.products:
        show(m.products, fmt, out, f"Mutual dependence {m.a}-{m.b}, {m.year}")
    if both or part is MutualPart.balance:
        show(m.balance, fmt, out, "Balance (thousand USD)")


def shared_dependence(
    a: Annotated[str, typer.Argument(help="First economy or bloc.")] = "KOR",
    b: Annotated[str, typer.Argument(help="Second economy or bloc.")] = "JPN",
    on: Annotated[str, typer.Option(help="Economy both may depend on (not A or B).")] = "CHN",
    year: YearOpt = None,
    min_share: MinShareOpt = None,
    redirect: Annotated[float, typer.Option(
        help="Share of the rest of the world's other exports it could divert, 0-1.")] = 0.2,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Products A and B both depend on C for, and what each could still get (shock, cut 1)."""
    with open_session(db) as s:
        df = s.shared_dependence(a, b, on=on, year=year, min_share=min_share,
                                 redirect=redirect)
    show(df, fmt, out, f"{df.attrs.get('a', a)} and {df.attrs.get('b', b)} both depending on "
         f"{df.attrs.get('on', on)} (thousand USD)")


def shock(
    exporter: Annotated[str, typer.Option(help="Restricting economy or coalition: CHN.")],
    importer: Annotated[str, typer.Option(
        help="Affected importer(s), comma-separated: KOR,JPN,EU27 (each counted once).")],
    products: Annotated[str, typer.Option("--products", "-p", help="HS codes: 811292,250490.")],
    year: YearOpt = None,
    cut: Annotated[float, typer.Option(help="Share of R's exports to the importers cut, 0-1.")] = 1.0,
    redirect: Annotated[float, typer.Option(
        help="Share of substitutes' exports outside the importers they could divert, 0-1.")] = 0.2,
    also_restricting: Annotated[str | None, typer.Option(
        help="Economies joining the restriction (they cut too, no substitution): RUS,PRK.")] = None,
    by: Annotated[ShockView, typer.Option(
        help="importer: a row per importer and product, plus WORLD; supplier: the "
             "allocation of each substitute's pool.")] = ShockView.importer,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Restriction shock: exposed imports, the shared substitute pool, covered value and gap."""
    with open_session(db) as s:
        df = s.shock(exporter=exporter, importer=importer, products=products, year=year,
                     cut=cut, redirect=redirect, also_restricting=also_restricting,
                     by=by.value, arrow=True)
    show(df, fmt, out, f"Shock: {exporter} restricts {products} (thousand USD)"
         + (", allocation by supplier" if by is ShockView.supplier else ""))


def event(
    preset: Annotated[str | None, typer.Option(
        help="jp-kr-2019, cn-gallium-germanium-2023, cn-graphite-2023, cn-antimony-2024.")] = None,
    importer: Annotated[str | None, typer.Option(help="Importer observed (default KOR).")] = None,
    exporter: Annotated[str | None, typer.Option(help="Restricting economy.")] = None,
    products: ProductsOpt = None,
    start: Annotated[str | None, typer.Option(help="Month the measure began: 2023-08.")] = None,
    view: Annotated[EventView, typer.Option(
        help="Table: summary, annual, gainers or coverage.")] = EventView.summary,
    monthly: Annotated[bool, typer.Option(
        "--monthly", help="Month by month from customs/Comtrade monthly data (gainers view "
        "for suppliers).")] = False,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Replay a real export restriction: before/after shares and gainers, by year or month.

    Annual: BACI where it holds the products, else reporter data (customs, Comtrade); each
    row names its source.
    """
    if monthly:
        from straits.cli.reporter import emit_monthly

        with open_session(db) as s:
            ev = s.monthly_event(preset, importer=importer, exporter=exporter,
                                 products=products, start=start)
        return emit_monthly(ev, fmt, out, gainers=view is EventView.gainers)
    with open_session(db) as s:
        e = s.event(preset, importer=importer, exporter=exporter, products=products, start=start)
    table = getattr(e, view.value)
    if to_terminal(fmt, out):  # the shares first; the source is cited under the table
        lead = [c for c in _EVENT_LEAD if c in table.columns]
        rest = [c for c in table.columns if c not in lead and c not in _EVENT_TERMINAL_DROP]
        table = table[lead + rest]
    show(table, fmt, out, f"{e.title}: {e.importer}, {view.value}")


#: The event columns a terminal shows first, and the ones it leaves to files.
_EVENT_LEAD = ("product", "code", "share_before", "share_after", "share_change_pp",
               "imports_change_pct", "from_restricting_change_pct", "source")
_EVENT_TERMINAL_DROP = ("dataset", "classification", "value_basis")


def register(app: typer.Typer) -> None:
    """Add the security commands to the top-level app."""
    for fn in (dependency, mutual, shock, event):
        app.command()(fn)
    app.command("shared-dependence")(shared_dependence)
