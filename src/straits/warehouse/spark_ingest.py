"""Ingest on Spark: validate a raw BACI release and write the Parquet warehouse.

``straits ingest RELEASE --engine spark --to DIR``. The year files are read by Spark as text
(one row per physical line) and checked with the rules of :mod:`straits.warehouse.baci_checks`,
the very predicates and messages of the DuckDB ingest, transpiled; the small country and
product tables are checked by the DuckDB ingest's own code on the driver
(:mod:`straits.warehouse.load`), so both ingests accept and reject the same files with the
same file, line and column.

Line numbers without a sequential read: each row carries the start offset of the file split
it came from (``input_file_block_start``) and its position within that split
(``monotonically_increasing_id``); the checks keep the smallest such position per rule, and
only on failure is it turned into a line number, from the row count of each split.

Nothing is written until every year of the release passed. Then each year is committed on
its own, atomically (:func:`~straits.warehouse.parquet_write.commit_year`): a failure or a
crash leaves every year either as it was or as the new release has it.

What reaches the driver: one row of check results and totals per year, one row per file
split (its row count), and on failure the offending line.
"""

from __future__ import annotations

import datetime as dt
import shutil
import uuid
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from straits.errors import InputFileError
from straits.warehouse import baci_checks as checks
from straits.warehouse import parquet as layout
from straits.warehouse import parquet_write as pw
from straits.warehouse.spark_sql import expression

if TYPE_CHECKING:
    import pandas as pd
    from pyspark.sql import DataFrame, SparkSession

    from straits.sources.baci import BaciRelease

Progress = Callable[[int, int, int, int], None]
SUMMARY = ["year", "rows", "value_kusd", "source", "hs", "release"]


def ingest_release(source: str | Path, to: str | Path, *, years: tuple[int, int] | None = None,
                   progress: Progress | None = None, spark: SparkSession | None = None,
                   master: str | None = None,
                   spark_conf: Mapping[str, str] | None = None) -> pd.DataFrame:
    """Validate ``source`` (a BACI zip or folder) on Spark and write it into warehouse ``to``.

    ``spark_conf`` sets SQL options on the ingest's own session (e.g.
    ``spark.sql.files.maxPartitionBytes`` to split the year files finer).

    Returns one summary row per year (:data:`SUMMARY`).

    Raises
    ------
    InputFileError
        A file breaks the BACI layout (file, line and column named); ``to`` is unchanged.
    """
    import pandas as pd

    from straits.sources.baci import open_release
    from straits.warehouse.spark_session import get_spark, straits_session

    root = Path(to)
    created = not root.exists()
    pw.init(root)
    try:
        with pw.write_lock(root):
            pw.clean_staging(root)
            release = open_release(source)
            try:
                session = straits_session(spark or get_spark(master))
                for key, value in (spark_conf or {}).items():
                    session.conf.set(key, value)
                rows = _ingest(session, release, root, years, progress)
            finally:
                release.close()
    except BaseException:
        if created and not any(root.glob("*/*")):  # nothing was ever committed there
            shutil.rmtree(root, ignore_errors=True)
            root.with_name(root.name + ".lock").unlink(missing_ok=True)
        raise
    return pd.DataFrame(rows, columns=SUMMARY)


def _ingest(spark: SparkSession, release: BaciRelease, root: Path,
            years: tuple[int, int] | None, progress: Progress | None) -> list[dict]:
    chosen = release.select_years(years)
    refs = _reference_tables(release, root)
    for name in ("countries", "products"):
        spark.createDataFrame(refs[name]).createOrReplaceTempView(name)
    known = checks.known_codes(refs["countries"].column("code").to_pylist(),
                               refs["products"].column("product").to_pylist())
    staging = pw.staging_dir(root)
    try:
        staged = []
        for n, (year, path) in enumerate(chosen.items(), start=1):
            staged.append(_stage_year(spark, release, year, path, staging / str(year), known))
            if progress is not None:
                progress(year, staged[-1][0]["rows"], n, len(chosen))
        # every year passed: commit, reference tables first (new flows may cite new codes)
        pw.replace_file(root, "countries", refs["countries"], dataset=layout.BACI)
        pw.replace_file(root, "products", refs["products"], dataset=layout.BACI)
        pw.replace_file(root, "meta", _meta(root, release))
        for row, files in staged:
            pw.commit_year(root, row, files)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [{k: row[k] for k in SUMMARY} for row, _ in staged]


