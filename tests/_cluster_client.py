"""Run part of the parity suite against a standalone Spark master (test_spark_cluster.py).

Usage: ``python -m tests._cluster_client MASTER_URL PARQUET_DIR DUCKDB_FILE``. Prints one
line per case and a closing ``N passed, N failed`` line; exits 1 when any case failed.
"""

from __future__ import annotations

import sys

#: one case per engine family (flows, metrics, security): the local suite covers the rest;
#: each extra case costs a few seconds of cluster scheduling on two shared cores
CLUSTER_CASES = ["flows", "concentration", "dependency"]


def main(master: str, parquet_dir: str, duckdb_file: str) -> int:
    import straits
    from straits.session import Session
    from straits.warehouse.spark import SparkBackend
    from straits.warehouse.spark_session import get_spark
    from tests._parity import assert_same
    from tests.test_spark_parity import CASES

    spark = get_spark(master)
    assert spark.sparkContext.master == master, spark.sparkContext.master
    duck = straits.open(duckdb_file, read_only=True)
    on_spark = Session(backend=SparkBackend(parquet_dir, spark=spark))
    passed = failed = 0
    for case in CLUSTER_CASES:
        try:
            assert_same(CASES[case](duck), CASES[case](on_spark), case)
            passed += 1
            print(f"ok {case}")
        except Exception as exc:  # report every case, then fail
            failed += 1
            print(f"FAIL {case}: {str(exc)[:500]}")
    # executors register while the first job waits: counted after the work (driver excluded)
    workers = spark.sparkContext._jsc.sc().getExecutorMemoryStatus().size() - 1
    print(f"master {master}: {workers} executor(s)")
    print(f"{passed} passed, {failed} failed")
    spark.stop()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:4]))
