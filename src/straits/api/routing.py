"""What every API route shares: paging, the engines' parameter declarations, one answer path.

An :class:`Endpoint` names the engine function a route calls. Its parameters' constraints
are read from that function's ``@validate_params`` declaration (:func:`straits.params.spec_of`);
the route only supplies a fallback for an engine that does not declare a parameter yet. The
same constraints give the OpenAPI schema (bounds, lengths, patterns, descriptions) and
validate each request before any work starts, so a bad value is a 400 naming the parameter,
never a 500 from deep inside an engine.
"""

from __future__ import annotations

import importlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Annotated, Any

from fastapi import Depends, Query, Request
from starlette.responses import Response

from straits.api import respond
from straits.params import (
    Constraint,
    Economies,
    Economy,
    Interval,
    Month,
    Options,
    Products,
    Text,
    check_params,
    spec_of,
)


@dataclass
class Page:
    """Output format and the page asked for (common to every table route)."""

    format: str
    limit: int
    offset: int


def _page(
    format: Annotated[str, Query(description="Response format: json (a document with the "  # noqa: A002
                                 "rows, total, units and source), csv or parquet.",
                                 pattern="^(json|csv|parquet)$")] = "json",
    limit: Annotated[int, Query(ge=1, le=respond.MAX_LIMIT,
                                description="Rows per page; the response states the total "
                                            "and links the next page.")] = respond.DEFAULT_LIMIT,
    offset: Annotated[int, Query(ge=0, le=10**9, description="Rows to skip.")] = 0,
) -> Page:
    return Page(format, limit, offset)


PageDep = Annotated[Page, Depends(_page)]


@dataclass
class Endpoint:
    """One API route's engine and its parameters' constraints.

    Parameters
    ----------
    name : str
        Route name, used in messages (``shock``) and as the download's file name.
    engine : str
        Dotted path of the engine function whose declarations apply.
    fallback : dict
        Constraints for parameters the engine does not declare.
    distinct : list of tuples
        Economy parameters that must not overlap.
    """

    name: str
    engine: str | None = None
    fallback: dict[str, Constraint] = field(default_factory=dict)
    distinct: Sequence[Sequence[str]] = ()

    def declared(self) -> dict[str, Constraint]:
        """The engine's own declarations (empty if it declares none)."""
        if not self.engine:
            return {}
        module, _, attr = self.engine.rpartition(".")
        fn = getattr(importlib.import_module(module), attr, None)
        spec = spec_of(fn) if fn is not None else None
        return dict(spec.constraints) if spec else {}

    def constraints(self) -> dict[str, Constraint]:
        """Declared constraints, completed by the fallbacks (declarations win)."""
        declared = self.declared()
        return {**self.fallback, **{k: v for k, v in declared.items() if k in self.fallback}}

    def q(self, pname: str, description: str = "", *, alias: str | None = None) -> Any:
        """A FastAPI ``Query`` documenting ``pname``'s constraint in the OpenAPI schema."""
        c = self.constraints().get(pname)
        return Query(alias=alias, description=_describe(c, description), **_schema(c))

    def check(self, values: dict[str, Any]) -> None:
        """Validate a request's values (raises ParameterError / UnknownCodeError -> 400)."""
        cons = self.constraints()
        check_params(self.name, {k: c for k, c in cons.items() if k in values}, values,
                     distinct=self.distinct)


def _describe(c: Constraint | None, text: str) -> str:
    if c is None:
        return text
    return f"{text} Accepts {c.describe()}.".strip()


def _schema(c: Constraint | None) -> dict[str, Any]:
    """JSON-schema keywords FastAPI can state (and enforce) for a constraint."""
    if isinstance(c, Interval):
        out: dict[str, Any] = {}
        if c.lo is not None:
            out["ge" if c.closed in ("both", "left") else "gt"] = c.lo
        if c.hi is not None:
            out["le" if c.closed in ("both", "right") else "lt"] = c.hi
        return out
    if isinstance(c, Text):
        return {"max_length": c.max_len}
    if isinstance(c, Month):
        return {"pattern": r"^\d{4}-(0[1-9]|1[0-2])$"}
    if isinstance(c, Options):
        return {"pattern": "^(?i:" + "|".join(c.values) + ")$"}
    if isinstance(c, Economies):
        return {"max_length": 16 * c.max_items}
    if isinstance(c, Economy):
        return {"max_length": 200}
    if isinstance(c, Products):
        return {"max_length": 64 * c.max_items}
    return {}


# -- answering ---------------------------------------------------------------------------

