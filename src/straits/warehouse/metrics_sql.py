"""SQL of the trade-metrics engine: export cells, market shares, concentration, totals, bilateral.

Every builder returns one :class:`~straits.warehouse.query.Query`: constant DuckDB-dialect text
with bound ``$name`` values, in portable SQL (window functions, ``GROUP BY``, ``CASE``) so the
Spark transpile works. Three kinds of constant fragment are spliced in, each picked from a
fixed map, never from caller text:

- the HS level: ``f.product`` or ``left(f.product, 4)`` (:data:`LEVELS`);
- the aggregate tables' names, from :class:`~straits.warehouse.aggregates.Source`
  (``agg_exports`` / ``agg_imports`` in the warehouse, in the per-process memory database,
  or an inline ``GROUP BY`` over ``flows`` on an engine that cannot hold them);
- the party tables below.

Blocs. Every economy a caller names is a *party*: the attached table ``party_map(member,
party)`` maps each member's BACI code to the party's synthetic (negative) code and
``party_labels(code, label)`` names it (``KOR``, ``EU27``, ``KOR+JPN``). A flow whose two
ends map to the same party is trade inside a bloc and is left out of everything: the bloc's
exports and imports, and the world totals. Flows not touching a party pass unmapped.
Plain world questions (no party named) read the aggregates directly.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from straits.warehouse.query import Query, codes, strings

if TYPE_CHECKING:
    import pyarrow as pa

    from straits.warehouse.aggregates import Source

#: HS level -> product key expression, per alias (constant text)
LEVELS = {"hs2": "left({a}.product, 2)", "hs4": "left({a}.product, 4)", "hs6": "{a}.product"}
#: Characters of a product code at each level (to pad back the integers of export_cells)
WIDTHS = {"hs2": 2, "hs4": 4, "hs6": 6}


def lvl(level: str, alias: str) -> str:
    """Product key at an HS level for table alias ``alias`` (both from constant maps)."""
    return LEVELS[level].format(a=alias)


def _filter(alias: str) -> str:
    """Year and HS6-product filter on ``alias`` (``$products`` NULL = every product)."""
    return (f"list_contains($years, {alias}.year) AND "
            f"($products IS NULL OR list_contains($products, {alias}.product))")


def _params(years: Sequence[int], products: Sequence[str] | None,
            parties: pa.Table | None = None, **more) -> dict:
    """Bound values: years, HS6 products, and ``members`` when parties are attached."""
    out = {"years": codes(years), "products": strings(products), **more}
    if parties is not None:
        out["members"] = sorted(set(parties.column("member").to_pylist()))
    return out


def _tables(parties: pa.Table | None, labels: pa.Table | None) -> dict:
    out = {"party_map": parties, "party_labels": labels}
    return {k: v for k, v in out.items() if v is not None}


#: flows with each end mapped to its party (if any); trade inside a party dropped (needs ``party_map``)
_MAPPED = """SELECT f.year, coalesce(pe.party, f.exporter) AS e,
         coalesce(pi.party, f.importer) AS m, {key} AS product, f.value_kusd AS v
  FROM flows AS f
  LEFT JOIN party_map AS pe ON pe.member = f.exporter
  LEFT JOIN party_map AS pi ON pi.member = f.importer
  WHERE {where} AND coalesce(pe.party, f.exporter) <> coalesce(pi.party, f.importer)"""

#: flows into a named party (``$members``: every member's BACI code)
_INTO = _filter("f") + " AND list_contains($members, f.importer)"

#: flows touching a named party
_TOUCH = (_filter("f") + " AND (list_contains($members, f.exporter) OR "
          "list_contains($members, f.importer))")

#: the label of an exporter code: a party's label, else its ISO3
_LABEL = "coalesce(pl.label, c.iso3, CAST({col} AS VARCHAR))"
_LABEL_JOIN = """LEFT JOIN party_labels AS pl ON pl.code = {col}
LEFT JOIN countries AS c ON c.code = {col}"""
_ISO_JOIN = "LEFT JOIN countries AS c ON c.code = {col}"
_ISO = "coalesce(c.iso3, CAST({col} AS VARCHAR))"


def export_cells(src: Source, *, years: Sequence[int], level: str,
                 products: Sequence[str] | None, parties: pa.Table | None = None) -> Query:
    """Exporter x product sums: ``year, exporter`` (code; negative for a party), ``product, value_kusd``.

    The export matrix behind RCA and complexity, in long form. Non-members' rows come from
    the exporter aggregate; each party's row is summed from the flows it sends outside
    itself, so a bloc is one exporter and its internal trade is nowhere in the matrix.
    ``product`` is the HS code as an integer (ingest admits digits only), which the caller
    pads back to its level's width: ~10M strings a decade cost more to move and encode
    than the whole eigenvector.
    """
    key = lvl(level, "a")
    if parties is None:
        if level == "hs6":  # the aggregate already holds one row per cell
            sql = f"""SELECT a.year, a.exporter, CAST(a.product AS INTEGER) AS product, a.value_kusd
