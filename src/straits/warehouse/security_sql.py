"""SQL of the economic-security engine: dependency screen, supplier shares, shock inputs.

Every builder returns one :class:`~straits.warehouse.query.Query`: constant DuckDB-dialect
text, caller values bound as parameters, and the parties of the query attached as a small
table. Blocs travel as ``pmap(member, party, label)`` (see
:func:`straits.security._common.party_table`): a bloc's members' flows are summed under its
synthetic negative code and trade among members is dropped (``e <> m`` after mapping); the
labels of synthetic codes come from the same table and are joined at the edge with ISO3.

Shares and HHI here are not :mod:`~straits.warehouse.metrics_sql`'s: every builder below
works on party-mapped flows (blocs merged, intra-bloc trade dropped, bloc labels) and
returns the columns the screens need in one pass.

Portability: window functions, GROUP BY with explicit keys, CASE; no QUALIFY, FILTER, list
slicing or printf, so :func:`~straits.warehouse.backend.to_dialect` gives Spark SQL.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from straits.warehouse.queries import in_list
from straits.warehouse.query import Query, codes, strings

if TYPE_CHECKING:
    import pyarrow as pa

    from straits.warehouse.aggregates import Source

#: Thresholds of the screen (EU/CEPII GeoDep and Korea's early-warning rule).
HHI_MIN = 0.4
RATIO_MIN = 1.0
#: The one-country rule: a supplier with more than half of the imports.
TOP_SHARE_MIN = 0.5

_LABELS = """lab AS (SELECT code, iso3 AS label FROM countries
        UNION ALL SELECT DISTINCT party AS code, label FROM pmap)"""

_FILTER = f"{in_list('years', 'f.year')} AND {in_list('products', 'f.product')}"

# The comparability cut of cross-year comparisons (straits.security.comparable): keep the
# flows within the top $depth of their importer or of their exporter (per year and product)
# and at or above $floor; both NULL keep everything.
_RANK = f"""ranked AS (
  SELECT f.year, f.exporter, f.importer, f.product, f.value_kusd,
         row_number() OVER (PARTITION BY f.year, f.importer, f.product
                            ORDER BY f.value_kusd DESC, f.exporter) AS rank_m,
         row_number() OVER (PARTITION BY f.year, f.exporter, f.product
                            ORDER BY f.value_kusd DESC, f.importer) AS rank_e
  FROM flows AS f WHERE {_FILTER} AND f.exporter <> f.importer)"""
_RANKED = f"""{_RANK},
kept AS (
  SELECT year, exporter, importer, product, value_kusd FROM ranked
  WHERE ($depth IS NULL OR rank_m <= $depth OR rank_e <= $depth)
    AND ($floor IS NULL OR value_kusd >= $floor))"""


def base_flows(*, blocs: bool, comparable: bool = False) -> str:
    """Constant text: flows as ``year, e, m, product, v``, blocs merged, intra-bloc dropped.

    Without blocs this is a plain scan: BACI holds one row per year, exporter, importer and
    product, so no re-aggregation is needed (that keeps the all-importer screen fast). With
    blocs only the flows touching a member (``$members``) are re-aggregated. With
    ``comparable`` the flows come from the ``kept`` CTE (:data:`_RANKED`) instead.
    """
    src = "kept AS f" if comparable else "flows AS f"
    where = "TRUE" if comparable else f"{_FILTER} AND f.exporter <> f.importer"
    plain = f"""SELECT f.year, f.exporter AS e, f.importer AS m, f.product, f.value_kusd AS v
FROM {src} WHERE {where}"""
    if not blocs:
        return plain
    touched = "(list_contains($members, f.exporter) OR list_contains($members, f.importer))"
    e, m = "coalesce(pe.party, f.exporter)", "coalesce(pm.party, f.importer)"
    return f"""{plain} AND NOT {touched}
