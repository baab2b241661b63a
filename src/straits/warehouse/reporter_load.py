"""Atomic loads of reporter files (Comtrade, customs) into ``reporter_flows``.

A file is parsed and checked completely in memory first (its layout's ``parse``); only a
clean file reaches the warehouse, inside one transaction that deletes the rows of a previous
load of the same file name and inserts the new ones. Any failure rolls back.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from straits.errors import InputFileError
from straits.sources.detect import check_unique, require_layout
from straits.warehouse.backend import sql_literal

KEY = ["reporter", "partner", "flow", "year", "month", "classification", "code"]
COLUMNS = ["reporter", "partner", "flow", "year", "month", "classification", "level", "code",
           "hs6", "value_usd", "value_basis", "weight_kg", "source", "dataset"]
SUMMARY = ["source", "layout", "dataset", "reporters", "rows", "value_usd", "first_period",
           "last_period", "monthly_series"]


def ensure_schema(con: duckdb.DuckDBPyConnection) -> None:
    """Create the reporter tables if this warehouse predates them."""
    con.execute(resources.files("straits.warehouse").joinpath("reporter.sql").read_text("utf-8"))


def has_reporter_data(con: duckdb.DuckDBPyConnection) -> bool:
    """True when the warehouse has a ``reporter_flows`` table."""
    return bool(con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'reporter_flows'"
    ).fetchall()[0][0])


def ingest_reporter(target: Path, source: str | Path, *, wait: float = 0.0) -> pd.DataFrame:
    """Parse and check reporter file ``source``, then store it in ``target`` via the writer.

    The file is read and checked before the write lock is taken, so a long parse never keeps
    another writer waiting; one summary row (:data:`SUMMARY`).
    """
    from straits.warehouse import write

    source = Path(source)
    table, summary = prepare_reporter_file(source)
    with write.writing(target, wait=wait, command=f"ingest {source}") as con:
        store_reporter_file(con, table, summary)
    return pd.DataFrame([summary], columns=SUMMARY)


def load_reporter_file(con: duckdb.DuckDBPyConnection, path: str | Path) -> dict:
    """Detect the layout of ``path``, parse, check and load it through ``con``; one summary.

    Raises
    ------
    InputFileError
        Unknown layout, missing column, bad number, month outside 1-12, negative value,
        unmapped partner or duplicate row; nothing is stored.
    """
    table, summary = prepare_reporter_file(Path(path))
    store_reporter_file(con, table, summary)
    return summary


def prepare_reporter_file(path: Path) -> tuple[pd.DataFrame, dict]:
    """Parse and check one reporter file: the rows to store and their summary."""
    layout = require_layout(path)
    df = layout(path).parse()
    check_table(path, df)
    if df.empty:
        raise InputFileError(path, "no import or export rows at HS6 or finer level to load")
    if not np.isfinite(df["value_usd"].sum()):  # each row is bounded; the total must be too
        raise InputFileError(path, "the rows' values add up to a total that is not finite")
    table = df.drop(columns="line").assign(source=path.name, dataset=layout.dataset)[COLUMNS]
    period = table["year"].astype(str) + np.where(
        table["month"].isna(), "", "-" + table["month"].astype("string").str.zfill(2))
    summary = {
        "source": path.name, "layout": layout.name, "dataset": layout.dataset,
        "reporters": ",".join(sorted(table["reporter"].unique())), "rows": len(table),
        "value_usd": float(table["value_usd"].sum()),
        "first_period": str(period.min()), "last_period": str(period.max()),
        "monthly_series": monthly_series(table),
    }
    return table, summary


def store_reporter_file(con: duckdb.DuckDBPyConnection, table: pd.DataFrame,
                        summary: dict) -> None:
    """Replace the rows of a previous load of the same file name by ``table`` (one transaction)."""
    ensure_schema(con)
    con.execute("BEGIN TRANSACTION")
    try:
        con.execute("DELETE FROM reporter_flows WHERE source = ?", [summary["source"]])
        con.register("_straits_reporter", table)
        con.execute("INSERT INTO reporter_flows SELECT * FROM _straits_reporter")
        con.unregister("_straits_reporter")
        con.execute(
            f"INSERT OR REPLACE INTO reporter_sources VALUES "
            f"({', '.join(sql_literal(summary[k]) for k in SUMMARY)}, ?)",
            [dt.datetime.now(dt.UTC).replace(tzinfo=None)],
        )
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise


def monthly_series(table: pd.DataFrame) -> str:
    """Catalog entry: the distinct ``reporter flow classification`` of monthly rows."""
    monthly = table[table["month"].notna()]
    combos = monthly[["reporter", "flow", "classification"]].drop_duplicates()
    return ";".join(sorted(" ".join(r) for r in combos.itertuples(index=False)))


def load_reporter_files(con: duckdb.DuckDBPyConnection, paths: list[Path]) -> pd.DataFrame:
    """Load several files; one summary row each (each file is its own transaction)."""
    return pd.DataFrame([load_reporter_file(con, p) for p in paths], columns=SUMMARY)


def check_table(path: Path, df: pd.DataFrame) -> None:
    """Checks over a whole parsed table, after its layout's own (file ingest and the feed).

    Table-wide rules belong here so that every path into ``reporter_flows`` runs them.
    """
    _check_duplicates(path, df)


def _check_duplicates(path: Path, df: pd.DataFrame) -> None:
    def describe(i: int) -> str:
        row = df.iloc[i]
        return (f"duplicate row ({row['flow']} {row['partner']} {row['code']} "
                f"{row['year']}-{row['month']})")

    check_unique(path, df[KEY], df["line"], describe)


def load_embedded(con: duckdb.DuckDBPyConnection, folder: Path) -> pd.DataFrame:
    """Load the embedded reporter samples (every ``*.csv`` with a known layout in ``folder``).

    Side files without a reporter layout (``kcs_items.csv``: item descriptions) are skipped.
    """
    import warnings

    from straits.errors import DataQualityWarning
    from straits.sources.detect import detect_layout

    paths = [p for p in sorted(Path(folder).glob("*.csv")) if detect_layout(p) is not None]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DataQualityWarning)  # documented in SOURCE.md
        return load_reporter_files(con, paths)
