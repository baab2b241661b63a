"""Small Arrow arrays built from Python values without pyarrow's pandas probe.

The first time pyarrow converts a Python value (``pa.array``, ``pa.scalar``, even a float
handed to a compute function) it imports pandas, 0.3-0.5 s, to check whether the value is a
pandas object. A command that only looks something up has nothing to do with pandas, so the
few arrays and constants the look-up and output paths build come from buffers here instead.
Results are ordinary ``pyarrow`` arrays.
"""

from __future__ import annotations

import array as _array
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    import pyarrow as pa


def _validity(values: Sequence[object]) -> pa.Buffer | None:
    import pyarrow as pa

    if all(v is not None for v in values):
        return None
    bits = bytearray((len(values) + 7) // 8)
    for i, v in enumerate(values):
        if v is not None:
            bits[i >> 3] |= 1 << (i & 7)
    return pa.py_buffer(bytes(bits))


def floats(values: Sequence[float | None]) -> pa.Array:
    """A float64 array (None -> null)."""
    import pyarrow as pa

    data = _array.array("d", [0.0 if v is None else float(v) for v in values])
    return pa.Array.from_buffers(pa.float64(), len(values), [_validity(values),
                                                            pa.py_buffer(data)])


def ints(values: Sequence[int | None]) -> pa.Array:
    """An int64 array (None -> null)."""
    import pyarrow as pa

    data = _array.array("q", [0 if v is None else int(v) for v in values])
    return pa.Array.from_buffers(pa.int64(), len(values), [_validity(values),
                                                          pa.py_buffer(data)])


def strings(values: Sequence[str | None]) -> pa.Array:
    """A UTF-8 string array (None -> null)."""
    import pyarrow as pa

    encoded = [b"" if v is None else str(v).encode("utf-8") for v in values]
    offsets = _array.array("i", [0])
    for e in encoded:
        offsets.append(offsets[-1] + len(e))
    return pa.Array.from_buffers(pa.string(), len(values), [
        _validity(values), pa.py_buffer(offsets), pa.py_buffer(b"".join(encoded))])


def float_scalar(value: float) -> pa.Scalar:
    """A float64 Arrow scalar, for compute functions."""
    return floats([value])[0]


def null_float() -> pa.Scalar:
    """A null float64 scalar."""
    import pyarrow as pa

    return pa.nulls(1, pa.float64())[0]


def table(columns: dict[str, pa.Array]) -> pa.Table:
    """A table of the given arrays, in order."""
    import pyarrow as pa

    return pa.Table.from_arrays(list(columns.values()), names=list(columns))