UNION ALL
SELECT f.year, {e} AS e, {m} AS m, f.product, sum(f.value_kusd) AS v
FROM {src}
LEFT JOIN pmap AS pe ON pe.member = f.exporter
LEFT JOIN pmap AS pm ON pm.member = f.importer
WHERE {where} AND {touched} AND {e} <> {m}
GROUP BY f.year, {e}, {m}, f.product"""


def _with(*, blocs: bool, comparable: bool) -> str:
    """The shared CTE prelude: labels, the comparability cut if asked, and ``base``."""
    ranked = f"{_RANKED},\n" if comparable else ""
    return f"WITH {ranked}{_LABELS},\nbase AS ({base_flows(blocs=blocs, comparable=comparable)})"


def _params(years: Sequence[int], products: Sequence[str] | None, pmap: pa.Table,
            comparable: tuple[int | None, float | None] | None) -> dict:
    out = {"years": codes(years), "products": strings(products)}
    if pmap.num_rows:
        out["members"] = [int(c) for c in pmap.column("member").to_pylist()]
    if comparable is not None:
        out["depth"], out["floor"] = comparable
    return out


def dependency_screen(
    *,
    years: Sequence[int],
    year: int,
    products: Sequence[str] | None,
    importers: Sequence[int] | None,
    pmap: pa.Table,
    persistence: int | None = None,
    describe: bool = True,
    comparable: tuple[int | None, float | None] | None = None,
    aggregates: Source | None = None,
) -> Query:
    """Dependency screen of ``importers`` (None = every importer) in ``year``.

    ``years`` is the persistence window (the last loaded years up to ``year``); the flags are
    computed per year and ``geodep`` is then required in at least ``persistence`` of them.
    Returns importer (label), product, import_kusd, top_supplier, top_share, n_suppliers,
    import_hhi, world_export_hhi, import_export_ratio, one_country_50, geodep, critical,
    value_at_risk_kusd, no_own_exports, export_kusd, geodep_years (and description with
    ``describe``). ``comparable`` = (depth, floor) applies the cross-year cut.
    ``aggregates`` (the :func:`straits.warehouse.aggregates.ensure` source) makes a screen
    without blocs and without that cut read the importer and exporter sums instead of
    summing the flows again (one row per importer x product instead of 11M flows a year).
    """
    multi = len(years) > 1
    if persistence and multi:
        win = ("SELECT *, sum(CAST(geodep_y AS INTEGER)) OVER (PARTITION BY m, product) "
               "AS geodep_years")
    elif persistence:
        win = "SELECT *, CAST(geodep_y AS INTEGER) AS geodep_years"
    else:  # without persistence the count has no meaning: left empty
        win = "SELECT *, CAST(NULL AS INTEGER) AS geodep_years"
    geodep = "w.geodep_years >= $need" if persistence else "w.geodep_y"
    desc = ",\n       p.description" if describe else ""
    join_desc = "\nLEFT JOIN products AS p ON p.product = o.product" if describe else ""
    # one year: no year key in the group-bys and joins (cheaper hashing on 11M rows)
    yk = "year, " if multi else ""
    yw = "w.year = i.year AND " if multi else ""
    yx = "x.year = i.year AND " if multi else ""
    ywhere = "w.year = $year" if multi else "TRUE"
    # string tie-breaks cost ~0.2 s on a million rows; ties of two doubles are negligible
    ties = ", o.importer, o.product" if importers is not None else ""
    blocs = pmap.num_rows > 0
    if aggregates is not None and not blocs and comparable is None:
        # the importer and exporter sums come pre-summed (straits.warehouse.aggregates)
        agg_where = f"{in_list('years', 'a.year')} AND {in_list('products', 'a.product')}"
        head = f"""WITH {_LABELS},
imp AS (
  SELECT {"a.year, " if multi else ""}a.importer AS m, a.product, a.import_kusd,
         a.n_suppliers, a.import_sumsq_kusd2 / (a.import_kusd * a.import_kusd) AS import_hhi,
         a.top_exporter AS top_e, a.top_kusd / a.import_kusd AS top_share
  FROM {aggregates.imports} AS a
  WHERE {agg_where} AND {in_list("importers", "a.importer")}),
ex AS (SELECT {"a.year, " if multi else ""}a.exporter AS e, a.product, a.value_kusd AS export_kusd
       FROM {aggregates.exports} AS a WHERE {agg_where}),"""
    else:
        head = f"""{_with(blocs=blocs, comparable=comparable is not None)},
imp AS (
  SELECT {yk}m, product, sum(v) AS import_kusd, count(*) AS n_suppliers,
         sum(v * v) / (sum(v) * sum(v)) AS import_hhi,
         arg_max(e, v) AS top_e, max(v) / sum(v) AS top_share
  FROM base WHERE {in_list("importers", "m")} AND v > 0
  GROUP BY {yk}m, product),
