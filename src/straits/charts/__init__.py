"""Chart definitions shared by the static report and the dashboard: Vega-Lite specs.

Each builder in :mod:`straits.charts.specs` returns one Vega-Lite specification as a plain,
JSON-ready ``dict``. The report renders it to inline SVG with vl-convert
(:func:`straits.charts.render.to_svg`, no browser, no network); the dashboard hands the very
same dict to vega-embed, whose JavaScript the package serves itself
(:func:`straits.charts.assets.bundle_path`). So a figure looks the same in both places.

Why plain dicts and not Altair: the specs here are a handful of small, fixed shapes (bars and
lines over already-aggregated data), which a dict states as directly as Altair would; Altair
would add a dependency (with jsonschema and narwhals) and about half a second of import time
to every report and page, for validation that vl-convert already performs when it compiles
each spec (the tests render every builder's output). Labels and numbers arrive formatted in
the reader's language (Babel), so the specs need no Vega locale.

Every spec cites its source and states its units twice: visibly (a subtitle "Source: ..." and
unit-bearing axis titles) and as data in ``usermeta.straits`` (``source``, ``units``), which
the dashboard shows beside a chart and the tests read back.
"""

from straits.charts.specs import Bar, Point, hbar, line

__all__ = ["Bar", "Point", "hbar", "line"]