_STATIC_CACHE: OrderedDict[tuple, Any] = OrderedDict()
_STATIC_LOCK = threading.Lock()


def _static_cached(key: tuple, compute: Callable[[], Any]) -> Any:
    """Cache for answers that do not read the warehouse (ETO, WIOD, Atlas files)."""
    with _STATIC_LOCK:
        if key in _STATIC_CACHE:
            _STATIC_CACHE.move_to_end(key)
            return _STATIC_CACHE[key]
    value = compute()
    with _STATIC_LOCK:
        _STATIC_CACHE[key] = value
        while len(_STATIC_CACHE) > 128:
            _STATIC_CACHE.popitem(last=False)
    return value


def _key(name: str, values: dict[str, Any]) -> tuple:
    return (name, *sorted((k, repr(v)) for k, v in values.items()))


def compute(request: Request, ep: Endpoint, values: dict[str, Any],
            fn: Callable[[Any], Any], *, warehouse: bool = True) -> Any:
    """Validate ``values``, then ``fn(session)`` once per warehouse generation (cached)."""
    ep.check(values)
    key = _key(ep.name, values)
    if not warehouse:
        return _static_cached(key, lambda: fn(None))
    state = request.app.state.warehouse
    held = getattr(request.state, "held", None)
    if held is not None:  # a page holds one file for all its tables
        return _on(request, state, held, key, fn)
    with state.reading() as gen:
        return _on(request, state, gen, key, fn)


def _on(request: Request, state: Any, gen: Any, key: tuple, fn: Callable[[Any], Any]) -> Any:
    request.state.generation = gen.tag

    def run() -> Any:
        from straits.session import Session

        with gen.backend_for_request() as backend:
            return fn(Session(backend=backend))
    return state.cached(gen, key, run)


@contextmanager
def holding(request: Request) -> Iterator[None]:
    """Answer every table of one request from the same warehouse file (a page's tables)."""
    with request.app.state.warehouse.reading() as gen:
        request.state.held = gen
        try:
            yield
        finally:
            request.state.held = None


def answer(request: Request, page: Page, ep: Endpoint, values: dict[str, Any],
           fn: Callable[[Any], Any], *, warehouse: bool = True) -> Response:
    """Validate, compute (cached), and send one page of the resulting table."""
    def build() -> Response:
        df = compute(request, ep, values, fn, warehouse=warehouse)
        return respond.table_response(request, df, fmt=page.format, limit=page.limit,
                                      offset=page.offset, name=ep.name)
    return cached_response(request, build, warehouse=warehouse)


def cached_response(request: Request, build: Callable[[], Response], *,
                    warehouse: bool = True) -> Response:
    """``build()``'s response, kept per warehouse file and URL.

    An answer is fully determined by its URL and the file that serves it, so the encoded
    body is reused until the file is swapped (then the new file starts an empty cache).
    """
    key = ("response", request.url.path, *sorted(request.query_params.multi_items()))

    def encoded() -> tuple[bytes, dict[str, str], str | None]:
        resp = build()
        headers = {k: v for k, v in resp.headers.items() if k.lower() != "content-length"}
        return bytes(resp.body), headers, resp.media_type

    if not warehouse:
        body, headers, media = _static_cached(key, encoded)
    else:
        with holding(request):
            body, headers, media = request.app.state.warehouse.cached(
                request.state.held, key, encoded)
    return Response(body, headers=headers, media_type=media)


def csv_list(value: str | None) -> list[str] | None:
    """``"KOR, JPN"`` -> ``["KOR", "JPN"]`` (None stays None; empty items kept for checks)."""
    return None if value is None else [v.strip() for v in value.split(",")]


def years(text: str | None) -> list[int] | None:
    """``"2019-2024"`` or ``"2024"`` as a list of years (None: the latest loaded)."""
    from straits.sources.baci import parse_years

    span = parse_years(text) if text is not None else None
    if text is not None and span is None:
        from straits.errors import ParameterError

        raise ParameterError(f"The 'year' parameter must look like 2024 or 2019-2024. Got "
                             f"{text!r} instead.")
    return None if span is None else list(range(span[0], span[1] + 1))


def columns(df: Any, wanted: Iterable[str]) -> Any:
    """The CLI's contract columns, with ``year`` in front when the table spans years."""
    df = respond.as_frame(df)
    multi = "year" in df.columns and df["year"].nunique() > 1
    cols = (["year"] if multi else []) + [c for c in wanted if c in df.columns]
    out = df[cols]
    out.attrs = dict(df.attrs)
    return out
