"""Spark, the second engine: a :class:`~straits.warehouse.protocol.Warehouse` on a Parquet warehouse.

:class:`SparkBackend` reads the layout of :mod:`straits.warehouse.parquet` (local folder, HDFS
or object storage) and runs every :class:`~straits.warehouse.query.Query` as Spark SQL:
the text transpiled from DuckDB by :mod:`straits.warehouse.spark_sql` (cached per shape), the
values bound by Spark's named parameter markers, the query's attached tables registered as
temporary views under a per-call name and dropped afterwards. Results come back as Arrow
(``DataFrame.toArrow``), so engines cannot tell the backends apart.

Each backend works in its own child session of the process's SparkSession
(:func:`~straits.warehouse.spark_session.straits_session`): two warehouses open in one
process (DuckDB vs Spark parity, the default and a synthetic release) keep separate views.

What reaches the driver: only query results, which every engine aggregates on the engine
first (see each engine function's docstring), and the catalog (one row per dataset-year).
"""

from __future__ import annotations

import threading
import uuid
from typing import TYPE_CHECKING, Any

from straits.errors import StraitsError
from straits.warehouse import parquet as layout
from straits.warehouse.protocol import catalog_years
from straits.warehouse.query import Query
from straits.warehouse.spark_sql import TOKEN, PlanCache

if TYPE_CHECKING:
    from collections.abc import Iterator

    import pyarrow as pa
    from pyspark.sql import DataFrame, SparkSession

_SPARK_TYPES = {
    "VARCHAR": "STRING", "SMALLINT": "SMALLINT", "TINYINT": "TINYINT", "INTEGER": "INT",
    "BIGINT": "BIGINT", "DOUBLE": "DOUBLE", "BOOLEAN": "BOOLEAN", "TIMESTAMP": "TIMESTAMP_NTZ",
}


class EngineError(StraitsError, RuntimeError):
    """Spark could not run a Straits query (a portability bug, reported with the query name)."""


