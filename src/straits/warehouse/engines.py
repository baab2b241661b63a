"""Choosing the engine: DuckDB (default) or Spark, over a DuckDB file or a Parquet warehouse.

``straits.open(db, engine=..., spark_master=...)``, ``straits --engine spark`` and the
``STRAITS_ENGINE`` / ``STRAITS_SPARK_MASTER`` variables all end in :func:`open_backend`:

=========  ============================  ==================================================
engine     ``db``                        backend
=========  ============================  ==================================================
duckdb     a ``.duckdb`` file or none    the Session's own DuckDB backend (``None`` here)
duckdb     a Parquet warehouse folder    DuckDB views over the folder (read only)
spark      a Parquet warehouse or URI    :class:`~straits.warehouse.spark.SparkBackend`
spark      none                          Spark over the default warehouse, exported to
                                         Parquet in the cache on first use
=========  ============================  ==================================================
"""

from __future__ import annotations

import fcntl
import os
from pathlib import Path
from typing import TYPE_CHECKING

from straits.errors import ParameterError
from straits.warehouse import parquet

if TYPE_CHECKING:
    from straits.warehouse.protocol import Warehouse

ENGINES = ("duckdb", "spark")


def engine_name(engine: str | None = None) -> str:
    """The engine to use: the argument, else ``$STRAITS_ENGINE``, else ``duckdb``."""
    name = (engine or os.environ.get("STRAITS_ENGINE") or "duckdb").strip().lower()
    if name not in ENGINES:
        raise ParameterError(f"The 'engine' parameter must be one of {list(ENGINES)}. "
                             f"Got {engine or os.environ.get('STRAITS_ENGINE')!r} instead.")
    return name


def _is_uri(db: object) -> bool:
    return isinstance(db, str) and "://" in db


def open_backend(db: str | Path | None = None, *, engine: str | None = None,
                 spark_master: str | None = None) -> Warehouse | None:
    """The backend for ``db`` on ``engine``; ``None`` when the Session opens a DuckDB file."""
    name = engine_name(engine)
    if db is None:
        db = os.environ.get("STRAITS_DB") or None
    if name == "duckdb":
        if db is not None and not _is_uri(db) and parquet.is_parquet_warehouse(db):
            return parquet.open_duckdb(db)
        return None
    from straits.warehouse.spark import SparkBackend

    if db is None:
        return SparkBackend(default_parquet(), master=spark_master)
    if not _is_uri(db) and not parquet.is_parquet_warehouse(db):
        raise ParameterError(
            f"The Spark engine reads a Parquet warehouse, and {db} is not one. Write one with "
            f"`straits export --parquet DIR --db {db}` (or `straits ingest RELEASE --engine "
            "spark --to DIR`) and pass --db DIR.")
    return SparkBackend(db, master=spark_master)


def default_parquet() -> Path:
    """The default warehouse as a Parquet warehouse in the cache, exported on first use.

    Built once per embedded-data fingerprint, under a file lock (concurrent first uses wait
    for the one build) and atomically (:func:`~straits.warehouse.parquet_write.export`).
    """
    from straits.data.default import cache_dir, default_path, fingerprint

    target = cache_dir() / f"default-{fingerprint()}.parquet"
    if parquet.is_parquet_warehouse(target):
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target.with_name(target.name + ".build.lock"), "a+") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # wait: another process may be exporting it now
        if not parquet.is_parquet_warehouse(target):
            import duckdb

            from straits.warehouse.parquet_write import export

            source = default_path()
            con = duckdb.connect(str(source), read_only=True)
            try:
                export(con, target)
            finally:
                con.close()
    return target
