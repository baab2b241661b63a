"""SQL of the economic-security engine: dependency screen, shock, event replay.

Every builder returns one complete DuckDB statement over ``flows`` and ``countries`` with
values inlined by :func:`~straits.warehouse.backend.sql_literal`, so it transpiles to Spark
like the rest of :mod:`straits.warehouse`. Blocs are passed as a ``party map`` of
``(member, party)`` BACI codes: a bloc gets a synthetic negative code, its members' flows are
summed under it and trade among members is dropped (``e <> m`` after mapping). Labels of the
synthetic codes are given as ``(code, label)`` pairs and joined at the edge with ISO3.

Shares and HHI here are not :mod:`~straits.warehouse.metrics_sql`'s ``market_shares`` /
``concentration``: those filter and label plain BACI codes, while every builder below works
on party-mapped flows (blocs merged, intra-bloc trade dropped, bloc labels) and returns the
columns the screens need in one pass (rank and world exports per supplier; shares and HHI
on one row).
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse._inline import code_filter, product_filter, year_filter
from straits.warehouse.backend import sql_literal

PartyMap = Sequence[tuple[int, int]]
Labels = Sequence[tuple[int, str]]

#: Thresholds of the screen (EU/CEPII GeoDep and Korea's early-warning rule).
HHI_MIN = 0.4
RATIO_MIN = 1.0
TOP_SHARE_MIN = 0.5


def _values(rows: Sequence[tuple], names: str, types: Sequence[str]) -> str:
    """A typed VALUES table (``SELECT ... WHERE FALSE`` when empty, so joins stay valid)."""
    cols = [n.strip() for n in names.split(",")]
    if not rows:
        nulls = ", ".join(f"CAST(NULL AS {t}) AS {c}" for c, t in zip(cols, types, strict=True))
        return f"SELECT {nulls} WHERE FALSE"
    body = ", ".join(sql_literal(tuple(r)) for r in rows)
    return f"SELECT * FROM (VALUES {body}) AS t({names})"


def _prelude(mapping: PartyMap, labels: Labels) -> str:
    """CTEs ``pmap(member, party)`` and ``lab(code, label)`` (ISO3 plus bloc labels)."""
    return f"""pmap AS ({_values(mapping, "member, party", ("INTEGER", "INTEGER"))}),
lab AS (SELECT code, iso3 AS label FROM countries
        UNION ALL {_values(labels, "code, label", ("INTEGER", "VARCHAR"))})"""


def base_flows(years: Sequence[int], products: Sequence[str] | None, mapping: PartyMap) -> str:
    """Flows as ``year, e, m, product, v`` with blocs merged and intra-bloc trade dropped.

    Without blocs this is a plain scan: BACI holds one row per year, exporter, importer and
    product, so no re-aggregation is needed (that keeps the all-importer screen fast).
    """
    where = f"{year_filter(years, 'f.year')} AND {product_filter(products, 'f.product')}"
    plain = f"""SELECT f.year, f.exporter AS e, f.importer AS m, f.product, f.value_kusd AS v
FROM flows AS f WHERE {where} AND f.exporter <> f.importer"""
    if not mapping:
        return plain
    # only flows touching a bloc member are re-aggregated; the rest pass through untouched
    members = sorted({int(c) for c, _ in mapping})
    e, m = _case("f.exporter", mapping), _case("f.importer", mapping)
    touched = f"({code_filter('f.exporter', members)} OR {code_filter('f.importer', members)})"
    return f"""{plain} AND NOT {touched}
