"""Write the README's screenshot of the classroom with the browser tests' own set-up.

    python tests/classroom/screenshot.py [docs/images/app.png]

Starts ``dyadsim app high_distance`` on a free port of 127.0.0.1, opens it in
headless Chromium, waits for every view, saves the picture and stops both.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import classroom_browser as driver

ROOT = Path(__file__).resolve().parents[2]


def main(out: Path) -> Path:
    """Save a screenshot of the app on the distance lesson to ``out``."""
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as folder, \
            driver.app_server("high_distance", Path(folder)) as address, \
            driver.chromium() as browser:
        page = browser.new_page(viewport={"width": 1600, "height": 1000})
        page.goto(address)
        driver.wait_for_views(page, timeout=300_000)
        page.screenshot(path=str(out))
    return out


if __name__ == "__main__":
    print(main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "images" / "app.png"))
