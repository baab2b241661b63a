"""The live feed: `fetch comtrade` (and `fetch baci`), `refresh`, `watchlist`, `fetches`.

See docs/feed.md: the subscription key, the API's limits, running `refresh` under cron.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer

from straits.cli._common import DbOpt, Format, FormatOpt, OutOpt, WaitOpt, emit, open_session

fetch_app = typer.Typer(help="Download data and load it: a BACI release, or UN Comtrade "
                        "monthly series from the API.", no_args_is_help=True)

BaseUrlOpt = Annotated[str | None, typer.Option(
    help="API base URL (default https://comtradeapi.un.org; a test server).")]
IntervalOpt = Annotated[float, typer.Option(
    "--interval", help="Seconds between calls (the API allows about one a second).")]
RetriesOpt = Annotated[int, typer.Option(help="Retries of a throttled (429) or failed call, "
                                         "with exponential backoff honouring Retry-After.")]
MaxRecordsOpt = Annotated[int | None, typer.Option(
    help="Records asked per call (default 500 keyless, 100000 with a key); fuller answers "
         "are split.")]


def _client(base_url, interval, retries, max_records):
    from straits.sources.comtrade_api import KEY_ENV, ComtradeClient, RetryPolicy

    return ComtradeClient(base_url, os.environ.get(KEY_ENV) or None, max_records=max_records,
                          policy=RetryPolicy(retries=retries, min_interval_s=interval))


def _target(db: Path | None) -> Path:
    """The warehouse written: --db / STRAITS_DB, else the default one (built if missing).

    A given file is opened (and closed) first, so a bad ``--db`` is reported before any
    call to the API rather than after a fetch with retries.
    """
    if db is not None:
        from straits.warehouse.backend import connect

        connect(db).close()
        return db
    from straits.data.default import default_path

    return default_path()


@contextmanager
def _calls(console) -> Iterator:
    """A Rich progress bar over API calls; yields the library's progress callback."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeElapsedColumn

    with Progress("[progress.description]{task.description}", BarColumn(),
                  MofNCompleteColumn(), TimeElapsedColumn(), console=console,
                  transient=True) as bar:
        task = bar.add_task("UN Comtrade", total=None)
        yield lambda done, total, label: bar.update(task, completed=done, total=total,
                                                    description=label)


def comtrade(
    reporter: Annotated[str, typer.Option(help="Reporter(s): KOR, 'KOR,JPN'.")],
    products: Annotated[str, typer.Option("--products", "-p",
                                          help="HS6 codes, comma-separated: 281111,370790.")],
    start: Annotated[str, typer.Option("--from", help="First month, YYYY-MM (--freq A: "
                                       "its year).")],
    end: Annotated[str, typer.Option("--to", help="Last month, YYYY-MM (--freq A: its year).")],
    partner: Annotated[str | None, typer.Option(
        help="Partner(s): JPN,CHN,TWN,USA (default: every partner).")] = None,
    freq: Annotated[str, typer.Option(help="M (monthly) or A (annual).")] = "M",
    flow: Annotated[str, typer.Option(help="M (imports), X (exports) or M,X, as the "
                                      "reporter records them.")] = "M",
    mirror: Annotated[bool, typer.Option(help="Also fetch the partners' own records of the "
                                         "same trade (their exports for --flow M).")] = False,
    restart: Annotated[bool, typer.Option(help="Discard answers staged by an interrupted "
                                          "run instead of resuming.")] = False,
    base_url: BaseUrlOpt = None,
    interval: IntervalOpt = 1.0,
    retries: RetriesOpt = 5,
    max_records: MaxRecordsOpt = None,
    db: DbOpt = None,
    wait: WaitOpt = 0.0,
) -> None:
    """Fetch UN Comtrade data from the API into reporter_flows (resumable, idempotent).

    The key comes from COMTRADE_API_KEY; without it the keyless preview (500 records a call)
    is used. Run the same command again to resume an interrupted fetch; fetching a period
    again replaces it, so revisions land.
    """
    from rich.console import Console

    from straits.feed.fetch import fetch_comtrade, iter_log, plan_query

    console = Console(stderr=True)
    query = plan_query(reporter, partner, products, start, end, freq=freq.upper(),
                       flows=flow.upper(), mirror=mirror)
    target = _target(db)
    with _client(base_url, interval, retries, max_records) as client, _calls(console) as bar:
        console.print(client.limits())
        entry = fetch_comtrade(target, query, client, restart=restart, progress=bar, wait=wait)
    console.print(f"Stored {next(iter_log([entry]))} into {target} (fetch {entry['fetch_id']}; "
                  "`straits fetches` lists the log)")