ex AS (SELECT {yk}e, product, sum(v) AS export_kusd FROM base GROUP BY {yk}e, product),"""
    sql = f"""{head}
wld AS (
  SELECT {yk}product, sum(export_kusd * export_kusd) / (sum(export_kusd) * sum(export_kusd))
         AS world_export_hhi
  FROM ex WHERE export_kusd > 0 GROUP BY {yk}product),
scr AS (
  SELECT i.*, w.world_export_hhi, coalesce(x.export_kusd, 0) AS export_kusd,
         CASE WHEN x.export_kusd > 0 THEN i.import_kusd / x.export_kusd END AS ratio,
         (i.import_hhi > $hhi_min AND w.world_export_hhi > $hhi_min
          AND (x.export_kusd IS NULL OR x.export_kusd <= 0
               OR i.import_kusd / x.export_kusd > $ratio_min)) AS geodep_y
  FROM imp AS i
  JOIN wld AS w ON {yw}w.product = i.product
  LEFT JOIN ex AS x ON {yx}x.e = i.m AND x.product = i.product),
win AS ({win} FROM scr),
out AS (
  SELECT lm.label AS importer, w.product, w.import_kusd, lt.label AS top_supplier,
         w.top_share, w.n_suppliers, w.import_hhi, w.world_export_hhi,
         w.ratio AS import_export_ratio, w.top_share > $top_share_min AS one_country_50,
         {geodep} AS geodep, w.export_kusd, w.geodep_years
  FROM win AS w
  LEFT JOIN lab AS lm ON lm.code = w.m
  LEFT JOIN lab AS lt ON lt.code = w.top_e
  WHERE {ywhere})
SELECT o.importer, o.product, o.import_kusd, o.top_supplier, o.top_share, o.n_suppliers,
       o.import_hhi, o.world_export_hhi, o.import_export_ratio, o.one_country_50, o.geodep,
       (o.one_country_50 OR o.geodep) AS critical,
       CASE WHEN o.one_country_50 OR o.geodep THEN o.import_kusd * o.top_share ELSE 0 END
         AS value_at_risk_kusd,
       o.export_kusd <= 0 AS no_own_exports, o.export_kusd,
       CAST(o.geodep_years AS BIGINT) AS geodep_years{desc}
FROM out AS o{join_desc}
ORDER BY value_at_risk_kusd DESC, o.import_kusd DESC{ties}"""
    params = {**_params(years, products, pmap, comparable), "importers": codes(importers),
              "hhi_min": HHI_MIN, "ratio_min": RATIO_MIN, "top_share_min": TOP_SHARE_MIN}
    if multi:
        params["year"] = int(year)
    if persistence:
        params["need"] = int(persistence)
    return Query("dependency_screen", sql, params, {"pmap": pmap})


def supplier_shares(
    *, years: Sequence[int], products: Sequence[str] | None, importers: Sequence[int],
    pmap: pa.Table, comparable: tuple[int | None, float | None] | None = None,
) -> Query:
    """Each supplier's value, share and rank in ``importers``' imports, per year and product.

    Returns year, importer, product, supplier, value_kusd, import_kusd, share, rank
    (1 = largest supplier). At most (years x importers x products x suppliers) rows.
    """
    sql = f"""{_with(blocs=pmap.num_rows > 0, comparable=comparable is not None)},
imp AS (
  SELECT year, m, product, e, v,
         sum(v) OVER (PARTITION BY year, m, product) AS import_kusd,
         row_number() OVER (PARTITION BY year, m, product ORDER BY v DESC, e) AS rank
  FROM base WHERE list_contains($importers, m) AND v > 0)
SELECT i.year, lm.label AS importer, i.product, le.label AS supplier, i.v AS value_kusd,
       i.import_kusd, i.v / i.import_kusd AS share, i.rank
FROM imp AS i
LEFT JOIN lab AS lm ON lm.code = i.m
LEFT JOIN lab AS le ON le.code = i.e
ORDER BY i.year, importer, i.product, i.rank"""
    params = {**_params(years, products, pmap, comparable), "importers": codes(importers)}
    return Query("supplier_shares", sql, params, {"pmap": pmap})


def exporter_totals(
    *, years: Sequence[int], products: Sequence[str] | None, pmap: pa.Table,
    comparable: tuple[int | None, float | None] | None = None,
) -> Query:
    """Each exporter's exports per year and product, with its share of world exports.

    Returns year, product, exporter, export_kusd, world_share; and world_export_hhi, the sum
    of squared shares, repeated on each row of the product and year.
    """
    sql = f"""{_with(blocs=pmap.num_rows > 0, comparable=comparable is not None)},
