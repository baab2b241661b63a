"""Every write to a warehouse: an exclusive lock, a fresh file, an atomic swap.

Readers must never see half a write and must never block a writer, and a writer must never
block readers. DuckDB's own file lock gives one writer *or* many readers, so Straits never
writes the live file in place. A write instead

1. takes an exclusive advisory lock on ``<warehouse>.lock`` (``flock``; the file records the
   holder's pid, command and start time, so a second writer can say who is in the way). It
   waits at most ``wait`` seconds, then raises :class:`~straits.errors.WarehouseLockedError`;
2. removes what a killed writer left beside the warehouse (temporary files and extraction
   folders named ``.<warehouse>.*``: with the lock held, no live writer owns any of them);
3. copies the live file to a fresh temporary file beside it (same file system, so the final
   rename is atomic) and hands the caller a read-write connection on that copy;
4. on success checkpoints the copy, *compacts* it when much of it is free (see
   :data:`COMPACT_FREE_FRACTION`), fsyncs it and ``os.replace``-s it over the live path,
   then fsyncs the folder. On any failure (an exception, Ctrl-C) the copy is deleted and the
   live file was never touched; after ``kill -9`` the copy is left and removed by the next
   writer (step 2).

Readers (:class:`~straits.warehouse.backend.DuckDBBackend`) hold the file they opened, so a
swap never disturbs a query in flight: they see the old state until they reconnect
(``refresh()``, which the server calls per request) and then the new one, never a mix.

DuckDB frees the blocks of deleted rows but never shrinks its file, so a warehouse whose years
are re-ingested would grow (54 -> 104 MB for the same data in 0.1). The writer measures the
free share after its checkpoint and, past :data:`COMPACT_FREE_FRACTION`, rewrites the copy
into a second fresh file (``COPY FROM DATABASE``), which holds only live blocks. So a
warehouse stays below ``1 / (1 - COMPACT_FREE_FRACTION)`` times the size of its data.

POSIX only (``fcntl``): Linux and macOS.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import json
import os
import secrets
import shutil
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import duckdb

from straits.errors import WarehouseError, WarehouseLockedError, check_param

COMPACT_FREE_FRACTION = 0.4
"""Compact when at least this share of the new file's blocks is free after the write.

