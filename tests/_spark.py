"""Spark fixtures (a pytest plugin loaded by conftest): one SparkSession per test session.

Starting the JVM costs ~15 s on two cores, so every Spark test shares one ``local[2]``
session, and the default warehouse is exported to Parquet once. Without pyspark the Spark
tests skip, except under ``CI=true``, where a missing extra must fail the run.
"""

from __future__ import annotations

import os

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"


def require_pyspark() -> None:
    """Skip (or, in CI, fail) when the spark extra is not installed."""
    try:
        import pyspark  # noqa: F401
    except ImportError:
        if IN_CI:
            pytest.fail("pyspark is missing in CI: install the test extra (pip install -e '.[test]')")
        pytest.skip("pyspark not installed (pip install -e '.[spark]')")


@pytest.fixture(scope="session")
def spark(_isolated_cache):
    """The shared local SparkSession (stopped at the end of the test session)."""
    require_pyspark()
    from straits.warehouse.spark_session import get_spark

    s = get_spark("local[2]")
    yield s
    s.stop()


@pytest.fixture(scope="session")
def default_parquet(session):
    """The embedded default exported to Parquet in the test cache (as STRAITS_ENGINE=spark does)."""
    from straits.warehouse.engines import default_parquet as build

    return build()


@pytest.fixture(scope="session")
def spark_wh(spark, default_parquet):
    """Spark over the default warehouse's Parquet export."""
    from straits.warehouse.spark import SparkBackend

    backend = SparkBackend(default_parquet, spark=spark)
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def parquet_duckdb_wh(default_parquet):
    """DuckDB over the same Parquet files: the like-for-like reference for Spark."""
    from straits.warehouse.parquet import open_duckdb

    backend = open_duckdb(default_parquet)
    yield backend
    backend.close()
