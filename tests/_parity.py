"""Comparing two engines' answers: same columns, same rows in the same order, floats to 1e-9.

Used by the Spark parity tests, the cluster-mode test (in its subprocess) and
bench/bench_spark.py. Results may be pandas DataFrames, Arrow tables, or a dict/tuple of them
(engines that return several tables).
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

TOL = 1e-9


def frame(result: Any) -> pd.DataFrame:
    """Any single engine result as a pandas DataFrame."""
    if isinstance(result, pd.DataFrame):
        return result.reset_index(drop=True)
    if hasattr(result, "to_pandas"):
        return result.to_pandas().reset_index(drop=True)
    raise TypeError(f"not a table: {type(result).__name__}")


def parts(result: Any) -> dict[str, Any]:
    """Named tables of a result: itself, or the items of a dict / fields of a tuple or dataclass."""
    import dataclasses

    if dataclasses.is_dataclass(result) and not isinstance(result, type):
        return {f.name: getattr(result, f.name) for f in dataclasses.fields(result)}
    if isinstance(result, dict):
        return {str(k): v for k, v in result.items()}
    if isinstance(result, tuple):
        if hasattr(result, "_asdict"):
            return dict(result._asdict())
        return {str(i): v for i, v in enumerate(result)}
    return {"": result}


def _same_value(a: Any, b: Any) -> bool:
    na = a is None or (isinstance(a, float) and math.isnan(a)) or a is pd.NA or a is pd.NaT
    nb = b is None or (isinstance(b, float) and math.isnan(b)) or b is pd.NA or b is pd.NaT
    if na or nb:
        return na and nb
    if isinstance(a, np.ndarray | list | tuple) or isinstance(b, np.ndarray | list | tuple):
        a, b = list(a), list(b)
        return len(a) == len(b) and all(_same_value(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same_value(a[k], b[k]) for k in a)
    if isinstance(a, bool | np.bool_) or isinstance(b, bool | np.bool_):
        return bool(a) == bool(b)
    if isinstance(a, int | float | np.number) and isinstance(b, int | float | np.number):
        a, b = float(a), float(b)
        if math.isinf(a) or math.isinf(b):
            return a == b
        return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))
    return a == b


def differences(a: Any, b: Any, *, limit: int = 5) -> list[str]:
    """Where two tables differ (empty when they agree): shape, columns, then cells."""
    fa, fb = frame(a), frame(b)
    if list(fa.columns) != list(fb.columns):
        return [f"columns differ: {list(fa.columns)} vs {list(fb.columns)}"]
    if len(fa) != len(fb):
        return [f"row counts differ: {len(fa)} vs {len(fb)}"]
    out = _cell_differences(fa, fb, limit)
    if out and not _cell_differences(_sorted(fa), _sorted(fb), limit):
        return [f"same rows in another order ({out[0]}): the ORDER BY has ties, so each "
                "engine may return them in any order; add a unique tie-break"]
    return out


def _sorted(df: pd.DataFrame) -> pd.DataFrame:
    """Rows in a canonical order: by every column, floats rounded to the tolerance."""
    keys = pd.DataFrame({c: (df[c].round(6) if pd.api.types.is_float_dtype(df[c])
                             else df[c].astype(str)) for c in df.columns})
    return df.iloc[keys.sort_values(list(keys.columns), kind="stable").index].reset_index(drop=True)


def _cell_differences(fa: pd.DataFrame, fb: pd.DataFrame, limit: int) -> list[str]:
    out: list[str] = []
    for col in fa.columns:
        xs, ys = fa[col].tolist(), fb[col].tolist()
        for i, (x, y) in enumerate(zip(xs, ys, strict=True)):
            if not _same_value(x, y):
                out.append(f"row {i}, column {col}: {x!r} vs {y!r}")
                if len(out) >= limit:
                    return out
    return out


def assert_same(a: Any, b: Any, what: str = "") -> None:
    """Fail with the first differences when two engine results disagree."""
    pa_, pb_ = parts(a), parts(b)
    assert pa_.keys() == pb_.keys(), f"{what}: parts {list(pa_)} vs {list(pb_)}"
    for key in pa_:
        if pa_[key] is None or pb_[key] is None or not (
                hasattr(pa_[key], "columns") or hasattr(pa_[key], "to_pandas")):
            assert _same_value(pa_[key], pb_[key]), f"{what}[{key}]: {pa_[key]!r} vs {pb_[key]!r}"
            continue
        diff = differences(pa_[key], pb_[key])
        assert not diff, f"{what}{'[' + key + ']' if key else ''}: " + "; ".join(diff)


def same_csv(a: str, b: str) -> list[str]:
    """Differences between two CSV texts of one table, numbers compared to 1e-9 (also inside
    list cells, which CSV holds as JSON text)."""
    import io

    fa = pd.read_csv(io.StringIO(a), dtype=str, keep_default_na=False)
    fb = pd.read_csv(io.StringIO(b), dtype=str, keep_default_na=False)

    def cells(df: pd.DataFrame) -> pd.DataFrame:
        return df.apply(lambda s: [_number(v) for v in s])

    return differences(cells(fa), cells(fb))


def _number(text: str) -> Any:
    """A CSV cell as a number where it is one; a list cell (JSON text) as its records, so
    the numbers inside it are compared to the tolerance too."""
    import json

    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        pass
    if text[:1] in "[{":
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


class CountingWarehouse:
    """A Warehouse that forwards to another and records the rows of every result collected.

    For the bounded-driver test: an engine that collects raw flows shows up as a query whose
    result is as large as the flows table.
    """

    def __init__(self, inner: Any) -> None:
        self.inner = inner
        self.dialect = inner.dialect
        self.collected: list[tuple[str, int]] = []

    def arrow(self, query: Any) -> Any:
        table = self.inner.arrow(query)
        self.collected.append((query.name, table.num_rows))
        return table

    def batches(self, query: Any, rows: int = 1_000_000) -> Any:
        for batch in self.inner.batches(query, rows):
            self.collected.append((query.name, batch.num_rows))
            yield batch

    def __getattr__(self, name: str) -> Any:  # years, catalog, citation, has_table, ...
        return getattr(self.inner, name)