A re-ingest of every year frees about half the blocks (the old rows), so it compacts; adding
a year or re-ingesting one of ten frees little, and those free blocks are reused by the next
write instead of growing the file."""

POLL_SECONDS = 0.1
"""How often a waiting writer retries the lock."""

WRITE_MEMORY_LIMIT = "700MB"
"""DuckDB memory cap of a write connection: past it DuckDB spills to a folder beside the
warehouse, so a large ingest or compaction stays within about 1 GB of memory."""


def lock_path(path: str | Path) -> Path:
    """The lock file of warehouse ``path``: ``<path>.lock`` beside it."""
    path = Path(path)
    return path.with_name(path.name + ".lock")


def read_holder(path: str | Path) -> dict[str, object]:
    """What the lock file of ``path`` says about its holder (``{}`` when unknown)."""
    try:
        data = json.loads(lock_path(path).read_text(encoding="utf-8") or "{}")
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@dataclass
class WriteLock:
    """Proof that this process holds the exclusive write lock of ``path`` (see :func:`lock`)."""

    path: Path
    command: str
    fd: int | None = None


def default_command() -> str:
    """How this process was started (``straits ingest x.zip``), for the lock file."""
    argv = [Path(sys.argv[0]).name if sys.argv and sys.argv[0] else "python", *sys.argv[1:]]
    return " ".join(argv)[:300]


@contextmanager
def lock(path: str | Path, *, wait: float = 0.0, command: str | None = None) -> Iterator[WriteLock]:
    """Hold the exclusive write lock of warehouse ``path`` for the ``with`` block.

    Parameters
    ----------
    path : str or Path
        The warehouse file (it need not exist yet; its folder must).
    wait : float
        Seconds to wait for a current holder to finish; 0 tries once.
    command : str, optional
        Recorded in the lock file for whoever is kept waiting (default: this process's
        command line).

    Raises
    ------
    WarehouseLockedError
        Another writer (process or thread) still holds the lock after ``wait`` seconds.
    WarehouseError
        The folder does not exist or cannot be written.
    """
    check_param("wait", "lock", isinstance(wait, int | float) and 0 <= wait < 10**7,
                "a number of seconds >= 0", wait)
    path = Path(path).absolute()
    require_folder(path)
    try:
        fd = os.open(lock_path(path), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as exc:
        raise WarehouseError(f"cannot create the lock file {lock_path(path)}: "
                             f"{exc.strerror}") from None
    held = WriteLock(path, command or default_command(), fd)
    start = time.monotonic()
    acquired = False
    try:
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                acquired = True
                break
            except BlockingIOError:
                waited = time.monotonic() - start
                if waited >= wait:
                    raise WarehouseLockedError(path, read_holder(path), wait) from None
                time.sleep(min(POLL_SECONDS, wait - waited))
        record = {"pid": os.getpid(), "thread": threading.get_ident(), "command": held.command,
                  "started": dt.datetime.now().astimezone().isoformat(timespec="seconds")}
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(record).encode(), 0)
        clean_stale(path)
        yield held
    finally:
        if acquired:  # leave an empty record: nobody holds it now
            os.ftruncate(fd, 0)
        os.close(fd)  # closing releases the flock
        held.fd = None


def require_folder(path: Path) -> None:
    """Raise :class:`WarehouseError` unless the folder of ``path`` exists and is writable."""
    folder = path.parent
    if not folder.is_dir():
        raise WarehouseError(f"cannot write {path}: the folder {folder} does not exist "
                             "(create it first, or choose another --db)")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise WarehouseError(f"cannot write {path}: no permission to create files in {folder}")


def _scratch_name(path: Path, kind: str) -> Path:
    token = f"{os.getpid()}-{threading.get_ident()}-{secrets.token_hex(4)}"
    return path.with_name(f".{path.name}.{token}.{kind}")


def clean_stale(path: Path) -> list[Path]:
    """Remove temporary files and folders a killed writer left beside ``path``.

    Only call with the lock held: every writer makes its scratch files under the lock, so
    any that exist now belong to a writer that died.
    """
    removed = []
    for p in path.parent.glob(f".{path.name}.*"):
        if not p.name.endswith((".tmp", ".tmp.wal", ".extract", ".spill")):
            continue
        if p.is_dir():
            shutil.rmtree(p, ignore_errors=True)
        else:
            p.unlink(missing_ok=True)
        removed.append(p)
    return removed


@contextmanager
def scratch_dir(held: WriteLock, kind: str = "extract") -> Iterator[Path]:
    """A folder beside the warehouse for the duration of a write (e.g. an extracted zip).

    Beside the warehouse rather than in the system temp folder: it is on the disk the user
    chose for the data, and the next writer removes it if this process is killed.
    """
    folder = _scratch_name(held.path, kind)
    folder.mkdir()
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def open_for_write(path: Path, spill: Path | None = None) -> duckdb.DuckDBPyConnection:
    """A read-write DuckDB connection on a *temporary* file, with the Straits schema.

    The temporary file has a name no other connection used, so DuckDB's per-process
    instance cache cannot hand back an old instance.
    """
    from straits.warehouse.backend import schema_sql, sql_literal

    con = duckdb.connect(str(path))
    con.execute("SET enable_progress_bar = false")
    con.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
    if spill is not None:
        con.execute(f"SET temp_directory = {sql_literal(str(spill))}")
    con.execute(schema_sql())
    return con


@contextmanager
def swap(held: WriteLock) -> Iterator[duckdb.DuckDBPyConnection]:
    """Yield a connection on a copy of the live warehouse; swap it in when the block succeeds.

    ``held`` is the lock from :func:`lock`. See the module docstring for the steps.
    """
    if held.fd is None:
        raise RuntimeError("swap() needs the write lock held (use write.lock or write.writing)")
    live = held.path
    temps: list[Path] = [_scratch_name(live, "tmp")]
    spill = _scratch_name(live, "spill")
    try:
        if live.exists():
            _copy_live(live, temps[0])
        con = open_for_write(temps[0], spill)
        try:
            yield con
            con.execute("CHECKPOINT")
            free = free_fraction(con)
        finally:
            con.close()
        if free >= COMPACT_FREE_FRACTION:
            temps.append(_scratch_name(live, "tmp"))
            compact(temps[0], temps[1], spill)
        _fsync(temps[-1])
        os.replace(temps[-1], live)
        _fsync(live.parent)
    finally:
        for t in temps:
            t.unlink(missing_ok=True)
            t.with_name(t.name + ".wal").unlink(missing_ok=True)
        shutil.rmtree(spill, ignore_errors=True)


@contextmanager
def writing(path: str | Path, *, wait: float = 0.0,
            command: str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """Lock, copy, write, swap: the one way Straits writes a warehouse.

    >>> with writing("kr-jp.duckdb", wait=30, command="aggregates") as con:  # doctest: +SKIP
    ...     con.execute("CREATE OR REPLACE TABLE t AS SELECT 1")

    Raises
    ------
    WarehouseLockedError
        Another writer holds the lock for longer than ``wait`` seconds.
    WarehouseError
        The path is not a DuckDB file, its folder is missing or not writable, or another
        program holds the file open for writing.
    """
    with lock(path, wait=wait, command=command) as held, swap(held) as con:
        yield con


def free_fraction(con: duckdb.DuckDBPyConnection) -> float:
    """Share of the database file's blocks that are free (after a checkpoint)."""
    row = con.execute("SELECT total_blocks, free_blocks FROM pragma_database_size() "
                      "WHERE database_name = current_database()").fetchone()
    total, free = (int(row[0]), int(row[1])) if row else (0, 0)
    return free / total if total else 0.0


