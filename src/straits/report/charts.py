"""Charts as hand-built inline SVG: text stays text, no plotting library, no external request.

Inline SVG keeps the report one self-contained file whose labels are selectable and render
in the reader's own fonts (so Korean and Japanese need no embedded font). Two shapes cover
the report: a line chart over years or months and a horizontal bar chart. Axis titles carry
the units; tick values are "nice" steps (1, 2, 2.5, 5 x 10^k).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

PALETTE = ("#1f4e79", "#c0392b", "#2e8b57", "#d68910", "#7d3c98", "#5d6d7e", "#17a589")
GRID = "#e3e6ea"
INK = "#2b2f36"
MUTED = "#6b7280"


@dataclass
class Series:
    """One line: a label, x positions (numbers), y values (NaN for gaps), a colour."""

    label: str
    x: Sequence[float]
    y: Sequence[float]
    color: str = PALETTE[0]
    dashed: bool = False


def nice_ticks(lo: float, hi: float, n: int = 5) -> list[float]:
    """About ``n`` round tick values covering ``[lo, hi]``."""
    if not math.isfinite(lo) or not math.isfinite(hi):
        return [0.0, 1.0]
    if hi == lo:
        hi = lo + (abs(lo) or 1.0)
    raw = (hi - lo) / max(n, 1)
    mag = 10 ** math.floor(math.log10(raw))
    step = next(m * mag for m in (1, 2, 2.5, 5, 10) if m * mag >= raw)
    start = math.floor(lo / step) * step
    ticks = []
    v = start
    while v < hi + step * 0.999:
        ticks.append(round(v, 10))
        v += step
    return ticks


def _text(x: float, y: float, s: str, *, anchor: str = "middle", size: int = 11,
          color: str = MUTED, extra: str = "") -> str:
    return (f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
            f'fill="{color}"{extra}>{escape(s)}</text>')


def line_chart(
    series: Sequence[Series],
    *,
    y_label: str,
    x_format: Callable[[float], str] = lambda v: str(int(v)),
    y_format: Callable[[float], str] = lambda v: f"{v:,.0f}",
    x_ticks: Sequence[float] | None = None,
    marker_x: float | None = None,
    marker_label: str = "",
    title: str = "",
    width: int = 720,
    height: int = 300,
) -> str:
    """Multi-series line chart; ``marker_x`` draws a dashed vertical line (an event date)."""
    left, right, top, bottom = 64, 36, 40 if title else 18, 58
    pw, ph = width - left - right, height - top - bottom
    xs = [v for s in series for v in s.x]
    ys = [v for s in series for v in s.y if v is not None and math.isfinite(v)]
    if not xs or not ys:
        return ""
    x0, x1 = min(xs), max(xs)
    if x1 == x0:
        x1 = x0 + 1
    yt = nice_ticks(min(0.0, min(ys)), max(ys))
    y0, y1 = yt[0], yt[-1]

    def px(v: float) -> float:
        return left + (v - x0) / (x1 - x0) * pw

    def py(v: float) -> float:
        return top + ph - (v - y0) / ((y1 - y0) or 1) * ph

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'class="chart" role="img" aria-label="{escape(title or y_label)}">']
    if title:
        out.append(_text(left, 18, title, anchor="start", size=13, color=INK,
                         extra=' font-weight="600"'))
    for t in yt:
        out.append(f'<line x1="{left}" x2="{left + pw}" y1="{py(t):.1f}" y2="{py(t):.1f}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(_text(left - 6, py(t) + 4, y_format(t), anchor="end"))
    ticks = list(x_ticks) if x_ticks is not None else sorted(set(xs))
    step = max(1, math.ceil(len(ticks) / 12))
    for t in ticks[::step]:
        out.append(_text(px(t), top + ph + 16, x_format(t)))
    out.append(f'<line x1="{left}" x2="{left + pw}" y1="{top + ph}" y2="{top + ph}" '
               f'stroke="{MUTED}" stroke-width="1"/>')
    out.append(_text(14, top + ph / 2, y_label, size=11,
                     extra=f' transform="rotate(-90 14 {top + ph / 2:.1f})"'))
    if marker_x is not None and x0 <= marker_x <= x1:
        mx = px(marker_x)
        out.append(f'<line x1="{mx:.1f}" x2="{mx:.1f}" y1="{top}" y2="{top + ph}" '
                   f'stroke="{INK}" stroke-dasharray="4 3" stroke-width="1"/>')
        if marker_label:
            out.append(_text(mx + 4, top + 10, marker_label, anchor="start", size=10,
                             color=INK))
    for s in series:
        pts = [(px(x), py(y)) for x, y in zip(s.x, s.y, strict=True)
               if y is not None and math.isfinite(y)]
        if not pts:
            continue
        d = " ".join(f"{'M' if i == 0 else 'L'}{x:.1f},{y:.1f}" for i, (x, y) in enumerate(pts))
        dash = ' stroke-dasharray="6 4"' if s.dashed else ""
        out.append(f'<path d="{d}" fill="none" stroke="{s.color}" stroke-width="2.2"{dash}/>')
        if len(pts) <= 16:
            out.extend(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.6" fill="{s.color}"/>'
                       for x, y in pts)
    # legend below the axis
    lx, ly = left, height - 14
    for s in series:
        out.append(f'<rect x="{lx}" y="{ly - 9}" width="14" height="4" fill="{s.color}"/>')
        out.append(_text(lx + 19, ly - 4, s.label, anchor="start", size=11, color=INK))
        lx += 30 + 7 * len(s.label) + 6 * sum(ord(c) > 0x2E80 for c in s.label)
    out.append("</svg>")
    return "".join(out)


def hbar_chart(
    rows: Sequence[tuple[str, float]],
    *,
    x_label: str,
    value_format: Callable[[float], str],
    colors: Sequence[str] | None = None,
    title: str = "",
    width: int = 720,
    label_width: int = 230,
    x_max: float | None = None,
) -> str:
    """Horizontal bars, one per (label, value) row, value printed at the bar's end."""
    if not rows:
        return ""
    bar, gap = 18, 8
    top = 40 if title else 12
    height = top + len(rows) * (bar + gap) + 44
    left, right = label_width, 70
    pw = width - left - right
    finite = [v for _, v in rows if math.isfinite(v)]
    vmax = x_max if x_max is not None else max(finite, default=1.0)
    ticks = nice_ticks(0.0, vmax or 1.0, 4)
    hi = ticks[-1]
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" '
           f'class="chart" role="img" aria-label="{escape(title or x_label)}">']
    if title:
        out.append(_text(8, 18, title, anchor="start", size=13, color=INK,
                         extra=' font-weight="600"'))
    base = top + len(rows) * (bar + gap)
    for t in ticks:
        x = left + t / hi * pw
        out.append(f'<line x1="{x:.1f}" x2="{x:.1f}" y1="{top - 4}" y2="{base}" '
                   f'stroke="{GRID}" stroke-width="1"/>')
        out.append(_text(x, base + 14, value_format(t)))
    for i, (label, v) in enumerate(rows):
        y = top + i * (bar + gap)
        color = (colors[i] if colors else PALETTE[0])
        w = max(0.0, v) / hi * pw if math.isfinite(v) else 0.0
        out.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="{bar}" fill="{color}" '
                   'rx="2"/>')
        out.append(_text(left - 8, y + bar - 5, label, anchor="end", size=11, color=INK))
        out.append(_text(left + w + 5, y + bar - 5, value_format(v), anchor="start", size=11,
                         color=INK))
    out.append(_text(left + pw / 2, base + 34, x_label, size=11))
    out.append("</svg>")
    return "".join(out)