def _reference_tables(release: BaciRelease, root: Path) -> dict[str, pa.Table]:
    """Country and product tables, checked by the DuckDB ingest's own code (small files)."""
    from straits.warehouse import load
    from straits.warehouse.backend import connect

    meta = _read_meta(root)
    loaded = any((root / "releases" / "dataset=baci").glob("year=*/part-0.parquet"))
    if loaded and meta.get("baci_hs") not in (None, release.hs):
        raise checks.revision_error(release.origin, meta["baci_hs"], release.hs)
    con = connect(None)
    try:
        load._load_countries(con, release.country_file)
        load._load_products(con, release)
        return {name: con.sql(f"SELECT * FROM {name}").to_arrow_table()
                for name in ("countries", "products")}
    finally:
        con.close()


def _read_meta(root: Path) -> dict[str, str]:
    import pyarrow.parquet as pq

    path = root / "meta" / "part-0.parquet"
    if not path.exists():
        return {}
    return {r["key"]: r["value"] for r in pq.read_table(path).to_pylist()}


def _meta(root: Path, release: BaciRelease) -> pa.Table:
    meta = {**_read_meta(root), "baci_hs": release.hs, "baci_release": release.release,
            "baci_citation": release.citation}
    return pa.table({"key": list(meta), "value": list(meta.values())})


# -- one year file on Spark ------------------------------------------------------------------

def _lines(spark: SparkSession, path: Path) -> DataFrame:
    """Every physical line of ``path``: its split offset, position, text and fields."""
    from pyspark.sql import functions as F

    text = spark.read.text(path.resolve().as_uri())
    fields = F.split(F.col("value"), ",", -1)
    cols = [F.regexp_replace(fields.getItem(n), r'^"(.*)"$', "$1").alias(c)
            for n, c in enumerate(checks.RAW_COLUMNS)]
    return text.select(F.input_file_block_start().alias("blk"),
                       F.monotonically_increasing_id().alias("mid"),
                       F.col("value"), F.size(fields).alias("nf"), *cols)


