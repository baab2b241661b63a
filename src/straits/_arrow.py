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

    import numpy as np
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


def ints(values: Sequence[int | None], *, bits: int = 64) -> pa.Array:
    """An int64 (or, with ``bits=32``, int32) array (None -> null)."""
    import pyarrow as pa

    code, kind = ("q", pa.int64()) if bits == 64 else ("i", pa.int32())
    data = _array.array(code, [0 if v is None else int(v) for v in values])
    return pa.Array.from_buffers(kind, len(values), [_validity(values), pa.py_buffer(data)])


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


def numbers(column: pa.Array | pa.ChunkedArray, dtype: str = "float64") -> np.ndarray:
    """A numeric Arrow column as a NumPy array (nulls as 0), read from its buffers.

    ``to_numpy`` would import pandas (see the module docstring); this reads the data buffer
    itself: a view for one chunk without nulls, else one copy.
    """
    import numpy as np
    import pyarrow as pa

    if isinstance(column, pa.ChunkedArray):
        column = (column.chunk(0) if column.num_chunks == 1 else
                  pa.concat_arrays(column.chunks) if column.num_chunks else
                  pa.nulls(0, column.type))
    kind = np.dtype(_NUMPY[str(column.type)])
    out = np.frombuffer(column.buffers()[1], dtype=kind, count=len(column), offset=column.offset
                        * kind.itemsize) if len(column) else np.zeros(0, kind)
    if column.null_count:
        valid = np.unpackbits(np.frombuffer(column.buffers()[0], np.uint8),
                              bitorder="little")[column.offset:column.offset + len(column)]
        out = np.where(valid.astype(bool), out, 0)
    return out.astype(dtype, copy=False)


def from_numpy(values: np.ndarray) -> pa.Array:
    """A float64, int64 or int32 NumPy array as an Arrow array (no pandas probe; no nulls)."""
    import numpy as np
    import pyarrow as pa

    values = np.ascontiguousarray(values)
    kind = {"float64": pa.float64(), "int64": pa.int64(), "int32": pa.int32()}[str(values.dtype)]
    return pa.Array.from_buffers(kind, len(values), [None, pa.py_buffer(values)])


_NUMPY = {"double": "float64", "int64": "int64", "int32": "int32", "int16": "int16",
          "int8": "int8", "float": "float32"}
