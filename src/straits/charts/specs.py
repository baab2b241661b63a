"""Vega-Lite spec builders: horizontal bars and lines over already-aggregated values.

The caller passes labels already in the reader's language and each value's printed form
(``text``), so the chart shows exactly the numbers the tables show. Sizes fit the report's
720-pixel column; the dashboard may override ``width`` with ``"container"``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

#: Vega-Lite version of the specs, the SVG renderer and the served JavaScript bundle.
VL_VERSION = "6.4"
SCHEMA = f"https://vega.github.io/schema/vega-lite/v{VL_VERSION.split('.')[0]}.json"
PALETTE = ("#1f4e79", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#5d6d7e", "#17a589")
INK, MUTED, GRID = "#2b2f36", "#6b7280", "#e3e6ea"
WIDTH = 720
#: One generic family: a list of named fonts doubles vl-convert's time per chart. The page
#: sets the real fonts per language (the report's CSS styles ``svg.chart text``).
FONT = "sans-serif"


@dataclass(frozen=True)
class Bar:
    """One bar: its label, value, printed value, and group (one colour per group)."""

    label: str
    value: float
    text: str
    group: str = ""


@dataclass(frozen=True)
class Point:
    """One point of a line: series name, x position (a label, in order), y value."""

    series: str
    x: str
    y: float | None


def _config() -> dict[str, Any]:
    return {
        "font": FONT,
        "view": {"stroke": None},
        "title": {"anchor": "start", "fontSize": 13, "fontWeight": 600, "color": INK,
                  "subtitleColor": MUTED, "subtitleFontSize": 10, "offset": 10},
        "axis": {"labelColor": MUTED, "titleColor": MUTED, "gridColor": GRID,
                 "domainColor": MUTED, "tickColor": MUTED, "labelFontSize": 11,
                 "titleFontSize": 11, "titleFontWeight": 400},
        "legend": {"labelColor": INK, "labelFontSize": 11, "titleFontSize": 11,
                   "orient": "bottom", "symbolType": "square", "labelLimit": 320},
    }


def _frame(title: str, source: str, units: Mapping[str, str], height: Any) -> dict[str, Any]:
    return {
        "$schema": SCHEMA,
        "title": {"text": title, "subtitle": source},
        "width": WIDTH, "height": height,
        "autosize": {"type": "fit-x", "contains": "padding"},
        "background": "white",
        "config": _config(),
        "usermeta": {"straits": {"source": source, "units": dict(units)}},
    }


def _colors(groups: Sequence[str], colors: Mapping[str, str] | None) -> dict[str, Any]:
    domain = list(dict.fromkeys(groups))
    rng = [(colors or {}).get(g, PALETTE[i % len(PALETTE)]) for i, g in enumerate(domain)]
    return {"field": "group", "type": "nominal", "scale": {"domain": domain, "range": rng},
            "title": None, "legend": None if domain == [""] else {}}


def hbar(rows: Sequence[Bar], *, title: str, x_title: str, source: str,
         units: Mapping[str, str], x_format: str = ",.0f", x_max: float | None = None,
         colors: Mapping[str, str] | None = None, label_limit: int = 330) -> dict[str, Any]:
    """Horizontal bars in the order given, each value printed at its bar's end.

    Parameters
    ----------
    rows : sequence of Bar
        One bar each, labels unique (a label is a band of the axis); a NaN value draws no
        bar (its ``text`` says why, e.g. "–").
    title, x_title : str
        Chart title and value-axis title (the title carries the unit).
    source : str
        The source line shown under the title ("Source: CEPII BACI HS17 V202601").
    units : mapping
        Field -> unit, recorded in ``usermeta`` (``{"value": "fraction 0-1"}``).
    x_format : str
        d3 format of the axis labels (``".0%"``, ``",.1f"``).
    x_max : float, optional
        Fixed upper end of the value axis (1.0 for shares).
    colors : mapping, optional
        Group -> colour; groups appear in a legend unless there is only the empty one.
    """
    if len({r.label for r in rows}) != len(rows):
        raise ValueError("hbar: bar labels must be unique (each is one band of the axis)")
    data = [{"label": r.label, "value": None if r.value != r.value else float(r.value),
             "at": 0.0 if r.value != r.value else float(r.value),  # where the text sits
             "text": r.text, "group": r.group, "order": i} for i, r in enumerate(rows)]
    x: dict[str, Any] = {"field": "value", "type": "quantitative", "title": x_title,
                         "axis": {"format": x_format, "tickCount": 5}}
    if x_max is not None:
        x["scale"] = {"domain": [0, x_max]}
    y = {"field": "label", "type": "nominal", "title": None,
         "sort": None,  # the order given
         "axis": {"labelLimit": label_limit, "labelColor": INK, "ticks": False,
                  "domain": False}}
    spec = _frame(title, source, units, {"step": 22})
    spec.update({
        "data": {"values": data},
        "encoding": {"y": y},
        "layer": [
            {"mark": {"type": "bar", "cornerRadiusEnd": 2, "height": {"band": 0.75}},
             "encoding": {"x": x, "color": _colors([r.group for r in rows], colors)}},
            {"mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 11, "color": INK},
             "encoding": {"x": {"field": "at", "type": "quantitative"},
                          "text": {"field": "text"}}},
        ],
    })
    return spec


def line(points: Sequence[Point], *, title: str, y_title: str, source: str,
         units: Mapping[str, str], x_order: Sequence[str], x_title: str | None = None,
         y_format: str = ",.0f", x_ticks: Sequence[str] | None = None,
         dashed: Sequence[str] = (), marker: tuple[str, str] | None = None,
         colors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Lines over ordered x labels (years, or months already localised), one per series.

    Parameters
    ----------
    points : sequence of Point
        The values; ``y=None`` or NaN leaves a gap.
    title, y_title : str
        Chart title and value-axis title (the title carries the unit).
    source, units
        As in :func:`hbar`.
    x_order : sequence of str
        Every x label, in order.
    x_ticks : sequence of str, optional
        The x labels to print (default all).
    dashed : sequence of str
        Series drawn dashed (context series such as peers).
    marker : (str, str), optional
        An x label to mark with a dashed rule, and the rule's caption (an event date).
    colors : mapping, optional
        Series -> colour (default the palette in order).
    """
    series = list(dict.fromkeys(p.series for p in points))
    data = [{"series": p.series, "x": p.x,
             "y": None if p.y is None or p.y != p.y else float(p.y),
             "dashed": p.series in dashed} for p in points]
    rng = [(colors or {}).get(s, PALETTE[i % len(PALETTE)]) for i, s in enumerate(series)]
    x = {"field": "x", "type": "ordinal", "sort": list(x_order), "title": x_title,
         "axis": {"labelAngle": 0, "values": list(x_ticks) if x_ticks is not None else None,
                  "labelOverlap": True}}
    if x_ticks is None:
        del x["axis"]["values"]
    layers: list[dict[str, Any]] = [{
        "mark": {"type": "line", "strokeWidth": 2.2, "point": len(x_order) <= 16},
        "encoding": {
            "x": x,
            "y": {"field": "y", "type": "quantitative", "title": y_title,
                  "axis": {"format": y_format, "tickCount": 5}},
            "color": {"field": "series", "type": "nominal", "title": None,
                      "scale": {"domain": series, "range": rng}},
            "strokeDash": {"field": "dashed", "type": "nominal", "legend": None,
                           "scale": {"domain": [False, True], "range": [[1, 0], [6, 4]]}},
        },
    }]
    if marker is not None:
        layers.append({
            "data": {"values": [{"x": marker[0], "label": marker[1]}]},
            "mark": {"type": "rule", "strokeDash": [4, 3], "color": INK},
            "encoding": {"x": {"field": "x", "type": "ordinal", "sort": list(x_order)}},
        })
        layers.append({
            "data": {"values": [{"x": marker[0], "label": marker[1]}]},
            "mark": {"type": "text", "align": "left", "baseline": "top", "dx": 4, "y": 2,
                     "fontSize": 10, "color": INK},
            "encoding": {"x": {"field": "x", "type": "ordinal", "sort": list(x_order)},
                         "text": {"field": "label"}},
        })
    spec = _frame(title, source, units, 240)
    spec.update({"data": {"values": data}, "layer": layers})
    return spec