def refresh(
    watchlist: Annotated[Path | None, typer.Option(
        help="Watchlist TOML (default: watchlist.toml in the config folder; see "
             "`straits watchlist`).")] = None,
    until: Annotated[str | None, typer.Option("--to", help="Last month fetched, YYYY-MM "
                                              "(default: the current month).")] = None,
    alerts: Annotated[Path | None, typer.Option(
        help="Folder of alerts-latest.json/.csv and alerts-history.csv (default: the "
             "user data folder).")] = None,
    fail_on_signal: Annotated[bool, typer.Option(
        help="Exit with code 3 when there are new signals (errors exit 2).")] = False,
    base_url: BaseUrlOpt = None,
    interval: IntervalOpt = 1.0,
    retries: RetriesOpt = 5,
    max_records: MaxRecordsOpt = None,
    db: DbOpt = None,
    wait: WaitOpt = 0.0,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Fetch what is new for the watchlist, run watch, print and file the new signals.

    Exit codes: 0 done, 2 error (nothing stored), 3 new signals with --fail-on-signal.
    """
    from rich.console import Console

    from straits.feed import refresh as feed_refresh
    from straits.feed import watchlist as wl_mod
    from straits.feed.fetch import iter_log

    console = Console(stderr=True)
    wl = wl_mod.load(watchlist)
    target = _target(db)
    with _client(base_url, interval, retries, max_records) as client, _calls(console) as bar:
        console.print(client.limits())
        result = feed_refresh.refresh(
            target, wl, client, until=until, alerts_dir=alerts, progress=bar, wait=wait,
            on_fetch=lambda q: console.print(
                f"Fetching {','.join(q.reporters)} {','.join(q.flows)} {q.start}–{q.end}"))
    for line in iter_log(result.fetches):
        console.print(f"  stored {line}")
    for note in result.notes:
        console.print(f"[dim]{note}[/dim]")
    log = result.log
    emit(result.new, fmt, out, title=f"New early-warning signals ({log['new_signals']} new of "
         f"{log['signals']})", source="UN Comtrade (as fetched); rules of `straits watch`",
         notes=["Only signals no earlier refresh reported; all are in `straits watch`."])
    console.print(f"Refresh {log['refresh_id']} into {target}; alerts: "
                  + ", ".join(str(f) for f in result.files))
    if fail_on_signal and log["new_signals"]:
        raise typer.Exit(feed_refresh.EXIT_SIGNAL)


def watchlist(
    path: Annotated[Path | None, typer.Option("--watchlist", help="Watchlist to show "
                                              "(default: the one in the config folder).")] = None,
    example: Annotated[bool, typer.Option(help="Print the example watchlist shipped with "
                                          "Straits.")] = False,
    init: Annotated[bool, typer.Option(help="Copy the example into the config folder (never "
                                       "over an existing file).")] = False,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """Show the watchlist `straits refresh` reads, print the example, or install it."""
    import shutil
    import sys

    import pandas as pd

    from straits.feed import watchlist as wl_mod

    if example:
        sys.stdout.write(wl_mod.example_path().read_text(encoding="utf-8"))
        return
    target = path or wl_mod.default_path()
    if init:
        if target.exists():
            typer.echo(f"{target} exists; left as it is.", err=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(wl_mod.example_path(), target)
            typer.echo(f"Wrote {target} (from {wl_mod.example_path()})", err=True)
    if not target.exists():
        hint = (f"No watchlist at {target}. The example is {wl_mod.example_path()} "
                "(`straits watchlist --init` copies it there).")
        if path is not None:  # the file the user named is missing: an error, not a note
            from straits.errors import ParameterError

            raise ParameterError(f"--watchlist: {hint}")
        typer.echo(hint, err=True)
        raise typer.Exit(0)
    wl = wl_mod.load(target)
    df = pd.DataFrame([{"name": e.name, "importer": e.importer,
                        "partners": list(e.partners) if e.partners else ["all"],
                        "products": list(e.products), "mirror": e.mirror} for e in wl.entries])
    emit(df, fmt, out, title=f"Watchlist {target}",
         notes=[f"start {wl.start}, revise_months {wl.revise_months}, rules {wl.rules or 'default'}"])


def fetches(
    limit: Annotated[int | None, typer.Option(help="At most this many fetches.")] = 50,
    db: DbOpt = None,
    fmt: FormatOpt = Format.table,
    out: OutOpt = None,
) -> None:
    """The UN Comtrade fetch log: when each fetch ran, what it asked, rows stored."""
    from straits.errors import DataNotLoadedError
    from straits.warehouse import feed_sql

    with open_session(db) as s:
        if not s.has_table("comtrade_fetches"):
            raise DataNotLoadedError("No UN Comtrade fetch recorded; run `straits fetch comtrade`.")
        last = s.last_refresh()
        emit(s.query(feed_sql.fetch_log(limit)), fmt, out, title=f"UN Comtrade fetches in {s.path}",
             notes=[f"Last refresh: {last['finished_at']:%Y-%m-%d %H:%M} UTC, "
                    f"{last['new_signals']} new signal(s)" if last else "No refresh yet."])


def register(app: typer.Typer) -> None:
    """Add the feed commands (and the `fetch` group) to the top-level app."""
    from straits.cli.data import fetch_baci

    fetch_app.command("baci")(fetch_baci)
    fetch_app.command("comtrade")(comtrade)
    app.add_typer(fetch_app, name="fetch")
    app.command()(refresh)
    app.command()(watchlist)
    app.command()(fetches)
