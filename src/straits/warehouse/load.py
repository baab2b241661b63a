"""BACI loads: stream, check, swap.

:func:`ingest_baci` runs under the writer (:mod:`straits.warehouse.write`): the whole ingest
(every year of a release, plus its country and product tables) goes into a copy of the
warehouse, in one transaction, and the copy replaces the live file only when every check
passed. Rows are streamed by DuckDB's CSV reader straight into ``flows`` while a thread
counts the file's lines; the checks (:mod:`straits.warehouse.load_checks`) then run as a
handful of column scans over the new rows. Only when a check fails is the file read a second
time, single-threaded, to name the first offending line.
"""

from __future__ import annotations

import datetime as dt
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import duckdb

from straits.errors import DataQualityWarning, InputFileError
from straits.reference.lookup import countries as reference_countries
from straits.reference.lookup import fix_mojibake
from straits.sources.baci import BaciRelease, check_header
from straits.sources.csvlines import (
    MAX_LINE_BYTES,
    LineCounter,
    line_at_byte,
    record_lines,
    require_utf8,
)
from straits.warehouse.backend import sql_literal
from straits.warehouse.load_checks import CSV_OPTS, check_year

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[int, int, int, int], None]
"""Callback ``(year, rows_loaded, years_done, years_total)``."""

_TEXT_K_COLUMNS = "{'t':'INTEGER','i':'INTEGER','j':'INTEGER','k':'VARCHAR','v':'DOUBLE','q':'VARCHAR'}"
_FAST_COLUMNS = "{'t':'INTEGER','i':'INTEGER','j':'INTEGER','k':'INTEGER','v':'DOUBLE','q':'DOUBLE'}"
_REJECTS = ("store_rejects=true, rejects_table='straits_rejects', "
            "rejects_scan='straits_reject_scans', rejects_limit=100")
"""Bad lines are recorded (the first 100: one is enough to name), not fatal to the read."""
INGEST_MEMORY_LIMIT = "700MB"
"""DuckDB memory cap while ingesting: beyond it DuckDB spills to disk, so peak memory stays
flat however many years a release holds."""


SUMMARY = ["year", "rows", "value_kusd", "source", "hs", "release"]


def ingest_baci(target: Path, source: str | Path, *, years: str | tuple[int, int] | None = None,
                progress: Progress | None = None, wait: float = 0.0,
                allow_empty: bool = False) -> pd.DataFrame:
    """Ingest a BACI release into warehouse file ``target`` through the writer.

    Under the write lock (:mod:`straits.warehouse.write`): a zip is unpacked into a folder
    beside the warehouse, the years are loaded into a copy of the live file, and the copy
    is swapped in. One summary row per year (:data:`SUMMARY`).
    """
    import pandas as pd

    from straits.sources.baci import open_release, parse_years
    from straits.warehouse import write

    span = parse_years(years) if isinstance(years, str) or years is None else years
    source = Path(source)
    with write.lock(target, wait=wait, command=f"ingest {source}") as held, \
            write.scratch_dir(held) as scratch:
        release = open_release(source, workdir=scratch)
        try:
            with write.swap(held) as con:
                rows = load_release(con, release, years=span, progress=progress,
                                    allow_empty=allow_empty)
        finally:
            release.close()
    return pd.DataFrame(rows, columns=SUMMARY)


def load_release(
    con: duckdb.DuckDBPyConnection,
    release: BaciRelease,
    *,
    years: tuple[int, int] | None = None,
    progress: Progress | None = None,
    allow_empty: bool = False,
) -> list[dict]:
    """Load a BACI release into the warehouse; return one summary dict per year.

    ``con`` is a read-write connection, normally the writer's copy (:func:`ingest_baci`).

    Raises
    ------
    InputFileError
        A file breaks the BACI layout; the warehouse is left as it was.
    """
    chosen = release.select_years(years)
    previous = con.execute("SELECT current_setting('memory_limit')").fetchone()[0]
    con.execute(f"SET memory_limit = '{INGEST_MEMORY_LIMIT}'")
    con.execute("BEGIN TRANSACTION")
    try:
        _check_revision(con, release)
        _load_countries(con, release.country_file)
        _load_products(con, release)
        summaries = []
        for n, (year, path) in enumerate(chosen.items(), start=1):
            summaries.append(_load_year(con, release, year, path, allow_empty))
            if progress is not None:
                progress(year, summaries[-1]["rows"], n, len(chosen))
        con.execute("COMMIT")
    except BaseException:
        con.execute("ROLLBACK")
        raise
    finally:
        con.execute(f"SET memory_limit = '{previous}'")
    return summaries


