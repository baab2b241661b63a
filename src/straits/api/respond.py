"""Tables as HTTP responses: a JSON document, CSV or Parquet, one page at a time.

JSON is a document (the *envelope*)::

    {"data": [{"year": 2023, "exporter": "CHN", ..., "value_kusd": 68495.858}, ...],
     "columns": [{"name": "value_kusd", "type": "double", "unit": "thousand current USD"}],
     "total": 1, "limit": 1000, "offset": 0, "next": null,
     "source": "CEPII BACI HS17 V202601 ...", "units": {...}, "provenance": {...}}

Rows use the CLI's column names. Numbers carry no float noise (at most 15 significant
digits, so ``68495.858`` rather than ``68495.857999999993``); NaN and infinities are
``null``. CSV and Parquet carry the same page; the citation and units travel in headers
(``X-Straits-Source``, ``X-Straits-Units``, ASCII-escaped JSON) and Parquet also keeps the
provenance in its schema metadata. Every format states the total row count
(``X-Total-Count``) and, when rows remain, a ``Link: <...>; rel="next"`` header: a result is
paged explicitly (``limit``, ``offset``), never cut silently.
"""

from __future__ import annotations

import io
import json
import math
from typing import TYPE_CHECKING, Any

from starlette.responses import Response

from straits.provenance import Provenance, of, units_of

if TYPE_CHECKING:
    import pandas as pd
    from starlette.requests import Request

FORMATS = ("json", "csv", "parquet")
DEFAULT_LIMIT = 1000
MAX_LIMIT = 100_000
MEDIA = {"json": "application/json", "csv": "text/csv; charset=utf-8",
         "parquet": "application/vnd.apache.parquet"}


def clean(value: Any) -> Any:
    """A cell as plain JSON: NumPy scalars unboxed, floats to 15 significant digits."""
    if value is None:
        return None
    if hasattr(value, "tolist") and not isinstance(value, str | bytes):  # NumPy scalar/array
        value = value.tolist()
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        return float(f"{value:.15g}")
    if isinstance(value, list | tuple):
        return [clean(v) for v in value]
    if isinstance(value, dict):
        return {str(k): clean(v) for k, v in value.items()}
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value is not None and _is_na(value):
        return None
    return value


def _is_na(value: Any) -> bool:
    try:
        import pandas as pd

        return bool(pd.isna(value)) if not isinstance(value, str | bool | int) else False
    except (TypeError, ValueError):
        return False


def records(df: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows of ``df`` as JSON-ready dicts (the page only: at most ``limit`` rows)."""
    cols = [str(c) for c in df.columns]
    return [{c: clean(v) for c, v in zip(cols, row, strict=True)}
            for row in df.itertuples(index=False, name=None)]


def dumps(doc: Any) -> bytes:
    """JSON text (UTF-8, no NaN)."""
    return json.dumps(doc, ensure_ascii=False, allow_nan=False,
                      separators=(",", ":")).encode("utf-8")


def provenance_of(df: Any, fallback: str | None = None) -> Provenance:
    """The result's provenance, or a minimal one built from a source string."""
    prov = of(df)
    if prov is None:
        attrs = getattr(df, "attrs", {}) or {}
        prov = Provenance(source=str(attrs.get("source") or fallback or "Straits"),
                          method=str(attrs.get("method") or ""),
                          licence=attrs.get("licence"))
    cols = [str(c) for c in df.columns]
    return prov.with_(units={**units_of(cols), **prov.units})


def _next_link(request: Request, offset: int, limit: int, total: int) -> str | None:
    if offset + limit >= total:
        return None
    return str(request.url.include_query_params(offset=offset + limit, limit=limit))


def _column_types(df: pd.DataFrame) -> list[dict[str, Any]]:
    units = units_of(str(c) for c in df.columns)
    return [{"name": str(c), "type": str(t), "unit": units.get(str(c))}
            for c, t in df.dtypes.items()]


def table_response(request: Request, df: pd.DataFrame, *, fmt: str, limit: int, offset: int,
                   total: int | None = None, name: str = "table",
                   extra: dict[str, Any] | None = None) -> Response:
    """One page of ``df`` in ``fmt``.

    ``total`` is the full row count when ``df`` is already the page (``flows`` pages in
    SQL); otherwise ``df`` is the whole result and is sliced here.
    """
    prov = provenance_of(df)
    if total is None:
        total = len(df)
        page = df.iloc[offset:offset + limit]
    else:
        page = df
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
        doc = {"data": records(page), "columns": _column_types(page), "total": total,
               "limit": limit, "offset": offset, "next": nxt, "source": prov.source,
               "units": dict(prov.units), "provenance": clean(prov.to_dict()),
               **(clean(extra) if extra else {})}
        return Response(dumps(doc), media_type=MEDIA["json"], headers=headers)
    headers["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    if fmt == "csv":
        return Response(page.to_csv(index=False).encode("utf-8"), media_type=MEDIA["csv"],
                        headers=headers)
    return Response(parquet_bytes(page, prov), media_type=MEDIA["parquet"], headers=headers)


def parquet_bytes(df: pd.DataFrame, prov: Provenance) -> bytes:
    """``df`` as a Parquet file whose schema metadata holds the provenance."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    from straits.provenance import attach

    table = attach(pa.Table.from_pandas(df.reset_index(drop=True), preserve_index=False), prov)
    buf = io.BytesIO()
    pq.write_table(table, buf)
    return buf.getvalue()


def error(status: int, message: str, headers: dict[str, str] | None = None) -> Response:
    """An error document: ``{"detail": message}`` (every 4xx and 503 has this form)."""
    return Response(dumps({"detail": message}), status_code=status,
                    media_type=MEDIA["json"], headers=headers)
