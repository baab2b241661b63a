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


def open(db: str | Path | None = None, *, read_only: bool = False):  # noqa: A001
    """Open a warehouse: ``db`` path, else ``$STRAITS_DB``, else the embedded default."""
    from straits.session import Session

    return Session(db, read_only=read_only)


def __getattr__(name: str):
    if name == "Session":
        from straits.session import Session

        return Session
    raise AttributeError(name)
