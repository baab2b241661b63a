"""The Parquet warehouse: one layout that DuckDB and Spark both read.

A Parquet warehouse is a folder with one sub-folder per table, Hive-partitioned (``key=value``
folder names, values percent-encoded) by dataset and, for the large tables, year::

    _straits_warehouse.json                    marker: layout version
    flows/dataset=baci/year=2024/part-<ingest>-00000.parquet
    releases/dataset=baci/year=2024/part-0.parquet       one catalog row per dataset-year
    countries/dataset=baci/part-0.parquet                the release's reference tables
    products/dataset=baci/part-0.parquet
    meta/part-0.parquet                                   key/value (citations, HS revision)
    reporter_flows/dataset=UN Comtrade/year=2019/part-0.parquet
    reporter_sources/dataset=UN Comtrade/part-0.parquet
    eto_shares/dataset=eto/part-0.parquet                 value-chain tables (eto_*, io_*)
    io_z/dataset=wiod/year=2011/part-0.parquet

Partition columns live in the folder names only (the Hive convention), so both engines add
them back on read. The catalog (``releases``) is the truth about what is loaded: readers
list a year's flow files through its row, whose ``loaded_at`` names the files
(``part-<ingest>-*``). A writer therefore publishes a dataset-year with one atomic rename,
that of its ``releases`` file; flow files of another ingest lying in the same folder (an
interrupted write, or the one just replaced) are never read, and the writer removes them
(:mod:`straits.warehouse.parquet_write`).

:func:`open_duckdb` reads such a folder with DuckDB (views over ``read_parquet``), so the
parity suite can compare DuckDB and Spark on the very same files.
"""

from __future__ import annotations

import datetime as dt
import json
import posixpath
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from straits.errors import DataNotLoadedError
from straits.warehouse.backend import DuckDBBackend, sql_literal

MARKER = "_straits_warehouse.json"
LAYOUT = {"format": "straits-parquet", "version": 1}
BACI = "baci"


@dataclass(frozen=True)
class Table:
    """How one warehouse table is stored.

    Attributes
    ----------
    name : str
        Table name, as the queries use it.
    partition : tuple of str
        Hive keys, outermost first. A key that is not a column of the table is the fixed
        ``dataset`` the table belongs to (``baci``, ``eto``), dropped on read.
    dataset : str, optional
        That fixed dataset, for tables without a ``dataset`` column.
    per_ingest : bool
        Files are named by the ingest that wrote them and listed through the catalog.
    """

    name: str
    partition: tuple[str, ...]
    dataset: str | None = None
    per_ingest: bool = False


TABLES: dict[str, Table] = {t.name: t for t in (
    Table("flows", ("dataset", "year"), BACI, per_ingest=True),
    Table("releases", ("dataset", "year")),
    Table("countries", ("dataset",), BACI),
    Table("products", ("dataset",), BACI),
    Table("meta", ()),  # a few key/value rows for every dataset (citations)
    Table("reporter_flows", ("dataset", "year")),
    Table("reporter_sources", ("dataset",)),
    *(Table(f"eto_{t}", ("dataset",), "eto")
      for t in ("nodes", "node_stages", "edges", "providers", "aliases", "shares")),
    *(Table(f"io_{t}", ("dataset", "year"))
      for t in ("rows", "final_cols", "z", "final", "industries")),
)}
"""Every table of the warehouse schema; derived tables (``agg_*``) are rebuilt, not stored."""


@lru_cache(maxsize=1)
def schema() -> dict[str, tuple[tuple[str, str], ...]]:
    """Column names and DuckDB types of every table, in schema order (from the .sql files)."""
    from importlib import resources

    import duckdb

    con = duckdb.connect()
    try:
        root = resources.files("straits.warehouse")
        for sql in ("schema.sql", "reporter.sql", "valuechain.sql"):
            con.execute(root.joinpath(sql).read_text("utf-8"))
        return {name: tuple((str(c), str(t)) for c, t, *_ in
                            con.execute(f"DESCRIBE {name}").fetchall()) for name in TABLES}
    finally:
        con.close()


def file_columns(table: str) -> list[str]:
    """Columns stored inside the files of ``table`` (its partition keys are folder names)."""
    keys = set(TABLES[table].partition)
    return [c for c, _ in schema()[table] if c not in keys]


def join(root: str | Path, *parts: str) -> str:
    """Join path parts with ``/`` (works for local folders and ``s3a://``-style URIs)."""
    return posixpath.join(str(root), *parts)


def escape(value: object) -> str:
    """A partition value as a folder name part: Hive-style percent-encoding.

    Letters, digits, spaces and ``._-`` stay as they are; everything else (``/``, ``=``,
    ``%``...) is encoded, and both engines decode it on read.
    """
    return quote(str(value), safe=" ._-")


