"""Static files of the dashboard, served from the package: styles, script, Vega bundles.

The Vega, Vega-Lite and vega-embed bundle is the one the report's charts use
(:func:`straits.charts.assets.bundle_path`, built from vl-convert-python on first use and kept
in the user cache), so pages load it from this server and never from a CDN.
"""

from __future__ import annotations

import threading
from functools import cache
from pathlib import Path

_LOCK = threading.Lock()


def static_dir() -> Path:
    """Folder of the dashboard's own CSS and JS."""
    return Path(__file__).parent / "static"


@cache
def vega_bundle() -> bytes:
    """Vega, Vega-Lite and vega-embed as one script (``window.vegaEmbed``)."""
    from straits.charts.assets import bundle_path

    with _LOCK:  # one build when the first pages ask at once
        return bundle_path().read_bytes()
