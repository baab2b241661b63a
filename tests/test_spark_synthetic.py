"""Parity on a seeded synthetic release, and a driver that only ever collects aggregates.

The release is generated (synthetic, never real data) by bench/generate_baci.py: two years of
150,000 flows among the real BACI countries in 60 real HS6 products, values lognormal, 5%
of quantities missing, product codes written as integers (lost leading zeros). DuckDB ingests
it into a file; Spark ingests the same files into a Parquet warehouse; every engine output
must then agree to 1e-9, and no query may bring back more than a bound far below the raw
flow count.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

import straits
from straits.session import Session
from tests._parity import CountingWarehouse, assert_same

YEARS = range(2030, 2032)
ROWS = 150_000
PRODUCTS = 60
REPO = Path(__file__).resolve().parents[1]

#: engine calls on the synthetic release (its products are a seeded draw: none named)
CASES = {
    "flows": lambda s: s.flows(exporter="CHN", importer="KOR"),
    "flows_count": lambda s: len(s.flows(year=2030, importer="JPN")),
    "trade_summary": lambda s: s.trade_summary("KOR", "JPN"),
    "totals": lambda s: s.totals(country="KOR,JPN,CHN"),
    "concentration": lambda s: s.concentration(year=2031),
    "concentration_importer": lambda s: s.concentration(importer="KOR"),
    "rca": lambda s: s.rca(year=[2030, 2031], country="KOR"),
    "bilateral": lambda s: s.bilateral("KOR", "JPN"),
    "complexity": lambda s: s.complexity(year=2031, min_headings=5, min_chapters=3,
                                         min_economies=20),
    "dependency": lambda s: s.dependency("KOR"),
    "dependency_bloc": lambda s: s.dependency("EU27", year=2030),
    "dependency_persistence": lambda s: s.dependency("JPN", persistence=2),
    "mutual": lambda s: s.mutual("KOR", "JPN"),
    "shared_dependence": lambda s: s.shared_dependence("KOR", "JPN", on="CHN"),
}


def _generator():
    spec = importlib.util.spec_from_file_location("generate_baci", REPO / "bench" / "generate_baci.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def release(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("synthetic") / "BACI_HS17_V999901"
    _generator().write_release(out, YEARS, ROWS, seed=2026, n_products=PRODUCTS)
    return out


@pytest.fixture(scope="module")
def on_duckdb(release, tmp_path_factory):
    db = tmp_path_factory.mktemp("syn-duckdb") / "syn.duckdb"
    with straits.open(db) as s:
        s.ingest(release)
    s = straits.open(db, read_only=True)
    yield s
    s.close()


@pytest.fixture(scope="module")
def on_spark(release, spark, tmp_path_factory):
    from straits.warehouse.spark import SparkBackend
    from straits.warehouse.spark_ingest import ingest_release

    root = tmp_path_factory.mktemp("syn-spark") / "wh"
    ingest_release(release, root, spark=spark)
    backend = SparkBackend(root, spark=spark)
    yield backend
    backend.close()


def test_spark_ingest_of_the_synthetic_release_matches_duckdb(on_duckdb, on_spark):
    from straits.warehouse.query import Query

    q = Query("stored", """SELECT year, count(*) AS n, sum(value_kusd) AS v,
        count(quantity_t) AS nq, sum(quantity_t) AS q, count(DISTINCT product) AS products,
        min(product) AS first_product, sum(exporter * 1000 + importer) AS keysum
        FROM flows GROUP BY year ORDER BY year""")
    duck = on_duckdb.backend.arrow(q)
    assert duck.column("n").to_pylist() == [ROWS] * len(YEARS)
    assert_same(duck, on_spark.arrow(q), "stored flows")
    assert_same(on_duckdb.datasets().drop(columns="loaded_at"),
                Session(backend=on_spark).datasets().drop(columns="loaded_at"), "catalog")


@pytest.mark.parametrize("case", list(CASES))
def test_spark_gives_the_same_answers_on_a_synthetic_release(case, on_duckdb, on_spark):
    assert_same(CASES[case](on_duckdb), CASES[case](Session(backend=on_spark)), case)


@pytest.mark.parametrize("engine", ["duckdb", "spark"])
def test_driver_collects_aggregates_not_flows(engine, on_duckdb, on_spark):
    """No engine call brings back more rows than a quarter of the flows of one year.

    The largest legitimate result here is an exporter x product or importer x product
    matrix (at most ~230 x 60 = 13,800 cells a year, 27,600 for both years); raw flows
    (150,000 a year, 300,000 in all) break the bound.
    """
    counting = CountingWarehouse(on_duckdb.backend if engine == "duckdb" else on_spark)
    s = Session(backend=counting)
    for name, call in CASES.items():
        if not name.startswith("flows"):  # `flows` lists flows by design (paged by --limit)
            call(s)
    assert counting.collected
    name, rows = max(counting.collected, key=lambda c: c[1])
    assert rows <= ROWS // 4, f"{engine}: query {name!r} collected {rows} rows to the driver"
