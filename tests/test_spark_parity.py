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


#: the embedded extract's 30 products are below the product-space guard: lowered here
GUARD = dict(min_headings=5, min_chapters=3, min_economies=20)

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
    "complexity": lambda s: s.complexity(year=2024, **GUARD),
    "complexity_refused": lambda s: _error(s.complexity, year=2024),
    "fitness": lambda s: s.complexity(year=2024, method="fitness", **GUARD),
    "dependency": lambda s: s.dependency("KOR", year=2024),
    "dependency_bloc": lambda s: s.dependency("KOR+JPN"),
    "dependency_persistence": lambda s: s.dependency("JPN", persistence=2),
    "dependency_all": lambda s: s.dependency_all(),
    "dependency_all_sorted": lambda s: s.dependency_all().sort_values(
        ["importer", "product"], kind="stable").reset_index(drop=True),
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
    "grubel_lloyd": lambda s: s.grubel_lloyd_by_product("KOR", "JPN", year=2024),
    "published_eci": lambda s: s.published_eci(country="KOR,JPN"),
    "reporter_shares": lambda s: s.reporter_shares("KOR", product="281111"),
    "reporter_sources": lambda s: s.reporter_sources().drop(columns="loaded_at",
                                                              errors="ignore"),
    "monthly_mirror_refused": lambda s: _error(s.monthly_mirror, importer="KOR", exporter="JPN",
                                              product="281111"),
    "chain": lambda s: s.chain(country="KOR"),
    "chokepoints": lambda s: s.chokepoints(),
    "chain_pair": lambda s: s.chain_pair("KOR", "JPN"),
    "chain_downstream": lambda s: s.chain_downstream("Photoresists"),
    "io_shock": lambda s: s.io_shock(supplier="JPN", sector="c9", customer="KOR", cut=0.5),
    "io_reliance": lambda s: s.foreign_input_reliance(country="KOR"),
}


#: cases that fail on Spark today, with the owner and the reason (remove an entry when fixed:
#: the mark is strict, except for ties, so a fixed case turns red until its entry goes)
KNOWN_SPARK = {
    "dependency_all": "security: the all-importer screen orders by value_at_risk_kusd DESC, "
                      "import_kusd DESC only (the importer/product tie-break is left out for "
                      "speed in security_sql.dependency_screen), so tied rows come in any "
                      "order on any engine; the values agree (case dependency_all_sorted)",
}
#: cases whose order differs between two DuckDB reads of the same data (ties), so any engine
KNOWN_TIES = {"dependency_all": KNOWN_SPARK["dependency_all"]}


def _known(known: dict[str, str]) -> list:
    # a tie shows or not depending on thread timing: those marks cannot be strict
    return [pytest.param(c, marks=pytest.mark.xfail(reason=known[c], strict=c not in KNOWN_TIES))
            if c in known else c for c in CASES]


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


@pytest.mark.parametrize("case", _known(KNOWN_TIES))
def test_parquet_layout_gives_duckdb_the_same_answers(case, reference, parquet_duckdb_wh):
    assert_same(reference(case), _run(parquet_duckdb_wh, case), f"duckdb-parquet {case}")


@pytest.mark.parametrize("case", _known(KNOWN_SPARK))
def test_spark_gives_the_same_answers(case, reference, spark_wh):
    assert_same(reference(case), _run(spark_wh, case), f"spark {case}")
