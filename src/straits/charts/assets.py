"""The vega, vega-lite and vega-embed JavaScript bundle the dashboard serves, from the package.

vl-convert-python (a runtime dependency) carries these libraries; :func:`bundle_path` asks it
for one self-contained bundle (``vl_convert.javascript_bundle``, pinned to
:data:`~straits.charts.specs.VL_VERSION`) on first use and keeps it in the Straits cache,
beside the licences of everything in it (``THIRD_PARTY_LICENSES.md``). Nothing is
downloaded: the bundle is built on this machine from the installed package.

For the web server: serve the folder ``bundle_path().parent`` (``vega-bundle.js`` and
``THIRD_PARTY_LICENSES.md``), load ``vega-bundle.js`` with a ``<script>`` tag, then call
``vegaEmbed(element, spec, {actions: false})`` on a spec from :mod:`straits.charts.specs`.
The bundle defines ``window.vegaEmbed``, ``window.vegaLite`` and ``window.vega``.
"""

from __future__ import annotations

import os
import shutil
from importlib import resources
from pathlib import Path

from straits.charts.specs import VL_VERSION

BUNDLE = "vega-bundle.js"
LICENCES = "THIRD_PARTY_LICENSES.md"


def _versions() -> str:
    import vl_convert

    return f"vl-convert-{vl_convert.__version__}-vl{VL_VERSION}-vega{vl_convert.get_vega_version()}"


def licences_text() -> str:
    """Licences of the libraries inside the bundle (shipped in the package)."""
    return resources.files("straits.charts").joinpath(LICENCES).read_text("utf-8")


def bundle_path(cache: Path | None = None) -> Path:
    """Path of ``vega-bundle.js``, written on first use (a few seconds, once per version).

    Parameters
    ----------
    cache : Path, optional
        Folder to keep it in (default: ``<Straits cache>/charts``).

    Returns
    -------
    Path
        ``.../<versions>/vega-bundle.js``, with ``THIRD_PARTY_LICENSES.md`` beside it. The
        write is atomic (temporary file, then rename), so concurrent first uses are safe.
    """
    import vl_convert

    from straits.data.default import cache_dir

    folder = (cache or cache_dir() / "charts") / _versions()
    target = folder / BUNDLE
    if not target.exists():
        folder.mkdir(parents=True, exist_ok=True)
        text = vl_convert.javascript_bundle(vl_version=VL_VERSION)
        tmp = folder / f".{BUNDLE}.{os.getpid()}.tmp"
        tmp.write_text(text, encoding="utf-8")
        os.replace(tmp, target)
    lic = folder / LICENCES
    if not lic.exists():
        with resources.as_file(resources.files("straits.charts").joinpath(LICENCES)) as src:
            shutil.copyfile(src, lic)
    return target
