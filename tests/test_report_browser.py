"""Open the report in headless Chromium: sections, charts, numbers, and no request leaves."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from straits.report.build import build_report, output_paths

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not CHROMIUM.exists(), reason="needs /usr/bin/chromium"),
]


@pytest.fixture(scope="module")
def files(session, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    docs = build_report(session, "KOR", "JPN", langs=("en", "ko", "ja"))
    paths = output_paths(out, ("en", "ko", "ja"))
    for lang, path in paths.items():
        path.write_text(docs[lang], encoding="utf-8")
    return paths


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    from straits.report.pdf import CHROMIUM_ARGS

    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, path: Path):
    page = browser.new_page()
    requests: list[str] = []

    def guard(route):
        requests.append(route.request.url)
        if route.request.url.startswith(("file:", "data:")):
            route.continue_()
        else:
            route.abort()

    page.route("**/*", guard)
    page.goto(path.resolve().as_uri(), wait_until="load")
    return page, requests


@pytest.mark.parametrize("lang", ["en", "ko", "ja"])
def test_report_renders_offline(browser, files, lang):
    page, requests = _open(browser, files[lang])
    try:
        assert page.locator("section.section").count() == 11
        assert page.locator("nav.toc li").count() == 11
        assert page.locator("svg.chart").count() >= 2
        # every chart has drawn geometry and visible text
        assert page.locator("svg.chart path, svg.chart rect").count() > 5
        offline = [u for u in requests if not u.startswith(("file:", "data:"))]
        assert offline == []
        assert page.evaluate("document.documentElement.lang") == lang
    finally:
        page.close()


def test_key_numbers_visible(browser, files):
    page, _ = _open(browser, files["en"])
    try:
        head = page.locator('section[data-section="headline"]').inner_text()
        # KOR->JPN and JPN->KOR 2024 in million USD (BACI rows summed in test_report_build)
        assert "95.1" in head and "161.1" in head and "256.2" in head
        cx = page.locator('section[data-section="complexity"]').inner_text()
        assert "4 / 145" in cx
        box = page.locator("svg.chart").first.bounding_box()
        assert box and box["width"] > 400 and box["height"] > 150
    finally:
        page.close()


def test_cli_pdf(session, tmp_path):
    """The real ``straits report --pdf`` path, in its own process (own Playwright loop)."""
    pytest.importorskip("playwright.sync_api")
    out = tmp_path / "report.html"
    cli = "from straits.cli.app import main; main()"
    res = subprocess.run([sys.executable, "-c", cli, "report", "KOR", "JPN",
                          "--lang", "ko", "--pdf", "--out", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert res.returncode == 0, res.stderr
    data = out.with_suffix(".pdf").read_bytes()
    assert data[:5] == b"%PDF-" and data.count(b"/Type /Page") >= 3