def _check_revision(con: duckdb.DuckDBPyConnection, release: BaciRelease) -> None:
    row = con.execute("SELECT value FROM meta WHERE key = 'baci_hs'").fetchone()
    loaded = con.execute("SELECT count(*) FROM releases WHERE dataset = 'baci'").fetchone()[0]
    if row and loaded and row[0] != release.hs:
        raise InputFileError(
            release.origin,
            f"this warehouse holds BACI {row[0]} flows; a {release.hs} release cannot be mixed "
            "into it (use another --db)",
        )
    con.execute(
        "INSERT OR REPLACE INTO meta VALUES ('baci_hs', ?), ('baci_release', ?), "
        "('baci_citation', ?)",
        [release.hs, release.release, release.citation],
    )


def _read_table(path: Path, columns: tuple[str, ...]):
    """A release's reference table as text, with the physical line of each row."""
    import pandas as pd

    check_header(path, columns)
    try:
        raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except UnicodeDecodeError:
        require_utf8(path)
        raise
    raw.columns = [c.strip() for c in raw.columns]
    raw["line"] = record_lines(path)
    return raw


def _unique(path: Path, raw, key, column: str) -> None:
    """Raise at a code listed twice, naming both lines."""
    from straits.sources.detect import check_unique

    check_unique(path, key.to_frame(), raw["line"],
                 lambda i: f"code {key.iloc[i]!r} is listed twice", column=column)