FROM {src.exports} AS a WHERE {_filter("a")}"""
        else:
            sql = f"""SELECT a.year, a.exporter, CAST({key} AS INTEGER) AS product,
       sum(a.value_kusd) AS value_kusd
FROM {src.exports} AS a WHERE {_filter("a")}
GROUP BY a.year, a.exporter, {key}"""
        return Query("export_cells", sql, _params(years, products))
    sql = f"""WITH x AS (
  SELECT a.year, a.exporter AS e, {key} AS product, a.value_kusd AS v
  FROM {src.exports} AS a
  WHERE {_filter("a")} AND NOT list_contains($members, a.exporter)
  UNION ALL
  SELECT f.year, pe.party AS e, {lvl(level, "f")} AS product, f.value_kusd AS v
  FROM flows AS f
  JOIN party_map AS pe ON pe.member = f.exporter
  LEFT JOIN party_map AS pi ON pi.member = f.importer
  WHERE {_filter("f")} AND (pi.party IS NULL OR pi.party <> pe.party)
)
SELECT x.year, x.e AS exporter, CAST(x.product AS INTEGER) AS product,
       sum(x.v) AS value_kusd
FROM x GROUP BY x.year, x.e, x.product"""
    return Query("export_cells", sql, _params(years, products, parties),
                 _tables(parties, None))


def _cells(src: Source, level: str, parties: pa.Table | None,
           by_market: bool) -> tuple[str, str, str]:
    """CTEs ending in ``x(year, [m,] e, product, v)``, and the exporter label and its joins.

    Without parties: every exporter's world exports (the exporter aggregate). With parties:
    exports into the named parties from outside each, mapped (``m`` the importing party,
    kept with ``by_market``).
    """
    if parties is None:
        return (f"""x AS (
  SELECT a.year, a.exporter AS e, {lvl(level, "a")} AS product, sum(a.value_kusd) AS v
  FROM {src.exports} AS a WHERE {_filter("a")}
  GROUP BY a.year, a.exporter, {lvl(level, "a")}
)""", _ISO.format(col="s.e"), _ISO_JOIN.format(col="s.e"))
    m = "b.m, " if by_market else ""
    return (f"""b AS ({_MAPPED.format(key=lvl(level, "f"), where=_INTO)}),