def partition_path(root: str | Path, table: str, **keys: object) -> str:
    """Folder of one partition: ``root/table/dataset=<d>/year=<y>``."""
    t = TABLES[table]
    parts = [f"{k}={escape(keys[k])}" for k in t.partition if k in keys]
    return join(root, table, *parts)


def ingest_id(loaded_at: dt.datetime) -> str:
    """The name a dataset-year's flow files carry: its catalog ``loaded_at``, to the µs."""
    return loaded_at.strftime("%Y%m%dT%H%M%S%f")


def flow_globs(root: str | Path, catalog_rows: list[dict]) -> list[str]:
    """The flow files of every catalogued dataset-year (one glob per partition)."""
    return [join(partition_path(root, "flows", dataset=r["dataset"], year=r["year"]),
                 f"part-{ingest_id(r['loaded_at'])}-*.parquet")
            for r in catalog_rows if r["dataset"] == BACI]


def is_parquet_warehouse(path: str | Path) -> bool:
    """True when ``path`` is a local folder holding the Straits Parquet layout."""
    p = Path(path)
    return p.is_dir() and (p / MARKER).is_file()


def check_layout(path: str | Path) -> None:
    """Raise a clear error unless ``path`` is a Parquet warehouse of a layout we read."""
    p = Path(path)
    if not is_parquet_warehouse(p):
        raise DataNotLoadedError(
            f"{p} is not a Straits Parquet warehouse (no {MARKER}); write one with "
            "`straits export --parquet DIR` or `straits ingest RELEASE --engine spark --to DIR`.")
    found = json.loads((p / MARKER).read_text("utf-8"))
    if found.get("format") != LAYOUT["format"] or int(found.get("version", 0)) > LAYOUT["version"]:
        raise DataNotLoadedError(f"{p}: layout {found} is not one this Straits reads ({LAYOUT}).")


# -- DuckDB over a Parquet folder ------------------------------------------------------------

def _typed_empty(table: str) -> str:
    cols = ", ".join(f'CAST(NULL AS {t}) AS "{c}"' for c, t in schema()[table])
    return f"SELECT {cols} WHERE FALSE"


def _view_sql(table: str, sources: list[str]) -> str:
    """SELECT of ``table`` in schema order and types over its Parquet files."""
    if not sources:
        return _typed_empty(table)
    cols = ", ".join(f'CAST("{c}" AS {t}) AS "{c}"' for c, t in schema()[table])
    files = "[" + ", ".join(sql_literal(s) for s in sources) + "]"
    return f"SELECT {cols} FROM read_parquet({files}, hive_partitioning = true)"


def table_sources(root: str | Path, table: str, catalog_rows: list[dict] | None = None) -> list[str]:
    """What to read for ``table``: the catalogued flow globs, or every file under the table."""
    if TABLES[table].per_ingest:
        return flow_globs(root, catalog_rows or [])
    base = Path(root) / table
    if not base.is_dir() or not any(base.rglob("*.parquet")):
        return []
    return [join(root, table, *("*" for _ in TABLES[table].partition), "*.parquet")]


def open_duckdb(root: str | Path):
    """A :class:`~straits.warehouse.backend.DuckDBBackend` over a Parquet warehouse.

    An in-memory DuckDB database whose tables are views over the folder's files, so every
    query runs unchanged; the catalog is read first and decides which flow files are live.
    """
    import duckdb

    check_layout(root)
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")
    con.execute(f"CREATE VIEW releases AS {_view_sql('releases', table_sources(root, 'releases'))}")
    rows = con.execute("SELECT dataset, year, loaded_at FROM releases").fetchall()
    catalog = [dict(dataset=d, year=y, loaded_at=t) for d, y, t in rows]
    for name in TABLES:
        if name != "releases":
            con.execute(f"CREATE VIEW {name} AS {_view_sql(name, table_sources(root, name, catalog))}")
    return ParquetDuckDBBackend(con, Path(root))


class ParquetDuckDBBackend(DuckDBBackend):
    """DuckDB reading a Parquet warehouse: tables are views, so ``has_table`` looks at views."""

    def __init__(self, con, path: Path) -> None:
        super().__init__(con)
        self.path = path

    def has_table(self, name: str) -> bool:
        """True when table or view ``name`` holds at least one row."""
        if name not in TABLES:
            return super().has_table(name)  # a per-process table (e.g. an aggregate)
        tables = self._state.tables  # cached per state, as the DuckDB backend does
        if name not in tables:
            tables[name] = bool(self.con.cursor().execute(
                f"SELECT EXISTS (SELECT 1 FROM {name})").fetchall()[0][0])
        return tables[name]
