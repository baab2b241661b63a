"""Every engine output agrees across engines to 1e-9 on the embedded default.

Each case calls one public engine function (through a Session over a given backend) and
compares three runs: DuckDB on the warehouse file (what users run by default), DuckDB on the
Parquet export (the same files Spark reads: proves the layout), and Spark on that export.
A case that fails on Spark names the engine function; the assertion names the query and the
first differing cells. Parity on a synthetic release is in test_spark_synthetic.py.
"""

from __future__ import annotations

import pytest

from straits.errors import StraitsError
from straits.session import Session
from tests._parity import assert_same


def _error(fn, **kw) -> str:
    """The message of the StraitsError a call raises (both engines must refuse alike)."""
    try:
        fn(**kw)
    except StraitsError as exc:
        return f"{type(exc).__name__}: {exc}"
    raise AssertionError(f"{fn.__name__} did not refuse")


#: name -> call on a Session; the same calls as the CLI commands and the report make
CASES = {
    "flows": lambda s: s.flows(year=2023, exporter="CHN", importer="KOR"),
    "flows_bloc_years": lambda s: s.flows(year=[2022, 2024], exporter="CHN",
                                          importer="EU27", product="8112", limit=50),
    "trade_summary": lambda s: s.trade_summary("KOR", "JPN"),
    "datasets": lambda s: s.datasets().drop(columns="loaded_at"),
    "product": lambda s: s.product("graphite"),
    "market_shares": lambda s: s.market_shares(product="811292"),
    "market_shares_importer": lambda s: s.market_shares(product="8505", importer="KOR", top=3),
    "totals": lambda s: s.totals(country="KOR"),
    "concentration": lambda s: s.concentration(year=2024),
    "concentration_hs4": lambda s: s.concentration(level="hs4"),
    "rca": lambda s: s.rca(year=2024, country="KOR"),
    "rca_years": lambda s: s.rca(year=[2019, 2024]),
    "bilateral": lambda s: s.bilateral("KOR", "JPN"),
    "complexity": lambda s: s.complexity(year=2024, min_products=20),
    "complexity_refused": lambda s: _error(s.complexity, year=2024),
    "fitness": lambda s: s.complexity(year=2024, method="fitness", min_products=20),
    "dependency": lambda s: s.dependency("KOR", year=2024),
    "dependency_bloc": lambda s: s.dependency("KOR+JPN"),
    "dependency_persistence": lambda s: s.dependency("JPN", persistence=2),
    "dependency_all": lambda s: s.dependency_all(),
    "mutual": lambda s: s.mutual("KOR", "JPN"),
    "shared_dependence": lambda s: s.shared_dependence("KOR", "JPN", on="CHN"),
    "shock": lambda s: s.shock(exporter="CHN", importer="KOR,JPN",
                               products="811292,250490", cut=1.0, redirect=0.2),
    "event": lambda s: s.event("cn-gallium-germanium-2023"),
    "event_graphite": lambda s: s.event("cn-graphite-2023", importer="JPN"),
    "reporter_flows": lambda s: s.reporter_flows(reporter="KOR", partner="JPN", product="281111"),
    "mirror": lambda s: s.mirror("KOR", "JPN", "281111", 2019),
    "watch": lambda s: s.watch("KOR", start="2019-01", end="2019-12"),
    "monthly_event": lambda s: s.monthly_event("jp-kr-2019"),
}


def _run(backend, case: str):
    return CASES[case](Session(backend=backend))


@pytest.fixture(scope="module")
def reference(session):
    """DuckDB on the warehouse file, each case computed once."""
    cache: dict[str, object] = {}

    def get(case: str):
        if case not in cache:
            cache[case] = _run(session.backend, case)
        return cache[case]

    return get


@pytest.mark.parametrize("case", list(CASES))
def test_parquet_layout_gives_duckdb_the_same_answers(case, reference, parquet_duckdb_wh):
    assert_same(reference(case), _run(parquet_duckdb_wh, case), f"duckdb-parquet {case}")


@pytest.mark.parametrize("case", list(CASES))
def test_spark_gives_the_same_answers(case, reference, spark_wh):
    assert_same(reference(case), _run(spark_wh, case), f"spark {case}")
