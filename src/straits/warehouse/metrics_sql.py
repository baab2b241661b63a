"""SQL of the trade-metrics engine: totals, market shares, concentration, bilateral sums.

Each builder returns one complete DuckDB statement over ``flows`` and ``countries`` with
values inlined by :func:`~straits.warehouse.backend.sql_literal`, so it transpiles to Spark
like the rest of :mod:`straits.warehouse` (window functions and ``GROUP BY``, no ``QUALIFY``).
Products are aggregated to the requested HS level with ``left(product, n)``; countries are
filtered by BACI code and labelled with ISO3 in the final ``SELECT``.
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse._inline import code_filter, product_filter, year_filter
from straits.warehouse.backend import sql_literal

#: HS level name -> number of digits kept
LEVELS = {"hs2": 2, "hs4": 4, "hs6": 6}


def level_expr(level: str, column: str = "f.product") -> str:
    """Product key at an HS level: the column itself for HS6, ``left(col, n)`` otherwise."""
    n = LEVELS[level]
    return column if n == 6 else f"left({column}, {n})"


def _where(years, products, exporters=None, importers=None) -> str:
    return (f"{year_filter(years, 'f.year')} AND {product_filter(products, 'f.product')}"
            f" AND {code_filter('f.exporter', exporters)} AND {code_filter('f.importer', importers)}")


def exports_matrix(
    *,
    years: Sequence[int],
    level: str = "hs6",
    products: Sequence[str] | None = None,
    importers: Sequence[int] | None = None,
) -> str:
    """Exporter x product sums: ``year, exporter`` (BACI code), ``product, value_kusd``.

    The country-by-product export matrix behind RCA and economic complexity, in long form;
    ``importers`` restricts it to exports to those markets.
    """
    return f"""SELECT f.year, f.exporter, {level_expr(level)} AS product,
       sum(f.value_kusd) AS value_kusd
FROM flows AS f
WHERE {_where(years, products, None, importers)}
GROUP BY f.year, f.exporter, {level_expr(level)}"""


def totals(
    *,
    years: Sequence[int],
    level: str,
    countries: Sequence[int] | None,
    products: Sequence[str] | None,
) -> str:
    """Exports and imports per country: ``year, country, product, exports_kusd, imports_kusd``.

    ``level='total'`` sums over products (``product`` is then ``'total'``).
    """
    key = sql_literal("total") if level == "total" else level_expr(level)
    return f"""WITH t AS (
  SELECT f.year, f.exporter AS code, {key} AS product, f.value_kusd AS x, 0.0 AS m
  FROM flows AS f WHERE {_where(years, products, countries, None)}
  UNION ALL
  SELECT f.year, f.importer AS code, {key} AS product, 0.0 AS x, f.value_kusd AS m
  FROM flows AS f WHERE {_where(years, products, None, countries)}
)
SELECT t.year, c.iso3 AS country, t.product, sum(t.x) AS exports_kusd, sum(t.m) AS imports_kusd
FROM t JOIN countries AS c ON c.code = t.code
GROUP BY t.year, c.iso3, t.product
ORDER BY t.year, country, t.product"""


def _supplier_shares(years, level, products, importers, partition: str) -> str:
    """CTE ``s``: value and share of each exporter within ``partition`` (a window key)."""
    imp = ", f.importer" if "importer" in partition else ""
    return f"""x AS (
  SELECT f.year{imp}, f.exporter, {level_expr(level)} AS product, sum(f.value_kusd) AS v
  FROM flows AS f
  WHERE {_where(years, products, None, importers)}
  GROUP BY f.year{imp}, f.exporter, {level_expr(level)}
),
s AS (
  SELECT x.*, x.v / sum(x.v) OVER (PARTITION BY {partition}) AS share,
         row_number() OVER (PARTITION BY {partition} ORDER BY x.v DESC, x.exporter) AS rk
  FROM x WHERE x.v > 0
)"""


def market_shares(
    *,
    years: Sequence[int],
    level: str,
    products: Sequence[str] | None,
    importers: Sequence[int] | None,
    top: int | None,
) -> str:
    """Exporter shares: ``year, product, exporter, value_kusd, share``, largest first.

    Share of world exports of the product, or of the ``importers``' (pooled) imports.
    """
    cut = f"\nWHERE s.rk <= {int(top)}" if top else ""
    return f"""WITH {_supplier_shares(years, level, products, importers, "x.year, x.product")}
