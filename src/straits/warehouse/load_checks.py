"""Checks of a freshly loaded BACI year, and the errors that name the physical line.

:func:`check_year` runs after DuckDB streamed a year file into ``flows``: a handful of column
scans over the new rows decide whether anything is wrong; only then is the file read again,
single-threaded, to name the first offending line (physical lines, header = line 1, blank
lines and quoted newlines counted: :mod:`straits.sources.csvlines`).

The rules, in the order they are reported:

- every record of the file was loaded (DuckDB's row count against an independent count of
  the file's lines; a line DuckDB skipped without a reject is named);
- ``t`` is the file name's year; ``i`` and ``j`` are codes of the release's country table;
  ``k`` is a code of its product table;
- ``v`` is finite, >= 0 and at most :data:`~straits.sources.bounds.MAX_VALUE_KUSD`; ``q``
  is empty, ``NA`` or finite in [0, :data:`~straits.sources.bounds.MAX_QUANTITY_T`]
  (:mod:`straits.sources.bounds` gives the reasons for the bounds);
- no flow (t, i, j, k) appears twice (the message names the first two copies);
- the year holds at least one flow, unless the caller allows an empty year; its total is
  finite.
"""

from __future__ import annotations

import math
from pathlib import Path

import duckdb

from straits.errors import InputFileError
from straits.sources import bounds
from straits.sources.baci import BaciRelease
from straits.sources.csvlines import LineCount, find_unreadable, record_line, records
from straits.warehouse.backend import sql_literal

CSV_OPTS = "header=true, auto_detect=false, delim=',', quote='\"', escape='\"'"
RAW_COLUMNS = "{'t':'VARCHAR','i':'VARCHAR','j':'VARCHAR','k':'VARCHAR','v':'VARCHAR','q':'VARCHAR'}"
FLOW_KEY = "(exporter::BIGINT * 1000 + importer) * 1000000 + TRY_CAST(product AS BIGINT)"
"""One BIGINT per (exporter, importer, product): codes are < 1000 and HS6 < 10^6."""

_V_OK = f"coalesce(TRY_CAST(trim(v) AS DOUBLE) BETWEEN 0 AND {bounds.MAX_VALUE_KUSD!r}, false)"
_Q_OK = (f"(q IS NULL OR trim(q) IN ('', 'NA') OR coalesce(TRY_CAST(trim(q) AS DOUBLE) "
         f"BETWEEN 0 AND {bounds.MAX_QUANTITY_T!r}, false))")


def check_year(con: duckdb.DuckDBPyConnection, release: BaciRelease, year: int, path: Path,
               inserted: int, count: LineCount, *, allow_empty: bool = False) -> tuple[int, float]:
    """Check the rows just loaded for ``year``; return (rows, value_kusd) or raise at a line.

    ``inserted`` is what DuckDB's INSERT reported, ``count`` the file's own line count.
    """
    if inserted != count.records():
        _account(path, inserted)
    # Two scans check everything (run apart, they are faster than one query with a window).
    rows, value, bad_v, bad_q, bad_c, bad_p = con.execute(
        f"""SELECT count(*), sum(value_kusd),
                  count(*) FILTER (WHERE NOT (value_kusd BETWEEN 0 AND {bounds.MAX_VALUE_KUSD!r})),
                  count(*) FILTER (WHERE quantity_t IS NOT NULL
                                   AND NOT (quantity_t BETWEEN 0 AND {bounds.MAX_QUANTITY_T!r})),
                  count(*) FILTER (WHERE exporter NOT IN (SELECT code FROM countries)
                                      OR importer NOT IN (SELECT code FROM countries)),
                  count(*) FILTER (WHERE product NOT IN (SELECT product FROM products))
           FROM flows WHERE year = $y""", {"y": year}).fetchone()
    # Duplicates: CEPII writes each year sorted by (i, j, k); keys strictly increasing in scan
    # order are all distinct, so the costly exact distinct count runs only for unsorted files.
    unsorted = con.execute(
        f"""SELECT count(*) FILTER (WHERE key <= prev)
            FROM (SELECT key, lag(key) OVER () AS prev
                  FROM (SELECT {FLOW_KEY} AS key FROM flows WHERE year = $y))""",
        {"y": year}).fetchone()[0]
    where = Locator(path, one_line_each=count.blank == 0 and count.records() == inserted)
    if rows != inserted:  # rows whose t is not the file's year carry a sentinel year
        where.fail("t", f"expected the file name's year {year}",
                   f"coalesce(trim(t), '') <> '{int(year)}'")
    if bad_c:
        for col in ("i", "j"):
            where.fail(col, f"expected a code listed in {release.country_file.name}",
                       f"coalesce(TRY_CAST(trim({col}) AS INTEGER), -1) "
                       "NOT IN (SELECT code FROM countries)", con=con, optional=True)
    if bad_p:
        where.fail("k", "expected an HS6 code of up to six digits",
                   "NOT regexp_full_match(coalesce(trim(k), ''), '[0-9]{1,6}')", optional=True)
        where.fail("k", f"expected a code listed in {release.product_file.name} "
                   f"(is the file really {release.hs}?)",
                   "lpad(trim(k), 6, '0') NOT IN (SELECT product FROM products)", con=con)
    if bad_v:
        where.fail_value("v", "a number >= 0", f"NOT {_V_OK}", bounds.MAX_VALUE_KUSD,
                         "thousand USD")
    if bad_q:
        where.fail_value("q", "a number >= 0, empty or NA", f"NOT {_Q_OK}",
                         bounds.MAX_QUANTITY_T, "metric tons")
    if unsorted and con.execute(
        f"SELECT count(*) - count(DISTINCT {FLOW_KEY}) FROM flows WHERE year = $y", {"y": year}
    ).fetchone()[0]:
        where.fail_duplicate()
    if rows == 0 and not allow_empty:
        raise InputFileError(path, f"holds no flows; loading it would leave year {year} empty "
                             "(pass --allow-empty, Python allow_empty=True, if that is meant)")
    if not math.isfinite(value or 0.0):
        raise InputFileError(path, f"the flows of {year} add up to {value} thousand USD, not a "
                             "finite total")
    return int(rows), float(value or 0.0)


