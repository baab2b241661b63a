"""Result tables as CSV, JSON and Parquet: one writer for the CLI, the API and the dashboard.

A number must read the same wherever it leaves Straits, so every output path goes through
here (the CLI's ``--format csv|json|parquet``, the API's JSON bodies via :func:`records` and
:func:`dumps`).

Numbers
-------
Floats are written with at most :data:`SIGNIFICANT_DIGITS` (15, C's ``DBL_DIG``) significant
digits, in the shortest form that reads back as the written value: ``68495.858``, not
``68495.857999999992899``; a sum that picked up binary noise, ``425213.4970000001``, as
``425213.497``. Why 15 and not the 17 of a full round trip: every decimal of up to 15
significant digits (every value BACI publishes, which have three decimals) reads back as
exactly the float that was stored, while digits 16-17 of a computed value are noise of the
binary arithmetic, not information. So a float read from the data reads back unchanged, and
any other float reads back within half a unit of its 15th digit. Parquet keeps the exact
binary values. NaN and infinities are written as JSON ``null`` and empty CSV cells.

Minus sign
----------
The ASCII hyphen-minus (``-``), in every format including the terminal tables: it is what
spreadsheets, pandas, DuckDB and ``float()`` parse; U+2212 is not.

Lists
-----
List and struct columns stay lists in JSON and Parquet; a CSV cell holds their JSON text.
"""

from __future__ import annotations

import contextlib
import datetime as _dt
import decimal
import json
import math
from collections.abc import Iterable
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa

#: significant digits of every float written as text (see the module notes)
SIGNIFICANT_DIGITS = 15
#: the one minus sign of every output
MINUS = "-"
#: formats :func:`write` knows
FORMATS = ("csv", "json", "parquet")

# Scaling by 10**d is exact, and so the rounding correct, only for |d| <= 22; rarer
# magnitudes go through Python's own formatting.
_EXACT_POWERS = 22
#: arrays up to this length are rounded value by value (no pyarrow.compute import)
_SMALL = 20_000


def round_float(x: float, digits: int = SIGNIFICANT_DIGITS) -> float | None:
    """One float rounded to ``digits`` significant digits; None for NaN and infinities.

    The few values next to the largest double, which would round up to infinity, stay exact.
    """
    if not math.isfinite(x):
        return None
    r = float(f"{x:.{digits}g}")
    return r if math.isfinite(r) else x


def round_array(arr: pa.Array, digits: int = SIGNIFICANT_DIGITS) -> pa.Array:
    """A float array rounded to ``digits`` significant digits, NaN and infinities as null.

    Gives exactly :func:`round_float` of every value, in Arrow compute (no Python loop over
    values, and no pandas: constants come from :mod:`straits._arrow`). Each value is scaled by
    the power of ten that puts its last kept digit in the units, rounded half to even, and
    scaled back; IEEE arithmetic rounds both steps correctly while the power is exact
    (|d| <= 22). Only values whose scaled form lies within two ulps of a half (where the
    inexact scaling may have decided the rounding), or that need a larger power, are
    formatted by Python instead; values read from data are almost never such.
    """
    import pyarrow as pa

    from straits import _arrow

    x = arr if arr.type == pa.float64() else arr.cast(pa.float64())
    if len(x) <= _SMALL:  # cheaper than importing pyarrow.compute, and the same values
        return _arrow.floats([None if v is None else round_float(v, digits)
                              for v in x.to_pylist()])
    import pyarrow.compute as pc

    f = _arrow.float_scalar
    finite = pc.and_(pc.is_finite(x), pc.not_equal(x, f(0.0)))
    mag = pc.if_else(finite, pc.abs(x), f(1.0))
    exp = pc.floor(pc.log10(mag))  # one off next to a power of ten: corrected below
    exp = pc.if_else(pc.less(mag, pc.power(f(10.0), exp)), pc.subtract(exp, f(1.0)), exp)
    exp = pc.if_else(pc.greater_equal(mag, pc.power(f(10.0), pc.add(exp, f(1.0)))),
                     pc.add(exp, f(1.0)), exp)
    decimals = pc.subtract(f(digits - 1.0), exp)
    up = pc.greater_equal(decimals, f(0.0))
    scale = pc.power(f(10.0), pc.min_element_wise(pc.abs(decimals), f(_EXACT_POWERS)))
    y = pc.if_else(up, pc.multiply(x, scale), pc.divide(x, scale))
    n = pc.round(y, round_mode="half_to_even")
    res = pc.if_else(up, pc.divide(n, scale), pc.multiply(n, scale))
    frac = pc.abs(pc.subtract(y, pc.trunc(y)))
    near_half = pc.less_equal(pc.abs(pc.subtract(frac, f(0.5))),
                              pc.multiply(pc.abs(y), f(2.0 ** -51)))
    slow = pc.and_(finite, pc.or_(near_half, pc.greater(pc.abs(decimals),
                                                        f(float(_EXACT_POWERS)))))
    if pc.any(slow).as_py():
        redo = x.filter(slow).to_pylist()
        res = pc.replace_with_mask(res, slow, _arrow.floats(
            [round_float(v, digits) for v in redo]))
    res = pc.if_else(pc.is_finite(x), res, _arrow.null_float())
    return pc.if_else(pc.equal(x, f(0.0)), x, res)


