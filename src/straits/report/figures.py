"""The report's charts: :mod:`straits.charts` specs with the report's labels and source lines.

Sections hand over localised labels and printed values; this module adds the source line in
the report's language and the units, so every figure cites its source and states its unit.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from straits.charts import Bar, Point, hbar, line
from straits.charts.specs import PALETTE

PAIR = {"a": PALETTE[0], "b": PALETTE[1]}


def bars(tr, rows: Sequence[Bar], *, title: str, x_title: str, source: str, unit: str,
         share: bool = False, x_max: float | None = None,
         colors: Mapping[str, str] | None = None) -> dict[str, Any]:
    """Horizontal bars (``share``: values are fractions 0-1, axis in percent)."""
    return hbar(rows, title=title, x_title=x_title, source=tr("chart.source", source=source),
                units={"value": unit}, x_format=".0%" if share else ",.1~f",
                x_max=1.0 if share and x_max is None else x_max, colors=colors)


def lines(tr, points: Sequence[Point], *, title: str, y_title: str, source: str, unit: str,
          x_order: Sequence[str], x_ticks: Sequence[str] | None = None,
          dashed: Sequence[str] = (), marker: tuple[str, str] | None = None,
          digits: int = 0) -> dict[str, Any]:
    """Lines over ordered x labels."""
    return line(points, title=title, y_title=y_title, source=tr("chart.source", source=source),
                units={"y": unit}, x_order=x_order, x_ticks=x_ticks, dashed=dashed,
                marker=marker, y_format=f",.{digits}f")
