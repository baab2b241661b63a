"""Queries of the live feed: the fetch and refresh log, what is stored, both sides of a flow.

Each builder returns one :class:`~straits.warehouse.query.Query` with its values bound.
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse.query import Query


def last_refresh() -> Query:
    """The most recent refresh: every column of ``feed_refreshes`` (none or one row)."""
    return Query("last_refresh", """SELECT refresh_id, started_at, finished_at, watchlist,
       entries, fetches, rows, signals, new_signals
FROM feed_refreshes ORDER BY finished_at DESC, refresh_id DESC LIMIT 1""")


def fetch_log(limit: int | None = None) -> Query:
    """The fetch log, newest first."""
    return Query("fetch_log", """SELECT fetch_id, refresh_id, started_at, finished_at, endpoint,
       base_url, first_period, last_period, calls, reused, retries, rows, estimated_rows, query
FROM comtrade_fetches ORDER BY started_at DESC, fetch_id DESC
LIMIT coalesce($limit, 1000000000)""", {"limit": limit})


def data_through(prefix: str, reporters: Sequence[str], flows: Sequence[str],
                 products: Sequence[str], partners: Sequence[str] | None) -> Query:
    """Latest month stored by the feed, taken over each reporter and product with data.

    Returns one row, ``through`` = the smallest over (reporter, HS6) of the last month
    stored (months since year 0; an annual row counts as its December), NULL when nothing
    is stored: a refresh starts from there, so a reporter that publishes later than the
    others is not skipped.
    """
    return Query("feed_data_through", """SELECT min(last_p) AS through FROM (
    SELECT reporter, hs6, max(year::INTEGER * 12 + coalesce(month, 12) - 1) AS last_p
    FROM reporter_flows
    WHERE starts_with(source, $prefix) AND list_contains($reporters, reporter)
      AND list_contains($flows, flow) AND list_contains($products, hs6)
      AND ($partners IS NULL OR list_contains($partners, partner))
    GROUP BY reporter, hs6
) AS t""", {"prefix": prefix, "reporters": list(reporters), "flows": list(flows),
            "products": list(products), "partners": None if partners is None else list(partners)})


def seen_signals(importers: Sequence[str]) -> Query:
    """Signals earlier refreshes reported for these importers (their keys)."""
    return Query("feed_seen_signals", """SELECT importer, period, product, supplier, signal
FROM feed_signals WHERE list_contains($importers, importer)""", {"importers": list(importers)})


def monthly_pair(importer: str, exporter: str, product: str) -> Query:
    """Both records of one flow, monthly: the importer's imports and the exporter's exports.

    ``product`` is an HS prefix (2, 4 or 6 digits) matched on the HS6 parent. Returns side
    (``import``: as the importer reported it; ``export``: as the exporter did),
    classification, level, value_basis, period (months since year 0), value_usd, weight_kg
    and the source files, summed per side, classification and month.
    """
    return Query("feed_monthly_pair", """SELECT flow AS side, classification, max(level) AS level,
       min(value_basis) AS value_basis,
       year::INTEGER * 12 + month - 1 AS period, sum(value_usd) AS value_usd,
       sum(weight_kg) AS weight_kg, string_agg(DISTINCT source, ', ') AS sources
FROM reporter_flows
WHERE month IS NOT NULL AND left(hs6, $digits) = $product
  AND ((reporter = $importer AND partner = $exporter AND flow = 'import')
       OR (reporter = $exporter AND partner = $importer AND flow = 'export'))
GROUP BY flow, classification, year, month""",
                 {"importer": importer, "exporter": exporter, "product": product,
                  "digits": len(product)})