# -- Arrow ----------------------------------------------------------------------------------

def as_arrow(result: Any) -> pa.Table:
    """An Arrow table for a pandas DataFrame or an Arrow table, provenance kept.

    Dictionary (categorical) columns are decoded; a pandas object column Arrow cannot type
    becomes text.
    """
    import pyarrow as pa

    from straits.provenance import attach, of

    if isinstance(result, pa.Table):
        table = result
    else:
        df = result
        try:
            table = pa.Table.from_pandas(df, preserve_index=False)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            bad = [c for c in df.columns if df[c].dtype == object]
            table = pa.Table.from_pandas(df.astype({c: str for c in bad}), preserve_index=False)
        prov = of(df)
        if prov is not None:
            table = attach(table, prov)
    cols = []
    changed = False
    for col in table.columns:
        if pa.types.is_dictionary(col.type):
            col = col.cast(col.type.value_type)
            changed = True
        cols.append(col)
    if changed:
        table = pa.Table.from_arrays(cols, names=table.column_names).replace_schema_metadata(
            table.schema.metadata)
    return table


def _round_array(arr: pa.Array) -> pa.Array:
    """Floats rounded (NaN -> null) anywhere in an array, lists and structs included."""
    import pyarrow as pa

    t = arr.type
    if pa.types.is_floating(t):
        return round_array(arr)
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        import pyarrow.compute as pc

        offsets = arr.offsets
        start = offsets[0].as_py()
        flat = arr.values.slice(start, offsets[-1].as_py() - start)
        rebased = pc.subtract(offsets, offsets[0])
        cls = pa.ListArray if pa.types.is_list(t) else pa.LargeListArray
        return cls.from_arrays(rebased, _round_array(flat), mask=arr.is_null())
    if pa.types.is_struct(t):
        fields = [t.field(i) for i in range(t.num_fields)]
        children = [_round_array(arr.field(i)) for i in range(t.num_fields)]
        return pa.StructArray.from_arrays(
            children, fields=[f.with_type(c.type) for f, c in zip(fields, children, strict=True)],
            mask=arr.is_null())
    return arr


def _needs_rounding(t: pa.DataType) -> bool:
    import pyarrow as pa

    if pa.types.is_floating(t):
        return True
    if pa.types.is_list(t) or pa.types.is_large_list(t):
        return _needs_rounding(t.value_type)
    if pa.types.is_struct(t):
        return any(_needs_rounding(t.field(i).type) for i in range(t.num_fields))
    return False


def rounded(table: pa.Table) -> pa.Table:
    """The table with every float rounded to :data:`SIGNIFICANT_DIGITS` and NaN as null."""
    import pyarrow as pa

    if not any(_needs_rounding(f.type) for f in table.schema):
        return table
    cols = []
    for field, col in zip(table.schema, table.columns, strict=True):
        if _needs_rounding(field.type):
            col = pa.chunked_array([_round_array(c) for c in col.chunks],
                                   type=None if col.num_chunks else pa.float64())
        cols.append(col)
    return pa.Table.from_arrays(cols, names=table.column_names).replace_schema_metadata(
        table.schema.metadata)


