"""The dashboard in a real browser (Playwright driving Debian's Chromium; no browser download).

Every page loads with no console error and no request leaving the server; charts draw; the
shock form gives the Python API's numbers; the language switch works; a downloaded table is
valid Parquet.
"""

from __future__ import annotations

import io

import pyarrow.parquet as pq
import pytest

from straits.api.app import create_app
from straits.report.pdf import CHROMIUM_ARGS
from straits.web.pages import PAGES
from tests._server import CHROMIUM, need_chromium, running

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def base(session):
    with running(create_app(session.path)) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


def _open(browser, base: str, path: str):
    """A page that records console errors and refuses any request to another origin."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    errors: list[str] = []
    outside: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))

    def guard(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.goto(base + path, wait_until="load")
    page.wait_for_function("[...document.querySelectorAll('div.chart')]"
                           ".every(e => e.dataset.drawn)", timeout=30000)
    return page, errors, outside


@pytest.mark.parametrize("path", [p for p, _ in PAGES] + ["/docs"])
def test_page_loads_offline_without_errors(browser, base, path):
    page, errors, outside = _open(browser, base, path)
    try:
        assert errors == [] and outside == []
        charts = page.locator("div.chart")
        for i in range(charts.count()):
            assert charts.nth(i).get_attribute("data-drawn") == "1"
            assert charts.nth(i).locator("svg").count() >= 1
        if path == "/docs":
            page.wait_for_selector(".opblock", timeout=30000)
            assert page.locator(".opblock").count() > 20
    finally:
        page.close()


def test_shock_form_matches_python(browser, base, session):
    page, errors, _ = _open(browser, base, "/shock")
    try:
        page.fill("#f-exporter", "CHN")
        page.fill("#f-importer", "KOR,JPN,USA")
        page.fill("#f-products", "850511")
        page.fill("#f-cut", "0.8")
        page.fill("#f-redirect", "0.3")
        page.click("#shock-form button[type=submit]")
        page.wait_for_load_state("load")
        assert "importer=KOR%2CJPN%2CUSA" in page.url  # the state is in the URL
        rows = page.locator("#shock-product tbody tr")
        shown = {}
        for i in range(rows.count()):
            cells = rows.nth(i).locator("td").all_inner_texts()
            shown[cells[0]] = [float(c.replace(",", "")) for c in cells[2:6]]
        lib = session.shock(exporter="CHN", importer="KOR,JPN,USA", products="850511",
                            cut=0.8, redirect=0.3)
        lib = lib[lib["importer"] != "WORLD"]  # the page shows the WORLD rows apart (§1)
        names = {"KOR": "South Korea", "JPN": "Japan", "USA": "United States"}
        assert len(shown) == len(lib) == 3
        for r in lib.itertuples():
            got = shown[names[r.importer]]
            want = [r.imports_kusd, r.exposed_kusd, r.covered_kusd, r.gap_kusd]
            assert got == [pytest.approx(round(w), abs=0.5) for w in want]
        assert errors == []
    finally:
        page.close()


def test_language_switch(browser, base):
    page, _, _ = _open(browser, base, "/dependency?importer=KOR")
    try:
        assert page.evaluate("document.documentElement.lang") == "en"
        page.click("header .langs a[hreflang=ko]")
        page.wait_for_load_state("load")
        assert page.evaluate("document.documentElement.lang") == "ko"
        assert "importer=KOR" in page.url and "lang=ko" in page.url
        assert "대한민국" in page.locator("h1").inner_text()
        page.click("header .langs a[hreflang=ja]")
        page.wait_for_load_state("load")
        assert "韓国" in page.locator("h1").inner_text()
        assert page.locator("nav.menu a[aria-current=page]").inner_text() == "依存度"
    finally:
        page.close()


def test_downloaded_table_is_parquet(browser, base, session):
    page, _, _ = _open(browser, base, "/dependency?importer=KOR&year=2024")
    try:
        with page.expect_download() as info:
            page.locator("a[data-format=parquet]").first.click()
        table = pq.read_table(io.BytesIO(open(info.value.path(), "rb").read()))
        lib = session.dependency("KOR", year=2024)
        assert table.num_rows == len(lib)
        assert "top_share" in table.column_names and b"straits.provenance" in table.schema.metadata
    finally:
        page.close()


def test_keyboard_reaches_the_menu(browser, base):
    page, _, _ = _open(browser, base, "/")
    try:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#main"
    finally:
        page.close()
