"""The Straits server: the dashboard at ``/`` and the HTTP API under ``/api/v1``, one process.

Run with ``straits serve`` (127.0.0.1:8000 by default). The process keeps one read-only
warehouse connection (:class:`~straits.api.state.WarehouseState`) and reads it through a
cursor per request; when an ingest swaps a new warehouse file in, the next request reopens
it, so serving never blocks a writer and never shows half an ingest.

Every response is answered from the package alone: the dashboard's scripts and styles, the
Vega bundles and the Swagger UI of ``/docs`` are served from the installed files, so the
server works offline.

Errors: any bad input is a 400 with ``{"detail": message}`` naming the parameter (also for
type errors FastAPI catches), a URL longer than :data:`MAX_URL` is a 414, a request whose
``Host`` header is not allowed (DNS rebinding) a 400, and a warehouse that cannot be read
at that moment a 503 with ``Retry-After``.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import Response

from straits.api import respond
from straits.api.state import Unavailable, WarehouseState
from straits.errors import StraitsError

log = logging.getLogger("straits.api")

#: Longest request target (path and query) accepted, in bytes.
MAX_URL = 8192
#: Hosts accepted in the ``Host`` header by default (the server binds to loopback).
DEFAULT_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")

DESCRIPTION = """\
Economic-security analysis of trade interdependence (default lens: Korea and Japan), over
the same engines as the `straits` command line, with the same column names.

