"""Atomic BACI loads: stream, check, swap, all inside one DuckDB transaction.

The whole ingest (every year of a release, plus its country and product tables) runs in a
single transaction. Rows are streamed by DuckDB's CSV reader straight into ``flows``; the
checks then run as a handful of column scans over the new rows; any failure rolls back, so
the warehouse keeps exactly its previous state. Only when a check fails is the file read a
second time, single-threaded, to name the first offending line.
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
from straits.warehouse.backend import sql_literal

if TYPE_CHECKING:
    import pandas as pd

Progress = Callable[[int, int, int, int], None]
"""Callback ``(year, rows_loaded, years_done, years_total)``."""

_CSV_OPTS = "header=true, auto_detect=false, delim=',', quote='\"', escape='\"'"
_RAW_COLUMNS = "{'t':'VARCHAR','i':'VARCHAR','j':'VARCHAR','k':'VARCHAR','v':'VARCHAR','q':'VARCHAR'}"
_TEXT_K_COLUMNS = "{'t':'INTEGER','i':'INTEGER','j':'INTEGER','k':'VARCHAR','v':'DOUBLE','q':'VARCHAR'}"
_FAST_COLUMNS = "{'t':'INTEGER','i':'INTEGER','j':'INTEGER','k':'INTEGER','v':'DOUBLE','q':'DOUBLE'}"
_FLOW_KEY = "(exporter::BIGINT * 1000 + importer) * 1000000 + TRY_CAST(product AS BIGINT)"
"""One BIGINT per (exporter, importer, product): codes are < 1000 and HS6 < 10^6."""
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


def _load_countries(con: duckdb.DuckDBPyConnection, path: Path) -> None:
    check_header(path, ("country_code", "country_name", "country_iso2", "country_iso3"))
    raw = con.execute(
        f"SELECT * FROM read_csv({sql_literal(str(path))}, header=true, all_varchar=true)"
    ).df()
    bad = raw[~raw["country_code"].str.strip().str.fullmatch(r"\d+")]
    if len(bad):
        line = int(bad.index[0]) + 2
        raise InputFileError(
            path, f"expected a numeric code, got {bad.iloc[0]['country_code']!r}",
            line=line, column="country_code",
        )
    raw["code"] = raw["country_code"].str.strip().astype(int)
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
    iso3 = raw["code"].map(ref["iso3"]).fillna(raw["country_iso3"].fillna(""))
    iso2 = raw["code"].map(ref["iso2"]).fillna(raw["country_iso2"].fillna(""))
    current = raw["code"].map(ref["current"]).fillna(True).astype(bool)
    display = raw["code"].map(ref["name"]).fillna(names)
    table = raw.assign(
        iso3=iso3, iso2=iso2, name=display, baci_iso3=raw["country_iso3"], current=current
    )[["code", "iso3", "iso2", "name", "baci_iso3", "current"]]
    con.register("_straits_countries", table)
    con.execute("INSERT OR REPLACE INTO countries SELECT * FROM _straits_countries")
    con.unregister("_straits_countries")


def _load_products(con: duckdb.DuckDBPyConnection, release: BaciRelease) -> None:
    path = release.product_file
    check_header(path, ("code", "description"))
    con.execute("DELETE FROM products")
    con.execute(
        f"""INSERT INTO products
        SELECT lpad(trim(code), 6, '0'), description, {sql_literal(release.hs)}
        FROM read_csv({sql_literal(str(path))}, header=true, all_varchar=true)"""
    )
    bad = con.execute(
        "SELECT product FROM products WHERE NOT regexp_full_match(product, '[0-9]{6}') LIMIT 1"
    ).fetchone()
    if bad:
        raise InputFileError(path, f"expected a 6-digit HS code, got {bad[0]!r}", column="code")


def _load_year(con: duckdb.DuckDBPyConnection, release: BaciRelease, year: int, path: Path,
               allow_empty: bool = False) -> dict:
    src = sql_literal(str(path))
    con.execute("DELETE FROM flows WHERE year = ?", [year])
    # Fast path: every column typed by the CSV reader. Files with padded "  NA" quantities or
    # other oddities produce rejects; those years are re-read on the text path below, which
    # tolerates padding and reports genuine errors with their line and column.
    inserted = con.execute(
        f"""INSERT INTO flows
        SELECT t, i, j,
               CASE WHEN k BETWEEN 100000 AND 999999 THEN k::VARCHAR
                    WHEN k BETWEEN 10000 AND 99999 THEN '0' || k::VARCHAR  -- lost leading zero
                    WHEN k BETWEEN 0 AND 9999 THEN lpad(k::VARCHAR, 6, '0')
                    ELSE k::VARCHAR END, v, q
        FROM read_csv({src}, {_CSV_OPTS}, columns={_FAST_COLUMNS}, nullstr=['', 'NA'],
                      store_rejects=true, rejects_table='straits_rejects',
                      rejects_scan='straits_reject_scans')"""
    ).fetchone()[0]
    if con.execute("SELECT count(*) FROM straits_rejects").fetchone()[0]:
        con.execute("DELETE FROM flows WHERE year = ?", [year])
        con.execute("DELETE FROM straits_rejects")
        inserted = _insert_text_path(con, src, path)
    rows, value = _check_year(con, release, year, path, inserted)
    summary = {
        "year": year, "rows": rows, "value_kusd": value, "source": path.name,
        "hs": release.hs, "release": release.release,
    }
    _record(con, release, summary, path)
    return summary


def _check_year(
    con: duckdb.DuckDBPyConnection, release: BaciRelease, year: int, path: Path, inserted: int
) -> tuple[int, float]:
    """Check the rows just loaded for ``year``; return (rows, value_kusd) or raise at a line."""
    # Two scans check everything (run apart, they are faster than one query with a window).
    stats = con.execute(
        """SELECT count(*), sum(value_kusd),
                  count(*) FILTER (WHERE value_kusd < 0 OR isnan(value_kusd)),
                  count(*) FILTER (WHERE quantity_t < 0 OR isnan(quantity_t)),
                  count(*) FILTER (WHERE exporter NOT IN (SELECT code FROM countries)
                                      OR importer NOT IN (SELECT code FROM countries)),
                  count(*) FILTER (WHERE product NOT IN (SELECT product FROM products))
           FROM flows WHERE year = $y""",
        {"y": year},
    ).fetchone()
    rows, value, bad_v, bad_q, bad_c, bad_p = stats
    # Duplicates: CEPII writes each year sorted by (i, j, k); keys strictly increasing in scan
    # order are all distinct, so the costly exact distinct count runs only for unsorted files.
    unsorted = con.execute(
        f"""SELECT count(*) FILTER (WHERE key <= prev)
            FROM (SELECT key, lag(key) OVER () AS prev
                  FROM (SELECT {_FLOW_KEY} AS key FROM flows WHERE year = $y))""",
        {"y": year},
    ).fetchone()[0]
    if rows != inserted:  # rows whose t is not the file's year went elsewhere
        _fail(path, "t", f"expected the file name's year {year}", f"trim(t) <> '{year}'")
    if bad_v:
        _fail(path, "v", "expected a number >= 0", "TRY_CAST(trim(v) AS DOUBLE) < 0")
    if bad_q:
        _fail(path, "q", "expected a number >= 0, empty or NA",
              "trim(q) NOT IN ('', 'NA') AND coalesce(TRY_CAST(trim(q) AS DOUBLE), -1) < 0")
    if bad_c:
        for col in ("i", "j"):
            _fail(path, col, f"expected a code listed in {release.country_file.name}",
                  f"TRY_CAST(trim({col}) AS INTEGER) NOT IN (SELECT code FROM countries)",
                  con=con, optional=True)
    if bad_p:
        _fail(path, "k", "expected an HS6 code of up to six digits",
              "NOT regexp_full_match(trim(k), '[0-9]{1,6}')", optional=True)
        _fail(path, "k",
              f"expected a code listed in {release.product_file.name} "
              f"(is the file really {release.hs}?)",
              "lpad(trim(k), 6, '0') NOT IN (SELECT product FROM products)", con=con)
    if unsorted and con.execute(
        f"SELECT count(*) - count(DISTINCT {_FLOW_KEY}) FROM flows WHERE year = $y", {"y": year}
    ).fetchone()[0]:
        _fail_duplicate(path)
    return int(rows), float(value or 0.0)


def _insert_text_path(con: duckdb.DuckDBPyConnection, src: str, path: Path) -> int:
    """Slow, tolerant read: k and q as text, trimmed, then cast; errors name line and column."""
    inserted = con.execute(
        f"""INSERT INTO flows
        SELECT t, i, j, CASE WHEN length(trim(k)) <= 6 THEN lpad(trim(k), 6, '0') ELSE trim(k) END, v,
               CASE WHEN q IS NULL OR trim(q) IN ('', 'NA') THEN NULL
                    ELSE coalesce(TRY_CAST(trim(q) AS DOUBLE), 'NaN'::DOUBLE) END
        FROM read_csv({src}, {_CSV_OPTS}, columns={_TEXT_K_COLUMNS},
                      nullstr=['', 'NA'], store_rejects=true,
                      rejects_table='straits_rejects', rejects_scan='straits_reject_scans')"""
    ).fetchone()[0]
    reject = con.execute(
        "SELECT line, column_name, csv_line, error_message FROM straits_rejects "
        "ORDER BY line LIMIT 1"
    ).fetchone()
    if reject:
        line, column, text, message = reject
        raise InputFileError(
            path, f"expected a number, got {_field(text, column)!r}"
            if column in ("t", "i", "j", "v") else message, line=int(line), column=column,
        )
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


def _locate(path: Path, predicate: str, con: duckdb.DuckDBPyConnection | None = None):
    """First line (1-based, header = line 1) of ``path`` where ``predicate`` holds."""
    src = sql_literal(str(path))
    query = f"""SELECT line, t, i, j, k, v, q FROM (
            SELECT row_number() OVER () + 1 AS line, *
            FROM read_csv({src}, {_CSV_OPTS}, columns={_RAW_COLUMNS}, parallel=false))
        WHERE {predicate} ORDER BY line LIMIT 1"""
    if con is None:
        with duckdb.connect() as scratch:
            scratch.execute("SET threads = 1")
            return scratch.execute(query).fetchone()
    return con.execute(query).fetchone()


def _fail(path: Path, column: str, expectation: str, predicate: str, *,
          con: duckdb.DuckDBPyConnection | None = None, optional: bool = False) -> None:
    hit = _locate(path, predicate, con)
    if hit is None:
        if optional:
            return
        raise InputFileError(path, expectation, column=column)
    line, *fields = hit
    value = dict(zip("tijkvq", fields, strict=True))[column]
    raise InputFileError(path, f"{expectation}, got {value!r}", line=int(line), column=column)


def _fail_duplicate(path: Path) -> None:
    src = sql_literal(str(path))
    with duckdb.connect() as scratch:
        scratch.execute("SET threads = 1")
        hit = scratch.execute(
            f"""SELECT min(line), max(line), any_value(t), any_value(i), any_value(j),
                       any_value(k)
            FROM (SELECT row_number() OVER () + 1 AS line, trim(t) AS t,
                         TRY_CAST(trim(i) AS INTEGER) AS i, TRY_CAST(trim(j) AS INTEGER) AS j,
                         lpad(trim(k), 6, '0') AS k
                  FROM read_csv({src}, {_CSV_OPTS}, columns={_RAW_COLUMNS}, parallel=false))
            GROUP BY t, i, j, k HAVING count(*) > 1 ORDER BY min(line) LIMIT 1"""
        ).fetchone()
    first, second, t, i, j, k = hit
    raise InputFileError(
        path,
        f"duplicate flow (t={t}, i={i}, j={j}, k={k}): also on line {first}",
        line=int(second), column="t,i,j,k",
    )

