"""``straits refresh``: fetch what is new for a watchlist, run the early warning, raise alerts.

One refresh:

1. For each ``[[watch]]`` entry and side (the importer's imports; with ``mirror`` the
   partners' exports to it), finds the last month the feed stored
   (:func:`~straits.warehouse.feed_sql.data_through`) and fetches from ``revise_months``
   before it (so revisions land) up to ``until`` (the current month); an entry with nothing
   stored starts at the watchlist's ``start``.
2. Stores every fetch, runs :func:`straits.security.watch.watch` for each importer over
   the stored history with the watchlist's rules, and keeps as *new* the signals no earlier
   refresh reported; all in one transaction (a failure leaves the warehouse as it was, and
   the answers already downloaded stay staged for the next run).
3. Writes the new signals to ``alerts-latest.json`` and ``alerts-latest.csv`` (replaced each
   run, empty when nothing is new) and appends them to ``alerts-history.csv``.

:func:`last_refresh` tells when the last refresh ran (for the dashboard's early-warning page).
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from straits.errors import DataNotLoadedError
from straits.feed import fetch as feed_fetch
from straits.feed.watchlist import Watchlist
from straits.security.watch import COLUMNS as WATCH_COLUMNS
from straits.sources.comtrade_api import ComtradeClient
from straits.warehouse import feed_load, feed_sql
from straits.warehouse.backend import DuckDBBackend
from straits.warehouse.query import Query

ALERT_COLUMNS = ["refresh_id", "ran_at", "importer", *WATCH_COLUMNS]
EXIT_SIGNAL = 3
"""Exit code of ``straits refresh --fail-on-signal`` when there are new signals (2 = error)."""


@dataclass
class RefreshResult:
    """What one refresh did: its log entry, the fetches, the new signals, the alert files."""

    log: dict
    fetches: list[dict]
    new: pd.DataFrame
    signals: pd.DataFrame
    files: list[Path] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def default_alerts_dir() -> Path:
    """``alerts`` in the user's data folder (platformdirs: ``~/.local/share/straits``)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("straits", appauthor=False)) / "alerts"


def plan(db: Path, wl: Watchlist, until: str) -> list[feed_fetch.FetchQuery]:
    """The fetches a refresh makes: per entry and side, from the last stored month on."""
    from straits.security.monthly import parse_month

    queries = []
    backend = _reader(db)
    try:
        end = parse_month(until, "until", "refresh")
        first = parse_month(wl.start, "start", "refresh")
        for e in wl.entries:
            sides = [((e.importer,), e.partners, ("M",))]
            if e.mirror:
                sides.append((e.partners or (), (e.importer,), ("X",)))
            for reporters, partners, flows in sides:
                through = None
                if backend is not None:
                    through = backend.arrow(feed_sql.data_through(
                        feed_load.SOURCE_PREFIX, reporters,
                        [feed_fetch.FLOWS[f] for f in flows],
                        e.products, partners)).column("through")[0].as_py()
                    if through is None:  # asked before, nothing published yet
                        through = _fetched_through(backend, reporters, partners, e.products,
                                                   flows)
                begin = first if through is None else max(first, through + 1 - wl.revise_months)
                if begin > end:
                    continue
                queries.append(feed_fetch.FetchQuery(
                    reporters, partners, e.products, _month(begin), _month(end), "M", flows))
    finally:
        if backend is not None:
            backend.con.close()
    return queries


def refresh(db: str | Path, wl: Watchlist, client: ComtradeClient, *, until: str | None = None,
            alerts_dir: Path | None = None, progress: feed_fetch.Progress | None = None,
            on_fetch: Callable[[feed_fetch.FetchQuery], None] | None = None,
            root: Path | None = None, wait: float = 0.0) -> RefreshResult:
    """Run one refresh of watchlist ``wl`` into the warehouse at ``db``.

    Parameters
    ----------
    db : path
        Warehouse file (created when missing).
    wl : Watchlist
        Parsed watchlist (:func:`straits.feed.watchlist.load`).
    client : ComtradeClient
        API client (key, base URL, retry policy).
    until : str, optional
        Last month fetched, ``YYYY-MM`` (default: the current month, UTC).
    alerts_dir : Path, optional
        Folder of the alert files (default :func:`default_alerts_dir`).
    progress, on_fetch : callables, optional
        Progress of each fetch's calls; called with each query before it runs.
    wait : float
        Seconds to queue behind another writer of ``db`` before giving up.

    Returns
    -------
    RefreshResult
        ``new`` has :data:`ALERT_COLUMNS`; ``signals`` every signal found this time.
    """
    db = Path(db)
    started = feed_load.utc_now()
    refresh_id = started.strftime("%Y%m%dT%H%M%S") + "-" + uuid.uuid4().hex[:6]
    until = until or started.strftime("%Y-%m")
    staged = []
    for q in plan(db, wl, until):
        if on_fetch is not None:
            on_fetch(q)
        staged.append(feed_fetch.download(q, client, root=root, progress=progress))
    notes: list[str] = []
    with feed_load.writing(db, wait=wait, command="straits refresh") as con:
        logs = [feed_fetch.store(con, s, refresh_id=refresh_id, base_url=client.base_url,
                                 endpoint=client.endpoint) for s in staged]
        signals = _watch(con, wl, notes)
        ran_at = feed_load.utc_now()
        seen = _InTransaction(con).arrow(
            feed_sql.seen_signals(sorted({e.importer for e in wl.entries}))).to_pandas()
        key = ["importer", "period", "product", "supplier", "signal"]
        mark = signals[key].merge(seen.assign(_seen=True), on=key, how="left")["_seen"]
        new = signals[mark.isna().to_numpy()].reset_index(drop=True)
        new.insert(0, "ran_at", ran_at)
        new.insert(0, "refresh_id", refresh_id)
        feed_load.store_signals(con, new)
        log = {"refresh_id": refresh_id, "started_at": started, "finished_at": ran_at,
               "watchlist": str(wl.path), "entries": len(wl.entries), "fetches": len(logs),
               "rows": sum(e["rows"] for e in logs), "signals": len(signals),
               "new_signals": len(new)}
        feed_load.log_refresh(con, log)
    for s in staged:
        feed_fetch.finish(s)
    files = write_alerts(new[ALERT_COLUMNS], log, alerts_dir or default_alerts_dir())
    return RefreshResult(log, logs, new[ALERT_COLUMNS], signals, files, notes)


