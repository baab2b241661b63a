"""Every security and reporter query binds its values, runs on DuckDB and transpiles to Spark.

Each builder is called with sentinel values (an odd product code, unusual years and country
codes, a bloc map); the sentinels must travel in ``params`` or the attached tables, never in
the SQL text, and the query must run on the embedded warehouse.
"""

from __future__ import annotations

import pytest

from straits.reference.blocs import resolve_party
from straits.security._common import party_table
from straits.security.shock import mset
from straits.warehouse import aggregates
from straits.warehouse import reporter_sql as rq
from straits.warehouse import security_sql as q
from straits.warehouse.backend import to_dialect

ODD = "8112'9; DROP TABLE flows; --"
ODD_ISO = "K'OR"
YEARS = [2019, 2023, 2024]


def _security():
    eu = party_table([resolve_party("EU27"), resolve_party("KOR+JPN")])
    none = party_table([])
    yield q.dependency_screen(years=YEARS, year=2024, products=[ODD, "811292"],
                              importers=[-1, 7777], pmap=eu, persistence=2,
                              comparable=(6, 0.0031))
    yield q.dependency_screen(years=[2024], year=2024, products=None, importers=None,
                              pmap=none)
    yield q.dependency_screen(years=YEARS, year=2024, products=[ODD], importers=[7777],
                              pmap=none, persistence=1, aggregates=aggregates.INLINE)
    yield q.supplier_shares(years=YEARS, products=[ODD], importers=[7777, -2], pmap=eu,
                            comparable=(6, None))
    yield q.exporter_totals(years=YEARS, products=[ODD], pmap=none)
    yield q.year_depth(years=YEARS, products=[ODD])
    yield q.shock_imports(year=2024, products=[ODD, "811292"], restricting=[7777],
                          mset=mset([resolve_party("KOR"), resolve_party("EU27")]))
    yield q.shock_pools(year=2024, products=[ODD], restricting=[7777], affected=[8888])


def _reporter():
    yield rq.reporter_flows(reporters=[ODD_ISO], partners=[ODD_ISO], flow="import",
                            products=["2811", ODD[:4], "2811111000"], years=[1999], limit=7)
    yield rq.monthly_supply(ODD_ISO, ["281111", "2811111000"])
    yield rq.monthly_imports_simple(ODD_ISO, ["2811"])
    yield rq.mirror_totals(ODD_ISO, "JPN", ["281111"], 1999)
    yield rq.shares(reporter=ODD_ISO, flow="import", products=["2811"], partners=[ODD_ISO],
                    years=[1999], by="month")
    yield rq.shares(reporter="KOR", flow="import", products=None, partners=None, years=None)
    yield rq.sources()
    yield rq.monthly_catalog()
    yield rq.has_monthly()


QUERIES = [*_security(), *_reporter()]


@pytest.mark.parametrize("query", QUERIES, ids=[f"{x.name}-{i}" for i, x in enumerate(QUERIES)])
def test_values_are_bound_and_the_query_runs(session, query):
    for sentinel in (ODD, ODD_ISO, "7777", "8888", "1999", "0.0031"):
        assert sentinel not in query.sql, (query.name, sentinel)
    session.backend.arrow(query)  # runs (and matches nothing odd)
    assert "SELECT" in to_dialect(query.sql, "spark")


def test_sentinel_rows_match_nothing(session):
    got = session.backend.arrow(q.shock_pools(year=2024, products=[ODD], restricting=[156],
                                              affected=[410]))
    assert got.num_rows == 0


def test_screen_reads_the_aggregates_and_agrees_with_the_flows(session):
    """The no-bloc screen from agg_imports/agg_exports equals the one summing the flows."""
    import pyarrow.compute as pc

    wh = session.backend
    src = aggregates.ensure(wh, [2024], ("exports", "imports"))
    kw = dict(years=[2024], year=2024, products=None, importers=None,
              pmap=party_table([]), describe=False)
    fast = wh.arrow(q.dependency_screen(**kw, aggregates=src)).sort_by(
        [("importer", "ascending"), ("product", "ascending")])
    slow = wh.arrow(q.dependency_screen(**kw)).sort_by(
        [("importer", "ascending"), ("product", "ascending")])
    assert fast.num_rows == slow.num_rows > 3000
    for col in ("import_kusd", "top_share", "import_hhi", "world_export_hhi",
                "value_at_risk_kusd"):
        diff = pc.max(pc.abs(pc.subtract(fast[col], slow[col]))).as_py()
        assert diff <= 1e-9 * max(1.0, pc.max(slow[col]).as_py()), col
    assert fast["geodep"].to_pylist() == slow["geodep"].to_pylist()