ex AS (SELECT year, e, product, sum(v) AS export_kusd FROM base
       GROUP BY year, e, product HAVING sum(v) > 0),
sh AS (SELECT year, e, product, export_kusd,
              export_kusd / sum(export_kusd) OVER (PARTITION BY year, product) AS world_share
       FROM ex)
SELECT s.year, s.product, l.label AS exporter, s.export_kusd, s.world_share,
       sum(s.world_share * s.world_share) OVER (PARTITION BY s.year, s.product)
         AS world_export_hhi
FROM sh AS s LEFT JOIN lab AS l ON l.code = s.e
ORDER BY s.year, s.product, s.export_kusd DESC"""
    return Query("exporter_totals", sql, _params(years, products, pmap, comparable),
                 {"pmap": pmap})


def year_depth(*, years: Sequence[int], products: Sequence[str] | None) -> Query:
    """Per year: flows, smallest value and *depth* of the flows of ``products``.

    depth = the largest, over flows, of min(rank among the importer's suppliers, rank among
    the exporter's customers), per product. A complete year is as deep as its densest
    product allows; an extract that keeps each importer's top k suppliers and each
    exporter's top k customers has depth k (the embedded 2017-2023 years: 6).
    """
    sql = f"""WITH {_RANK}
SELECT year, count(*) AS flows, min(value_kusd) AS min_value_kusd,
       max(least(rank_m, rank_e)) AS depth
FROM ranked GROUP BY year ORDER BY year"""
    return Query("year_depth", sql, {"years": codes(years), "products": strings(products)})


_SHOCK_BASE = f"""WITH base AS (
  SELECT f.exporter AS e, f.importer AS m, f.product, f.value_kusd AS v FROM flows AS f
  WHERE f.year = $year AND {in_list("products", "f.product")} AND f.exporter <> f.importer)"""


def shock_imports(*, year: int, products: Sequence[str], restricting: Sequence[int],
                  mset: pa.Table) -> Query:
    """Each affected importer's imports of each product and the part from the restricting set.

    ``mset(member, party, label)`` lists every member code of every affected importer (a
    country maps to its own code). Imports from a member of the same party are internal and
    left out. Returns importer, product, imports_kusd, from_restricting_kusd; at most
    (importers x products) rows.
    """
    sql = f"""{_SHOCK_BASE},
imp AS (
  SELECT ms.party, ms.label, b.product, sum(b.v) AS imports_kusd,
         sum(CASE WHEN list_contains($restricting, b.e) THEN b.v ELSE 0 END)
           AS from_restricting_kusd
  FROM base AS b JOIN mset AS ms ON ms.member = b.m
  LEFT JOIN mset AS me ON me.member = b.e AND me.party = ms.party
  WHERE me.member IS NULL
  GROUP BY ms.party, ms.label, b.product)
SELECT label AS importer, product, imports_kusd, from_restricting_kusd FROM imp
ORDER BY importer, product"""
    return Query("shock_imports", sql, {"year": int(year), "products": strings(products),
                                        "restricting": codes(restricting)}, {"mset": mset})


def shock_pools(*, year: int, products: Sequence[str], restricting: Sequence[int],
                affected: Sequence[int]) -> Query:
    """Each substitute supplier's exports of each product to destinations outside M.

    Substitutes are exporters in neither the restricting set R nor an affected importer
    (``affected``: every member code of M). Returns supplier (ISO3), product,
    exports_outside_kusd (> 0 only); at most (suppliers x products) rows.
    """
    sql = f"""{_SHOCK_BASE}
SELECT c.iso3 AS supplier, b.product, sum(b.v) AS exports_outside_kusd
FROM base AS b JOIN countries AS c ON c.code = b.e
WHERE NOT list_contains($restricting, b.e) AND NOT list_contains($affected, b.e)
  AND NOT list_contains($affected, b.m)
GROUP BY c.iso3, b.product
HAVING sum(b.v) > 0
ORDER BY b.product, exports_outside_kusd DESC, supplier"""
    return Query("shock_pools", sql, {"year": int(year), "products": strings(products),
                                      "restricting": codes(restricting),
                                      "affected": codes(affected)})