def _load_countries(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    raw = _read_table(path, ("country_code", "country_name", "country_iso2", "country_iso3"))
    code = raw["country_code"].str.strip()
    bad = ~code.str.fullmatch(r"\d{1,4}")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputFileError(path, f"expected a numeric code, got {raw['country_code'].iloc[i]!r}",
                             line=int(raw["line"].iloc[i]), column="country_code")
    raw["code"] = code.astype(int)
    _unique(path, raw, raw["code"], "country_code")
    ref = reference_countries().set_index("code")
    names = raw["country_name"].map(fix_mojibake)
    repaired = int((names != raw["country_name"]).sum())
    if repaired:
        warnings.warn(
            f"{path.name}: {repaired} country names were UTF-8 read as Latin-1 "
            "(e.g. 'CÃ´te d'Ivoire'); shown repaired",
            DataQualityWarning,
            stacklevel=4,
        )
    blank = raw["country_iso3"].replace("", None)
    iso3 = raw["code"].map(ref["iso3"]).fillna(blank).fillna("")
    iso2 = raw["code"].map(ref["iso2"]).fillna(raw["country_iso2"].replace("", None)).fillna("")
    current = raw["code"].map(ref["current"]).fillna(True).astype(bool)
    display = raw["code"].map(ref["name"]).fillna(names)
    table = raw.assign(
        iso3=iso3, iso2=iso2, name=display, baci_iso3=blank, current=current
    )[["code", "iso3", "iso2", "name", "baci_iso3", "current"]]
    con.register("_straits_countries", table)
    con.execute("INSERT OR REPLACE INTO countries SELECT * FROM _straits_countries")
    con.unregister("_straits_countries")


def _load_products(con: duckdb.DuckDBPyConnection, release: BaciRelease) -> None:
    path = release.product_file
    raw = _read_table(path, ("code", "description"))
    code = raw["code"].str.strip()
    bad = ~code.str.fullmatch(r"\d{1,6}")
    if bad.any():
        i = int(bad.to_numpy().nonzero()[0][0])
        raise InputFileError(path, f"expected an HS6 code of up to six digits, got "
                             f"{raw['code'].iloc[i]!r}", line=int(raw["line"].iloc[i]),
                             column="code")
    raw["product"] = code.str.zfill(6)  # lost leading zeros restored
    _unique(path, raw, raw["product"], "code")
    table = raw.assign(hs=release.hs)[["product", "description", "hs"]]
    con.execute("DELETE FROM products")
    con.register("_straits_products", table)
    con.execute("INSERT INTO products SELECT * FROM _straits_products")
    con.unregister("_straits_products")


def _load_year(con: duckdb.DuckDBPyConnection, release: BaciRelease, year: int, path: Path,
               allow_empty: bool = False) -> dict:
    src = sql_literal(str(path))
    y = int(year)
    con.execute("DELETE FROM flows WHERE year = ?", [y])
    counter = LineCounter(path)
    counter.start()
    # Fast path: every column typed by the CSV reader. Files with padded "  NA" quantities or
    # other oddities produce rejects; those years are re-read on the text path below, which
    # tolerates padding and reports genuine errors with their line and column. Sentinels
    # (year -1, code -1, NaN value) carry a wrong year, an empty code or value into the checks,
    # which name its line; the NOT NULL columns never see a NULL.
    try:
        inserted = con.execute(
            f"""INSERT INTO flows
            SELECT CASE WHEN t = {y} THEN t ELSE -1 END, coalesce(i, -1), coalesce(j, -1),
                   coalesce(CASE WHEN k BETWEEN 100000 AND 999999 THEN k::VARCHAR
                                 WHEN k BETWEEN 10000 AND 99999 THEN '0' || k::VARCHAR  -- lost zero
                                 WHEN k BETWEEN 0 AND 9999 THEN lpad(k::VARCHAR, 6, '0')
                                 ELSE k::VARCHAR END, ''),
                   coalesce(v, 'NaN'::DOUBLE), q
            FROM read_csv({src}, {CSV_OPTS}, columns={_FAST_COLUMNS}, nullstr=['', 'NA'],
                          {_REJECTS})"""
        ).fetchone()[0]
        if con.execute("SELECT count(*) FROM straits_rejects").fetchone()[0]:
            con.execute("DELETE FROM flows WHERE year = ?", [y])
            con.execute("DELETE FROM straits_rejects")
            inserted = _insert_text_path(con, src, path, y)
    finally:
        count = counter.result()
    rows, value = check_year(con, release, y, path, inserted, count, allow_empty=allow_empty)
    summary = {
        "year": y, "rows": rows, "value_kusd": value, "source": path.name,
        "hs": release.hs, "release": release.release,
    }
    _record(con, release, summary, path)
    return summary


def _insert_text_path(con: duckdb.DuckDBPyConnection, src: str, path: Path, year: int) -> int:
    """Slow, tolerant read: k and q as text, trimmed, then cast; errors name line and column."""
    inserted = con.execute(
        f"""INSERT INTO flows
        SELECT CASE WHEN t = {year} THEN t ELSE -1 END, coalesce(i, -1), coalesce(j, -1),
               CASE WHEN length(trim(k)) <= 6 THEN lpad(trim(k), 6, '0')
                    ELSE coalesce(trim(k), '') END,
               coalesce(v, 'NaN'::DOUBLE),
               CASE WHEN q IS NULL OR trim(q) IN ('', 'NA') THEN NULL
                    ELSE coalesce(TRY_CAST(trim(q) AS DOUBLE), 'NaN'::DOUBLE) END
        FROM read_csv({src}, {CSV_OPTS}, columns={_TEXT_K_COLUMNS},
                      nullstr=['', 'NA'], {_REJECTS})"""
    ).fetchone()[0]
    reject = con.execute(  # the first bad line; of its errors, the one that explains the rest
        """SELECT coalesce(byte_position, line_byte_position), column_name, left(csv_line, 200),
                  error_type, left(error_message, 300)
           FROM straits_rejects
           ORDER BY line_byte_position,
                    CASE error_type WHEN 'LINE SIZE OVER MAXIMUM' THEN 0
                                    WHEN 'INVALID ENCODING' THEN 1 WHEN 'INVALID UNICODE' THEN 1
                                    WHEN 'TOO MANY COLUMNS' THEN 2 WHEN 'MISSING COLUMNS' THEN 2
                                    ELSE 3 END, column_idx
           LIMIT 1""").fetchone()
    if reject:
        position, column, text, kind, message = reject
        # the field's byte position: DuckDB's line numbers are off after a quoted newline,
        # its line start after blank lines
        line = line_at_byte(path, position)
        if kind == "LINE SIZE OVER MAXIMUM":
            raise InputFileError(path, f"line longer than {MAX_LINE_BYTES:,} bytes ({message})",
                                 line=line)
        if kind == "CAST" and column in ("t", "i", "j", "v"):
            raise InputFileError(path, f"expected a number, got {_field(text, column)!r}",
                                 line=line, column=column)
        if kind in ("MISSING COLUMNS", "TOO MANY COLUMNS"):
            raise InputFileError(path, f"expected 6 comma-separated fields ({message})",
                                 line=line)
        if "UNICODE" in str(kind).upper() or "ENCODING" in str(kind).upper():
            require_utf8(path)
        raise InputFileError(path, str(message), line=line, column=column)
    return int(inserted)


def _record(con: duckdb.DuckDBPyConnection, release: BaciRelease, summary: dict, path: Path) -> None:
    """Catalog row of a loaded year: provenance and what the year holds.

    Release, source file, size and time; flow count, smallest value kept and whether
    quantities are present (what a cross-year comparison must know).
    """
    floor, has_q = con.execute(
        "SELECT min(value_kusd), count(quantity_t) > 0 FROM flows WHERE year = ?",
        [summary["year"]]).fetchone()
    con.execute(
        "INSERT OR REPLACE INTO releases (dataset, hs, release, year, rows, value_kusd, source, "
        "bytes, loaded_at, min_value_kusd, has_quantity) "
        "VALUES ('baci', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [release.hs, release.release, summary["year"], summary["rows"], summary["value_kusd"],
         path.name, path.stat().st_size, dt.datetime.now(dt.UTC).replace(tzinfo=None), floor,
         has_q],
    )


def _field(csv_line: str, column: str) -> str:
    parts = csv_line.split(",")
    idx = "tijkvq".find(column)
    return parts[idx].strip() if 0 <= idx < len(parts) else csv_line
