"""DuckDB, the default engine: a :class:`~straits.warehouse.protocol.Warehouse` on one file.

:class:`DuckDBBackend` runs each :class:`~straits.warehouse.query.Query` on its own cursor
(so threads of one server can read at once), binds its parameters natively and registers its
attached tables on that cursor only. The catalog (loaded years, citation) is read once per
backend and cached: engines ask for it many times per command.

``to_dialect`` transpiles a query's text for another engine (Spark) with sqlglot; sqlglot is
imported only there, so the DuckDB path never pays for it.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

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


def connect(path: str | Path | None, *, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """Open (and if needed create) a DuckDB warehouse with the Straits schema."""
    con = duckdb.connect(str(path) if path else ":memory:", read_only=read_only)
    con.execute("SET enable_progress_bar = false")  # the CLI shows its own (Rich) progress
    if not read_only:
        con.execute(schema_sql())
    return con


class DuckDBBackend:
    """Runs Straits queries on an embedded DuckDB database and returns Arrow tables.

    Parameters
    ----------
    con : duckdb.DuckDBPyConnection
        An open connection to a warehouse (see :func:`connect`).
    """

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con
        self._catalog: pa.Table | None = None
        self._meta: dict[str, str] | None = None
        self._tables: dict[str, bool] | None = None

    # -- Warehouse protocol ---------------------------------------------------------------
    def arrow(self, query: Query) -> pa.Table:
        """Run ``query`` on a fresh cursor: parameters bound, attached tables registered."""
        cur = self.con.cursor()
        try:
            for name, table in query.tables.items():
                cur.register(name, table)
            return cur.sql(query.sql, params=dict(query.params) or None).to_arrow_table()
        finally:
            cur.close()

    def years(self, dataset: str = "baci") -> list[int]:
        """Loaded years of ``dataset``, ascending."""
        cat = self.catalog()
        return sorted(int(y) for d, y in zip(cat.column("dataset").to_pylist(),
                                             cat.column("year").to_pylist(), strict=True)
                      if d == dataset)

    def catalog(self) -> pa.Table:
        """The ``releases`` table, read once and cached."""
        if self._catalog is None:
            self._catalog = self.arrow(Query("catalog", "SELECT * FROM releases "
                                                        "ORDER BY dataset, year"))
        return self._catalog

    def citation(self, dataset: str = "baci") -> str:
        """Citation of the loaded release of ``dataset`` (from the ``meta`` table)."""
        return self.meta().get(f"{dataset}_citation", "CEPII BACI" if dataset == "baci"
                               else dataset)

    def has_table(self, name: str) -> bool:
        """True when table ``name`` exists and holds at least one row (cached per name)."""
        if self._tables is None:
            self._tables = {}
        if name not in self._tables:
            cur = self.con.cursor()
            exists = cur.execute("SELECT count(*) FROM duckdb_tables() WHERE table_name = $n",
                                 {"n": name}).fetchall()[0][0]
            # the name is a table that exists (checked just above), so quoting it is safe
            self._tables[name] = bool(exists) and bool(cur.execute(
                'SELECT EXISTS (SELECT 1 FROM "' + name.replace('"', '""') + '")'
            ).fetchall()[0][0])
        return self._tables[name]

    # -- DuckDB specifics -----------------------------------------------------------------
    def meta(self) -> dict[str, str]:
        """The ``meta`` key/value table, read once and cached."""
        if self._meta is None:
            rows = self.con.cursor().execute("SELECT key, value FROM meta").fetchall()
            self._meta = {str(k): str(v) for k, v in rows}
        return self._meta

    def invalidate(self) -> None:
        """Forget the cached catalog (after a write through this connection)."""
        self._catalog = self._meta = None
        self._tables = None

    def close(self) -> None:
        """Close the connection."""
        self.con.close()
