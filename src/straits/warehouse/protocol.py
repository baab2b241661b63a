"""The small interface every engine runs on: :class:`Warehouse`.

Engines (metrics, security, value chain, report) are plain functions whose first argument is
a ``Warehouse``; they never see a DuckDB connection or a Spark session, and never import
:class:`straits.session.Session` (which composes engines, not the other way round). Two
classes implement it: :class:`straits.warehouse.backend.DuckDBBackend` (the default, one
file or a Parquet folder) and ``SparkBackend`` (the same Parquet layout on a cluster).

The year helpers below give ``year=None`` its one meaning across Straits: the latest loaded
year.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from straits.errors import DataNotLoadedError, ParameterError

if TYPE_CHECKING:
    import pyarrow as pa

    from straits.warehouse.query import Query


@runtime_checkable
class Warehouse(Protocol):
    """What an engine may ask of the data it runs on."""

    #: SQL dialect the backend runs (``"duckdb"`` or ``"spark"``)
    dialect: str

    def arrow(self, query: Query) -> pa.Table:
        """Run one query and return its result as an Arrow table."""
        ...

    def batches(self, query: Query, rows: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        """Run one query and yield its result in record batches of at most ``rows`` rows.

        For results too large to hold whole next to what is built from them (the early-
        warning panel reads 12M rows this way).
        """
        ...

    def years(self, dataset: str = "baci") -> list[int]:
        """Loaded years of ``dataset``, ascending (empty when none)."""
        ...

    def catalog(self) -> pa.Table:
        """One row per loaded dataset and year (the ``releases`` table)."""
        ...

    def citation(self, dataset: str = "baci") -> str:
        """Citation of the loaded release of ``dataset``, for every output built on it."""
        ...

    def has_table(self, name: str) -> bool:
        """True when the warehouse holds table ``name`` with at least one row."""
        ...


def catalog_years(catalog: pa.Table, dataset: str = "baci") -> list[int]:
    """The years of ``dataset`` in a ``releases`` catalog, ascending (every backend's ``years``)."""
    return sorted(int(y) for d, y in zip(catalog.column("dataset").to_pylist(),
                                         catalog.column("year").to_pylist(), strict=True)
                  if d == dataset)


def latest_year(wh: Warehouse, dataset: str = "baci") -> int:
    """The most recent loaded year of ``dataset``."""
    have = wh.years(dataset)
    if not have:
        raise DataNotLoadedError(
            f"The warehouse holds no {dataset.upper()} data; run `straits ingest` first.")
    return have[-1]


def resolve_years(wh: Warehouse, year: int | Sequence[int] | None, *, param: str = "year",
                  dataset: str = "baci") -> list[int]:
    """Requested years, each checked loaded; ``None`` means the latest loaded year."""
    if year is None:
        return [latest_year(wh, dataset)]
    have = wh.years(dataset)
    wanted = [year] if isinstance(year, int | str) else list(year)
    if not wanted:
        raise ParameterError(f"The {param!r} parameter must name at least one year. Got [] "
                             "instead (omit it for the latest loaded year).")
    out: list[int] = []
    for y in wanted:
        try:
            value = int(y)
        except (TypeError, ValueError):
            raise ParameterError(
                f"The {param!r} parameter must be a year like 2023. Got {y!r} instead."
            ) from None
        if value not in have:
            span = f"{have[0]}-{have[-1]}" if have else "none"
            raise DataNotLoadedError(
                f"Year {value} is not loaded (loaded {dataset.upper()} years: {span}); "
                "ingest a release that covers it.")
        if value not in out:
            out.append(value)
    return out


def resolve_year(wh: Warehouse, year: int | None, *, param: str = "year",
                 dataset: str = "baci") -> int:
    """One year, checked loaded; ``None`` means the latest loaded year."""
    return resolve_years(wh, year, param=param, dataset=dataset)[0]
