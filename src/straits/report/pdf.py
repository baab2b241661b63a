"""Print a report's HTML to PDF with headless Chromium through Playwright.

Uses the system Chromium (Debian package, ``/usr/bin/chromium``); Playwright never downloads
a browser here. Network-related features are switched off and every request other than the
local file is aborted, so printing cannot leak anything.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from straits.errors import StraitsError

CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-background-networking",
    "--disable-component-update", "--no-first-run", "--disable-sync",
]


SYSTEM_CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")


def find_chromium() -> str:
    """Path of the Chromium binary (``$STRAITS_CHROMIUM``, /usr/bin/chromium, or on PATH)."""
    env = os.environ.get("STRAITS_CHROMIUM")
    for cand in (env, *(shutil.which(c) for c in SYSTEM_CHROMIUM)):
        if cand and Path(cand).exists():
            return cand
    raise StraitsError(
        "--pdf needs headless Chromium, which was not found at /usr/bin/chromium; install it "
        "(Debian/Ubuntu: apt-get install chromium fonts-noto-cjk, or run .ci/setup-browser) "
        "or set STRAITS_CHROMIUM to the browser's path."
    )


def html_to_pdf(html: Path, pdf: Path) -> Path:
    """Render ``html`` (a local file) to an A4 PDF at ``pdf`` and return its path."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        raise StraitsError(
            "--pdf needs the Python package playwright: pip install 'straits[report]'"
        ) from None
    exe = find_chromium()
    url = Path(html).resolve().as_uri()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page()
            page.route("**/*", lambda route: route.continue_()
                       if route.request.url.startswith(("file:", "data:")) else route.abort())
            page.goto(url, wait_until="load")
            page.pdf(path=str(pdf), format="A4", print_background=True,
                     margin={"top": "16mm", "bottom": "16mm", "left": "14mm", "right": "14mm"})
        finally:
            browser.close()
    return pdf