x AS (
  SELECT b.year, {m}b.e, b.product, sum(b.v) AS v FROM b
  WHERE b.m < 0 GROUP BY b.year, {m}b.e, b.product
)""", _LABEL.format(col="s.e"), _LABEL_JOIN.format(col="s.e"))


_SHARES = """s AS (
  SELECT x.*, x.v / sum(x.v) OVER (PARTITION BY {part}) AS share,
         row_number() OVER (PARTITION BY {part} ORDER BY x.v DESC, x.e) AS rk
  FROM x WHERE x.v > 0
)"""


def market_shares(src: Source, *, years: Sequence[int], level: str,
                  products: Sequence[str] | None, top: int | None,
                  parties: pa.Table | None = None, labels: pa.Table | None = None) -> Query:
    """Exporter shares: ``year, product, exporter, value_kusd, share``, largest first.

    Without parties: shares of world exports (from the exporter aggregate). With parties:
    shares of the parties' pooled imports, each party's internal trade left out and any
    exporter belonging to a named party shown as that party.
    """
    x, label, join = _cells(src, level, parties, by_market=False)
    sql = f"""WITH {x},
{_SHARES.format(part="x.year, x.product")}
SELECT s.year, s.product, {label} AS exporter, s.v AS value_kusd, s.share
FROM s {join}
WHERE $top IS NULL OR s.rk <= $top
ORDER BY s.year, s.product, s.rk"""
    return Query("market_shares", sql, _params(years, products, parties, top=top),
                 _tables(parties, labels))


_HHI_SELECT = """sum(s.v) AS total_kusd, sum(s.share * s.share) AS hhi,
       max(CASE WHEN s.rk = 1 THEN {label} END) AS top_exporter,
       max(CASE WHEN s.rk = 1 THEN s.share END) AS top_share,
       count(*) AS n_exporters"""


def concentration(src: Source, *, years: Sequence[int], level: str,
                  products: Sequence[str] | None, parties: pa.Table | None = None,
                  labels: pa.Table | None = None, by_party: bool = False) -> Query:
    """HHI of exporters' shares per product: of world exports, or of the parties' imports.

    Returns ``year, [importer,] product, total_kusd, hhi, top_exporter, top_share,
    n_exporters`` (``importer`` with ``by_party``: one row per party and product; otherwise
    the parties' imports are pooled). ``hhi = sum_i share_i^2`` on the 0-1 scale.
    """
    by = by_party and parties is not None
    x, label, join = _cells(src, level, parties, by_market=by)
    part = "x.year, x.m, x.product" if by else "x.year, x.product"
    keys = "s.year, s.m, s.product" if by else "s.year, s.product"
    imp = "max(mi.label) AS importer, " if by else ""
    imp_join = "\nJOIN party_labels AS mi ON mi.code = s.m" if by else ""
    sql = f"""WITH {x},
{_SHARES.format(part=part)}
SELECT s.year, {imp}s.product, {_HHI_SELECT.format(label=label)}
FROM s {join}{imp_join}
GROUP BY {keys}
ORDER BY {keys.replace("s.m", "importer")}"""
    return Query("concentration", sql, _params(years, products, parties),
                 _tables(parties, labels))


def concentration_by_importer(src: Source, *, years: Sequence[int],
                              products: Sequence[str] | None) -> Query:
    """HS6 supplier HHI of every importer, read from the importer aggregate.

    Returns ``year, importer, product, total_kusd, hhi, top_exporter, top_share,
    n_exporters`` (``hhi = sum of squares / square of the sum``).
    """
    sql = f"""SELECT i.year, {_ISO.format(col="i.importer")} AS importer, i.product,
       i.import_kusd AS total_kusd,
       i.import_sumsq_kusd2 / (i.import_kusd * i.import_kusd) AS hhi,
       coalesce(t.iso3, CAST(i.top_exporter AS VARCHAR)) AS top_exporter,
       i.top_kusd / i.import_kusd AS top_share, i.n_suppliers AS n_exporters
FROM {src.imports} AS i
{_ISO_JOIN.format(col="i.importer")}
LEFT JOIN countries AS t ON t.code = i.top_exporter
WHERE {_filter("i")} AND i.import_kusd > 0
ORDER BY i.year, importer, i.product"""
    return Query("concentration_by_importer", sql, _params(years, products))


def concentration_every_importer(*, years: Sequence[int], level: str,
                                 products: Sequence[str] | None) -> Query:
    """As :func:`concentration_by_importer` at HS4/HS2, summed from the flows."""
    sql = f"""WITH x AS (
  SELECT f.year, f.importer AS m, f.exporter AS e, {lvl(level, "f")} AS product,
         sum(f.value_kusd) AS v
  FROM flows AS f WHERE {_filter("f")}
  GROUP BY f.year, f.importer, f.exporter, {lvl(level, "f")}
),
{_SHARES.format(part="x.year, x.m, x.product")}
SELECT s.year, max(mi.iso3) AS importer, s.product,
       {_HHI_SELECT.format(label=_ISO.format(col="s.e"))}
FROM s {_ISO_JOIN.format(col="s.e")}
JOIN countries AS mi ON mi.code = s.m
GROUP BY s.year, s.m, s.product
ORDER BY s.year, importer, s.product"""
    return Query("concentration_every_importer", sql, _params(years, products))


def _key(level: str, alias: str) -> str:
    return "'total'" if level == "total" else lvl(level, alias)


def totals(src: Source, *, years: Sequence[int], level: str,
           products: Sequence[str] | None) -> Query:
    """Exports and imports of every country: ``year, country, product, exports_kusd, imports_kusd``.

    From the two aggregates. ``level='total'`` sums over products (``product`` = ``total``).
    """
    sql = f"""WITH t AS (
  SELECT a.year, a.exporter AS code, {_key(level, "a")} AS product, a.value_kusd AS x,
         0.0 AS m
  FROM {src.exports} AS a WHERE {_filter("a")}
  UNION ALL
  SELECT i.year, i.importer AS code, {_key(level, "i")} AS product, 0.0 AS x,
         i.import_kusd AS m
  FROM {src.imports} AS i WHERE {_filter("i")}
)
SELECT t.year, {_ISO.format(col="t.code")} AS country, t.product,
       sum(t.x) AS exports_kusd, sum(t.m) AS imports_kusd
FROM t {_ISO_JOIN.format(col="t.code")}
GROUP BY t.year, t.code, c.iso3, t.product
ORDER BY t.year, country, t.product"""
    return Query("totals", sql, _params(years, products))


def party_totals(*, years: Sequence[int], level: str, products: Sequence[str] | None,
                 parties: pa.Table, labels: pa.Table) -> Query:
    """Exports and imports of each party, trade inside it left out (same columns as :func:`totals`)."""
    sql = f"""WITH b AS (
  SELECT f.year, pe.party AS pe, pi.party AS pi, {_key(level, "f")} AS product,
         f.value_kusd AS v
  FROM flows AS f
  LEFT JOIN party_map AS pe ON pe.member = f.exporter
  LEFT JOIN party_map AS pi ON pi.member = f.importer
  WHERE {_TOUCH} AND (pe.party IS NOT NULL OR pi.party IS NOT NULL)
),
t AS (
  SELECT b.year, b.pe AS code, b.product, b.v AS x, 0.0 AS m FROM b
  WHERE b.pe IS NOT NULL AND (b.pi IS NULL OR b.pi <> b.pe)
  UNION ALL
  SELECT b.year, b.pi AS code, b.product, 0.0 AS x, b.v AS m FROM b
  WHERE b.pi IS NOT NULL AND (b.pe IS NULL OR b.pe <> b.pi)
)
SELECT t.year, max(pl.label) AS country, t.product, sum(t.x) AS exports_kusd,
       sum(t.m) AS imports_kusd
FROM t JOIN party_labels AS pl ON pl.code = t.code
GROUP BY t.year, t.code, t.product
ORDER BY t.year, country, t.product"""
    return Query("party_totals", sql, _params(years, products, parties),
                 _tables(parties, labels))


def _sum(cond: str) -> str:
    return f"sum(CASE WHEN {cond} THEN b.v ELSE 0.0 END)"


def bilateral_sums(src: Source, *, years: Sequence[int], level: str,
                   products: Sequence[str] | None, parties: pa.Table) -> Query:
    """Per year and product, the sums the bilateral indices need, for parties A (-1) and B (-2).

    ``xa, ma``: A's exports to and imports from everyone outside A; ``xb, mb`` the same for
    B; ``xab`` A's exports to B, ``xba`` B's exports to A; ``xw`` world exports less the
    trade inside A and inside B (so every economy's import shares of ``xw`` sum to one).
    One filtered pass over the flows touching A or B, plus the exporter aggregate for the
    world totals.
    """
    a_out, b_out = "b.pe = -1 AND (b.pi IS NULL OR b.pi <> -1)", "b.pe = -2 AND (b.pi IS NULL OR b.pi <> -2)"
    a_in, b_in = "b.pi = -1 AND (b.pe IS NULL OR b.pe <> -1)", "b.pi = -2 AND (b.pe IS NULL OR b.pe <> -2)"
    sql = f"""WITH b AS (
  SELECT f.year, pe.party AS pe, pi.party AS pi, {lvl(level, "f")} AS product,
         f.value_kusd AS v
  FROM flows AS f
  LEFT JOIN party_map AS pe ON pe.member = f.exporter
  LEFT JOIN party_map AS pi ON pi.member = f.importer
  WHERE {_TOUCH} AND (pe.party IS NOT NULL OR pi.party IS NOT NULL)
),
s AS (
  SELECT b.year, b.product, {_sum(a_out)} AS xa, {_sum(a_in)} AS ma, {_sum(b_out)} AS xb,
         {_sum(b_in)} AS mb, {_sum("b.pe = -1 AND b.pi = -2")} AS xab,
         {_sum("b.pe = -2 AND b.pi = -1")} AS xba, {_sum("b.pe = b.pi")} AS intra
  FROM b GROUP BY b.year, b.product
),
w AS (
  SELECT a.year, {lvl(level, "a")} AS product, sum(a.value_kusd) AS world
  FROM {src.exports} AS a WHERE {_filter("a")}
  GROUP BY a.year, {lvl(level, "a")}
)
SELECT w.year, w.product, coalesce(s.xa, 0.0) AS xa, coalesce(s.ma, 0.0) AS ma,
       coalesce(s.xb, 0.0) AS xb, coalesce(s.mb, 0.0) AS mb, coalesce(s.xab, 0.0) AS xab,
       coalesce(s.xba, 0.0) AS xba, w.world - coalesce(s.intra, 0.0) AS xw
FROM w LEFT JOIN s ON s.year = w.year AND s.product = w.product
ORDER BY w.year, w.product"""
    return Query("bilateral_sums", sql, _params(years, products, parties),
                 _tables(parties, None))
