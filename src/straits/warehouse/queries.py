"""The relational queries over ``flows``, ``countries`` and ``products``, in one place.

Each function returns one complete SQL statement (DuckDB dialect, values inlined with
:func:`~straits.warehouse.backend.sql_literal`) so it can run on DuckDB or be transpiled to
Spark with :func:`~straits.warehouse.backend.to_dialect`. Filters use BACI numeric codes;
ISO3 codes are joined on at the edge, in the final SELECT.
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse.backend import sql_literal


def product_filter(products: Sequence[str] | None, column: str = "product") -> str:
    """``TRUE`` or a disjunction of HS prefix matches (HS2, HS4 or HS6 codes)."""
    if not products:
        return "TRUE"
    by_len: dict[int, list[str]] = {}
    for p in products:
        by_len.setdefault(len(p), []).append(p)
    parts = [
        f"{column} IN {sql_literal(codes)}" if n == 6 else f"left({column}, {n}) IN {sql_literal(codes)}"
        for n, codes in sorted(by_len.items())
    ]
    return "(" + " OR ".join(parts) + ")"


def code_filter(column: str, codes: Sequence[int] | None) -> str:
    """``TRUE`` or ``column IN (...)`` for BACI country codes."""
    if codes is None:
        return "TRUE"
    return f"{column} IN {sql_literal(tuple(int(c) for c in codes) or (-1,))}"


def year_filter(years: Sequence[int] | None, column: str = "year") -> str:
    """``TRUE`` or ``column IN (...)``."""
    if years is None:
        return "TRUE"
    return f"{column} IN {sql_literal(tuple(int(y) for y in years) or (-1,))}"


def flows(
    *,
    years: Sequence[int] | None,
    exporters: Sequence[int] | None,
    importers: Sequence[int] | None,
    products: Sequence[str] | None,
    limit: int | None = None,
) -> str:
    """Bilateral flows with ISO3 codes: year, exporter, importer, product, value_kusd, quantity_t."""
    lim = f"\nLIMIT {int(limit)}" if limit else ""
    return f"""SELECT f.year, e.iso3 AS exporter, m.iso3 AS importer, f.product,
       f.value_kusd, f.quantity_t
FROM flows AS f
JOIN countries AS e ON e.code = f.exporter
JOIN countries AS m ON m.code = f.importer
WHERE {year_filter(years, "f.year")} AND {code_filter("f.exporter", exporters)}
  AND {code_filter("f.importer", importers)} AND {product_filter(products, "f.product")}
ORDER BY f.value_kusd DESC, f.year, exporter, importer, f.product{lim}"""


def flows_total(
    *,
    years: Sequence[int] | None,
    exporters: Sequence[int] | None,
    importers: Sequence[int] | None,
    products: Sequence[str] | None,
    by: Sequence[str] = ("year",),
) -> str:
    """Summed value and quantity grouped by ``by`` (a subset of year, exporter, importer, product).

    Exporter and importer are returned as ISO3; flows whose quantity is missing are counted
    in ``value_kusd`` but not in ``quantity_t`` (``quantity_rows`` says how many had one).
    """
    allowed = {"year": "f.year", "exporter": "e.iso3", "importer": "m.iso3", "product": "f.product"}
    keys = [allowed[b] + f" AS {b}" for b in by]
    group = ", ".join(allowed[b] for b in by)
    select = ", ".join(keys)
    return f"""SELECT {select}{", " if keys else ""}sum(f.value_kusd) AS value_kusd,
       sum(f.quantity_t) AS quantity_t, count(f.quantity_t) AS quantity_rows,
       count(*) AS flows
FROM flows AS f
JOIN countries AS e ON e.code = f.exporter
JOIN countries AS m ON m.code = f.importer
WHERE {year_filter(years, "f.year")} AND {code_filter("f.exporter", exporters)}
  AND {code_filter("f.importer", importers)} AND {product_filter(products, "f.product")}
{"GROUP BY " + group if keys else ""}
{"ORDER BY " + group if keys else ""}"""


def datasets() -> str:
    """What the warehouse holds, one row per dataset and year."""
    return """SELECT dataset, hs, release, year, rows, value_kusd, source, loaded_at
FROM releases ORDER BY dataset, year"""


def loaded_years(dataset: str = "baci") -> str:
    """Years of a dataset present in the warehouse."""
    return f"SELECT year FROM releases WHERE dataset = {sql_literal(dataset)} ORDER BY year"


def products_matching(words: Sequence[str]) -> str:
    """Products of the loaded release whose description contains every word."""
    cond = " AND ".join(
        f"contains(lower(description), {sql_literal(w.lower())})" for w in words
    ) or "TRUE"
    return f"SELECT product, description, hs FROM products WHERE {cond} ORDER BY product"