def compact(src: Path, dst: Path, spill: Path | None = None) -> None:
    """Rewrite warehouse ``src`` into the fresh file ``dst`` (live blocks only)."""
    from straits.warehouse.backend import sql_literal

    con = duckdb.connect(":memory:")
    try:
        con.execute(f"SET memory_limit = '{WRITE_MEMORY_LIMIT}'")
        if spill is not None:
            con.execute(f"SET temp_directory = {sql_literal(str(spill))}")
        con.execute(f"ATTACH {sql_literal(str(src))} AS straits_src (READ_ONLY)")
        con.execute(f"ATTACH {sql_literal(str(dst))} AS straits_dst")
        con.execute("COPY FROM DATABASE straits_src TO straits_dst")
        con.execute("DETACH straits_dst")
        con.execute("DETACH straits_src")
    finally:
        con.close()


def _copy_live(live: Path, tmp: Path) -> None:
    """Copy the live file (and a WAL a crashed foreign writer left) to ``tmp``."""
    from straits.warehouse.backend import check_file

    check_file(live)
    _refuse_foreign_writer(live)
    shutil.copyfile(live, tmp)
    wal = live.with_name(live.name + ".wal")
    if wal.exists():  # only a non-Straits writer leaves one: DuckDB replays it in the copy
        shutil.copyfile(wal, tmp.with_name(tmp.name + ".wal"))


def _refuse_foreign_writer(live: Path) -> None:
    """Raise if another program holds DuckDB's exclusive lock on the live file.

    Straits writers never open the live file for writing, but a user's own ``duckdb.connect``
    may; copying under it could copy half a write.
    """
    fd = os.open(live, os.O_RDONLY | os.O_CLOEXEC)
    try:
        try:
            fcntl.lockf(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except OSError:
            raise WarehouseError(
                f"{live} is open for writing in another program (not a Straits writer); "
                "close that program's connection, then retry") from None
    finally:
        os.close(fd)


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
