"""Draw the web app's PNG icons from src/reslog/web/static/icon.svg with headless Chromium.

    python scripts/make_icons.py

Run at development time (needs Playwright and Debian's chromium); the PNGs are committed.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

STATIC = Path(__file__).resolve().parent.parent / "src" / "reslog" / "web" / "static"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]


def main() -> None:
    svg = (STATIC / "icon.svg").read_text(encoding="utf-8")
    with sync_playwright() as p, tempfile.TemporaryDirectory() as profile:
        browser = p.chromium.launch_persistent_context(profile, executable_path="/usr/bin/chromium",
                                                       headless=True, args=ARGS)
        page = browser.new_page()
        for name, size, pad in (("icon-192.png", 192, 0), ("icon-512.png", 512, 0),
                                ("icon-maskable-512.png", 512, 64)):
            page.set_viewport_size({"width": size, "height": size})
            inner = size - 2 * pad
            page.set_content(
                f"<html><body style='margin:0;background:#f7f5ef'><div style='padding:{pad}px'>"
                f"<div style='width:{inner}px;height:{inner}px'>{svg.replace('<svg ', '<svg width=100% height=100% ')}"
                "</div></div></body></html>"
            )
            page.screenshot(path=str(STATIC / name), omit_background=False)
        browser.close()


if __name__ == "__main__":
    main()