UNION ALL
SELECT f.year, {e} AS e, {m} AS m, f.product, sum(f.value_kusd) AS v
FROM flows AS f
WHERE {where} AND {touched} AND {e} <> {m}
GROUP BY 1, 2, 3, 4"""


def _case(column: str, mapping: PartyMap) -> str:
    """``CASE WHEN column IN (members) THEN party ... ELSE column END``."""
    parties: dict[int, list[int]] = {}
    for member, party in mapping:
        parties.setdefault(int(party), []).append(int(member))
    whens = " ".join(f"WHEN {code_filter(column, sorted(ms))} THEN {p}"
                     for p, ms in sorted(parties.items()))
    return f"CASE {whens} ELSE {column} END"


def dependency_screen(
    *,
    years: Sequence[int],
    year: int,
    products: Sequence[str] | None,
    importers: Sequence[int] | None,
    mapping: PartyMap = (),
    labels: Labels = (),
    persistence: int | None = None,
    describe: bool = True,
) -> str:
    """Dependency screen of ``importers`` (None = every importer) in ``year``.

    ``years`` is the persistence window (the last loaded years up to ``year``); the flags are
    computed per year and ``geodep`` is then required in at least ``persistence`` of them.
    Returns importer (label), product, import_kusd, top_supplier, top_share, n_suppliers,
    import_hhi, world_export_hhi, import_export_ratio, one_country_50, geodep, critical,
    value_at_risk_kusd, non_substitutable, export_kusd, geodep_years (and description with
    ``describe``).
    """
    need = int(persistence) if persistence else 1
    if persistence and len(years) > 1:
        win = ("SELECT *, sum(CAST(geodep_y AS INTEGER)) OVER (PARTITION BY m, product) "
               "AS geodep_years")
    else:
        win = "SELECT *, CAST(geodep_y AS INTEGER) AS geodep_years"
    desc = ",\n       p.description" if describe else ""
    join_desc = "\nLEFT JOIN products AS p ON p.product = o.product" if describe else ""
    # one year: no year key in the group-bys and joins (cheaper hashing on 11M rows)
    multi = len(years) > 1
    yk = "year, " if multi else ""
    yw = "w.year = i.year AND " if multi else ""
    yx = "x.year = i.year AND " if multi else ""
    ywhere = f"w.year = {int(year)}" if multi else "TRUE"
    # string tie-breaks cost ~0.2 s on a million rows; ties of two doubles are negligible
    ties = ", o.importer, o.product" if importers is not None else ""
    return f"""WITH {_prelude(mapping, labels)},
base AS ({base_flows(years, products, mapping)}),
imp AS (
  SELECT {yk}m, product, sum(v) AS import_kusd, count(*) AS n_suppliers,
         sum(v * v) / (sum(v) * sum(v)) AS import_hhi,
         arg_max(e, v) AS top_e, max(v) / sum(v) AS top_share
  FROM base WHERE {code_filter("m", importers)} AND v > 0
  GROUP BY {yk}m, product),
ex AS (SELECT {yk}e, product, sum(v) AS export_kusd FROM base GROUP BY {yk}e, product),
wld AS (
  SELECT {yk}product, sum(export_kusd * export_kusd) / (sum(export_kusd) * sum(export_kusd))
         AS world_export_hhi
  FROM ex WHERE export_kusd > 0 GROUP BY {yk}product),
scr AS (
  SELECT i.*, w.world_export_hhi, coalesce(x.export_kusd, 0) AS export_kusd,
         CASE WHEN x.export_kusd > 0 THEN i.import_kusd / x.export_kusd END AS ratio,
         (i.import_hhi > {HHI_MIN} AND w.world_export_hhi > {HHI_MIN}
          AND (x.export_kusd IS NULL OR x.export_kusd <= 0
               OR i.import_kusd / x.export_kusd > {RATIO_MIN})) AS geodep_y
  FROM imp AS i
  JOIN wld AS w ON {yw}w.product = i.product
  LEFT JOIN ex AS x ON {yx}x.e = i.m AND x.product = i.product),
win AS ({win} FROM scr),
out AS (
  SELECT lm.label AS importer, w.product, w.import_kusd, lt.label AS top_supplier,
         w.top_share, w.n_suppliers, w.import_hhi, w.world_export_hhi,
         w.ratio AS import_export_ratio, w.top_share > {TOP_SHARE_MIN} AS one_country_50,
         w.geodep_years >= {need} AS geodep, w.export_kusd, w.geodep_years
  FROM win AS w
  LEFT JOIN lab AS lm ON lm.code = w.m
  LEFT JOIN lab AS lt ON lt.code = w.top_e
  WHERE {ywhere})
