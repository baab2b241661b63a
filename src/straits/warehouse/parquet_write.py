"""Writing the Parquet warehouse: export from DuckDB, and atomic per dataset-year commits.

Two writers use this module:

- ``straits export --parquet DIR`` (:func:`export`) copies a whole DuckDB warehouse into the
  layout of :mod:`straits.warehouse.parquet`. It writes a new folder beside ``DIR`` and
  renames it into place, so ``DIR`` is either the old warehouse or the complete new one.
- ``straits ingest --engine spark --to DIR`` stages each year's files and commits them with
  :func:`commit_year`: flow files first, under a name no reader looks for yet, then the year's
  catalog row by one atomic ``os.replace``. Until that rename readers see the previous state
  of the year; after it, the new one. Files of superseded ingests are then removed.

Commits rename files, which is atomic on a local or network file system (POSIX ``rename``);
on object storage write locally and copy the finished folder (see the README).
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import json
import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from straits.errors import ParameterError, StraitsError
from straits.warehouse import parquet as layout
from straits.warehouse.backend import sql_literal

_ARROW_TYPES = {
    "VARCHAR": pa.string(), "SMALLINT": pa.int16(), "TINYINT": pa.int8(),
    "INTEGER": pa.int32(), "BIGINT": pa.int64(), "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(), "TIMESTAMP": pa.timestamp("us"),
}


class WarehouseBusyError(StraitsError, OSError):
    """Another process is writing the same Parquet warehouse."""


def arrow_schema(table: str) -> pa.Schema:
    """Arrow schema of the columns stored in ``table``'s files (partition keys left out)."""
    types = dict(layout.schema()[table])
    return pa.schema([(c, _ARROW_TYPES[types[c]]) for c in layout.file_columns(table)])


def _write_marker(root: Path) -> None:
    tmp = root / f".{layout.MARKER}.{uuid.uuid4().hex}"
    tmp.write_text(json.dumps(layout.LAYOUT) + "\n", encoding="utf-8")
    os.replace(tmp, root / layout.MARKER)


def init(root: Path) -> None:
    """Create an empty warehouse at ``root`` (a missing or empty folder), or accept ours."""
    if root.exists() and not layout.is_parquet_warehouse(root):
        if not root.is_dir() or any(root.iterdir()):
            raise ParameterError(
                f"The 'to' folder {root} exists and is not a Straits Parquet warehouse; "
                "name a new or empty folder.")
    root.mkdir(parents=True, exist_ok=True)
    if not (root / layout.MARKER).exists():
        _write_marker(root)


@contextlib.contextmanager
def write_lock(root: Path) -> Iterator[None]:
    """Exclusive advisory lock on the warehouse (``<root>.lock``, beside it), never waiting."""
    lock = root.with_name(root.name + ".lock")
    lock.parent.mkdir(parents=True, exist_ok=True)
    with open(lock, "a+", encoding="utf-8") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            fh.seek(0)
            raise WarehouseBusyError(
                f"{root} is being written by another process ({fh.read().strip() or 'unknown'}); "
                "wait for it to finish and try again.") from None
        fh.seek(0)
        fh.truncate()
        fh.write(f"pid {os.getpid()}\n")
        fh.flush()
        try:
            yield
        finally:
            fh.seek(0)
            fh.truncate()
            fcntl.flock(fh, fcntl.LOCK_UN)


def replace_file(root: Path, table: str, data: pa.Table, **keys: object) -> Path:
    """Write one partition's single file of a small table atomically (temp file, rename)."""
    folder = Path(layout.partition_path(root, table, **keys))
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / "part-0.parquet"
    tmp = folder / f".part-0.{uuid.uuid4().hex}.tmp"
    try:
        pq.write_table(data.select(layout.file_columns(table)).cast(arrow_schema(table)), tmp,
                       compression="zstd")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def commit_year(root: Path, release_row: dict, staged: list[Path]) -> None:
    """Publish one dataset-year: its staged flow files, then its catalog row (the commit).

    ``release_row`` holds every ``releases`` column; its ``loaded_at`` names the files.
    """
    dataset, year = release_row["dataset"], release_row["year"]
    folder = Path(layout.partition_path(root, "flows", dataset=dataset, year=year))
    folder.mkdir(parents=True, exist_ok=True)
    live = f"part-{layout.ingest_id(release_row['loaded_at'])}-"
    for n, src in enumerate(sorted(staged)):
        os.replace(src, folder / f"{live}{n:05d}.parquet")  # not read until the catalog says so
    replace_file(root, "releases", pa.Table.from_pylist([release_row]), dataset=dataset, year=year)
    for old in folder.glob("part-*.parquet"):  # superseded or interrupted ingests
        if not old.name.startswith(live):
            old.unlink(missing_ok=True)


