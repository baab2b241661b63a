"""Helpers the page views share: reading the URL's inputs, the cached engine call."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from fastapi import Request

from straits.api.routing import Endpoint, compute
from straits.errors import ParameterError


def arg(request: Request, name: str, default: str | None = None) -> str | None:
    """A query parameter as typed (stripped), or ``default`` when absent or blank."""
    value = request.query_params.get(name)
    if value is None or not value.strip():
        return default
    return value.strip()


def number(request: Request, name: str, default: float, page: str) -> float:
    """A numeric query parameter, or a ParameterError naming it."""
    text = arg(request, name)
    if text is None:
        return default
    try:
        return float(text)
    except ValueError:
        raise ParameterError(f"The {name!r} parameter of {page} must be a number. Got {text!r} "
                             "instead.") from None


def year(request: Request, page: str) -> int | None:
    """The ``year`` query parameter (None: the latest loaded year)."""
    text = arg(request, "year")
    if text is None:
        return None
    if not text.isdigit():
        raise ParameterError(f"The 'year' parameter of {page} must be a year like 2024. Got "
                             f"{text!r} instead.")
    return int(text)


def run(request: Request, ep: Endpoint, name: str, values: dict[str, Any], fn,
        *, warehouse: bool = True) -> Any:
    """``fn(session)`` through the API's validated, cached path, under its own cache name."""
    from straits.api.respond import as_frame

    result = compute(request, replace(ep, name=name), values, fn, warehouse=warehouse)
    return as_frame(result) if hasattr(result, "column_names") else result


def label(tr, spec: str) -> str:
    """An economy or bloc as the reader's language names it (``Japan`` -> ``日本``)."""
    from straits.reference.blocs import resolve_party

    try:
        return tr.economy(resolve_party(spec).label)
    except Exception:  # an unknown name: the engine call reports it properly
        return spec
