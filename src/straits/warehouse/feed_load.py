"""Writes of the live feed: fetched rows replace what their request covered, logged.

A fetch is stored in one transaction: for every request scope (reporters, partners, HS6
codes, flows and periods asked for) the rows an earlier fetch stored in that scope are
deleted, the new rows inserted, the catalog entry of each fetched source recomputed and the
fetch logged in ``comtrade_fetches``. So fetching a period again replaces it: a revised month
lands, and a row the revision dropped goes. Rows ingested from files (other ``source``
values) are never touched. A refresh stores its fetches, its signals and its log entry in
the same transaction (:func:`writing`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import duckdb
import pandas as pd

from straits.warehouse.reporter_load import COLUMNS
from straits.warehouse.reporter_load import ensure_schema as ensure_reporter_schema

SOURCE_PREFIX = "comtrade-api:"
LAYOUT = "comtrade-api"
FETCH_COLUMNS = ["fetch_id", "refresh_id", "started_at", "finished_at", "endpoint", "base_url",
                 "query", "first_period", "last_period", "calls", "reused", "retries", "rows",
                 "estimated_rows"]
REFRESH_COLUMNS = ["refresh_id", "started_at", "finished_at", "watchlist", "entries",
                   "fetches", "rows", "signals", "new_signals"]
SIGNAL_COLUMNS = ["importer", "period", "product", "supplier", "signal", "value_usd",
                  "refresh_id"]


def source_of(reporter: str) -> str:
    """The ``source`` value of rows fetched for one reporter (``comtrade-api:KOR``)."""
    return SOURCE_PREFIX + reporter


@dataclass(frozen=True)
class Scope:
    """What one request asked for, in stored terms: the rows a new answer replaces.

    ``periods`` are ``year * 100 + month`` (``month`` 0 for annual rows); ``partners`` None
    means every partner.
    """

    reporters: tuple[str, ...]
    partners: tuple[str, ...] | None
    products: tuple[str, ...]
    flows: tuple[str, ...]
    periods: tuple[int, ...]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the reporter and feed tables if this warehouse predates them."""
    ensure_reporter_schema(con)
    con.execute(resources.files("straits.warehouse").joinpath("feed.sql").read_text("utf-8"))


@contextmanager
def writing(path: str | Path, *, wait: float = 0.0,
            command: str = "straits refresh") -> Iterator[duckdb.DuckDBPyConnection]:
    """One atomic write to the warehouse at ``path`` through the copy-on-write writer.

    Everything the feed writes goes through here (:func:`straits.warehouse.write.writing`:
    lock, copy, swap); the transaction lets the caller read its own rows before the swap.
    """
    from straits.warehouse import write

    with write.writing(path, wait=wait, command=command) as con:
        ensure_schema(con)
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise


_DELETE = """DELETE FROM reporter_flows
WHERE starts_with(source, $prefix)
  AND list_contains($reporters, reporter) AND list_contains($flows, flow)
  AND list_contains($products, hs6)
  AND ($partners::VARCHAR[] IS NULL OR list_contains($partners::VARCHAR[], partner))
  AND list_contains($periods, year::INTEGER * 100 + coalesce(month, 0))"""

_SUMMARY = """INSERT INTO reporter_sources
SELECT source, $layout, min(dataset), string_agg(DISTINCT reporter, ',' ORDER BY reporter),
       count(*), sum(value_usd),
       min(year::VARCHAR || coalesce('-' || lpad(month::VARCHAR, 2, '0'), '')),
       max(year::VARCHAR || coalesce('-' || lpad(month::VARCHAR, 2, '0'), '')),
       coalesce(string_agg(DISTINCT reporter || ' ' || flow || ' ' || classification, ';'
                           ORDER BY reporter || ' ' || flow || ' ' || classification)
                FILTER (WHERE month IS NOT NULL), ''),
       $now
FROM reporter_flows WHERE list_contains($sources, source) GROUP BY source"""


def store_rows(con: duckdb.DuckDBPyConnection, table: pd.DataFrame,
               scopes: Sequence[Scope]) -> None:
    """Replace the rows of ``scopes`` by ``table`` (columns of ``reporter_flows``).

    Runs inside the caller's transaction (:func:`writing`); the catalog entries
    (``reporter_sources``) of every source touched are recomputed from the stored rows.
    """
    sources = sorted({source_of(r) for s in scopes for r in s.reporters}
                     | set(table["source"].unique()))
    for s in scopes:
        con.execute(_DELETE, {"prefix": SOURCE_PREFIX, "reporters": list(s.reporters),
                              "flows": list(s.flows), "products": list(s.products),
                              "partners": None if s.partners is None else list(s.partners),
                              "periods": list(s.periods)})
    con.register("_straits_fetched", table[COLUMNS])
    try:
        con.execute("INSERT INTO reporter_flows SELECT * FROM _straits_fetched")
    finally:
        con.unregister("_straits_fetched")
    con.execute("DELETE FROM reporter_sources WHERE list_contains($sources, source)",
                {"sources": sources})
    con.execute(_SUMMARY, {"layout": LAYOUT, "sources": sources, "now": utc_now()})


def log_fetch(con: duckdb.DuckDBPyConnection, entry: dict) -> None:
    """Record one fetch in ``comtrade_fetches`` (keys :data:`FETCH_COLUMNS`)."""
    _insert(con, "comtrade_fetches", FETCH_COLUMNS, entry)


def log_refresh(con: duckdb.DuckDBPyConnection, entry: dict) -> None:
    """Record one refresh in ``feed_refreshes`` (keys :data:`REFRESH_COLUMNS`)."""
    _insert(con, "feed_refreshes", REFRESH_COLUMNS, entry)


def store_signals(con: duckdb.DuckDBPyConnection, signals: pd.DataFrame) -> None:
    """Remember signals reported (columns :data:`SIGNAL_COLUMNS`) so they are not new again."""
    if signals.empty:
        return
    con.register("_straits_signals", signals[SIGNAL_COLUMNS])
    try:
        con.execute("INSERT OR IGNORE INTO feed_signals SELECT * FROM _straits_signals")
    finally:
        con.unregister("_straits_signals")


def _insert(con: duckdb.DuckDBPyConnection, table: str, columns: list[str], entry: dict) -> None:
    # table and column names are the constants above; every value is bound
    marks = ", ".join(f"${c}" for c in columns)
    con.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({marks})",
                {c: entry.get(c) for c in columns})


def utc_now() -> dt.datetime:
    """Now, UTC, without tzinfo (how the warehouse stores timestamps)."""
    return dt.datetime.now(dt.UTC).replace(tzinfo=None)
