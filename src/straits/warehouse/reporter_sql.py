"""SQL builders over ``reporter_flows`` (reporter-side Comtrade and customs statistics).

Like :mod:`straits.warehouse.queries`, each function returns one
:class:`~straits.warehouse.query.Query` with its values bound. Reporter values are US dollars
as reported, never mixed with BACI's thousand-USD reconciled values.

Products are matched by prefix: HS prefixes of up to six digits against the HS6 parent,
longer national codes (HS8, HS10) against the national code. A prefix of length n is tested
as ``list_contains($p<n>, left(column, n))``, one bound list per length present, so the text
depends only on which lengths were asked for, never on the codes.
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse.queries import in_list
from straits.warehouse.query import Query, codes, strings


def product_filter(products: Sequence[str] | None, *, hs6: str = "hs6",
                   code: str = "code") -> tuple[str, dict]:
    """Constant text and bound values matching HS prefixes and national codes."""
    if not products:
        return "TRUE", {}
    by_len: dict[int, list[str]] = {}
    for p in products:
        by_len.setdefault(len(p), []).append(p)
    parts, params = [], {}
    for n, values in sorted(by_len.items()):
        test = hs6 if n == 6 else f"left({hs6 if n < 6 else code}, {int(n)})"
        parts.append(f"list_contains($p{int(n)}, {test})")
        params[f"p{int(n)}"] = strings(values)
    return "(" + " OR ".join(parts) + ")", params


def reporter_flows(
    *,
    reporters: Sequence[str] | None = None,
    partners: Sequence[str] | None = None,
    flow: str | None = None,
    products: Sequence[str] | None = None,
    years: Sequence[int] | None = None,
    monthly: bool | None = None,
    limit: int | None = None,
) -> Query:
    """Stored reporter rows, filtered; ``monthly`` True/False keeps monthly/annual rows only."""
    month = {None: "TRUE", True: "month IS NOT NULL", False: "month IS NULL"}[monthly]
    prod, params = product_filter(products)
    sql = f"""SELECT reporter, partner, flow, year, month, classification, level, code, hs6,
       value_usd, value_basis, weight_kg, source, dataset
FROM reporter_flows
WHERE {in_list("reporters", "reporter")} AND {in_list("partners", "partner")}
  AND ($flow IS NULL OR flow = $flow) AND {prod}
  AND {in_list("years", "year")} AND {month}
ORDER BY reporter, flow, year, month NULLS FIRST, code, value_usd DESC
LIMIT $limit"""
    return Query("reporter_flows", sql, {
        **params, "reporters": strings(reporters), "partners": strings(partners),
        "flow": flow, "years": codes(years), "limit": limit})


_SIDES = ("((reporter = $importer AND flow = 'import') "
          "OR (partner = $importer AND flow = 'export'))")


def monthly_catalog() -> Query:
    """The monthly series each loaded file holds (``reporter flow classification;...``).

    A cheap pre-check from the catalog: when an importer's imports come in one
    classification and no exporter reports monthly exports, no ranking of series is needed.
    """
    return Query("monthly_catalog",
                 "SELECT source, dataset, monthly_series FROM reporter_sources ORDER BY source")


def monthly_imports_simple(importer: str, products: Sequence[str] | None) -> Query:
    """Importer-reported monthly rows, unaggregated, when one classification is all there is.

    Columns product, supplier, period, value_usd (no ``side``: all importer-reported);
    duplicate keys (if any) are left for the caller to sum.
    """
    prod, params = product_filter(products)
    sql = f"""SELECT code AS product, partner AS supplier,
       CAST(year AS INTEGER) * 12 + month - 1 AS period, value_usd