def staging_dir(root: Path) -> Path:
    """A fresh staging folder inside the warehouse (same file system, so renames are atomic)."""
    path = root / "_staging" / uuid.uuid4().hex
    path.mkdir(parents=True)
    return path


def clean_staging(root: Path) -> None:
    """Remove staging folders left by writers that were killed (call under the write lock)."""
    shutil.rmtree(root / "_staging", ignore_errors=True)


# -- export from DuckDB ----------------------------------------------------------------------

def _tables_in(con) -> set[str]:
    return {str(r[0]) for r in con.execute(
        "SELECT table_name FROM information_schema.tables").fetchall()}


def _copy(con, select: str, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    # COPY takes no bound parameters: the path is quoted by sql_literal, the rest is ours
    con.execute(f"COPY ({select}) TO {sql_literal(str(target))} "
                "(FORMAT parquet, COMPRESSION zstd)")


def _export_table(con, root: Path, name: str) -> int:
    """Copy one table, partition by partition; returns the number of files written."""
    t = layout.TABLES[name]
    cols = ", ".join(f'"{c}"' for c in layout.file_columns(name))
    if t.per_ingest:
        rows = con.execute("SELECT year, loaded_at FROM releases WHERE dataset = $d "
                           "ORDER BY year", {"d": t.dataset}).fetchall()
        for year, loaded_at in rows:
            folder = Path(layout.partition_path(root, name, dataset=t.dataset, year=year))
            _copy(con, f"SELECT {cols} FROM {name} WHERE year = {int(year)}",
                  folder / f"part-{layout.ingest_id(loaded_at)}-00000.parquet")
        return len(rows)
    if not con.execute(f"SELECT count(*) FROM {name}").fetchone()[0]:
        return 0
    own = [k for k in t.partition if k in dict(layout.schema()[name])]
    parts = con.execute(f"SELECT DISTINCT {', '.join(own)} FROM {name}").fetchall() if own else [()]
    for values in parts:
        keys = dict(zip(own, values, strict=True))
        where = " AND ".join(f"{k} = {sql_literal(v)}" for k, v in keys.items()) or "TRUE"
        if t.dataset:
            keys["dataset"] = t.dataset
        folder = Path(layout.partition_path(root, name, **keys))
        _copy(con, f"SELECT {cols} FROM {name} WHERE {where}", folder / "part-0.parquet")
    return len(parts)


def export(con, target: str | Path) -> dict[str, int]:
    """Write the warehouse behind DuckDB connection ``con`` as a Parquet warehouse at ``target``.

    ``target`` must be missing, empty, or a Parquet warehouse (which is replaced whole). The
    new folder is built beside it and renamed into place. Returns files written per table.
    """
    root = Path(target)
    init_ok = not root.exists() or layout.is_parquet_warehouse(root) or (
        root.is_dir() and not any(root.iterdir()))
    if not init_ok:
        raise ParameterError(f"The 'parquet' folder {root} exists and is not a Straits Parquet "
                             "warehouse; name a new or empty folder.")
    root.parent.mkdir(parents=True, exist_ok=True)
    with write_lock(root):
        tmp = root.with_name(f".{root.name}.{uuid.uuid4().hex}.tmp")
        try:
            tmp.mkdir()
            have = _tables_in(con)
            written = {name: _export_table(con, tmp, name) for name in layout.TABLES if name in have}
            _write_marker(tmp)
            _swap_in(tmp, root)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
    return written


def _swap_in(new: Path, root: Path) -> None:
    """Rename ``new`` to ``root``; an existing ``root`` is moved aside first, then removed."""
    if root.exists():
        old = root.with_name(f".{root.name}.{uuid.uuid4().hex}.old")
        os.rename(root, old)
        os.rename(new, root)
        shutil.rmtree(old, ignore_errors=True)
    else:
        os.rename(new, root)