class SparkBackend:
    """Runs Straits queries on Spark over a Parquet warehouse and returns Arrow tables.

    Parameters
    ----------
    root : str or Path
        The Parquet warehouse (a local folder or a URI Spark can read, e.g. ``s3a://b/wh``).
    spark : SparkSession, optional
        Session to work in (a child session of it); default the process's
        (:func:`~straits.warehouse.spark_session.get_spark`).
    master : str, optional
        Master URL when a session must be started (``local[2]``, ``spark://host:7077``).
    cache_bytes : int
        Tables whose Parquet files (on a local file system) total at most this many bytes are
        kept in Spark's memory after first use: small tables (countries, the catalog, the
        embedded default's flows) then cost no file reads per query. 0 turns caching off.
    """

    dialect = "spark"

    def __init__(self, root: Any, *, spark: SparkSession | None = None,
                 master: str | None = None, cache_bytes: int = 64 << 20) -> None:
        from straits.warehouse.spark_session import get_spark, straits_session

        self.root = str(root)
        self.path = root
        if "://" not in self.root:
            layout.check_layout(self.root)
        self.spark = straits_session(spark or get_spark(master))
        self._plans = PlanCache()
        self._lock = threading.Lock()
        self._catalog: pa.Table | None = None
        self._meta: dict[str, str] | None = None
        self._tables: dict[str, bool] = {}
        self.cache_bytes = cache_bytes
        self._cached: list[DataFrame] = []
        self._register_views()

    # -- the warehouse's tables as temporary views -----------------------------------------
    def _read(self, table: str, sources: list[str]) -> DataFrame:
        """``table`` over its files, columns in schema order and types; empty when none."""
        from pyspark.errors import AnalysisException

        cols = layout.schema()[table]
        nulls = ", ".join(f"CAST(NULL AS {_SPARK_TYPES[t]}) AS `{c}`" for c, t in cols)
        if not sources:
            return self.spark.sql(f"SELECT {nulls} WHERE FALSE")
        try:
            df = (self.spark.read.option("basePath", layout.join(self.root, table))
                  .parquet(*sources))
        except AnalysisException as exc:  # object storage: a table never written
            if exc.getCondition() != "PATH_NOT_FOUND":
                raise
            return self.spark.sql(f"SELECT {nulls} WHERE FALSE")
        return df.selectExpr(*(f"CAST(`{c}` AS {_SPARK_TYPES[t]}) AS `{c}`" for c, t in cols))

    def _sources(self, table: str, catalog_rows: list[dict] | None = None) -> list[str]:
        if "://" not in self.root:
            return layout.table_sources(self.root, table, catalog_rows)
        if layout.TABLES[table].per_ingest:  # remote: the catalog names the files
            return layout.flow_globs(self.root, catalog_rows or [])
        stars = ("*" for _ in layout.TABLES[table].partition)
        return [layout.join(self.root, table, *stars, "*.parquet")]

    def _register_views(self) -> None:
        self._read("releases", self._sources("releases")).createOrReplaceTempView("releases")
        rows = self.catalog().select(["dataset", "year", "loaded_at"]).to_pylist()
        for name in layout.TABLES:
            if name == "releases":
                continue
            sources = self._sources(name, rows)
            df = self._read(name, sources)
            if self.cache_bytes and _local_bytes(sources) <= self.cache_bytes:
                from pyspark import StorageLevel

                df = df.persist(StorageLevel.MEMORY_AND_DISK)  # filled by its first query
                self._cached.append(df)
            df.createOrReplaceTempView(name)

    # -- Warehouse protocol ---------------------------------------------------------------
    def arrow(self, query: Query) -> pa.Table:
        """Run ``query`` on Spark: transpiled, parameters bound, attached tables as views.

        Collects the query's result, and nothing else, to the driver.
        """
        from pyspark.errors import PySparkException

        plan = self._plans.get(query.sql, query.params, frozenset(query.tables))
        token = uuid.uuid4().hex[:12]
        views = []
        try:
            for name, table in query.tables.items():
                view = f"{name}__{token}"
                self._frame(table).createOrReplaceTempView(view)
                views.append(view)
            text = plan.text.replace(TOKEN, token) if views else plan.text
            args = {k: query.params[k] for k in plan.params}
            return self.spark.sql(text, args=args or None).toArrow()
        except PySparkException as exc:
            raise EngineError(f"Spark could not run query {query.name!r}: "
                              f"{_first_line(exc)}") from exc
        finally:
            for view in views:
                self.spark.catalog.dropTempView(view)

    def batches(self, query: Query, rows: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        """The result of :meth:`arrow` in record batches (Spark collects it whole anyway)."""
        yield from self.arrow(query).to_batches(max_chunksize=rows)

    def _frame(self, table: pa.Table) -> DataFrame:
        """A small attached Arrow table as a Spark DataFrame (empty ones keep their types)."""
        if table.num_rows:
            return self.spark.createDataFrame(table)
        from pyspark.sql.pandas.types import from_arrow_schema

        return self.spark.createDataFrame([], from_arrow_schema(table.schema))

    def years(self, dataset: str = "baci") -> list[int]:
        """Loaded years of ``dataset``, ascending."""
        return catalog_years(self.catalog(), dataset)

    def catalog(self) -> pa.Table:
        """The ``releases`` table (one row per dataset-year), read once and cached."""
        with self._lock:
            if self._catalog is None:
                self._catalog = self.arrow(Query(
                    "catalog", "SELECT * FROM releases ORDER BY dataset, year"))
            return self._catalog

    def meta(self) -> dict[str, str]:
        """The ``meta`` key/value table (a few rows), read once and cached."""
        if self._meta is None:
            rows = self.arrow(Query("meta", "SELECT key, value FROM meta")).to_pylist()
            self._meta = {str(r["key"]): str(r["value"]) for r in rows}
        return self._meta

    def citation(self, dataset: str = "baci") -> str:
        """Citation of the loaded release of ``dataset`` (from the ``meta`` table)."""
        return self.meta().get(f"{dataset}_citation", "CEPII BACI" if dataset == "baci"
                               else dataset)

    def has_table(self, name: str) -> bool:
        """True when table (or temporary view) ``name`` holds at least one row (cached)."""
        if name not in self._tables:
            known = name in layout.TABLES or self.spark.catalog.tableExists(name)
            self._tables[name] = known and bool(self.spark.sql(
                f"SELECT 1 FROM `{name.replace('`', '``')}` LIMIT 1").take(1))
        return self._tables[name]

    def invalidate(self) -> None:
        """Re-read the catalog and the file lists (after a write to the warehouse)."""
        self._catalog = self._meta = None
        self._tables = {}
        self._uncache()
        self._register_views()

    def _uncache(self) -> None:
        for df in self._cached:
            df.unpersist()
        self._cached = []

    def close(self) -> None:
        """Drop this backend's views and cached tables (the SparkSession stays up)."""
        self._uncache()
        for name in layout.TABLES:
            self.spark.catalog.dropTempView(name)


def _local_bytes(sources: list[str]) -> int:
    """Total size of local files matched by ``sources`` (globs); huge for remote ones."""
    import glob
    import os

    if any("://" in s for s in sources):
        return 1 << 62
    return sum(os.path.getsize(f) for s in sources for f in glob.glob(s))


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