**Responses.** Every table route takes `format=json|csv|parquet` and pages explicitly with
`limit` and `offset`. JSON is a document: `data` (rows), `columns` (name, type, unit),
`total`, `limit`, `offset`, `next` (the next page's URL or null), `source` (the citation),
`units` (column -> unit) and `provenance` (source, release, years, method, notes, licence).
CSV and Parquet carry the same page, with `X-Total-Count`, `X-Straits-Source` and
`X-Straits-Units` headers (ASCII-escaped JSON) and a `Link: rel="next"` header when rows
remain; Parquet also holds the provenance in its schema metadata (`straits.provenance`).
Values keep units in column names: `_kusd` thousand USD, `_musd` million USD, `_usd` USD,
`_t` metric tons, `_kg` kilograms; shares are fractions 0-1.

**Errors.** A bad parameter is a 400 with `{"detail": message}` naming it; a warehouse being
swapped by an ingest may answer 503 with `Retry-After`.
"""


class _URLLimit:
    """Refuse request targets longer than ``MAX_URL`` bytes before any parsing (414)."""

    def __init__(self, app: Any, limit: int = MAX_URL) -> None:
        self.app, self.limit = app, limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            size = len(scope.get("raw_path") or scope["path"].encode()) + len(
                scope.get("query_string") or b"")
            if size > self.limit:
                resp = respond.error(414, f"The request URL is {size} bytes long; at most "
                                          f"{self.limit} are accepted. Ask for fewer items.")
                await resp(scope, receive, send)
                return
        await self.app(scope, receive, send)


def allowed_hosts(extra: Iterable[str] | None = None) -> list[str]:
    """Loopback names plus ``$STRAITS_ALLOWED_HOSTS`` (comma-separated) and ``extra``."""
    env = [h.strip() for h in os.environ.get("STRAITS_ALLOWED_HOSTS", "").split(",") if h.strip()]
    return [*DEFAULT_HOSTS, *env, *(extra or ())]


def _validation_message(exc: RequestValidationError, request: Request) -> str:
    parts = []
    for err in exc.errors()[:3]:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("query", "path", "body")]
        name = ".".join(loc) or "request"
        got = err.get("input")
        if isinstance(got, str) and len(got) > 60:
            got = got[:60] + "..."
        parts.append(f"The {name!r} parameter of {request.url.path.rsplit('/', 1)[-1] or '/'} "
                     f"is invalid: {err.get('msg', 'invalid value')}. Got {got!r} instead.")
    return " ".join(parts)


def _install_handlers(app: FastAPI) -> None:
    @app.exception_handler(StraitsError)
    def _straits(request: Request, exc: StraitsError) -> Response:
        return respond.error(400, str(exc))

    @app.exception_handler(RequestValidationError)
    def _invalid(request: Request, exc: RequestValidationError) -> Response:
        return respond.error(400, _validation_message(exc, request))

    @app.exception_handler(Unavailable)
    def _unavailable(request: Request, exc: Unavailable) -> Response:
        return respond.error(503, str(exc), {"Retry-After": str(exc.retry_after)})

    @app.exception_handler(Exception)
    def _unexpected(request: Request, exc: Exception) -> Response:
        import duckdb

        if isinstance(exc, duckdb.IOException | duckdb.ConnectionException):
            return respond.error(503, "The warehouse is being replaced; retry shortly.",
                                 {"Retry-After": "1"})
        log.exception("unexpected error on %s", request.url.path)
        return respond.error(500, f"Internal error ({type(exc).__name__}); the server log has "
                                  "the details.")


def _openapi_400(app: FastAPI) -> None:
    """Document input errors as 400 (the handler above), not FastAPI's default 422."""
    base = app.openapi

    def schema() -> dict:
        if app.openapi_schema:
            return app.openapi_schema
        doc = base()
        err = {"description": "Bad parameter: a message naming it",
               "content": {"application/json": {"schema": {
                   "type": "object", "properties": {"detail": {"type": "string"}},
                   "required": ["detail"]}}}}
        for path in doc.get("paths", {}).values():
            for op in path.values():
                responses = op.setdefault("responses", {})
                responses.pop("422", None)
                responses["400"] = err
                if "/api/" in str(op.get("operationId", "")) or op.get("tags"):
                    responses["503"] = {"description": "Warehouse being swapped; retry after "
                                                       "the Retry-After header's seconds"}
        doc.get("components", {}).get("schemas", {}).pop("HTTPValidationError", None)
        doc.get("components", {}).get("schemas", {}).pop("ValidationError", None)
        app.openapi_schema = doc
        return doc

    app.openapi = schema  # type: ignore[method-assign]


def create_app(db: str | Path | None = None, *, hosts: Iterable[str] | None = None,
               dashboard: bool = True) -> FastAPI:
    """The server application.

    Parameters
    ----------
    db : str or Path, optional
        Warehouse file; default ``$STRAITS_DB`` or the embedded default.
    hosts : iterable of str, optional
        Extra names allowed in the ``Host`` header (besides loopback and
        ``$STRAITS_ALLOWED_HOSTS``), e.g. the machine's name when serving a LAN.
    dashboard : bool
        Mount the web pages at ``/`` (the API alone otherwise).
    """
    from fastapi_offline import FastAPIOffline

    from straits import __version__
    from straits.api import routes_data, routes_metrics, routes_report, routes_security, routes_valuechain

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        app.state.warehouse.close()

    app = FastAPIOffline(title="Straits", version=__version__, description=DESCRIPTION,
                         openapi_url="/api/v1/openapi.json", docs_url="/docs", redoc_url=None,
                         static_url="/static/docs", lifespan=lifespan)
    app.state.warehouse = WarehouseState(db)
    for module in (routes_data, routes_metrics, routes_security, routes_valuechain,
                   routes_report):
        app.include_router(module.router, prefix="/api/v1")
    if dashboard:
        from straits.web.pages import mount

        mount(app)
    _install_handlers(app)
    _openapi_400(app)
    app.add_middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts(hosts))
    app.add_middleware(_URLLimit)

    return app


def __getattr__(name: str) -> Any:
    """``straits.api.app:app`` for ``uvicorn`` (built on first access, not at import)."""
    if name == "app":
        globals()["app"] = create_app()
        return globals()["app"]
    raise AttributeError(name)
