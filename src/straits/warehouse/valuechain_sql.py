"""The queries of the value-chain engine over the ``eto_*`` and ``io_*`` tables.

Each function returns one :class:`~straits.warehouse.query.Query` of constant text with bound
parameters (see :mod:`straits.warehouse.query`). ETO tables are small (about 1,300 share
rows, 130 nodes, 140 links), so the engine reads them whole or filtered; the input-output
queries return one year's non-zero cells (about 410,000 for a WIOD year), which the engine
assembles into dense matrices for :mod:`straits._kernels.io`.
"""

from __future__ import annotations

from collections.abc import Sequence

from straits.warehouse.queries import in_list
from straits.warehouse.query import Query, strings

_CHAIN_SQL = f"""SELECT s.node_id AS input_id, n.name AS input, n.kind AS type, n.market_size,
       s.provider_id, p.name AS provider, p.provider_type, p.country AS provider_country,
       p.aggregate, s.share, s.year, s.source, n.position
FROM eto_shares AS s
JOIN eto_nodes AS n ON n.node_id = s.node_id
JOIN eto_providers AS p ON p.provider_id = s.provider_id
WHERE {in_list("nodes", "s.node_id")} AND {in_list("countries", "p.country")}
ORDER BY n.position, CASE WHEN p.provider_type = 'country' THEN 0 ELSE 1 END,
         CASE WHEN s.share IS NULL THEN 1 ELSE 0 END, s.share DESC, p.name"""


def eto_chain(*, nodes: Sequence[str] | None = None,
              countries: Sequence[str] | None = None) -> Query:
    """Share rows joined with their node and provider, chain order, largest share first.

    Columns: input_id, input, type, market_size, provider_id, provider, provider_type,
    provider_country, aggregate, share (0-1 or NULL), year, source, position.
    """
    return Query("eto_chain", _CHAIN_SQL, {"nodes": strings(nodes),
                                           "countries": strings(countries)})


def eto_nodes() -> Query:
    """Every input and stage: node_id, name, kind, market_size, data_year, position."""
    return Query("eto_nodes", "SELECT node_id, name, kind, market_size, data_year, position "
                              "FROM eto_nodes ORDER BY position")


def eto_node_stages() -> Query:
    """Node -> stage links with the stage's name, in stage order (node_id, stage_id, stage)."""
    return Query("eto_node_stages", """SELECT ns.node_id, ns.stage_id, st.name AS stage
FROM eto_node_stages AS ns JOIN eto_nodes AS st ON st.node_id = ns.stage_id
ORDER BY ns.node_id, st.position""")


def eto_edges() -> Query:
    """Links of the chain: src, dst, relation (goes_into or is_type_of)."""
    return Query("eto_edges", "SELECT src, dst, relation FROM eto_edges ORDER BY src, dst")


def eto_countries() -> Query:
    """Country providers and their aliases: provider_id, name (ISO3), alias, aggregate."""
    return Query("eto_countries", """SELECT p.provider_id, p.name, a.alias, p.aggregate
FROM eto_providers AS p LEFT JOIN eto_aliases AS a ON a.provider_id = p.provider_id
WHERE p.provider_type = 'country' ORDER BY p.name""")


_TOP_SQL = """WITH ranked AS (
    SELECT s.node_id, p.name AS provider, p.provider_type, s.share,
           ROW_NUMBER() OVER (PARTITION BY s.node_id, p.provider_type
                              ORDER BY s.share DESC, p.name) AS rank
    FROM eto_shares AS s JOIN eto_providers AS p ON p.provider_id = s.provider_id
    WHERE s.share IS NOT NULL AND NOT p.aggregate AND NOT list_contains($exclude, p.name)
)
SELECT node_id, provider, provider_type, share, rank FROM ranked
WHERE rank <= $k ORDER BY node_id, provider_type, rank"""


def eto_top_providers(k: int, *, exclude: Sequence[str] = ()) -> Query:
    """The ``k`` largest known shares per node and provider type (groups never rank).

    Columns: node_id, provider, provider_type ('country' or 'organization'), share, rank
    (1 = largest; ties broken by name). ``exclude`` leaves providers out (a country pair, to
    find the largest third country).
    """
    return Query("eto_top_providers", _TOP_SQL, {"k": int(k), "exclude": strings(exclude) or []})


def eto_node_counts() -> Query:
    """Per node: countries and firms listed, groups left out, and the latest share year."""
    return Query("eto_node_counts", """SELECT s.node_id,
       count(DISTINCT CASE WHEN p.provider_type = 'country' AND NOT p.aggregate
                           THEN p.provider_id END) AS n_countries,
       count(DISTINCT CASE WHEN p.provider_type = 'organization' AND NOT p.aggregate
                           THEN p.provider_id END) AS n_firms,
       max(s.year) AS year
FROM eto_shares AS s JOIN eto_providers AS p ON p.provider_id = s.provider_id
GROUP BY s.node_id ORDER BY s.node_id""")


def io_rows(dataset: str, year: int) -> Query:
    """Country-industries of one table in order: idx, country, industry, output_musd."""
    return Query("io_rows", "SELECT idx, country, industry, output_musd FROM io_rows "
                            "WHERE dataset = $dataset AND year = $year ORDER BY idx",
                 {"dataset": dataset, "year": int(year)})


def io_cells(dataset: str, year: int, *, final: bool = False) -> Query:
    """Non-zero intermediate cells (or final-demand cells): row_idx, col_idx, value_musd."""
    sql = ("SELECT row_idx, col_idx, value_musd FROM io_final WHERE dataset = $dataset AND "
           "year = $year" if final else
           "SELECT row_idx, col_idx, value_musd FROM io_z WHERE dataset = $dataset AND "
           "year = $year")
    return Query("io_final" if final else "io_z", sql, {"dataset": dataset, "year": int(year)})


def io_final_cols(dataset: str, year: int) -> Query:
    """Final-demand columns of one table: idx, country, category."""
    return Query("io_final_cols", "SELECT idx, country, category FROM io_final_cols "
                                  "WHERE dataset = $dataset AND year = $year ORDER BY idx",
                 {"dataset": dataset, "year": int(year)})


def io_industries(dataset: str, year: int) -> Query:
    """Industry code -> published name for one table: industry, name."""
    return Query("io_industries", "SELECT industry, name FROM io_industries "
                                  "WHERE dataset = $dataset AND year = $year",
                 {"dataset": dataset, "year": int(year)})
