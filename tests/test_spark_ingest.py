"""Ingest on Spark: the embedded release stored exactly as DuckDB stores it, and every class
of bad input rejected with DuckDB's message (file, line, column), the warehouse untouched.

The bad inputs are test_ingest.py's own (one definition, both engines); each is ingested by
both engines and the two errors must read the same.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

import straits
from straits.errors import InputFileError
from straits.warehouse import parquet
from tests._parity import differences
from tests.test_ingest import BAD_CASES, make_release

EMBEDDED = Path(straits.__file__).parent / "data" / "baci" / "BACI_HS17_V202601.zip"

#: what each stored table is compared on (loaded_at differs by construction)
STORED = {
    "flows": "SELECT * FROM flows ORDER BY year, exporter, importer, product",
    "countries": "SELECT * FROM countries ORDER BY code",
    "products": "SELECT * FROM products ORDER BY product",
    "releases": "SELECT * EXCLUDE (loaded_at) FROM releases WHERE dataset = 'baci' ORDER BY year",
    "meta": "SELECT * FROM meta WHERE starts_with(key, 'baci_') ORDER BY key",
}


def fingerprint(root: Path) -> dict[str, str]:
    """Every file of a Parquet warehouse and the hash of its bytes."""
    return {str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def spark_ingest(spark, source: Path, to: Path, **kw):
    from straits.warehouse.spark_ingest import ingest_release

    return ingest_release(source, to, spark=spark, **kw)


@pytest.fixture(scope="module")
def embedded_on_spark(spark, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("spark-ingest") / "wh"
    with pytest.warns(straits.DataQualityWarning, match="mis-encoded|Latin-1"):
        summary = spark_ingest(spark, EMBEDDED, root)
    assert summary["year"].tolist() == list(range(2017, 2025))
    return root


@pytest.mark.parametrize("table", list(STORED))
def test_spark_ingest_stores_what_duckdb_stores(table, embedded_on_spark, session):
    spark_side = parquet.open_duckdb(embedded_on_spark)
    try:
        a = session.con.sql(STORED[table]).to_arrow_table()
        b = spark_side.con.sql(STORED[table]).to_arrow_table()
    finally:
        spark_side.close()
    assert a.num_rows > 0 and not differences(a, b)


def test_spark_ingest_flow_count_matches_the_raw_files(embedded_on_spark):
    import zipfile

    with zipfile.ZipFile(EMBEDDED) as zf:
        lines = sum(zf.read(n).decode().count("\n") - 1 for n in zf.namelist()
                    if n.startswith("BACI_HS17_Y"))
    wh = parquet.open_duckdb(embedded_on_spark)
    assert wh.con.sql("SELECT count(*) FROM flows").fetchall()[0][0] == lines == 129_418


@pytest.fixture(scope="module")
def small_release(tmp_path_factory, baci_dir) -> Path:
    return make_release(baci_dir, tmp_path_factory.mktemp("small") / "rel")


@pytest.fixture(scope="module")
def small_on_spark(spark, small_release, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("small-wh") / "wh"
    spark_ingest(spark, small_release, root)
    return root


def _bad_release(small_release: Path, tmp_path: Path, text: str) -> Path:
    bad = tmp_path / "bad"
    shutil.copytree(small_release, bad)
    (bad / "BACI_HS17_Y2024_V202601.csv").write_text(text)
    return bad


@pytest.mark.parametrize("case", list(BAD_CASES))
def test_bad_year_file_same_error_on_both_engines(case, spark, small_release, small_on_spark,
                                                   tmp_path):
    text, msg, line, column = BAD_CASES[case]
    bad = _bad_release(small_release, tmp_path, text)
    before = fingerprint(small_on_spark)
    with pytest.raises(InputFileError) as on_spark:
        spark_ingest(spark, bad, small_on_spark)
    assert fingerprint(small_on_spark) == before
    with straits.open(tmp_path / "w.duckdb") as s, pytest.raises(InputFileError) as on_duckdb:
        s.ingest(bad)
    assert str(on_spark.value) == str(on_duckdb.value)
    assert msg in str(on_spark.value) and on_spark.value.line == line
    assert on_spark.value.column == (column or on_duckdb.value.column)


def test_bad_line_in_a_large_multi_split_file(spark, small_release, tmp_path):
    """Line numbers stay physical lines when Spark reads one file as several splits."""
    big = tmp_path / "big"
    shutil.copytree(small_release, big)
    f = big / "BACI_HS17_Y2024_V202601.csv"
    rows = f.read_text().splitlines()
    body = [r for r in rows[1:] if r]
    codes = sorted({int(r.split(",")[1]) for r in body} | {int(r.split(",")[2]) for r in body})
    keys = [(a, b, k) for a in codes for b in codes if a != b
            for k in ("811292", "250490", "283691")][:20_000]  # distinct flows, ~0.6 MB
    out = [rows[0]] + [f"2024,{a},{b},{k},1.5," for a, b, k in keys]
    out[17_001] = out[17_001].replace(",1.5,", ",-7,")
    f.write_text("\n".join(out) + "\n")
    with pytest.raises(InputFileError) as err:  # 64 KB splits: about ten of them
        spark_ingest(spark, big, tmp_path / "wh",
                     spark_conf={"spark.sql.files.maxPartitionBytes": str(64 * 1024)})
    assert err.value.line == 17_002 and err.value.column == "v"
    assert not (tmp_path / "wh").exists()  # a new warehouse that never committed is not left


def test_reingest_replaces_a_year_atomically(spark, small_release, small_on_spark, tmp_path):
    """A re-ingest leaves one live file set per year, and readers see the new rows."""
    rel = tmp_path / "re"
    shutil.copytree(small_release, rel)
    f = rel / "BACI_HS17_Y2024_V202601.csv"
    f.write_text("\n".join(f.read_text().splitlines()[:11]) + "\n")
    spark_ingest(spark, rel, small_on_spark, years=(2024, 2024))
    wh = parquet.open_duckdb(small_on_spark)
    assert wh.con.sql("SELECT count(*) FROM flows WHERE year = 2024").fetchall()[0][0] == 10
    assert wh.con.sql("SELECT count(*) FROM flows WHERE year = 2023").fetchall()[0][0] == 400
    files = list((small_on_spark / "flows" / "dataset=baci" / "year=2024").glob("*.parquet"))
    stamp = parquet.ingest_id(wh.catalog().filter(
        wh.catalog().column("year").to_numpy() == 2024).column("loaded_at")[0].as_py())
    assert files and all(p.name.startswith(f"part-{stamp}-") for p in files)


def test_a_release_of_another_hs_revision_is_refused(spark, small_on_spark, baci_dir, tmp_path):
    other = make_release(baci_dir, tmp_path / "hs22", hs="HS22")
    before = fingerprint(small_on_spark)
    with pytest.raises(InputFileError, match="holds BACI HS17"):
        spark_ingest(spark, other, small_on_spark)
    assert fingerprint(small_on_spark) == before
