"""Screenshots of every dashboard page in en, ko and ja into docs/screenshots/ (Debian Chromium).

Starts the server on a free loopback port, opens each page headless and saves a full-page
PNG. Usage: python scripts/screenshots.py [--only PAGE] [--lang LANG]
"""

from __future__ import annotations

import argparse
import socket
import threading
import time
from pathlib import Path

import uvicorn
from playwright.sync_api import sync_playwright

from straits.api.app import create_app
from straits.report.pdf import CHROMIUM_ARGS, find_chromium
from straits.web.pages import PAGES

OUT = Path(__file__).resolve().parents[1] / "docs" / "screenshots"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--only")
    ap.add_argument("--lang")
    args = ap.parse_args()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port,
                                           log_level="warning"))
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        for path, key in PAGES:
            if args.only and key != args.only:
                continue
            for lang in ("en", "ko", "ja"):
                if args.lang and lang != args.lang:
                    continue
                page.goto(f"http://127.0.0.1:{port}{path}?lang={lang}", wait_until="load")
                page.wait_for_function("[...document.querySelectorAll('div.chart')]"
                                       ".every(e => e.dataset.drawn)", timeout=20000)
                page.screenshot(path=str(OUT / f"{key}.{lang}.png"), full_page=True)
                print("saved", key, lang)
        browser.close()
    server.should_exit = True


if __name__ == "__main__":
    main()
