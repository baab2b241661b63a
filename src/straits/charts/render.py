"""Render a chart spec to inline SVG with vl-convert (Vega's own renderer, no browser).

Text stays text (selectable, in the reader's fonts) and the SVG scales to its column
(``viewBox``). The first render in a process starts vl-convert's JavaScript engine (about
1-2 s); each later chart takes tens of milliseconds.
"""

from __future__ import annotations

from html import escape
from typing import Any

from straits.charts.specs import VL_VERSION


def to_svg(spec: dict[str, Any]) -> str:
    """The chart as one ``<svg class="chart" role="img">`` element (title as its label).

    Raises
    ------
    ValueError
        vl-convert rejected the spec (a bug in a builder, never the user's input).
    """
    import vl_convert

    svg = vl_convert.vegalite_to_svg(spec, vl_version=VL_VERSION)
    title = spec.get("title", {})
    label = title.get("text", "") if isinstance(title, dict) else str(title)
    head, sep, rest = svg.partition(">")
    head = head.replace('class="marks"', 'class="chart marks"', 1)
    return f'{head} role="img" aria-label="{escape(label)}"{sep}{rest}'