FROM reporter_flows
WHERE month IS NOT NULL AND {prod} AND reporter = $importer AND flow = 'import'"""
    return Query("monthly_imports_simple", sql, {**params, "importer": importer})


def monthly_supply(importer: str, products: Sequence[str] | None, *,
                   sources: bool = True) -> Query:
    """Monthly imports of ``importer`` by product line and supplier, importer-reported first.

    Per reporter, flow and HS6 only the most detailed monthly classification is used (so a
    customs HS10 series and a Comtrade HS6 series of the same flow are never added up). HS6
    products the importer does not report are taken from the exporters' reported exports to
    it (``side = 'exporter'``), which give the supplier's value but not the importer's total.

    Returns side, product (the series' own code: an HSK line stays ten digits),
    classification, hs6, supplier, period (months since year 0: ``year * 12 + month - 1``),
    value_usd, weight_kg and (with ``sources``) the first source file; unordered.
    """
    prod, params = product_filter(products)
    src = ",\n       min(source) AS sources" if sources else ""
    sql = f"""WITH m AS (
    SELECT * FROM reporter_flows
    WHERE month IS NOT NULL AND {prod} AND {_SIDES}
), best AS (
    SELECT reporter, flow, hs6, classification,
           row_number() OVER (PARTITION BY reporter, flow, hs6
                              ORDER BY max(level) DESC, classification) AS rn
    FROM m GROUP BY reporter, flow, hs6, classification
), chosen AS (
    SELECT m.* FROM m JOIN best AS b
      ON b.reporter = m.reporter AND b.flow = m.flow AND b.hs6 = m.hs6
     AND b.classification = m.classification
    WHERE b.rn = 1
), imported AS (SELECT DISTINCT hs6 FROM chosen WHERE flow = 'import'
), sided AS (
    SELECT 'importer' AS side, code AS product, classification, hs6, partner AS supplier,
           year, month, value_usd, weight_kg, source
    FROM chosen WHERE flow = 'import'
    UNION ALL
    SELECT 'exporter', c.code, c.classification, c.hs6, c.reporter, c.year, c.month,
           c.value_usd, c.weight_kg, c.source
    FROM chosen AS c LEFT JOIN imported AS i ON i.hs6 = c.hs6
    WHERE c.flow = 'export' AND i.hs6 IS NULL
)
SELECT side, product, classification, hs6, supplier,
       CAST(year AS INTEGER) * 12 + month - 1 AS period,
       sum(value_usd) AS value_usd, sum(weight_kg) AS weight_kg{src}
FROM sided
GROUP BY side, product, classification, hs6, supplier, year, month"""
    return Query("monthly_supply", sql, {**params, "importer": importer})


def mirror_totals(reporter: str, partner: str, products: Sequence[str], year: int) -> Query:
    """Each side's reported value of the R-P pair for one year, per source.

    Annual rows are used as they are; monthly rows are summed over the year (``months``
    says how many months were present). Returns reporter, partner, flow, classification,
    source, dataset, value_usd, weight_kg, months.
    """
    prod, params = product_filter(products)
    sql = f"""SELECT reporter, partner, flow, classification, source, dataset,
       sum(value_usd) AS value_usd, sum(weight_kg) AS weight_kg,
       count(DISTINCT month) AS months
FROM reporter_flows
WHERE ((reporter = $r AND partner = $p) OR (reporter = $p AND partner = $r))
  AND year = $year AND {prod}
GROUP BY reporter, partner, flow, classification, source, dataset
ORDER BY reporter, flow, source"""
    return Query("mirror_totals", sql, {**params, "r": reporter, "p": partner,
                                        "year": int(year)})


def sources() -> Query:
    """The reporter files loaded: source, layout, dataset, reporters, rows, value, periods."""
    return Query("reporter_sources", """SELECT source, layout, dataset, reporters, rows,
       value_usd, first_period, last_period, loaded_at
FROM reporter_sources ORDER BY source""")


def has_monthly() -> Query:
    """One row, ``monthly``: True when any monthly reporter row is loaded."""
    return Query("has_monthly", "SELECT EXISTS (SELECT 1 FROM reporter_flows "
                                "WHERE month IS NOT NULL) AS monthly")


def shares(*, reporter: str, flow: str, products: Sequence[str] | None,
           partners: Sequence[str] | None, years: Sequence[int] | None,
           by: str = "year") -> Query:
    """Partner shares of one reporter's imports or exports, by year or by month.

    One series per HS6: the most detailed classification the reporter gives for it (a
    customs HS10 line and a Comtrade HS6 total of the same flow are never added), and one
    source file per series and year. ``by="year"`` sums monthly rows into years (``months``
    says how many months the series holds that year; annual rows count 0); ``by="month"``
    keeps monthly rows only. Totals are over the partners the source lists, and only where
    it lists more than one (a partner extract, such as Korea's imports from Japan alone,
    gives values but no total). ``partners`` filters the rows returned, not the totals.

    Returns year, month, code, classification, level, hs6, partner, value_usd, weight_kg,
    total_value_usd, total_weight_kg, value_share, weight_share, rank, months,
    source_partners, source, dataset, value_basis; at most (periods x codes x partners).
    """
    prod, params = product_filter(products)
    monthly = by == "month"
    mk = "r.month" if monthly else "CAST(0 AS INTEGER)"
    month_out = "a.mk AS month" if monthly else "CAST(NULL AS INTEGER) AS month"
    sql = f"""WITH r AS (
  SELECT * FROM reporter_flows
  WHERE reporter = $reporter AND flow = $flow AND {prod} AND {in_list("years", "year")}
    {"AND month IS NOT NULL" if monthly else ""}),
best AS (
  SELECT hs6, classification,
         row_number() OVER (PARTITION BY hs6 ORDER BY max(level) DESC, classification) AS rn
  FROM r GROUP BY hs6, classification),
pick AS (
  SELECT r.hs6, r.classification, r.year, min(r.source) AS source
  FROM r JOIN best AS b ON b.hs6 = r.hs6 AND b.classification = r.classification
  WHERE b.rn = 1 GROUP BY r.hs6, r.classification, r.year),
chosen AS (
  SELECT r.*, {mk} AS mk FROM r JOIN pick AS k ON k.hs6 = r.hs6 AND k.classification = r.classification
    AND k.year = r.year AND k.source = r.source),
listed AS (
  SELECT source, count(DISTINCT partner) AS source_partners FROM reporter_flows
  WHERE reporter = $reporter AND flow = $flow GROUP BY source),
cov AS (SELECT year, code, count(DISTINCT month) AS months FROM chosen GROUP BY year, code),
agg AS (
  SELECT year, mk, code, classification, level, hs6, partner,
         sum(value_usd) AS value_usd, sum(weight_kg) AS weight_kg,
         min(source) AS source, min(dataset) AS dataset, min(value_basis) AS value_basis
  FROM chosen
  GROUP BY year, mk, code, classification, level, hs6, partner),
tot AS (
  SELECT year, mk, code, sum(value_usd) AS total_value_usd, sum(weight_kg) AS total_weight_kg
  FROM agg GROUP BY year, mk, code),
res AS (
  SELECT a.year, {month_out}, a.code, a.classification, a.level, a.hs6, a.partner,
         a.value_usd, a.weight_kg,
         CASE WHEN l.source_partners > 1 THEN t.total_value_usd END AS total_value_usd,
         CASE WHEN l.source_partners > 1 THEN t.total_weight_kg END AS total_weight_kg,
         CASE WHEN l.source_partners > 1 AND t.total_value_usd > 0
              THEN a.value_usd / t.total_value_usd END AS value_share,
         CASE WHEN l.source_partners > 1 AND t.total_weight_kg > 0
              THEN a.weight_kg / t.total_weight_kg END AS weight_share,
         row_number() OVER (PARTITION BY a.year, a.mk, a.code
                            ORDER BY a.value_usd DESC, a.partner) AS rank,
         c.months, l.source_partners, a.source, a.dataset, a.value_basis
  FROM agg AS a
  JOIN tot AS t ON t.year = a.year AND t.mk = a.mk AND t.code = a.code
  JOIN cov AS c ON c.year = a.year AND c.code = a.code
  JOIN listed AS l ON l.source = a.source)
SELECT * FROM res WHERE {in_list("partners", "partner")}
ORDER BY year, month, code, rank"""
    return Query("reporter_shares", sql, {**params, "reporter": reporter, "flow": flow,
                                          "partners": strings(partners),
                                          "years": codes(years)})