def last_refresh(wh) -> dict | None:
    """When the last refresh ran and what it found, or ``None`` if none ever ran.

    Parameters
    ----------
    wh : Warehouse
        Any Straits warehouse (read-only is enough).

    Returns
    -------
    dict or None
        refresh_id, started_at, finished_at (UTC, naive datetimes), watchlist, entries,
        fetches, rows, signals, new_signals.
    """
    if not wh.has_table("feed_refreshes"):
        return None
    rows = wh.arrow(feed_sql.last_refresh()).to_pylist()
    return rows[0] if rows else None


def write_alerts(new: pd.DataFrame, log: dict, folder: Path) -> list[Path]:
    """``alerts-latest.json`` / ``.csv`` (this run) and ``alerts-history.csv`` (appended)."""
    folder.mkdir(parents=True, exist_ok=True)
    latest_json, latest_csv = folder / "alerts-latest.json", folder / "alerts-latest.csv"
    history = folder / "alerts-history.csv"
    doc = {"refresh": {k: (v.isoformat() if isinstance(v, dt.datetime) else v)
                       for k, v in log.items()},
           "source": "UN Comtrade (reporter data as fetched); rules of straits watch",
           "signals": json.loads(new.to_json(orient="records", date_format="iso"))}
    _atomic_text(latest_json, json.dumps(doc, indent=1, ensure_ascii=False) + "\n")
    _atomic_text(latest_csv, new.to_csv(index=False))
    new.to_csv(history, mode="a", header=not history.exists(), index=False)
    return [latest_json, latest_csv, history]


class _InTransaction(DuckDBBackend):
    """A backend that reads through the writing connection itself.

    So it sees the rows the open transaction just stored (a cursor would be a separate
    connection, outside the transaction).
    """

    def arrow(self, query: Query):  # noqa: D102
        for name, table in query.tables.items():
            self.con.register(name, table)
        try:
            return self.con.sql(query.sql, params=dict(query.params) or None).to_arrow_table()
        finally:
            for name in query.tables:
                self.con.unregister(name)

    def batches(self, query: Query, rows: int = 1_000_000):  # noqa: D102
        yield from self.arrow(query).to_batches(max_chunksize=rows)

    def has_table(self, name: str) -> bool:  # noqa: D102 (inside the transaction, uncached)
        exists = self.con.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = $n",
                                  {"n": name}).fetchall()[0][0]
        # the name is a table that exists (checked just above), so quoting it is safe
        return bool(exists) and bool(self.con.execute(
            'SELECT EXISTS (SELECT 1 FROM "' + name.replace('"', '""') + '")').fetchall()[0][0])


def _watch(con, wl: Watchlist, notes: list[str]) -> pd.DataFrame:
    """Every signal of every importer of the watchlist, over its products."""
    from straits.security.watch import watch
    from straits.session import Session

    s = Session(backend=_InTransaction(con))
    frames = []
    by_importer: dict[str, list[str]] = {}
    for e in wl.entries:
        by_importer.setdefault(e.importer, []).extend(e.products)
    for importer, products in by_importer.items():
        try:
            w = watch(s, importer, products=sorted(set(products)), **wl.rules)
        except DataNotLoadedError as exc:
            notes.append(f"{importer}: {exc}")
            continue
        frames.append(w.assign(importer=importer))
    if not frames:
        return pd.DataFrame(columns=["importer", *WATCH_COLUMNS])
    out = pd.concat(frames, ignore_index=True)
    return out[["importer", *WATCH_COLUMNS]]


def _reader(db: Path) -> DuckDBBackend | None:
    """A read-only backend on ``db`` when it holds reporter data, else ``None``."""
    if not db.exists():
        return None
    backend = DuckDBBackend.open(db)  # not duckdb.connect: its per-path cache goes stale
    if not backend.has_table("reporter_flows"):
        backend.con.close()
        return None
    return backend


def _fetched_through(backend: DuckDBBackend, reporters, partners, products, flows) -> int | None:
    """Last month an earlier fetch of exactly this selection asked for (months since 0)."""
    if not backend.has_table("comtrade_fetches"):
        return None
    want = [list(reporters), None if partners is None else list(partners), list(products),
            list(flows)]
    ends = []
    for row in backend.arrow(feed_sql.fetch_log()).to_pylist():  # one row per fetch
        q = json.loads(row["query"])
        if [q["reporters"], q["partners"], q["products"], q["flows"]] == want and q["freq"] == "M":
            ends.append(int(q["end"][:4]) * 12 + int(q["end"][5:7]) - 1)
    return max(ends) if ends else None


def _month(p: int) -> str:
    return f"{p // 12:04d}-{p % 12 + 1:02d}"


def _atomic_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
