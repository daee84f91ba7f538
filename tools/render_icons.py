"""Render the app icons (static/icons/*.svg) to the PNG sizes the web app manifest lists.

Run once after changing a drawing: .venv/bin/python tools/render_icons.py
It uses Debian's Chromium through Playwright, as the browser tests do.
"""
from pathlib import Path

from playwright.sync_api import sync_playwright

ICONS = Path(__file__).resolve().parent.parent / "static" / "icons"
OUTPUTS = [("brave-steps.svg", "brave-steps-{}.png", (192, 512)),
           ("brave-steps-maskable.svg", "brave-steps-maskable-{}.png", (512,)),
           ("brave-steps.svg", "apple-touch-icon-{}.png", (180,))]


def main() -> None:
    """Draw each SVG at each size onto a transparent page and save it as a PNG."""
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path="/usr/bin/chromium",
                                             args=["--no-sandbox", "--disable-gpu"])
        for svg, name, sizes in OUTPUTS:
            source = (ICONS / svg).read_text()
            for size in sizes:
                page = browser.new_page(viewport={"width": size, "height": size})
                page.set_content(
                    "<html><body style='margin:0;background:transparent'>"
                    f"<div style='width:{size}px;height:{size}px'>{source}</div></body></html>")
                page.locator("svg").evaluate(
                    "(s, size) => { s.setAttribute('width', size); "
                    "s.setAttribute('height', size); }", size)
                page.screenshot(path=str(ICONS / name.format(size)), omit_background=True)
                page.close()
        browser.close()


if __name__ == "__main__":
    main()
