"""Reporter-data commands: reporter-flows, reporter-sources, mirror, watch.

`straits event --monthly` (in :mod:`straits.cli.security`) renders with :func:`emit_monthly`.
"""

from __future__ import annotations

from typing import Annotated

import typer

from straits.cli._common import DbOpt, Format, FormatOpt, OutOpt, emit, open_session

WATCH_NOTES = [
    "seasonal_drop: month value < (1 - threshold) x mean of the same month a year earlier "
    "and its neighbours (supplier >= 10% of imports then); concentration: 3-month share "
    "crosses 50%; new_supplier: nothing in 12 months, now >= 10% of imports.",
    "Values: USD as the reporter recorded them (imports CIF).",
]


def reporter_flows(
    reporter: Annotated[str | None, typer.Option(help="Reporter(s): KOR, 'KOR,CHN'.")] = None,
    partner: Annotated[str | None, typer.Option(help="Partner(s): JPN, Japan.")] = None,
    flow: Annotated[str | None, typer.Option(help="import or export.")] = None,
    product: Annotated[str | None, typer.Option(help="HS prefixes or national codes.")] = None,
    year: Annotated[int | None, typer.Option("--year", "-y", help="Year.")] = None,
    monthly: Annotated[bool | None, typer.Option("--monthly/--annual",
                                                 help="Monthly or annual rows only.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = 200,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Reporter-side rows (Comtrade, customs): values in USD as reported, weights in kg."""
    with open_session(db) as s:
        df = s.reporter_flows(reporter=reporter, partner=partner, flow=flow, product=product,
                              year=year, monthly=monthly, limit=limit)
        emit(df, fmt, out, title="Reporter flows (USD as reported; kg)",
             source="; ".join(sorted(df["dataset"].unique())) or None)


def reporter_sources(db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """List the reporter files loaded (layout, dataset, rows, periods)."""
    with open_session(db) as s:
        emit(s.reporter_sources(), fmt, out, title="Reporter files loaded")


def mirror(
    reporter: Annotated[str, typer.Option(help="Reporting economy, e.g. KOR.")] = "KOR",
    partner: Annotated[str, typer.Option(help="Partner economy, e.g. JPN.")] = "JPN",
    product: Annotated[str, typer.Option(help="HS6 code, e.g. 281111.")] = "281111",
    year: Annotated[int, typer.Option("--year", "-y", help="Year.")] = 2019,
    monthly: Annotated[bool, typer.Option(help="Month by month: the reporter's imports "
                                          "against the partner's exports (docs/feed.md).")] = False,
    start: Annotated[str | None, typer.Option("--from", help="--monthly: first month.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="--monthly: last month.")] = None,
    tolerance: Annotated[float, typer.Option(help="--monthly: flag |gap| above this.")] = 0.25,
    lag: Annotated[int | None, typer.Option(help="--monthly: months from export to import "
                                            "record, 0-2 (default: estimated).")] = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Compare a reporter's value with the partner's mirror record and BACI (with gaps)."""
    if monthly:
        from straits.provenance import of

        with open_session(db) as s:
            df = s.monthly_mirror(reporter, partner, product, start=start, end=end, lag=lag,
                                  tolerance=tolerance)
            prov = of(df)
            emit(df, fmt, out, title=f"{reporter} imports vs {partner} exports of {product}, "
                 "monthly (USD as each reported)", source=prov.source, notes=list(prov.notes))
        return
    with open_session(db) as s:
        df = s.mirror(reporter, partner, product, year)
        emit(df, fmt, out, title=f"{reporter}–{partner} {product} {year}: reporter vs mirror "
             "vs BACI (USD)", source=f"reporter files as named; {s.citation()}",
             notes=["gap = reporter_usd / other - 1; imports are CIF, BACI is FOB.",
                    "months: monthly rows summed (0 = annual data)."])


def watch(
    importer: Annotated[str, typer.Argument(help="Importing economy, e.g. KOR.")],
    products: Annotated[str | None, typer.Option(help="HS prefixes or HS10 codes.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM.")] = None,
    drop_threshold: Annotated[float, typer.Option(help="Drop vs seasonal baseline.")] = 0.5,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Early-warning signals on monthly imports: drops, >50% dependence, new suppliers."""
    with open_session(db) as s:
        df = s.watch(importer, products=products, start=start, end=end,
                     drop_threshold=drop_threshold)
        emit(df, fmt, out, title=f"Early-warning signals, {importer} imports",
             source=df.attrs.get("source"), notes=WATCH_NOTES)


def emit_monthly(ev, fmt: Format, out, *, gainers: bool = False) -> None:
    """Render a :class:`~straits.security.monthly.MonthlyEvent` (shared with `event`)."""
    p = ev.preset
    if gainers:
        emit(ev.gainers, fmt, out, title=f"{p.title}: suppliers that gained ({ev.importer})",
             source=ev.source, notes=["Mean monthly USD, 12 months before vs from the start."])
        return
    emit(ev.months, fmt, out, title=f"{p.title}: monthly, {p.exporter} -> {ev.importer} "
         f"(month 0 = {p.start})", source=ev.source,
         notes=[*ev.notes, "value_usd as reported; share of the importer's imports (0-1)."])


def register(app: typer.Typer) -> None:
    """Add the reporter commands to the top-level app."""
    app.command("reporter-flows")(reporter_flows)
    app.command("reporter-sources")(reporter_sources)
    app.command()(mirror)
    app.command()(watch)