SELECT o.importer, o.product, o.import_kusd, o.top_supplier, o.top_share, o.n_suppliers,
       o.import_hhi, o.world_export_hhi, o.import_export_ratio, o.one_country_50, o.geodep,
       (o.one_country_50 OR o.geodep) AS critical,
       CASE WHEN o.one_country_50 OR o.geodep THEN o.import_kusd * o.top_share ELSE 0 END
         AS value_at_risk_kusd,
       o.export_kusd <= 0 AS non_substitutable, o.export_kusd, o.geodep_years{desc}
FROM out AS o{join_desc}
ORDER BY value_at_risk_kusd DESC, o.import_kusd DESC{ties}"""


def supplier_shares(
    *, years: Sequence[int], products: Sequence[str] | None, importers: Sequence[int],
    mapping: PartyMap = (), labels: Labels = (),
) -> str:
    """Each supplier's value, share and rank in ``importers``' imports, per year and product.

    Returns year, importer, product, supplier, value_kusd, import_kusd, share, rank
    (1 = largest supplier), world_export_kusd (the supplier's exports of the product to every
    destination, intra-bloc trade excluded).
    """
    return f"""WITH {_prelude(mapping, labels)},
base AS ({base_flows(years, products, mapping)}),
ex AS (SELECT year, e, product, sum(v) AS world_export_kusd FROM base GROUP BY ALL),
imp AS (
  SELECT year, m, product, e, v,
         sum(v) OVER (PARTITION BY year, m, product) AS import_kusd,
         row_number() OVER (PARTITION BY year, m, product ORDER BY v DESC, e) AS rank
  FROM base WHERE {code_filter("m", importers)} AND v > 0)
SELECT i.year, lm.label AS importer, i.product, le.label AS supplier, i.v AS value_kusd,
       i.import_kusd, i.v / i.import_kusd AS share, i.rank, x.world_export_kusd
FROM imp AS i
JOIN ex AS x ON x.year = i.year AND x.e = i.e AND x.product = i.product
LEFT JOIN lab AS lm ON lm.code = i.m
LEFT JOIN lab AS le ON le.code = i.e
ORDER BY i.year, importer, i.product, i.rank"""


def exporter_totals(
    *, years: Sequence[int], products: Sequence[str] | None,
    mapping: PartyMap = (), labels: Labels = (),
) -> str:
    """Each exporter's exports per year and product, with its share of world exports.

    Returns year, product, exporter, export_kusd, world_share; and world_export_hhi, the sum
    of squared shares, repeated on each row of the product and year.
    """
    return f"""WITH {_prelude(mapping, labels)},
base AS ({base_flows(years, products, mapping)}),
ex AS (SELECT year, e, product, sum(v) AS export_kusd FROM base GROUP BY ALL HAVING sum(v) > 0),
sh AS (SELECT *, export_kusd / sum(export_kusd) OVER (PARTITION BY year, product) AS world_share
       FROM ex)
SELECT s.year, s.product, l.label AS exporter, s.export_kusd, s.world_share,
       sum(s.world_share * s.world_share) OVER (PARTITION BY s.year, s.product)
         AS world_export_hhi
FROM sh AS s LEFT JOIN lab AS l ON l.code = s.e
ORDER BY s.year, s.product, s.export_kusd DESC"""


def shock(
    *,
    year: int,
    products: Sequence[str],
    importers: PartyMap,
    labels: Labels,
    restricting: Sequence[int],
    also_restricting: Sequence[int],
    cut: float,
    redirect: float,
    top: int = 3,
) -> str:
    """Restriction shock for each importer party and product (see :mod:`straits.security.shock`).

    ``importers`` maps member codes to party codes (a country maps to itself). Returns
    importer, product, imports_kusd, exposed_kusd, capacity_kusd, covered_kusd, gap_kusd,
    gap_share, top_substitutes, from_restricting_kusd, n_substitutes.
    """
    excluded = tuple(restricting) + tuple(also_restricting)
    return f"""WITH {_prelude(importers, labels)},
