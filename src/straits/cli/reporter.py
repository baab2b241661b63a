"""Reporter-data commands: reporter-flows, reporter-shares, reporter-sources, mirror, watch.

`straits event --monthly` (in :mod:`straits.cli.security`) renders with :func:`emit_monthly`.
"""

from __future__ import annotations

import enum
from typing import Annotated

import typer

from straits.cli._common import DbOpt, Format, FormatOpt, OutOpt, open_session
from straits.cli.security import show


class Flow(enum.StrEnum):
    """Direction as the reporter records it."""

    import_ = "import"
    export = "export"


class By(enum.StrEnum):
    """Period of `straits reporter-shares`."""

    year = "year"
    month = "month"


def _years(text: str | None) -> list[int] | None:
    from straits.errors import ParameterError

    if text is None:
        return None
    try:
        return [int(y) for y in text.split(",") if y.strip()] or None
    except ValueError:
        raise ParameterError(f"--year must be years like 2019 or 2018,2019. Got {text!r} "
                             "instead.") from None


YearsOpt = Annotated[str | None, typer.Option(
    "--year", "-y", help="Year(s), comma-separated (default: the latest year the series hold).")]


def reporter_flows(
    reporter: Annotated[str | None, typer.Option(help="Reporter(s): KOR, 'KOR,CHN'.")] = None,
    partner: Annotated[str | None, typer.Option(help="Partner(s): JPN, Japan.")] = None,
    flow: Annotated[Flow | None, typer.Option(help="import or export.")] = None,
    product: Annotated[str | None, typer.Option(help="HS prefixes or national codes.")] = None,
    year: Annotated[str | None, typer.Option(
        "--year", "-y", help="Year(s), comma-separated (default: every year).")] = None,
    monthly: Annotated[bool | None, typer.Option("--monthly/--annual",
                                                 help="Monthly or annual rows only.")] = None,
    limit: Annotated[int | None, typer.Option(help="At most this many rows.")] = 200,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Reporter-side rows (Comtrade, customs): values in USD as reported, weights in kg."""
    with open_session(db) as s:
        df = s.reporter_flows(reporter=reporter, partner=partner,
                              flow=flow.value if flow else None, product=product,
                              year=_years(year), monthly=monthly, limit=limit)
    show(df, fmt, out, "Reporter flows (USD as reported; kg)")


def reporter_shares(
    reporter: Annotated[str, typer.Argument(help="Reporting economy, e.g. KOR.")],
    product: Annotated[str | None, typer.Option(
        "--product", "-p", help="HS prefixes or national codes (2811111000).")] = None,
    partner: Annotated[str | None, typer.Option(
        help="Partners to list (shares stay of the total): JPN,CHN.")] = None,
    flow: Annotated[Flow, typer.Option(help="import or export.")] = Flow.import_,
    by: Annotated[By, typer.Option(help="year (monthly rows summed) or month.")] = By.year,
    year: YearsOpt = None,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Partner shares of a reporter's imports or exports, by year or month, value and weight."""
    with open_session(db) as s:
        df = s.reporter_shares(reporter, product=product, partner=partner, flow=flow.value,
                               by=by.value, year=_years(year))
    show(df, fmt, out, f"{reporter} {flow.value}s by partner, by {by.value} (USD as reported; kg)")


def reporter_sources(db: DbOpt = None, fmt: FormatOpt = Format.table, out: OutOpt = None) -> None:
    """List the reporter files loaded (layout, dataset, rows, periods)."""
    with open_session(db) as s:
        df = s.reporter_sources()
    show(df, fmt, out, "Reporter files loaded")


def mirror(
    reporter: Annotated[str, typer.Option(help="Reporting economy, e.g. KOR.")] = "KOR",
    partner: Annotated[str, typer.Option(help="Partner economy, e.g. JPN.")] = "JPN",
    product: Annotated[str, typer.Option(help="HS6 code, e.g. 281111.")] = "281111",
    year: Annotated[int | None, typer.Option(
        "--year", "-y", help="Year (default: the latest loaded BACI year).")] = None,
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
        with open_session(db) as s:
            df = s.monthly_mirror(reporter, partner, product, start=start, end=end, lag=lag,
                                  tolerance=tolerance)
        show(df, fmt, out, f"{reporter} imports vs {partner} exports of {product}, monthly "
             "(USD as each reported)")
        return
    with open_session(db) as s:
        df = s.mirror(reporter, partner, product, year)
    show(df, fmt, out, f"{reporter}-{partner} {product} {df['year'].iloc[0]}: reporter vs "
         "mirror vs BACI (USD)")


def watch(
    importer: Annotated[str, typer.Argument(help="Importing economy, e.g. KOR.")],
    products: Annotated[str | None, typer.Option(help="HS prefixes or HS10 codes.")] = None,
    start: Annotated[str | None, typer.Option("--from", help="First month, YYYY-MM.")] = None,
    end: Annotated[str | None, typer.Option("--to", help="Last month, YYYY-MM.")] = None,
    drop_threshold: Annotated[float, typer.Option(
        help="Drop vs the seasonal baseline that counts, 0-1 (0.5 = a halving).")] = 0.5,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Early-warning signals on monthly imports: drops, >50% dependence, new suppliers."""
    with open_session(db) as s:
        df = s.watch(importer, products=products, start=start, end=end,
                     drop_threshold=drop_threshold)
    show(df, fmt, out, f"Early-warning signals, {importer} imports (product = the series' code)")


def emit_monthly(ev, fmt: Format, out, *, gainers: bool = False) -> None:
    """Render a :class:`~straits.security.monthly.MonthlyEvent` (shared with `event`)."""
    p = ev.preset
    if gainers:
        show(ev.gainers, fmt, out, f"{p.title}: suppliers that gained ({ev.importer})",
             extra=["Mean monthly USD before vs from the start."])
        return
    show(ev.months, fmt, out, f"{p.title}: monthly, {p.exporter} -> {ev.importer} "
         f"(month 0 = {p.start})",
         extra=["value_usd as reported; share of the importer's imports (0-1)."])


def register(app: typer.Typer) -> None:
    """Add the reporter commands to the top-level app."""
    app.command("reporter-flows")(reporter_flows)
    app.command("reporter-shares")(reporter_shares)
    app.command("reporter-sources")(reporter_sources)
    app.command()(mirror)
    app.command()(watch)
