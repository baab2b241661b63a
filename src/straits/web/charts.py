"""Vega-Lite specifications for the dashboard's figures.

Each builder returns a plain dict (a Vega-Lite spec of the version
:mod:`straits.charts.specs` pins, data inline), so the page embeds it as JSON and vega-embed,
served from the package, draws it: no request leaves the machine.
Titles carry the units; the figure's caption (in the template) cites the source.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from straits.charts.specs import SCHEMA
from straits.serialize import json_ready

PALETTE = ["#1f4e79", "#c0392b", "#2e8b57", "#b9770e", "#7d3c98", "#4d5656", "#148f77"]
_CONFIG = {"font": "system-ui, 'Noto Sans CJK KR', 'Noto Sans CJK JP', sans-serif",
           "axis": {"labelColor": "#2b2f36", "titleColor": "#2b2f36", "gridColor": "#e3e6ea"},
           "legend": {"labelColor": "#2b2f36", "titleColor": "#2b2f36", "orient": "bottom"},
           "view": {"stroke": None}}


def _rows(df: Any, cols: Sequence[str]) -> list[dict[str, Any]]:
    return [{c: json_ready(v) for c, v in zip(cols, row, strict=True)}
            for row in df[list(cols)].itertuples(index=False, name=None)]


def line(df: Any, *, x: str, y: str, color: str | None = None, x_title: str, y_title: str,
         temporal: bool = False, marker: Any = None, marker_label: str = "",
         y_format: str = ",.3~s", height: int = 240,
         color_domain: Sequence[str] | None = None) -> dict[str, Any]:
    """A line per ``color`` value over ``x``; ``marker`` draws a dashed rule (an event).

    ``color_domain`` fixes which value gets which colour (the same in every language).
    """
    cols = [x, y] + ([color] if color else [])
    xtype = "temporal" if temporal else "ordinal"
    enc: dict[str, Any] = {
        "x": {"field": x, "type": xtype, "title": x_title,
              **({"axis": {"format": "%Y-%m", "labelAngle": -45}} if temporal else {})},
        "y": {"field": y, "type": "quantitative", "title": y_title,
              "axis": {"format": y_format}},
        "tooltip": [{"field": c, "type": "nominal" if c != y else "quantitative",
                     **({"format": ",.4~g"} if c == y else {})} for c in cols],
    }
    if color:
        scale: dict[str, Any] = {"range": PALETTE}
        if color_domain:
            scale["domain"] = list(color_domain)
        enc["color"] = {"field": color, "type": "nominal", "title": None, "scale": scale}
    layers: list[dict[str, Any]] = [{"mark": {"type": "line", "point": True}, "encoding": enc}]
    if marker is not None:
        layers.append({"data": {"values": [{x: json_ready(marker), "label": marker_label}]},
                       "layer": [
                           {"mark": {"type": "rule", "strokeDash": [6, 4], "color": "#c0392b"},
                            "encoding": {"x": {"field": x, "type": xtype}}},
                           {"mark": {"type": "text", "align": "right", "dx": -4, "dy": 2,
                                     "baseline": "top", "color": "#a93226"},
                            "encoding": {"x": {"field": x, "type": xtype},
                                         "y": {"value": 0}, "text": {"field": "label"}}}]})
    return {"$schema": SCHEMA,
            "data": {"values": _rows(df, cols)}, "width": "container", "height": height,
            "layer": layers, "config": _CONFIG}


def bars(df: Any, *, label: str, value: str, value_title: str, color: str | None = None,
         value_format: str = ",.3~s", sort: bool = True, height: int | None = None,
         domain: tuple[float, float] | None = None,
         color_domain: Sequence[str] | None = None) -> dict[str, Any]:
    """Horizontal bars, one per ``label`` (side by side by ``color`` when given).

    ``color_domain`` fixes which value gets which colour (the same in every language).
    """
    cols = [label, value] + ([color] if color else [])
    n = int(df[label].nunique()) if len(df) else 1
    x: dict[str, Any] = {"field": value, "type": "quantitative", "title": value_title,
                         "axis": {"format": value_format}}
    if domain:
        x["scale"] = {"domain": list(domain)}
    enc: dict[str, Any] = {
        "y": {"field": label, "type": "nominal", "title": None,
              "sort": "-x" if sort else None, "axis": {"labelLimit": 260}},
        "x": x,
        "tooltip": [{"field": c, "type": "nominal" if c != value else "quantitative",
                     **({"format": ",.4~g"} if c == value else {})} for c in cols],
        "color": ({"field": color, "type": "nominal", "title": None,
                   "scale": {"range": PALETTE, **({"domain": list(color_domain)}
                                                  if color_domain else {})}}
                  if color else {"value": PALETTE[0]}),
    }
    if color:
        enc["yOffset"] = {"field": color}
    return {"$schema": SCHEMA,
            "data": {"values": _rows(df, cols)}, "width": "container",
            "height": height or max(120, 22 * n * (2 if color else 1)),
            "mark": {"type": "bar"}, "encoding": enc, "config": _CONFIG}
