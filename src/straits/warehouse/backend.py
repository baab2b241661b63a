"""DuckDB, the default engine: a :class:`~straits.warehouse.protocol.Warehouse` on one file.

:class:`DuckDBBackend` runs each :class:`~straits.warehouse.query.Query` on its own cursor
(so threads of one server can read at once), binds its parameters natively and registers its
attached tables on that cursor only. The catalog (loaded years, citation) is read once per
state of the file and cached: engines ask for it many times per command.

Readers open the warehouse read-only, attached to a private in-memory DuckDB instance
(``ATTACH ... (READ_ONLY)``) rather than with ``duckdb.connect(path)``: DuckDB keeps one
instance per path and process, and after a writer swapped a new file in
(:mod:`straits.warehouse.write`) ``connect(path)`` would hand back the old instance, still
reading the replaced file. :meth:`DuckDBBackend.refresh` reconnects when the path names a new
file; :meth:`DuckDBBackend.snapshot` pins one state for a whole request.

``to_dialect`` transpiles a query's text for another engine (Spark) with sqlglot; sqlglot is
imported only there, so the DuckDB path never pays for it.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from straits.errors import DataNotLoadedError, WarehouseError
from straits.warehouse.protocol import catalog_years
from straits.warehouse.query import Query

if TYPE_CHECKING:
    import pyarrow as pa


def sql_literal(value: object) -> str:
    """Render a Python value as a DuckDB SQL literal.

    Only for the few statements DuckDB cannot parameterise (a ``read_csv`` path, DDL);
    queries bind their values instead (:class:`~straits.warehouse.query.Query`). Strings are
    quoted with every ``'`` doubled; NUL, which no SQL string may hold, is refused, as are
    NaN and infinities (no portable literal).
    """
    import math

    if hasattr(value, "item") and not isinstance(value, str | bytes):  # NumPy scalar
        value = value.item()
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"no SQL literal for the non-finite float {value!r}")
        return repr(value)
    if value is None:
        return "NULL"
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return "(" + ", ".join(sql_literal(v) for v in value) + ")"
    text = value.decode("utf-8") if isinstance(value, bytes) else str(value)
    if "\x00" in text:
        raise ValueError("a SQL string literal cannot hold a NUL character")
    return "'" + text.replace("'", "''") + "'"


def to_dialect(sql: str, dialect: str) -> str:
    """Transpile Straits SQL (DuckDB dialect, ``$name`` parameters) to another dialect."""
    import sqlglot

    return ";\n".join(sqlglot.transpile(sql, read="duckdb", write=dialect))


def schema_sql() -> str:
    """The warehouse DDL, as shipped in ``schema.sql``."""
    return resources.files("straits.warehouse").joinpath("schema.sql").read_text("utf-8")


ALIAS = "wh"
"""Catalog name the warehouse is attached under in a reader's private instance."""

_MAGIC = b"DUCK"
"""DuckDB's file signature, at byte 8 (after the header checksum)."""

_REQUIRED_TABLES = ("flows", "countries", "products", "releases", "meta")


def check_file(path: Path) -> None:
    """Raise :class:`WarehouseError` unless ``path`` is a DuckDB file (an absent path passes).

    Reads 12 bytes, so a text file, a zip or a folder passed as ``--db`` gets a message
    instead of DuckDB's error (or, worse, a DuckDB that overwrites it).
    """
    if path.is_dir():
        raise WarehouseError(f"{path} is a folder, not a warehouse file (pass a .duckdb file)")
    try:
        with open(path, "rb") as fh:
            head = fh.read(12)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise WarehouseError(f"cannot read {path}: {exc.strerror}") from None
    if head[8:12] != _MAGIC:
        raise WarehouseError(f"{path} is not a DuckDB warehouse file ({len(head)} bytes "
                             "read, no DuckDB signature); pass a .duckdb file made by "
                             "`straits ingest`, or a new path")


def _identity(path: Path | None) -> tuple[int, int] | None:
    """(device, inode) of ``path``: a swap always makes a new inode."""
    if path is None:
        return None
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