def _account(path: Path, inserted: int) -> None:
    """DuckDB loaded another number of rows than the file has lines: find out why.

    A line it could not read is named (too long, wrong number of fields). With no such line
    the difference is quoted newlines or several blank lines in a row, and the exact record
    count must then agree.
    """
    find_unreadable(path, columns=6)
    exact = sum(1 for _ in records(path)) - 1
    if exact != inserted:
        raise InputFileError(path, f"holds {exact:,} records but only {inserted:,} could be "
                             "read; no error names the others (please report this file)")


class Locator:
    """Finds the first offending line of a year file and raises the error naming it."""

    def __init__(self, path: Path, *, one_line_each: bool = False) -> None:
        self.path = path
        self.one_line_each = one_line_each

    def line(self, record: int) -> int:
        """Physical line of data record ``record``."""
        return record_line(self.path, record, one_line_each=self.one_line_each)

    def locate(self, predicate: str, con: duckdb.DuckDBPyConnection | None = None):
        """``(line, t, i, j, k, v, q)`` of the first record where ``predicate`` holds."""
        src = sql_literal(str(self.path))
        query = f"""SELECT rec, t, i, j, k, v, q FROM (
                SELECT row_number() OVER () AS rec, *
                FROM read_csv({src}, {CSV_OPTS}, columns={RAW_COLUMNS}, parallel=false))
            WHERE {predicate} ORDER BY rec LIMIT 1"""
        if con is None:
            with duckdb.connect() as scratch:
                scratch.execute("SET threads = 1")
                hit = scratch.execute(query).fetchone()
        else:
            hit = con.execute(query).fetchone()
        return None if hit is None else (self.line(hit[0]), *hit[1:])

    def fail(self, column: str, expectation: str, predicate: str, *,
             con: duckdb.DuckDBPyConnection | None = None, optional: bool = False) -> None:
        """Raise at the first record where ``predicate`` holds (unless none and optional)."""
        hit = self.locate(predicate, con)
        if hit is None:
            if optional:
                return
            raise InputFileError(self.path, expectation, column=column)
        line, *fields = hit
        value = dict(zip("tijkvq", fields, strict=True))[column]
        raise InputFileError(self.path, f"{expectation}, got {_shown(value)}", line=int(line),
                             column=column)

    def fail_value(self, column: str, expectation: str, predicate: str, limit: float,
                   unit: str) -> None:
        """Like :meth:`fail` for a number, saying what is wrong with it (nan, too large...)."""
        hit = self.locate(predicate)
        if hit is None:
            raise InputFileError(self.path, f"expected {expectation}", column=column)
        line, *fields = hit
        text = dict(zip("tijkvq", fields, strict=True))[column]
        try:
            why = bounds.problem(float(str(text).strip()), limit, unit) if text else None
        except ValueError:
            why = None
        detail = f" ({why})" if why and why != "negative" else ""
        raise InputFileError(self.path, f"expected {expectation}, got {_shown(text)}{detail}",
                             line=int(line), column=column)

    def fail_duplicate(self) -> None:
        """Raise at the first flow listed twice, naming the lines of its first two copies."""
        src = sql_literal(str(self.path))
        with duckdb.connect() as scratch:
            scratch.execute("SET threads = 1")
            hit = scratch.execute(
                f"""WITH r AS (
                    SELECT row_number() OVER () AS rec, trim(t) AS t,
                           TRY_CAST(trim(i) AS INTEGER) AS i, TRY_CAST(trim(j) AS INTEGER) AS j,
                           lpad(trim(k), 6, '0') AS k
                    FROM read_csv({src}, {CSV_OPTS}, columns={RAW_COLUMNS}, parallel=false)),
                n AS (SELECT *, row_number() OVER (PARTITION BY t, i, j, k ORDER BY rec) AS copy,
                             min(rec) OVER (PARTITION BY t, i, j, k) AS first FROM r)
                SELECT first, rec, t, i, j, k FROM n WHERE copy = 2 ORDER BY first LIMIT 1"""
            ).fetchone()
        first, second, t, i, j, k = hit
        raise InputFileError(self.path, f"duplicate flow (t={t}, i={i}, j={j}, k={k}): listed "
                             f"again on line {self.line(second)}", line=self.line(first),
                             column="t,i,j,k")


def _shown(value: object) -> str:
    return "an empty field" if value is None or str(value).strip() == "" else repr(value)
