"""SQL builders over ``reporter_flows`` (reporter-side Comtrade and customs statistics).

Like :mod:`straits.warehouse.queries`, each function returns one complete DuckDB statement
with values inlined by :func:`~straits.warehouse.backend.sql_literal`, so it transpiles to
Spark with sqlglot. Reporter values are US dollars as reported, never mixed with BACI's
thousand-USD reconciled values.
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse._inline import product_filter, year_filter
from straits.warehouse.backend import sql_literal


def _in(column: str, values: Sequence[str] | None) -> str:
    if not values:
        return "TRUE"
    return f"{column} IN {sql_literal(tuple(values))}"


def _products(column_hs6: str, column_code: str, products: Sequence[str] | None) -> str:
    """HS prefixes (2-6 digits) match the HS6 parent; longer codes match national codes."""
    if not products:
        return "TRUE"
    short = [p for p in products if len(p) <= 6]
    long = [p for p in products if len(p) > 6]
    parts = []
    if short:
        parts.append(product_filter(short, column_hs6))
    if long:
        parts.extend(f"starts_with({column_code}, {sql_literal(p)})" for p in long)
    return "(" + " OR ".join(parts) + ")"


def reporter_flows(
    *,
    reporters: Sequence[str] | None = None,
    partners: Sequence[str] | None = None,
    flow: str | None = None,
    products: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    monthly: bool | None = None,
    limit: int | None = None,
) -> str:
    """Stored reporter rows, filtered; ``monthly`` True/False keeps monthly/annual rows only."""
    month = {None: "TRUE", True: "month IS NOT NULL", False: "month IS NULL"}[monthly]
    lim = f"\nLIMIT {int(limit)}" if limit else ""
    return f"""SELECT reporter, partner, flow, year, month, classification, level, code, hs6,
       value_usd, value_basis, weight_kg, source, dataset
FROM reporter_flows
WHERE {_in("reporter", reporters)} AND {_in("partner", partners)}
  AND {_in("flow", [flow] if flow else None)} AND {_products("hs6", "code", products)}
  AND {year_filter(years)} AND {month}
ORDER BY reporter, flow, year, month NULLS FIRST, code, value_usd DESC{lim}"""


def _sides(importer: str) -> str:
    return (f"((reporter = {sql_literal(importer)} AND flow = 'import') "
            f"OR (partner = {sql_literal(importer)} AND flow = 'export'))")


def monthly_catalog() -> str:
    """The monthly series each loaded file holds (``reporter flow classification;...``).

    A cheap pre-check from the catalog: when an importer's imports come in one
    classification and no exporter reports monthly exports, no ranking of series is needed.
    """
    return "SELECT source, dataset, monthly_series FROM reporter_sources"


def monthly_imports_simple(importer: str, products: Sequence[str] | None) -> str:
    """Importer-reported monthly rows, unaggregated, when one classification is all there is.

    Columns product, supplier, period, value_usd (no ``side``: all importer-reported);
    duplicate keys (if any) are left for the caller to sum.
    """
    return f"""SELECT code AS product, partner AS supplier,
       year::INTEGER * 12 + month - 1 AS period, value_usd
FROM reporter_flows
WHERE month IS NOT NULL AND {_products("hs6", "code", products)}
  AND reporter = {sql_literal(importer)} AND flow = 'import'"""


def monthly_supply(importer: str, products: Sequence[str] | None, *, by: str = "hs6",
                   sources: bool = True) -> str:
    """Monthly imports of ``importer`` by product and supplier, importer-reported first.

    Per reporter, flow and HS6 only the most detailed monthly classification is used (so a
    customs HS10 series and a Comtrade HS6 series of the same flow are never added up). HS6
    products the importer does not report are taken from the exporters' reported exports to
    it (``side = 'exporter'``), which give the supplier's value but not the importer's total.

    Returns side, product (``hs6`` or national ``code``), supplier, period (months since
    year 0: ``year * 12 + month - 1``), value_usd, weight_kg and (with ``sources``) the
    source files; unordered.
    """
    product = {"hs6": "hs6", "code": "code"}[by]
    src = (",\n       string_agg(DISTINCT source, ', ' ORDER BY source) AS sources"
           if sources else "")
    return f"""WITH m AS (
    SELECT * FROM reporter_flows
    WHERE month IS NOT NULL AND {_products("hs6", "code", products)} AND {_sides(importer)}
), best AS (
    SELECT reporter, flow, hs6, classification,
           row_number() OVER (PARTITION BY reporter, flow, hs6
                              ORDER BY max(level) DESC, classification) AS rn
    FROM m GROUP BY reporter, flow, hs6, classification
), chosen AS (
    SELECT m.* FROM m JOIN best USING (reporter, flow, hs6, classification) WHERE best.rn = 1
), sided AS (
    SELECT 'importer' AS side, {product} AS product, partner AS supplier, year, month,
           value_usd, weight_kg, source
    FROM chosen WHERE flow = 'import'
    UNION ALL
    SELECT 'exporter', {product}, reporter, year, month, value_usd, weight_kg, source
    FROM chosen WHERE flow = 'export'
      AND hs6 NOT IN (SELECT hs6 FROM chosen WHERE flow = 'import')
)
SELECT side, product, supplier, year::INTEGER * 12 + month - 1 AS period,
       sum(value_usd) AS value_usd, sum(weight_kg) AS weight_kg{src}
FROM sided
GROUP BY side, product, supplier, year, month"""


def mirror_totals(reporter: str, partner: str, products: Sequence[str], year: int) -> str:
    """Each side's reported value of the R-P pair for one year, per source.

    Annual rows are used as they are; monthly rows are summed over the year (``months``
    says how many months were present). Returns reporter, partner, flow, classification,
    source, dataset, value_usd, weight_kg, months.
    """
    pair = (f"((reporter = {sql_literal(reporter)} AND partner = {sql_literal(partner)}) OR "
            f"(reporter = {sql_literal(partner)} AND partner = {sql_literal(reporter)}))")
    return f"""SELECT reporter, partner, flow, classification, source, dataset,
       sum(value_usd) AS value_usd, sum(weight_kg) AS weight_kg,
       count(DISTINCT month) AS months
FROM reporter_flows
WHERE {pair} AND year = {int(year)} AND {_products("hs6", "code", products)}
GROUP BY reporter, partner, flow, classification, source, dataset
ORDER BY reporter, flow, source"""


def sources() -> str:
    """The reporter files loaded: source, layout, dataset, reporters, rows, value, periods."""
    return """SELECT source, layout, dataset, reporters, rows, value_usd, first_period,
       last_period, loaded_at
FROM reporter_sources ORDER BY source"""
