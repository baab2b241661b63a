"""Straits: economic-security analysis of supply-chain interdependence between economies.

>>> import straits
>>> s = straits.open()                      # embedded default: BACI critical materials
>>> s.flows(year=2023, exporter="CHN", importer="KOR", product="811292")  # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

from straits.errors import (
    DataNotLoadedError,
    DataQualityWarning,
    InputFileError,
    ParameterError,
    StraitsError,
    UnknownCodeError,
)

__version__ = "0.1.0"

__all__ = [
    "DataNotLoadedError",
    "DataQualityWarning",
    "InputFileError",
    "ParameterError",
    "Session",
    "StraitsError",
    "UnknownCodeError",
    "__version__",
    "open",
]


def open(db: str | Path | None = None, *, read_only: bool = False,  # noqa: A001
         engine: str | None = None, spark_master: str | None = None):
    """Open a warehouse: ``db`` path, else ``$STRAITS_DB``, else the embedded default.

    ``engine`` is ``"duckdb"`` (default, or ``$STRAITS_ENGINE``) or ``"spark"``; ``db`` may
    be a DuckDB file or a Parquet warehouse folder (Spark reads only the latter, and on its
    own exports the embedded default to one). ``spark_master`` (or
    ``$STRAITS_SPARK_MASTER``): ``local[2]`` by default, ``spark://host:7077`` for a cluster.
    """
    from straits.session import Session
    from straits.warehouse.engines import open_backend

    backend = open_backend(db, engine=engine, spark_master=spark_master)
    return Session(db, read_only=read_only, backend=backend)


def __getattr__(name: str):
    if name == "Session":
        from straits.session import Session

        return Session
    raise AttributeError(name)
