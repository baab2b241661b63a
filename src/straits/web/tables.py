"""View models for the pages: a table (localised cells, download links) and a figure.

A :class:`Table` is what a template needs to show a result: localised headers and cells,
the source and units, and links to the same table in the API as CSV, Parquet and JSON (so
every table a user sees can be taken away with the same column names the CLI uses).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from straits.api.respond import MAX_LIMIT, as_frame, provenance_of
from straits.web.i18n import WebTr

#: Rows a page shows of one table (the download has them all).
PAGE_ROWS = 200


@dataclass
class Col:
    """One column: the result's key, its header key in the locale, and how to show it.

    ``kind``: text, country, product, kusd (thousand USD), musd, usd, share (0-1),
    pp (share change), num, int, bool.
    """

    key: str
    label: str
    kind: str = "text"
    digits: int = 0


@dataclass
class Table:
    """A localised table with its provenance and download links."""

    id: str
    caption: str
    headers: list[tuple[str, str]]
    rows: list[list[str]]
    total: int
    downloads: dict[str, str]
    source: str
    units: str
    method: str = ""
    notes: list[str] = field(default_factory=list)

    @property
    def shown(self) -> int:
        """Rows shown on the page."""
        return len(self.rows)


@dataclass
class Figure:
    """A Vega-Lite chart with its title, source and units."""

    id: str
    title: str
    spec: dict[str, Any]
    source: str
    units: str

    @property
    def spec_json(self) -> str:
        """The spec as JSON safe inside a ``<script type="application/json">``."""
        return json.dumps(self.spec, ensure_ascii=False).replace("</", "<\\/")


def auto_cols(tr: WebTr, df: Any, names: list[str] | None = None) -> list[Col]:
    """Columns chosen by name: how to show each follows the project's naming convention."""
    cols = []
    for c in names or list(df.columns):
        if c not in df.columns:
            continue
        if c in ("supplier", "exporter", "importer", "country", "partner", "reporter"):
            kind = "country"
        elif c == "product":
            kind = "product"
        elif c.endswith("_change") and "share" in c:
            kind = "pp"
        elif c.endswith("_pp"):  # already in percentage points
            kind = "pp100"
        elif c.startswith("share") or c.endswith("_share") or c == "share":
            kind = "share"
        elif c.endswith(("_kusd", "_usd", "_musd", "_kg", "_t")):
            kind = "num"
        else:
            kind = "text"
        cols.append(Col(c, f"col.{c}" if tr.has(f"col.{c}") else c, kind))
    return cols


def cell(tr: WebTr, kind: str, value: Any, digits: int = 0, desc: str | None = None) -> str:
    """One value as the reader's language writes it."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if kind == "share" and isinstance(value, str):
        return value
    if kind == "country":
        return tr("chain.tie") if value == "tie" else tr.economy(str(value))
    if kind == "product":
        return tr.product(str(value), desc)
    if kind in ("kusd", "usd", "num", "musd"):
        return tr.num(float(value), digits)
    if kind == "int":
        return tr.num(int(value), 0)
    if kind == "share":
        return tr.pct(float(value), digits or 1)
    if kind == "pp":
        return tr.pp(float(value), digits or 1)
    if kind == "eto":  # an ETO input or stage label, translated for ko/ja (files keep ETO's)
        return tr.eto_label(str(value))
    if kind in ("list", "eto_list"):  # a list column: shown joined, kept a list in files
        items = value.tolist() if hasattr(value, "tolist") else value
        if not isinstance(items, list | tuple):
            items = [items]
        show = tr.eto_label if kind == "eto_list" else str
        return ", ".join(show(str(v)) for v in items)
    if kind == "pp100":
        return tr.pp(float(value) / 100, digits or 1)
    if kind == "bool":
        return "●" if bool(value) else ""
    if kind == "signal":
        return tr(f"signal.{value}") if tr.has(f"signal.{value}") else str(value)
    return str(value)


def _css(kind: str) -> str:
    """Cell class: numbers right-aligned, long text wrapped, the rest kept on one line."""
    if kind in ("kusd", "usd", "num", "musd", "int", "share", "pp"):
        return "num"
    return "wrap" if kind in ("long", "product", "list", "eto", "eto_list") else ""


def api_url(path: str, params: dict[str, Any], fmt: str) -> str:
    """The API URL of a table in ``fmt`` (all rows, up to the API's page limit)."""
    q = {k: v for k, v in params.items() if v not in (None, "")}
    q.update(format=fmt, limit=MAX_LIMIT)
    return f"/api/v1/{path}?{urlencode(q)}"


def table(tr: WebTr, tid: str, caption: str, df: Any, cols: list[Col], *, api: str,
          params: dict[str, Any], label_args: dict[str, str] | None = None,
          max_rows: int = PAGE_ROWS) -> Table:
    """A :class:`Table` from a result and the API route that serves the same result."""
    df = as_frame(df)
    prov = provenance_of(df)
    desc = dict(zip(df["product"], df["description"], strict=False)) \
        if "product" in df.columns and "description" in df.columns else {}
    page = df.head(max_rows)
    rows = []
    for rec in page.to_dict(orient="records"):
        rows.append([cell(tr, c.kind, rec.get(c.key), c.digits,
                          desc.get(rec.get(c.key)) if c.kind == "product" else None)
                     for c in cols])
    headers = [(tr(c.label, **(label_args or {})), _css(c.kind)) for c in cols]
    units = "; ".join(f"{k}: {tr('unit.' + v) if tr.has('unit.' + v) else v}"
                      for k, v in prov.units.items())
    return Table(id=tid, caption=caption, headers=headers, rows=rows, total=len(df),
                 downloads={f: api_url(api, params, f) for f in ("csv", "parquet", "json")},
                 source=prov.source, units=units, method=prov.method, notes=list(prov.notes))