prod AS ({_values([(p,) for p in products], "product", ("VARCHAR",))}),
parties AS (SELECT DISTINCT party FROM pmap),
base AS (SELECT exporter AS e, importer AS m, product, value_kusd AS v FROM flows
         WHERE year = {int(year)} AND {product_filter(products)} AND exporter <> importer),
tot AS (
  SELECT p.party, b.product, sum(b.v) AS imports_kusd,
         coalesce(sum(b.v) FILTER (WHERE {code_filter("b.e", restricting)}), 0) AS from_x
  FROM base AS b JOIN pmap AS p ON p.member = b.m
  LEFT JOIN pmap AS q ON q.member = b.e AND q.party = p.party
  WHERE q.member IS NULL
  GROUP BY p.party, b.product),
ext AS (SELECT e, product, sum(v) AS ex FROM base
        WHERE NOT ({code_filter("e", excluded)}) GROUP BY e, product),
ext_to AS (SELECT p.party, b.e, b.product, sum(b.v) AS ex_to
           FROM base AS b JOIN pmap AS p ON p.member = b.m GROUP BY ALL),
alt AS (
  SELECT pa.party, t.e, t.product,
         {float(redirect)!r} * (t.ex - coalesce(x.ex_to, 0)) AS cap
  FROM parties AS pa CROSS JOIN ext AS t
  LEFT JOIN ext_to AS x ON x.party = pa.party AND x.e = t.e AND x.product = t.product
  LEFT JOIN pmap AS q ON q.member = t.e AND q.party = pa.party
  WHERE q.member IS NULL),
cap AS (
  SELECT a.party, a.product, sum(a.cap) AS capacity_kusd,
         count(*) FILTER (WHERE a.cap > 0) AS n_substitutes,
         array_to_string(list(printf('%s %.0f', l.label, a.cap) ORDER BY a.cap DESC, l.label)
                         FILTER (WHERE a.cap > 0)[1:{int(top)}], '; ') AS top_substitutes
  FROM alt AS a LEFT JOIN lab AS l ON l.code = a.e
  GROUP BY a.party, a.product),
res AS (
  SELECT pa.party, pr.product, coalesce(t.imports_kusd, 0) AS imports_kusd,
         coalesce(t.from_x, 0) AS from_x, {float(cut)!r} * coalesce(t.from_x, 0) AS exposed_kusd,
         coalesce(c.capacity_kusd, 0) AS capacity_kusd, coalesce(c.n_substitutes, 0) AS n_sub,
         coalesce(c.top_substitutes, '') AS top_substitutes
  FROM parties AS pa CROSS JOIN prod AS pr
  LEFT JOIN tot AS t ON t.party = pa.party AND t.product = pr.product
  LEFT JOIN cap AS c ON c.party = pa.party AND c.product = pr.product)
SELECT l.label AS importer, r.product, r.imports_kusd, r.exposed_kusd, r.capacity_kusd,
       least(r.exposed_kusd, r.capacity_kusd) AS covered_kusd,
       r.exposed_kusd - least(r.exposed_kusd, r.capacity_kusd) AS gap_kusd,
       CASE WHEN r.imports_kusd > 0
            THEN (r.exposed_kusd - least(r.exposed_kusd, r.capacity_kusd)) / r.imports_kusd
       END AS gap_share,
       r.top_substitutes, r.from_x AS from_restricting_kusd, r.n_sub AS n_substitutes
FROM res AS r LEFT JOIN lab AS l ON l.code = r.party
ORDER BY gap_kusd DESC, importer, r.product"""
