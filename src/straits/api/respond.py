"""Tables as HTTP responses: a JSON document, CSV or Parquet, one page at a time.

JSON is a document (the *envelope*)::

    {"data": [{"year": 2023, "exporter": "CHN", ..., "value_kusd": 68495.858}, ...],
     "columns": [{"name": "value_kusd", "type": "double", "unit": "thousand current USD"}],
     "total": 1, "limit": 1000, "offset": 0, "next": null,
     "source": "CEPII BACI HS17 V202601 ...", "units": {...}, "provenance": {...}}

Rows use the CLI's column names. Numbers are written by :mod:`straits.serialize`, as the
CLI writes them: no float noise (``68495.858``, not ``68495.857999999993``), NaN and
infinities ``null``. CSV and Parquet carry the same page; the citation and units travel in headers
(``X-Straits-Source``, ``X-Straits-Units``, ASCII-escaped JSON) and Parquet also keeps the
provenance in its schema metadata. Every format states the total row count
(``X-Total-Count``) and, when rows remain, a ``Link: <...>; rel="next"`` header: a result is
paged explicitly (``limit``, ``offset``), never cut silently.
"""

from __future__ import annotations

import io
import json
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from straits import serialize
from straits.provenance import Provenance, of, units_of

if TYPE_CHECKING:
    import pandas as pd
    from starlette.requests import Request

FORMATS = ("json", "csv", "parquet")
DEFAULT_LIMIT = 1000
MAX_LIMIT = 100_000
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8",
         "parquet": "application/vnd.apache.parquet"}


def dumps(doc: Any) -> bytes:
    """JSON text (UTF-8) with Straits' numbers (:func:`straits.serialize.dumps`)."""
    return serialize.dumps(doc).encode("utf-8")


def provenance_of(result: Any, fallback: str | None = None) -> Provenance:
    """The result's provenance, or a minimal one built from pandas ``attrs`` or a string."""
    prov = of(result)
    if prov is None:
        attrs = getattr(result, "attrs", {}) or {}
        prov = Provenance(source=str(attrs.get("source") or fallback or "Straits"),
                          method=str(attrs.get("method") or ""),
                          licence=attrs.get("licence"))
    cols = [str(c) for c in (result.columns if hasattr(result, "attrs")
                             else result.column_names)]
    return prov.with_(units={**units_of(cols), **prov.units})


def as_frame(result: Any) -> pd.DataFrame:
    """A pandas DataFrame for a result (Arrow or pandas), provenance kept in ``attrs``."""
    if hasattr(result, "attrs"):
        return result
    from straits.provenance import attach

    prov = of(result)
    df = result.to_pandas()
    return attach(df, prov) if prov is not None else df


def _next_link(request: Request, offset: int, limit: int, total: int) -> str | None:
    if offset + limit >= total:
        return None
    return str(request.url.include_query_params(offset=offset + limit, limit=limit))


def table_response(request: Request, result: Any, *, fmt: str, limit: int, offset: int,
                   total: int | None = None, name: str = "table") -> Response:
    """One page of ``result`` (pandas or Arrow) in ``fmt``.

    ``total`` is the full row count when ``result`` is already the page (``flows`` pages in
    SQL); otherwise ``result`` is the whole table and is sliced here.
    """
    from straits.provenance import attach

    prov = provenance_of(result)
    table = attach(serialize.as_arrow(result), prov)
    if total is None:
        total = table.num_rows
        table = table.slice(offset, limit)
    nxt = _next_link(request, offset, limit, total)
    headers = {"X-Total-Count": str(total),
               "X-Straits-Source": json.dumps(prov.source),
               "X-Straits-Units": json.dumps(dict(prov.units)),
               "Access-Control-Expose-Headers": "X-Total-Count, X-Straits-Source, Link"}
    generation = getattr(request.state, "generation", None)
    if generation:
        headers["X-Straits-Warehouse"] = generation
    if nxt:
        headers["Link"] = f'<{nxt}>; rel="next"'
    if fmt == "json":
        units = dict(prov.units)
        columns = [{"name": f.name, "type": str(f.type), "unit": units.get(f.name)}
                   for f in table.schema]
        doc = {"data": serialize.records(table), "columns": columns, "total": total,
               "limit": limit, "offset": offset, "next": nxt, "source": prov.source,
               "units": units, "provenance": prov.to_dict()}
        return Response(dumps(doc), media_type=MEDIA["json"], headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    if fmt == "csv":
        return Response(serialize.csv_bytes(table), media_type=MEDIA["csv"], headers=headers)
    buf = io.BytesIO()
    serialize.write_parquet(table, buf)
    return Response(buf.getvalue(), media_type=MEDIA["parquet"], headers=headers)


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error document: ``{"detail": message}`` (every 4xx and 503 has this form)."""
    return Response(dumps({"detail": message}), status_code=status,
                    media_type=MEDIA["json"], headers=headers)