class ReadConnection:
    """A reader's DuckDB connection whose cursors also read the attached warehouse.

    The warehouse is attached as :data:`ALIAS` and selected with ``USE``, but DuckDB cursors
    start on the instance's default (in-memory) catalog; this wrapper's :meth:`cursor` selects
    the warehouse on each new cursor, so code written for ``duckdb.connect(path)`` (plain
    ``con.cursor().execute("... FROM flows")``) keeps working. Everything else is the
    wrapped connection's (``raw``).
    """

    def __init__(self, raw: duckdb.DuckDBPyConnection) -> None:
        self.raw = raw

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the same instance, reading the warehouse."""
        cur = self.raw.cursor()
        cur.execute(f"USE {ALIAS}")
        return cur

    def __getattr__(self, name: str):
        return getattr(self.raw, name)

    def __enter__(self) -> ReadConnection:
        return self

    def __exit__(self, *exc: object) -> None:
        self.raw.close()


def connect(path: str | Path | None, *, must_exist: bool = False) -> ReadConnection:
    """A read-only connection on warehouse ``path``, attached as :data:`ALIAS` and in use.

    A missing ``path`` gives an empty in-memory warehouse with the schema (so a session on
    a new file can answer "nothing loaded" and ingest into it), unless ``must_exist``.
    Writes go through :mod:`straits.warehouse.write`, never through this connection.

    Raises
    ------
    WarehouseError
        Not a DuckDB file, not a Straits warehouse, no permission, or locked by a program
        that opened it for writing outside Straits.
    DataNotLoadedError
        ``must_exist`` and there is no file at ``path``.
    """
    con = duckdb.connect(":memory:")
    con.execute("SET enable_progress_bar = false")  # the CLI shows its own (Rich) progress
    p = Path(path) if path else None
    if p is None or not p.exists():
        if p is not None and must_exist:
            raise DataNotLoadedError(f"No warehouse at {p}; run `straits ingest` first.")
        if p is not None and not p.parent.is_dir():
            raise WarehouseError(f"no warehouse at {p}: the folder {p.parent} does not exist")
        con.execute(f"ATTACH ':memory:' AS {ALIAS}")
        con.execute(f"USE {ALIAS}")
        con.execute(schema_sql())
        return ReadConnection(con)
    check_file(p)
    try:
        con.execute(f"ATTACH {sql_literal(str(p))} AS {ALIAS} (READ_ONLY)")
    except duckdb.Error as exc:
        con.close()
        raise _open_error(p, exc) from None
    con.execute(f"USE {ALIAS}")
    have = {r[0] for r in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = $db", {"db": ALIAS}
    ).fetchall()}
    missing = [t for t in _REQUIRED_TABLES if t not in have]
    if missing:
        con.close()
        raise WarehouseError(f"{p} is a DuckDB file but not a Straits warehouse (no "
                             f"{', '.join(missing)} table); pass a file made by `straits ingest`")
    return ReadConnection(con)


def _open_error(path: Path, exc: duckdb.Error) -> WarehouseError:
    text = str(exc)
    if "Could not set lock" in text:
        who = text.split("Conflicting lock is held in", 1)[-1].split(". See", 1)[0].strip()
        return WarehouseError(f"{path} is open for writing in another program ({who}); "
                              "Straits writers never hold it so: close that connection")
    if "not a valid DuckDB database" in text:
        return WarehouseError(f"{path} is not a DuckDB warehouse file")
    if "Permission denied" in text:
        return WarehouseError(f"cannot read {path}: permission denied")
    return WarehouseError(f"cannot open {path}: {text}")


class _State:
    """One open state of the warehouse file: its connection and what was read from it."""

    __slots__ = ("con", "ident", "catalog", "meta", "tables")

    def __init__(self, con: duckdb.DuckDBPyConnection | ReadConnection,
                 ident: tuple[int, int] | None) -> None:
        self.con = con
        self.ident = ident

        self.catalog: pa.Table | None = None
        self.meta: dict[str, str] | None = None
        self.tables: dict[str, bool] = {}


class DuckDBBackend:
    """Runs Straits queries on an embedded DuckDB database and returns Arrow tables.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open connection (see :func:`connect`; or any DuckDB connection holding the
        Straits tables, e.g. in memory for a test).
    path : Path, optional
        The warehouse file behind ``con``; needed by :meth:`refresh` and :meth:`writing`.
    """

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection | ReadConnection,
                 path: str | Path | None = None, *,
                 _pinned: _State | None = None) -> None:
        self.path = Path(path).absolute() if path else None
        self._state = _pinned or _State(con, _identity(self.path))
        self._pinned = _pinned is not None
        self._lock = threading.Lock()

    @classmethod
    def open(cls, path: str | Path, *, must_exist: bool = False) -> DuckDBBackend:
        """Open warehouse ``path`` read-only (see :func:`connect`)."""
        p = Path(path).absolute()
        ident = _identity(p)  # before connecting: a swap in between is caught by refresh()
        backend = cls(connect(p, must_exist=must_exist), p)
        backend._state.ident = ident
        return backend

    @property
    def con(self) -> duckdb.DuckDBPyConnection | ReadConnection:
        """The connection of the current state (read-only)."""
        return self._state.con

    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A new cursor on the current state (one per query, so threads can read at once)."""
        return self._state.con.cursor()

    # -- Warehouse protocol ---------------------------------------------------------------
    def arrow(self, query: Query) -> pa.Table:
        """Run ``query`` on a fresh cursor: parameters bound, attached tables registered."""
        cur = self.cursor()
        try:
            for name, table in query.tables.items():
                cur.register(name, table)
            return cur.sql(query.sql, params=dict(query.params) or None).to_arrow_table()
        finally:
            cur.close()

    def batches(self, query: Query, rows: int = 1_000_000) -> Iterator[pa.RecordBatch]:
        """Run ``query`` like :meth:`arrow`, streaming the result.

        DuckDB scans ahead while the caller works on a batch, and the whole result is never
        held at once.
        """
        cur = self.cursor()
        try:
            for name, table in query.tables.items():
                cur.register(name, table)
            yield from cur.sql(query.sql, params=dict(query.params) or None).to_arrow_reader(rows)
        finally:
            cur.close()

    def years(self, dataset: str = "baci") -> list[int]:
        """Loaded years of ``dataset``, ascending."""
        return catalog_years(self.catalog(), dataset)

    def catalog(self) -> pa.Table:
        """The ``releases`` table, read once per state of the file and cached."""
        state = self._state
        if state.catalog is None:
            state.catalog = self.arrow(Query("catalog", "SELECT * FROM releases "
                                                        "ORDER BY dataset, year"))
        return state.catalog

    def citation(self, dataset: str = "baci") -> str:
        """Citation of the loaded release of ``dataset`` (from the ``meta`` table)."""
        return self.meta().get(f"{dataset}_citation", "CEPII BACI" if dataset == "baci"
                               else dataset)

    def has_table(self, name: str) -> bool:
        """True when table ``name`` exists and holds at least one row (cached per name)."""
        state = self._state
        if name not in state.tables:
            cur = self.cursor()
            try:
                exists = cur.execute(
                    "SELECT count(*) FROM duckdb_tables() WHERE table_name = $n "
                    "AND database_name = current_database()", {"n": name}).fetchall()[0][0]
                # the name is a table that exists (checked just above), so quoting it is safe
                state.tables[name] = bool(exists) and bool(cur.execute(
                    'SELECT EXISTS (SELECT 1 FROM "' + name.replace('"', '""') + '")'
                ).fetchall()[0][0])
            finally:
                cur.close()
        return state.tables[name]

    # -- DuckDB specifics -----------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        """The ``meta`` key/value table, read once per state and cached."""
        state = self._state
        if state.meta is None:
            cur = self.cursor()
            try:
                rows = cur.execute("SELECT key, value FROM meta").fetchall()
            finally:
                cur.close()
            state.meta = {str(k): str(v) for k, v in rows}
        return state.meta

    def refresh(self) -> bool:
        """Reconnect if a writer swapped a new file in at ``path``; True when it did.

        One ``stat`` when nothing changed, so a server may call it on every request. A
        query already running keeps the old file (its cursor holds it) and finishes there.
        """
        if self.path is None or self._pinned:
            return False
        ident = _identity(self.path)
        if ident is None or ident == self._state.ident:
            return False
        with self._lock:
            if ident == self._state.ident:
                return False
            self._state = _State(connect(self.path), ident)
            # the old connection is closed when its last cursor is (no close here: another
            # thread may be reading through it)
        return True

    def snapshot(self) -> DuckDBBackend:
        """Refresh, then a backend pinned to the current state (it never reconnects).

        Pass it to the engines of one request so every query of that request reads the same
        state, even if a write lands and another request refreshes meanwhile.
        """
        self.refresh()
        return self.pinned()

    def pinned(self) -> DuckDBBackend:
        """A backend on the current state, sharing its cached catalog; it never reconnects."""
        return DuckDBBackend(self._state.con, self.path, _pinned=self._state)

    @contextmanager
    def writing(self, command: str, *, wait: float = 0.0) -> Iterator[duckdb.DuckDBPyConnection]:
        """Write through :func:`straits.warehouse.write.writing`, then :meth:`refresh`.

        The yielded connection is a read-write one on the new copy; the live file and this
        backend are unchanged until the block succeeds.
        """
        from straits.warehouse import write

        if self.path is None:
            raise WarehouseError("this warehouse has no file to write (opened in memory)")
        with write.writing(self.path, wait=wait, command=command) as con:
            yield con
        self.refresh()

    def invalidate(self) -> None:
        """Forget what was cached from the current state (catalog, meta, tables)."""
        state = self._state
        state.catalog = state.meta = None
        state.tables = {}

    def close(self) -> None:
        """Close the connection of the current state."""
        self._state.con.close()