SELECT s.year, s.product, c.iso3 AS exporter, s.v AS value_kusd, s.share
FROM s JOIN countries AS c ON c.code = s.exporter{cut}
ORDER BY s.year, s.product, s.rk"""


def concentration(
    *,
    years: Sequence[int],
    level: str,
    products: Sequence[str] | None,
    importers: Sequence[int] | None,
    by_importer: bool = False,
) -> str:
    """HHI of exporters' shares per product (and importer with ``by_importer``).

    Returns ``year, [importer,] product, total_kusd, hhi, top_exporter, top_share,
    n_exporters``; ``hhi = sum_i share_i^2`` on the 0-1 scale.
    """
    part = "x.year, x.importer, x.product" if by_importer else "x.year, x.product"
    key = "s.year, s.importer, s.product" if by_importer else "s.year, s.product"
    imp_sel = "mi.iso3 AS importer, " if by_importer else ""
    imp_join = "\nJOIN countries AS mi ON mi.code = s.importer" if by_importer else ""
    imp_grp = ", mi.iso3" if by_importer else ""
    return f"""WITH {_supplier_shares(years, level, products, importers, part)}
SELECT s.year, {imp_sel}s.product, sum(s.v) AS total_kusd, sum(s.share * s.share) AS hhi,
       max(CASE WHEN s.rk = 1 THEN c.iso3 END) AS top_exporter,
       max(CASE WHEN s.rk = 1 THEN s.share END) AS top_share,
       count(*) AS n_exporters
FROM s JOIN countries AS c ON c.code = s.exporter{imp_join}
GROUP BY {key}{imp_grp}
ORDER BY {key}"""


def bilateral_sums(
    *,
    years: Sequence[int],
    level: str,
    a: Sequence[int],
    b: Sequence[int],
    products: Sequence[str] | None = None,
) -> str:
    """Per year and product, the sums the bilateral indices need.

    ``xa, ma`` A's exports and imports (all partners), ``xb, mb`` the same for B,
    ``xab`` A's exports to B, ``xba`` B's exports to A, ``xw`` world exports. A bloc is one
    economy: trade among its own members is internal and left out of its exports and
    imports (as in :mod:`straits.reference.blocs`); a single country never trades with itself.
    """
    ea, ia = code_filter("f.exporter", a), code_filter("f.importer", a)
    eb, ib = code_filter("f.exporter", b), code_filter("f.importer", b)

    def s(cond: str) -> str:
        return f"coalesce(sum(CASE WHEN {cond} THEN f.value_kusd END), 0.0)"

    xa, ma = f"{ea} AND NOT {ia}", f"{ia} AND NOT {ea}"
    xb, mb = f"{eb} AND NOT {ib}", f"{ib} AND NOT {eb}"
    return f"""SELECT f.year, {level_expr(level)} AS product,
       {s(xa)} AS xa, {s(ma)} AS ma, {s(xb)} AS xb, {s(mb)} AS mb,
       {s(f"{ea} AND {ib}")} AS xab, {s(f"{eb} AND {ia}")} AS xba,
       sum(f.value_kusd) AS xw
FROM flows AS f
WHERE {_where(years, products)}
GROUP BY f.year, {level_expr(level)}
ORDER BY f.year, product"""


def country_labels() -> str:
    """BACI code -> ISO3 for every country."""
    return "SELECT code, iso3 FROM countries ORDER BY code"
