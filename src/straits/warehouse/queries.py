"""The core relational queries over ``flows``, ``countries`` and ``products``.

Each function returns one :class:`~straits.warehouse.query.Query`: constant DuckDB-dialect
text with ``$name`` parameters, and the values to bind. Filters use BACI numeric codes; ISO3
codes are joined on at the edge, in the final ``SELECT``. Product filters take HS6 codes
already expanded from prefixes and aliases (:func:`products_matching_prefixes`), so the scan
tests one list membership per row instead of string prefixes.

The filter fragments below are the only SQL shared between builders; each is constant text.
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse.query import Query, codes, strings


def in_list(param: str, column: str) -> str:
    """Constant text of an optional membership filter: ``($p IS NULL OR list_contains($p, c))``.

    ``param`` and ``column`` are identifiers written in this package, never caller values.
    """
    return f"(${param} IS NULL OR list_contains(${param}, {column}))"


_FLOW_FILTER = " AND ".join([
    in_list("years", "f.year"), in_list("exporters", "f.exporter"),
    in_list("importers", "f.importer"), in_list("products", "f.product"),
])

_FLOWS_SQL = f"""SELECT f.year, e.iso3 AS exporter, m.iso3 AS importer, f.product,
       f.value_kusd, f.quantity_t
FROM flows AS f
JOIN countries AS e ON e.code = f.exporter
JOIN countries AS m ON m.code = f.importer
WHERE {_FLOW_FILTER}
ORDER BY f.value_kusd DESC, f.year, exporter, importer, f.product
LIMIT $limit OFFSET $offset"""


def flow_params(*, years: Sequence[int] | None, exporters: Sequence[int] | None,
                importers: Sequence[int] | None, products: Sequence[str] | None) -> dict:
    """The bound values of the standard flow filter (``None`` = no filter)."""
    return {"years": codes(years), "exporters": codes(exporters),
            "importers": codes(importers), "products": strings(products)}


def flows(
    *,
    years: Sequence[int] | None,
    exporters: Sequence[int] | None,
    importers: Sequence[int] | None,
    products: Sequence[str] | None,
    limit: int | None = None,
    offset: int = 0,
) -> Query:
    """Bilateral flows with ISO3 codes: year, exporter, importer, product, value_kusd, quantity_t.

    Largest value first; ``limit``/``offset`` page through the result (``limit=None``: all).
    """
    params = flow_params(years=years, exporters=exporters, importers=importers,
                         products=products)
    # DuckDB reads LIMIT NULL as no limit
    return Query("flows", _FLOWS_SQL, {**params, "limit": limit, "offset": int(offset)})


_FLOWS_COUNT_SQL = f"SELECT count(*) AS n FROM flows AS f WHERE {_FLOW_FILTER}"


def flows_count(*, years: Sequence[int] | None, exporters: Sequence[int] | None,
                importers: Sequence[int] | None, products: Sequence[str] | None) -> Query:
    """Number of flows matching the filter (the total behind a paged :func:`flows`)."""
    return Query("flows_count", _FLOWS_COUNT_SQL, flow_params(
        years=years, exporters=exporters, importers=importers, products=products))


_TOTALS_BY = {
    "year": "f.year", "exporter": "e.iso3", "importer": "m.iso3", "product": "f.product",
}


def flows_total(
    *,
    years: Sequence[int] | None,
    exporters: Sequence[int] | None,
    importers: Sequence[int] | None,
    products: Sequence[str] | None,
    by: Sequence[str] = ("year",),
) -> Query:
    """Summed value and quantity grouped by ``by`` (a subset of year, exporter, importer, product).

    Exporter and importer are returned as ISO3; flows whose quantity is missing are counted
    in ``value_kusd`` but not in ``quantity_t`` (``quantity_rows`` says how many had one).
    """
    unknown = [b for b in by if b not in _TOTALS_BY]
    if unknown:
        raise ValueError(f"flows_total: cannot group by {unknown}")
    # the grouping keys are picked from the constant map above, never from caller text
    keys = ", ".join(f"{_TOTALS_BY[b]} AS {b}" for b in by)
    group = ", ".join(_TOTALS_BY[b] for b in by)
    sql = f"""SELECT {keys}{", " if keys else ""}sum(f.value_kusd) AS value_kusd,
       sum(f.quantity_t) AS quantity_t, count(f.quantity_t) AS quantity_rows,
       count(*) AS flows
FROM flows AS f
JOIN countries AS e ON e.code = f.exporter
JOIN countries AS m ON m.code = f.importer
WHERE {_FLOW_FILTER}
{"GROUP BY " + group if keys else ""}
{"ORDER BY " + group if keys else ""}"""
    return Query("flows_total", sql, flow_params(
        years=years, exporters=exporters, importers=importers, products=products))


def datasets() -> Query:
    """What the warehouse holds, one row per dataset and year.

    With the smallest value kept and whether quantities are present: what a cross-year
    comparison must know. The total is a sum of values kept to the dollar (three decimals
    of thousand USD), so it is shown to the dollar, without the sum's float residue.
    """
    return Query("datasets", """SELECT dataset, hs, release, year, rows,
       round(value_kusd, 3) AS value_kusd,
       min_value_kusd, has_quantity, source, loaded_at FROM releases ORDER BY dataset, year""")


def products() -> Query:
    """The loaded release's product table: product (HS6), description, hs.

    Small (about 5,000 rows for a full release), so prefix and word matching happen on the
    Arrow result (:mod:`straits.reference.lookup`) instead of in engine-specific SQL.
    """
    return Query("products", "SELECT product, description, hs FROM products ORDER BY product")


def country_labels() -> Query:
    """BACI code -> ISO3 of the loaded release's country table."""
    return Query("country_labels", "SELECT code, iso3 FROM countries ORDER BY code")
