"""Static files of the dashboard, served from the package: styles, script, Vega bundles.

The Vega, Vega-Lite and vega-embed bundle comes from vl-convert-python (the same library
that renders the report's charts), generated once and kept in the user cache, so pages load
it from this server and never from a CDN.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

_LOCK = threading.Lock()


def static_dir() -> Path:
    """Folder of the dashboard's own CSS and JS."""
    return Path(__file__).parent / "static"


def vega_bundle() -> bytes:
    """Vega, Vega-Lite and vega-embed as one script (``window.vegaEmbed``), cached on disk."""
    import vl_convert as vlc

    from straits.data.default import cache_dir

    version = f"{vlc.get_vega_version()}-{vlc.get_vegalite_versions()[-1]}-" \
              f"{vlc.get_vega_embed_version()}"
    target = cache_dir() / f"vega-bundle-{version}.js"
    with _LOCK:
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(f".{target.name}.{os.getpid()}.{threading.get_ident()}")
            tmp.write_text(vlc.javascript_bundle(), encoding="utf-8")
            os.replace(tmp, target)
        return target.read_bytes()
