"""Where queries run: DuckDB by default, any sqlglot dialect (Spark) by transpiling.

Every relational query in Straits is a complete SQL string in DuckDB's dialect, built by
the functions in :mod:`straits.warehouse.queries` with values inlined as SQL literals (never
string-formatted by hand). That keeps one text per query that sqlglot can transpile, so the
same pipeline runs on Spark SQL over the same named tables (``flows``, ``countries``,
``products``) when data outgrows one machine: ``to_dialect(sql, "spark")`` and hand the
result to ``spark.sql``. DuckDB is the only engine wired up today.
"""

from __future__ import annotations

from collections.abc import Iterable
from importlib import resources
from pathlib import Path

import duckdb
import pyarrow as pa
import sqlglot
from sqlglot import exp


def sql_literal(value: object) -> str:
    """Render a Python value as a SQL literal (strings quoted and escaped by sqlglot)."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int | float):
        return repr(value)
    if value is None:
        return "NULL"
    if isinstance(value, Iterable) and not isinstance(value, str | bytes):
        return "(" + ", ".join(sql_literal(v) for v in value) + ")"
    return exp.Literal.string(str(value)).sql(dialect="duckdb")


def to_dialect(sql: str, dialect: str) -> str:
    """Transpile a Straits query from DuckDB SQL to another engine's dialect."""
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
    """Runs Straits SQL on an embedded DuckDB connection and returns Arrow tables."""

    dialect = "duckdb"

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self.con = con

    def arrow(self, sql: str) -> pa.Table:
        """Run a query and return an Arrow table."""
        rel = self.con.sql(sql)
        return rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.arrow()