# -- JSON -----------------------------------------------------------------------------------

def _default(value: Any) -> Any:
    """JSON for what ``json`` does not know: dates, decimals, bytes, NumPy scalars."""
    if isinstance(value, _dt.datetime | _dt.date | _dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return round_float(float(value))
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if hasattr(value, "item"):  # NumPy scalar
        return json_ready(value.item())
    if isinstance(value, set | frozenset | tuple):
        return list(value)
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def json_ready(obj: Any) -> Any:
    """A JSON-ready copy of nested dicts and lists: floats rounded, NaN and inf -> None."""
    if isinstance(obj, float):
        return round_float(obj)
    if isinstance(obj, dict):
        return {str(k): json_ready(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [json_ready(v) for v in obj]
    if obj is None or isinstance(obj, str | int | bool):
        return obj
    return json_ready(_default(obj))


def dumps(obj: Any, *, indent: int | None = None) -> str:
    """JSON text of any payload (API envelopes, provenance, rows) with Straits' numbers."""
    return json.dumps(json_ready(obj), ensure_ascii=False, allow_nan=False, indent=indent)


def records(result: Any) -> list[dict[str, Any]]:
    """Rows of a result table as JSON-ready dicts (the API's body for a table)."""
    table = rounded(as_arrow(result))
    return [json_ready(r) for r in table.to_pylist()]


def _json_rows(table: pa.Table) -> Iterable[str]:
    for batch in rounded(table).to_batches(max_chunksize=65536):
        for row in batch.to_pylist():
            yield json.dumps(row, ensure_ascii=False, allow_nan=False, default=_default)


def json_text(result: Any) -> str:
    """A JSON array of row objects, one row per line."""
    rows = list(_json_rows(as_arrow(result)))
    return "[\n" + ",\n".join(rows) + "\n]\n" if rows else "[]\n"


# -- CSV ------------------------------------------------------------------------------------

def _csv_ready(table: pa.Table) -> pa.Table:
    """Floats rounded, list and struct cells as JSON text, so Arrow's writer can take it."""
    import pyarrow as pa

    from straits import _arrow

    table = rounded(table)
    cols = []
    for field, col in zip(table.schema, table.columns, strict=True):
        t = field.type
        if pa.types.is_list(t) or pa.types.is_large_list(t) or pa.types.is_struct(t) \
                or pa.types.is_map(t):
            col = _arrow.strings([None if v is None else json.dumps(v, ensure_ascii=False,
                                                                   default=_default)
                                  for v in col.to_pylist()])
        cols.append(col)
    return pa.Table.from_arrays(cols, names=table.column_names)


def csv_bytes(result: Any) -> bytes:
    """CSV text (UTF-8) of a result table; see :func:`write_csv`."""
    import io

    buf = io.BytesIO()
    write_csv(result, buf)
    return buf.getvalue()


#: characters that make DuckDB's CSV writer quote a text value (and an empty text is quoted,
#: so it differs from a missing value)
_CSV_QUOTE = frozenset(',"\n\r#')


def _csv_cell(v: Any) -> str:
    if v is None:
        return ""
    if v is True:
        return "true"
    if v is False:
        return "false"
    if isinstance(v, float):
        return repr(v)
    if isinstance(v, int | _dt.date):  # a date prints as DuckDB prints it
        return str(v)
    if v == "" or not _CSV_QUOTE.isdisjoint(v):
        return '"' + v.replace('"', '""') + '"'
    return v


def _python_csv(table: pa.Table) -> bytes | None:
    """The CSV DuckDB would write, for a small table of text, numbers, flags, dates; else None.

    (Timestamps are left to DuckDB, which trims trailing zeros of the fraction.)

    Writing a few rows through DuckDB costs a connection and a temporary file (and, for a
    command that needs no warehouse, the DuckDB import); this gives the same bytes directly.
    ``tests/test_cli_output.py`` checks that both writers agree.
    """
    import pyarrow as pa

    simple = (pa.types.is_string, pa.types.is_large_string, pa.types.is_integer,
              pa.types.is_floating, pa.types.is_boolean, pa.types.is_null, pa.types.is_date32)
    if table.num_rows > _SMALL or not all(any(ok(f.type) for ok in simple)
                                          for f in table.schema):
        return None
    columns = [col.to_pylist() for col in table.columns]
    lines = [",".join(_csv_cell(n) for n in table.column_names)]
    lines += [",".join(_csv_cell(c[i]) for c in columns) for i in range(table.num_rows)]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_csv(result: Any, sink: str | Path | IO[bytes], *, engine: str = "auto") -> None:
    """Write CSV: a header, one line per row, quotes only where a value needs them.

    DuckDB's CSV writer does the work (fast, parallel, and it writes a float as Python would:
    ``6441457.0``, ``1e-07``); a small table of plain columns is written the same way in
    Python (``engine="auto"``; ``"duckdb"`` forces DuckDB). A file is written beside its
    target and renamed over it, so it is never left half-written. Booleans are
    ``true``/``false``, missing values empty, an empty text ``""``.
    """
    table = _csv_ready(as_arrow(result))
    target = Path(sink) if isinstance(sink, str | Path) else None
    data = _python_csv(table) if engine == "auto" else None
    if data is not None:
        if target is None:
            sink.write(data)  # type: ignore[union-attr]
        else:
            with _replacing(target) as tmp:
                tmp.write_bytes(data)
        return
    import duckdb

    from straits.warehouse.backend import sql_literal

    scratch = _replacing(target) if target is not None else _scratch()
    with scratch as tmp:
        con = duckdb.connect()
        try:
            con.execute("SET enable_progress_bar = false")
            con.register("result_table", table)
            # the path is our own temporary file; COPY cannot bind it as a parameter
            con.execute(f"COPY result_table TO {sql_literal(str(tmp))} (FORMAT csv, HEADER)")
        finally:
            con.close()
        if target is None:
            with open(tmp, "rb") as fh:
                while chunk := fh.read(1 << 20):
                    sink.write(chunk)  # type: ignore[union-attr]


@contextlib.contextmanager
def _scratch():
    """A temporary file path, removed afterwards."""
    import os
    import tempfile

    fd, name = tempfile.mkstemp(prefix=".straits-", suffix=".csv")
    os.close(fd)
    try:
        yield Path(name)
    finally:
        Path(name).unlink(missing_ok=True)


# -- Parquet and dispatch -------------------------------------------------------------------

def write_parquet(result: Any, sink: str | Path | IO[bytes]) -> None:
    """Write Parquet with exact values; the provenance travels in the schema metadata."""
    import pyarrow.parquet as pq

    if isinstance(sink, str | Path):
        with _replacing(Path(sink)) as tmp:
            pq.write_table(as_arrow(result), tmp)
    else:
        pq.write_table(as_arrow(result), sink)


def write_json(result: Any, sink: str | Path | IO[bytes]) -> None:
    """Write a JSON array of row objects (see :func:`json_text`)."""
    data = json_text(result).encode("utf-8")
    if isinstance(sink, str | Path):
        with _replacing(Path(sink)) as tmp:
            tmp.write_bytes(data)
    else:
        sink.write(data)


WRITERS = {"csv": write_csv, "json": write_json, "parquet": write_parquet}


def write(result: Any, fmt: str, sink: str | Path | IO[bytes]) -> None:
    """Write ``result`` as ``csv``, ``json`` or ``parquet`` to a path or a binary stream.

    A path is written through a temporary file beside it and renamed over it at the end, so
    an interrupted or failed write leaves the old file (or none), never half a file.
    """
    if fmt not in WRITERS:
        raise ValueError(f"unknown format {fmt!r}; expected one of {FORMATS}")
    WRITERS[fmt](result, sink)


@contextlib.contextmanager
def _replacing(target: Path):
    """A temporary path beside ``target``, renamed over it when the block succeeds."""
    import os
    import tempfile

    fd, name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
