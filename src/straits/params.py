"""One way to validate parameters, declared once and read by Python, the CLI and the API.

Every public engine function states its parameters' constraints with
:func:`validate_params` (in the spirit of scikit-learn's ``validate_params``)::

    @validate_params({"cut": Interval(float, 0, 1), "importer": Economies()},
                     distinct=[("exporter", "importer", "also_restricting")])
    def shock(wh, *, exporter, importer, cut=1.0, ...): ...

A call that breaks a constraint raises :class:`~straits.errors.ParameterError` (or
:class:`~straits.errors.UnknownCodeError` for a name that resolves to nothing) before any
work starts, with one message form: ``The 'cut' parameter of shock must be a float in
[0, 1]. Got 1.5 instead.`` The CLI maps those errors to exit code 2 and the API to HTTP 400;
the API also reads the declarations for its OpenAPI schema, and the test suite reads them
back (:data:`REGISTRY`, :meth:`Constraint.invalid`) to generate bad inputs for every
function.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from straits.errors import ParameterError, StraitsError, UnknownCodeError

F = TypeVar("F", bound=Callable[..., Any])

#: Most economies one parameter may name (there are about 230; a request naming thousands
#: would cost seconds of CPU for nothing).
MAX_ECONOMIES = 64
#: Most product codes or aliases one parameter may name.
MAX_PRODUCTS = 500
#: Years Straits accepts at all (BACI starts in 1995, Comtrade in 1962).
YEAR_RANGE = (1950, 2100)


def _fail(name: str, func: str, expected: str, got: object) -> None:
    raise ParameterError(f"The {name!r} parameter of {func} must be {expected}. "
                         f"Got {got!r} instead.")


def split_list(value: object) -> list[str] | None:
    """``"KOR, JPN"`` or ``["KOR", "JPN"]`` as a list of stripped items (None stays None)."""
    if value is None:
        return None
    items = value.split(",") if isinstance(value, str) else list(value)  # type: ignore[call-overload]
    return [str(i).strip() for i in items]


class Constraint:
    """What one parameter accepts; subclasses implement :meth:`check` and :meth:`invalid`."""

    #: plain-language statement used in messages and help text ("a float in [0, 1]")
    expected: str = "valid"
    none_ok: bool = False

    def validate(self, name: str, func: str, value: object) -> None:
        """Raise the one error form unless ``value`` is acceptable."""
        if value is None:
            if not self.none_ok:
                _fail(name, func, self.expected, value)
            return
        self.check(name, func, value)

    def check(self, name: str, func: str, value: object) -> None:  # pragma: no cover
        """Check a value that is not None."""
        raise NotImplementedError

    def invalid(self) -> list[object]:
        """Values this constraint rejects (the generated bad-parameter tests use them)."""
        return [] if self.none_ok else [None]

    def example(self) -> object:
        """A value this constraint accepts (the generated tests fill other parameters with it)."""
        return None

    def describe(self) -> str:
        """Help text: what is accepted, and what None means."""
        return self.expected + (" (optional)" if self.none_ok else "")


@dataclass
class Interval(Constraint):
    """A number in a range: ``Interval(float, 0, 1)``, ``Interval(int, 1, None)``."""

    kind: type
    lo: float | None
    hi: float | None
    none_ok: bool = False
    closed: str = "both"  # both, left, right, neither

    def __post_init__(self) -> None:
        word = "an int" if self.kind is int else "a float"
        if self.lo is not None and self.hi is not None:
            left = "[" if self.closed in ("both", "left") else "("
            right = "]" if self.closed in ("both", "right") else ")"
            self.expected = f"{word} in {left}{self.lo:g}, {self.hi:g}{right}"
        elif self.lo is not None:
            self.expected = f"{word} >{'=' if self.closed in ('both', 'left') else ''} {self.lo:g}"
        else:
            self.expected = f"{word} <{'=' if self.closed in ('both', 'right') else ''} {self.hi:g}"

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        ok_type = (int,) if self.kind is int else (int, float)
        if isinstance(value, bool) or not isinstance(value, ok_type) or (
                isinstance(value, float) and not math.isfinite(value)):
            _fail(name, func, self.expected, value)
        v = float(value)  # type: ignore[arg-type]
        lo_ok = self.lo is None or (v >= self.lo if self.closed in ("both", "left") else v > self.lo)
        hi_ok = self.hi is None or (v <= self.hi if self.closed in ("both", "right") else v < self.hi)
        if not (lo_ok and hi_ok):
            _fail(name, func, self.expected, value)

    def example(self) -> object:  # noqa: D102
        if self.lo is not None and self.hi is not None:
            return self.kind((self.lo + self.hi) / 2) if self.kind is float else int(self.lo) + (
                0 if self.closed in ("both", "left") else 1)
        if self.lo is not None:
            return self.kind(self.lo + (0 if self.closed in ("both", "left") else 1))
        return self.kind(self.hi - (0 if self.closed in ("both", "right") else 1))  # type: ignore[operator]

    def invalid(self) -> list[object]:  # noqa: D102
        bad: list[object] = [*super().invalid(), "x", True, float("nan"), float("inf")]
        if self.lo is not None:
            bad.append(self.lo - 1)
        if self.hi is not None:
            bad.append(self.hi + 1)
        if self.kind is int:
            bad.append(1.5)
        return bad


@dataclass
class Options(Constraint):
    """One of a fixed set of strings (case-insensitive): ``Options("hs2", "hs4", "hs6")``."""

    values: tuple[str, ...]
    none_ok: bool = False

    def __init__(self, *values: str, none_ok: bool = False) -> None:
        self.values = tuple(values)
        self.none_ok = none_ok
        self.expected = "one of " + ", ".join(repr(v) for v in self.values)

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        if not isinstance(value, str) or value.lower() not in {v.lower() for v in self.values}:
            _fail(name, func, self.expected, value)

    def example(self) -> object:  # noqa: D102
        return self.values[0]

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "", "no-such-option", 3]


@dataclass
class Economy(Constraint):
    """One economy or bloc: ``KOR``, ``Korea``, ``EU27``, ``KOR+JPN`` (not a comma list)."""

    none_ok: bool = False
    expected: str = "one economy or bloc such as 'KOR', 'EU27' or 'KOR+JPN'"

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        if not isinstance(value, str) or not value.strip() or "," in value:
            _fail(name, func, self.expected, value)
        _resolve_party(name, func, value)

    def example(self) -> object:  # noqa: D102
        return "KOR"

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "", "  ", "KOR,JPN", "XYZ", 410.5]


@dataclass
class Economies(Constraint):
    """Economies or blocs, comma-separated or a list; at least ``min_items``."""

    min_items: int = 1
    max_items: int = MAX_ECONOMIES
    none_ok: bool = False

    def __post_init__(self) -> None:
        self.expected = (f"{self.min_items} to {self.max_items} economies or blocs, "
                         "comma-separated (KOR,JPN,EU27)")

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        if not isinstance(value, str | list | tuple):
            _fail(name, func, self.expected, value)
        items = split_list(value) or []
        if any(not i for i in items) or not self.min_items <= len(items) <= self.max_items:
            _fail(name, func, self.expected, value)
        for item in items:
            _resolve_party(name, func, item)

    def example(self) -> object:  # noqa: D102
        return "KOR"

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "", [], "KOR,,JPN", "XYZ",
                ",".join(["KOR"] * (self.max_items + 1))]


@dataclass
class Products(Constraint):
    """HS codes (HS2/HS4/HS6 prefixes) or product aliases, comma-separated or a list."""

    min_items: int = 1
    max_items: int = MAX_PRODUCTS
    none_ok: bool = True

    def __post_init__(self) -> None:
        self.expected = (f"{self.min_items} to {self.max_items} HS codes (2, 4 or 6 digits) "
                         "or product names, comma-separated (811292,2504)")

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        from straits.reference.lookup import parse_products

        if not isinstance(value, str | list | tuple):
            _fail(name, func, self.expected, value)
        items = split_list(value) or []
        if any(not i for i in items) or not self.min_items <= len(items) <= self.max_items:
            _fail(name, func, self.expected, value)
        try:
            parse_products(items)
        except UnknownCodeError as exc:
            raise UnknownCodeError(f"The {name!r} parameter of {func}: {exc}") from None

    def example(self) -> object:  # noqa: D102
        return "811292"

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "", [], "81a292", "1234567", "811292,,2504"]


@dataclass
class Codes(Constraint):
    """Product codes of reporter data: HS prefixes (2-6 digits) or national lines (7-10).

    Customs series go deeper than HS6 (Korea's HSK lines have ten digits), so a code here
    is matched as a prefix of the series' own code, not expanded to loaded HS6 codes.
    """

    min_items: int = 1
    max_items: int = MAX_PRODUCTS
    none_ok: bool = True

    def __post_init__(self) -> None:
        self.expected = (f"{self.min_items} to {self.max_items} product codes of 2 to 10 "
                         "digits, comma-separated (2811,2811111000)")

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        if not isinstance(value, str | list | tuple):
            _fail(name, func, self.expected, value)
        items = split_list(value) or []
        if (not self.min_items <= len(items) <= self.max_items
                or any(not re.fullmatch(r"\d{1,10}", i) for i in items)):
            _fail(name, func, self.expected, value)

    def example(self) -> object:  # noqa: D102
        return "2811"

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "", [], "28a1", "12345678901", "2811,,3707", 2811]


@dataclass
class YearSpec(Constraint):
    """A year (``2024``) or a list of years; ``None`` means the latest loaded year."""

    many: bool = False
    none_ok: bool = True

    def __post_init__(self) -> None:
        lo, hi = YEAR_RANGE
        self.expected = (f"a year in [{lo}, {hi}]" + (" or a list of years" if self.many else "")
                         + " (default: the latest loaded year)")

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        values = value if self.many and isinstance(value, list | tuple) else [value]
        if not values:
            _fail(name, func, self.expected, value)
        lo, hi = YEAR_RANGE
        for v in values:
            if isinstance(v, bool) or not isinstance(v, int) or not lo <= v <= hi:
                _fail(name, func, self.expected, value)

    def invalid(self) -> list[object]:  # noqa: D102
        return [1800, 3000, "2024x", 2024.5, True, *([[]] if self.many else [])]


@dataclass
class Month(Constraint):
    """A month as ``YYYY-MM``."""

    none_ok: bool = True
    expected: str = "a month like 2019-07"

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        m = re.fullmatch(r"(\d{4})-(\d{2})", value) if isinstance(value, str) else None
        if not m or not 1 <= int(m.group(2)) <= 12:
            _fail(name, func, self.expected, value)

    def example(self) -> object:  # noqa: D102
        return "2019-07"

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "2019-13", "2019/07", "July", 201907]


@dataclass
class Text(Constraint):
    """A non-empty string of at most ``max_len`` characters."""

    max_len: int = 200
    none_ok: bool = False

    def __post_init__(self) -> None:
        self.expected = f"a non-empty text of at most {self.max_len} characters"

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        if not isinstance(value, str) or not value.strip() or len(value) > self.max_len:
            _fail(name, func, self.expected, value)

    def example(self) -> object:  # noqa: D102
        return "x"

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "", "x" * (self.max_len + 1), 5]


@dataclass
class Flag(Constraint):
    """A switch: ``True`` or ``False`` (not ``1``, not ``"yes"``)."""

    none_ok: bool = False
    expected: str = "True or False"

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        if not isinstance(value, bool):
            _fail(name, func, self.expected, value)

    def example(self) -> object:  # noqa: D102
        return False

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "yes", 1, 0.0]


@dataclass
class Names(Constraint):
    """Codes or names the engine resolves against its own data, comma-separated or a list.

    For names that are not BACI economies or HS products: WIOD regions (``RoW``) and
    industries (``c9``, ``chemicals``). Only the form is checked here; a name the data does
    not hold is an :class:`~straits.errors.UnknownCodeError` from the engine.
    """

    min_items: int = 1
    max_items: int = MAX_ECONOMIES
    none_ok: bool = False

    def __post_init__(self) -> None:
        self.expected = (f"{self.min_items} to {self.max_items} codes or names, "
                         "comma-separated (JPN,CHN or c9,c14)")

    def check(self, name: str, func: str, value: object) -> None:  # noqa: D102
        if not isinstance(value, str | list | tuple):
            _fail(name, func, self.expected, value)
        items = split_list(value) or []
        if any(not i for i in items) or not self.min_items <= len(items) <= self.max_items:
            _fail(name, func, self.expected, value)

    def example(self) -> object:  # noqa: D102
        return "KOR"

    def invalid(self) -> list[object]:  # noqa: D102
        return [*super().invalid(), "", [], "KOR,,JPN", 5,
                ",".join(["KOR"] * (self.max_items + 1))]


def _resolve_party(name: str, func: str, spec: str):
    from straits.reference.blocs import resolve_party

    try:
        return resolve_party(spec)
    except UnknownCodeError as exc:
        raise UnknownCodeError(f"The {name!r} parameter of {func}: {exc}") from None
    except StraitsError:
        _fail(name, func, "an economy or bloc such as 'KOR', 'EU27' or 'KOR+JPN'", spec)


def _codes(value: object) -> set[int]:
    """Every BACI code named by an economy parameter's value."""
    out: set[int] = set()
    for item in split_list(value) or []:
        from straits.reference.blocs import resolve_party

        out.update(resolve_party(item).codes)
    return out


@dataclass
class Spec:
    """The declared constraints of one function (``fn.__straits_params__``)."""

    func: str
    constraints: dict[str, Constraint]
    distinct: list[tuple[str, ...]] = field(default_factory=list)


#: Every validated public function, by dotted name (read by the generated tests and the API).
REGISTRY: dict[str, Callable[..., Any]] = {}


def validate_params(constraints: dict[str, Constraint], *,
                    distinct: Iterable[Sequence[str]] = (),
                    name: str | None = None) -> Callable[[F], F]:
    """Declare and enforce the constraints of a public function's parameters.

    Parameters
    ----------
    constraints : dict
        Parameter name -> :class:`Constraint`.
    distinct : iterable of tuples of parameter names
        Economy parameters that must not share an economy: ``("a", "b")`` rejects
        ``mutual("KOR", "KOR")`` and ``mutual("KOR", "KOR+JPN")``.
    name : str, optional
        Name used in messages (default: the function's name).
    """
    groups = [tuple(g) for g in distinct]

    def decorate(fn: F) -> F:
        sig = inspect.signature(fn)
        missing = [p for g in groups for p in g if p not in sig.parameters]
        missing += [p for p in constraints if p not in sig.parameters]
        if missing:
            raise TypeError(f"{fn.__qualname__} has no parameter(s) {missing}")
        label = name or fn.__name__

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            bound = sig.bind(*args, **kwargs)
            bound.apply_defaults()
            values = bound.arguments
            for pname, constraint in constraints.items():
                constraint.validate(pname, label, values[pname])
            for group in groups:
                _check_distinct(label, group, values)
            return fn(*args, **kwargs)

        wrapper.__straits_params__ = Spec(label, dict(constraints), groups)  # type: ignore[attr-defined]
        REGISTRY[f"{fn.__module__}.{fn.__qualname__}"] = wrapper
        return wrapper  # type: ignore[return-value]

    return decorate


def _check_distinct(func: str, group: tuple[str, ...], values: dict[str, Any]) -> None:
    seen: dict[int, str] = {}
    for pname in group:
        for code in _codes(values.get(pname)):
            if code in seen and seen[code] != pname:
                raise ParameterError(
                    f"The {seen[code]!r} and {pname!r} parameters of {func} must name different "
                    f"economies. Got {values[seen[code]]!r} and {values[pname]!r}, which share "
                    "an economy.")
            seen.setdefault(code, pname)


def spec_of(fn: Callable[..., Any]) -> Spec | None:
    """The declared constraints of a validated function (None if it declares none)."""
    return getattr(fn, "__straits_params__", None)


def check_params(func: str, constraints: dict[str, Constraint], values: dict[str, Any], *,
                 distinct: Iterable[Sequence[str]] = ()) -> None:
    """Validate ``values`` against ``constraints`` outside a decorated function.

    The HTTP API checks each request with the declarations of the engine it calls (read
    with :func:`spec_of`) before any work starts, in the same message form.
    """
    for pname, constraint in constraints.items():
        constraint.validate(pname, func, values.get(pname))
    for group in distinct:
        _check_distinct(func, tuple(group), values)