def _stage_year(spark: SparkSession, release: BaciRelease, year: int, path: Path,
                out: Path, known: Mapping[str, str]) -> tuple[dict, list[Path]]:
    """Check one year file; write its flows to ``out``; its catalog row and files."""
    from pyspark.sql import functions as F

    token = uuid.uuid4().hex[:8]
    lines = _lines(spark, path)
    view = f"straits_lines_{token}"
    lines.createOrReplaceTempView(view)
    ctx = dict(year=year, country_file=release.country_file.name,
               product_file=release.product_file.name, hs=release.hs)
    # data lines: not blank, not the header (the file's first line: the split at offset 0 is
    # the first of partition 0, so its first row has id 0)
    data = f"(SELECT * FROM {view} WHERE NOT (blk = 0 AND mid = 0) AND trim(value) <> '')"
    pos = "named_struct('blk', blk, 'mid', mid)"
    firsts = [f"min({pos}) FILTER (WHERE nf <> 6) AS fields"] + [
        f"min({pos}) FILTER (WHERE nf = 6 AND ({expression(checks.predicate(c, year, **known))})) "
        f"AS {c.name}" for c in checks.ROW_CHECKS]
    # totals with TRY_CAST: computed with the checks, before any line is known good
    v = expression(checks.FLOW_COLUMNS["value_kusd"].replace("CAST(", "TRY_CAST(", 1))
    q = expression(checks.FLOW_COLUMNS["quantity_t"])
    stats = spark.sql(f"""SELECT count(*) AS rows, sum({v}) AS value_kusd,
        min({v}) AS min_value_kusd, count({q}) > 0 AS has_quantity, {", ".join(firsts)}
        FROM {data} AS d""").collect()[0].asDict()
    try:
        if stats["fields"] is not None:
            line, value = _where(spark, view, stats["fields"], "nf")
            raise InputFileError(path, f"{checks.FIELDS_EXPECTATION}, got {value} field"
                                              f"{'s' if value != 1 else ''}", line=line)
        for c in checks.ROW_CHECKS:
            if stats[c.name] is not None:
                line, value = _where(spark, view, stats[c.name], c.column)
                raise checks.fail(path, c, line, value, **ctx)
        if not stats["rows"]:
            raise checks.empty_year_error(path, year)
        keyed = spark.sql(f"SELECT {pos} AS pos, "
                          + ", ".join(f"{expression(checks.FLOW_COLUMNS[k])} AS {k}"
                                      for k in checks.FLOW_KEY) + f" FROM {data} AS d")
        dup = (keyed.groupBy(*checks.FLOW_KEY).agg(F.count("*").alias("n"), F.min("pos").alias("p"))
               .where("n > 1").orderBy("p").limit(1).collect())
        if dup:
            _fail_duplicate(spark, view, keyed, dup[0].asDict(), path)
        stored = layout.file_columns("flows")
        (spark.sql(f"SELECT {', '.join(f'{expression(checks.FLOW_COLUMNS[c])} AS {c}' for c in stored)} "
                   f"FROM {data} AS d")
         .write.option("compression", "zstd").parquet(out.resolve().as_uri()))
    finally:
        spark.catalog.dropTempView(view)
    row = {"dataset": layout.BACI, "hs": release.hs, "release": release.release, "year": year,
           "rows": int(stats["rows"]), "value_kusd": float(stats["value_kusd"] or 0.0),
           "source": path.name, "bytes": path.stat().st_size,
           "loaded_at": dt.datetime.now(dt.UTC).replace(tzinfo=None),
           "min_value_kusd": stats["min_value_kusd"], "has_quantity": bool(stats["has_quantity"])}
    return row, sorted(out.glob("part-*.parquet"))


def _line_of(spark: SparkSession, view: str, pos) -> int:
    """The physical line number (header = 1) of the row at split position ``pos``."""
    blocks = spark.sql(f"SELECT blk, count(*) AS n, min(mid) AS first FROM {view} "
                       f"WHERE blk <= {int(pos['blk'])} GROUP BY blk ORDER BY blk").collect()
    before = sum(int(b["n"]) for b in blocks if b["blk"] < pos["blk"])
    first = next(int(b["first"]) for b in blocks if b["blk"] == pos["blk"])
    return 1 + before + int(pos["mid"]) - first


def _where(spark: SparkSession, view: str, pos, column: str) -> tuple[int, object]:
    """Line number and raw value of ``column`` at position ``pos``."""
    value = spark.sql(f"SELECT {column} FROM {view} WHERE blk = {int(pos['blk'])} "
                      f"AND mid = {int(pos['mid'])}").collect()[0][0]
    return _line_of(spark, view, pos), value


def _fail_duplicate(spark: SparkSession, view: str, keyed: DataFrame, dup: dict, path: Path):
    """Raise for the first flow listed twice, naming its first two lines."""
    from pyspark.sql import functions as F

    cond = F.lit(True)
    for k in checks.FLOW_KEY:
        cond = cond & (F.col(k) == F.lit(dup[k]))
    first, second = (r["pos"] for r in keyed.where(cond).orderBy("pos").limit(2).collect())
    key = dict(t=dup["year"], i=dup["exporter"], j=dup["importer"], k=dup["product"])
    raise checks.duplicate_error(path, key, _line_of(spark, view, first),
                                 _line_of(spark, view, second))
