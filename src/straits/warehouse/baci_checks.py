"""The checks of a BACI year file, written once for both ingests (DuckDB and Spark).

Each :class:`RowCheck` is a predicate over one raw line of ``BACI_HS.._Y...csv`` (the
columns ``t,i,j,k,v,q`` as text, untrimmed, exactly as in the file) that is TRUE where the
line is bad, with the column and the expectation that the message names. The predicates are
DuckDB SQL over a relation of those six text columns that may consult the release's own
``countries`` and ``products`` tables; the Spark ingest runs the same text after a sqlglot
transpile. So both engines reject the same lines with the same words:

    BACI_HS17_Y2024_V202601.csv line 3, column v: expected a number >= 0, got '-3.1'

The order of :data:`ROW_CHECKS` is the order in which failures are reported: a file with
several kinds of bad lines is reported at the first check (in this order) that any line
fails, at that check's first line. Duplicate flows (a check across lines) come last.

:data:`FLOW_COLUMNS` turns a raw line into the stored row, for the same reason.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from straits.errors import InputFileError
from straits.sources import bounds

RAW_COLUMNS = ("t", "i", "j", "k", "v", "q")


@dataclass(frozen=True)
class RowCheck:
    """One rule a line must keep.

    Attributes
    ----------
    name : str
        Identifier (for tests and the Spark plan).
    column : str
        The column the message names.
    expectation : str
        What was expected; ``{year}``, ``{country_file}``, ``{product_file}`` and ``{hs}``
        are filled in per file.
    predicate : str
        DuckDB SQL, TRUE on a bad line; over the raw text columns (and, at most, the
        ``countries`` and ``products`` tables). Lines an earlier check rejects may match too.
    """

    name: str
    column: str
    expectation: str
    predicate: str
    limit: float | None = None  # a number's bound (straits.sources.bounds), said when broken
    unit: str = ""

    def message(self, value: object, **context: object) -> str:
        """The message for a bad ``value`` (the raw field as in the file), as DuckDB words it."""
        shown = ("an empty field" if value is None or str(value).strip() == ""
                 else repr(value))
        why = None
        if self.limit is not None and value:
            try:
                why = bounds.problem(float(str(value).strip()), self.limit, self.unit)
            except ValueError:
                why = None
        detail = f" ({why})" if why and why != "negative" else ""
        return f"{self.expectation.format(**context)}, got {shown}{detail}"


def _number(column: str, sql_type: str) -> RowCheck:
    return RowCheck(f"number_{column}", column, "expected a number",
                    f"TRY_CAST(trim({column}) AS {sql_type}) IS NULL")


_V_OK = f"coalesce(TRY_CAST(trim(v) AS DOUBLE) BETWEEN 0 AND {bounds.MAX_VALUE_KUSD!r}, false)"
_Q_OK = (f"(q IS NULL OR trim(q) IN ('', 'NA') OR coalesce(TRY_CAST(trim(q) AS DOUBLE) "
         f"BETWEEN 0 AND {bounds.MAX_QUANTITY_T!r}, false))")

# the order and words of the DuckDB ingest (warehouse/load_checks.py): t, i, j, k, v, q
ROW_CHECKS: tuple[RowCheck, ...] = (
    _number("t", "INTEGER"), _number("i", "INTEGER"), _number("j", "INTEGER"),
    _number("v", "DOUBLE"),
    RowCheck("year", "t", "expected the file name's year {year}", "trim(t) <> '{year}'"),
    RowCheck("exporter", "i", "expected a code listed in {country_file}",
             "TRY_CAST(trim(i) AS INTEGER) NOT IN ({countries})"),
    RowCheck("importer", "j", "expected a code listed in {country_file}",
             "TRY_CAST(trim(j) AS INTEGER) NOT IN ({countries})"),
    RowCheck("product_form", "k", "expected an HS6 code of up to six digits",
             "NOT regexp_full_match(trim(k), '[0-9]{{1,6}}')"),
    RowCheck("product", "k", "expected a code listed in {product_file} (is the file really {hs}?)",
             "lpad(trim(k), 6, '0') NOT IN ({products})"),
    RowCheck("value", "v", "expected a number >= 0", f"NOT {_V_OK}",
             limit=bounds.MAX_VALUE_KUSD, unit="thousand USD"),
    RowCheck("quantity", "q", "expected a number >= 0, empty or NA", f"NOT {_Q_OK}",
             limit=bounds.MAX_QUANTITY_T, unit="metric tons"),
)
"""Every per-line rule, in the order failures are reported."""

FIELDS_EXPECTATION = "expected 6 comma-separated fields (t,i,j,k,v,q)"
"""A line that does not split into six fields (reported before any other rule)."""

#: the stored row (schema ``flows``) from the raw text columns
FLOW_COLUMNS: dict[str, str] = {
    "year": "CAST(trim(t) AS SMALLINT)",
    "exporter": "CAST(trim(i) AS INTEGER)",
    "importer": "CAST(trim(j) AS INTEGER)",
    "product": "CASE WHEN length(trim(k)) <= 6 THEN lpad(trim(k), 6, '0') ELSE trim(k) END",
    "value_kusd": "CAST(trim(v) AS DOUBLE)",
    "quantity_t": "CASE WHEN q IS NULL OR trim(q) IN ('', 'NA') THEN NULL "
                  "ELSE TRY_CAST(trim(q) AS DOUBLE) END",
}

#: the key of a flow, for the duplicate check (same expressions as the stored row)
FLOW_KEY = ("year", "exporter", "importer", "product")


def predicate(check: RowCheck, year: int, *, countries: str, products: str) -> str:
    """The check's SQL for the file of ``year``.

    ``countries`` and ``products`` are the SQL lists of the known codes (see
    :func:`known_codes`): literal IN lists rather than sub-queries, which Spark plans inside
    an aggregate's FILTER as a null-aware nested-loop join, row by row against the table.
    """
    return check.predicate.format(year=int(year), countries=countries, products=products)


def known_codes(country_codes: Iterable[int], product_codes: Iterable[str]) -> dict[str, str]:
    """``countries`` and ``products`` for :func:`predicate`: the codes as SQL literal lists."""
    from straits.warehouse.backend import sql_literal

    return {"countries": ", ".join(str(int(c)) for c in country_codes),
            "products": ", ".join(sql_literal(str(p)) for p in product_codes)}


def fail(path: object, check: RowCheck, line: int, value: object, **context: object):
    """The error of ``check`` failing at ``line`` of ``path``."""
    return InputFileError(path, check.message(value, **context), line=int(line),
                          column=check.column)


def duplicate_error(path: object, key: dict, first: int, second: int) -> InputFileError:
    """The error of a flow listed twice: named at its first line, citing the second."""
    return InputFileError(
        path, f"duplicate flow (t={key['t']}, i={key['i']}, j={key['j']}, k={key['k']}): "
              f"listed again on line {second}", line=int(first), column="t,i,j,k")


def revision_error(origin: object, loaded_hs: str, release_hs: str) -> InputFileError:
    """The error of mixing two HS revisions in one warehouse."""
    return InputFileError(
        origin, f"this warehouse holds BACI {loaded_hs} flows; a {release_hs} release cannot "
                "be mixed into it (use another --db)")


def empty_year_error(path: object, year: int) -> InputFileError:
    """The error of a year file that holds no flows (only its header), in DuckDB's words.

    The Spark ingest has no ``allow_empty``: an empty year is always refused there.
    """
    return InputFileError(path, f"holds no flows; loading it would leave year {int(year)} empty")
