"""A query as data: SQL text with named parameters, its bound values and attached tables.

Every relational question Straits asks is a :class:`Query`. Its ``sql`` is DuckDB-dialect
text assembled only from constant fragments written in :mod:`straits.warehouse`; every value
that comes from a caller (a year, a country code, a product code, a share) travels in
``params`` and is bound by the engine (``$name`` in the text), and small relations built at
run time (a bloc's member map, a product list) travel in ``tables`` and are registered by the
engine under their name. So no user value is ever spliced into SQL text, the same text runs on
DuckDB as written and on Spark after one transpile (``$name`` becomes ``:name``), and a test
can check both claims for every builder.

Conventions for the text
------------------------
- a scalar: ``f.year = $year``;
- a set of values: ``list_contains($codes, f.exporter)``;
- an optional filter (``None`` = no filter): ``($codes IS NULL OR list_contains($codes, x))``;
- an HS level: ``left(f.product, $digits)``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pyarrow as pa


@dataclass(frozen=True)
class Query:
    """One SQL statement (DuckDB dialect), its parameter values and attached tables.

    Attributes
    ----------
    name : str
        The builder that made it (``"flows"``, ``"dependency_screen"``): for tests, logs and
        the per-engine parity suite.
    sql : str
        Static text with ``$name`` parameters; never holds a caller's value.
    params : Mapping[str, object]
        Values bound to the parameters: ``None``, bool, int, float, str, or a list of one of
        those (bound as a list, used with ``list_contains``).
    tables : Mapping[str, pyarrow.Table]
        Small relations the text names in ``FROM``/``JOIN``, registered by the engine for the
        duration of the query only.
    """

    name: str
    sql: str
    params: Mapping[str, Any] = field(default_factory=dict)
    tables: Mapping[str, pa.Table] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # lists, not tuples: DuckDB binds a Python list as a LIST value
        object.__setattr__(self, "params", {k: _bindable(v) for k, v in self.params.items()})


def _bindable(value: Any) -> Any:
    if isinstance(value, str | bytes) or value is None:
        return value
    if isinstance(value, Sequence | set | frozenset):
        return [_bindable(v) for v in value]
    if hasattr(value, "item"):  # a NumPy scalar
        return value.item()
    return value


def codes(values: Sequence[int] | None) -> list[int] | None:
    """BACI codes as a bindable list (``None`` stays ``None``: no filter)."""
    return None if values is None else [int(v) for v in values]


def strings(values: Sequence[str] | None) -> list[str] | None:
    """Strings as a bindable list (``None`` stays ``None``: no filter)."""
    return None if values is None else [str(v) for v in values]
