"""Driving the classroom app in headless Chromium (Debian's package) with Playwright.

Shared by the browser tests and by ``screenshot.py``: start ``dyadsim app`` on
a free port of 127.0.0.1 in a subprocess, open it in Chromium, wait for the
views, move a slider. Playwright is launched on the system's Chromium; it
never downloads a browser of its own.
"""

from __future__ import annotations

import os
import queue
import shutil
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

# As the installed console script does: import sim.cli as a module, then call main.
COMMAND = [sys.executable, "-c", "import sys; from sim.cli import main; main(sys.argv[1:])"]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
"""The system's Chromium (Debian package ``chromium``)."""

# No sync, no component updates, no background requests: the browser talks only to the app.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-dev-shm-usage"]

SMALL_SCENARIO = """\
extends: {baseline}
name: small_market
description: The baseline market, smaller and shorter, so a browser test answers in seconds.
horizon: 4 years
replications: 4
lifecycle:
  market:
    buyers:
      count: 50
"""


def write_small_scenario(folder: Path) -> Path:
    """A small market extending the bundled baseline (its reference), in ``folder``."""
    from sim.scenario import find_scenario

    path = folder / "small_market.yaml"
    path.write_text(SMALL_SCENARIO.format(baseline=find_scenario("baseline").resolve()),
                    encoding="utf-8")
    return path


@contextmanager
def app_server(scenario: str | Path, cwd: Path, timeout: float = 60) -> Iterator[str]:
    """Run ``dyadsim app SCENARIO`` on a free port; yield the address it prints; stop it."""
    process = subprocess.Popen(
        [*COMMAND, "app", str(scenario), "--port", "0"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=cwd,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: [lines.put(line) for line in process.stdout],
                     daemon=True).start()
    try:
        try:
            line = lines.get(timeout=timeout)
        except queue.Empty:
            raise RuntimeError(f"dyadsim app printed no address: {process.stderr}") from None
        address = next(word for word in line.split() if word.startswith("http://"))
        yield address
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@contextmanager
def chromium() -> Iterator[object]:
    """A headless Chromium browser driven by Playwright; closed at the end."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True,
                                             args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


READY = """([change, scenario]) => {
  const status = document.querySelector('#run-status[data-state=ready]');
  const busy = Array.from(document.querySelectorAll('.recalculating'))
    .some((element) => element.offsetParent !== null);  // hidden tabs wait until shown
  if (!status || busy) return false;
  return (change === null || status.dataset.change.includes(change))
    && (scenario === null || status.dataset.scenario === scenario);
}"""


def wait_for_views(page, change: str | None = None, scenario: str | None = None,
                   timeout: float = 90_000) -> None:
    """Wait until every view shows the run of ``scenario`` whose overrides contain ``change``."""
    page.wait_for_function(READY, arg=[change, scenario], timeout=timeout, polling=200)


WATCH_PROGRESS = """() => {
  window.progressSeen = [];
  new MutationObserver(() => {
    for (const message of document.querySelectorAll('.shiny-progress-notification')) {
      window.progressSeen.push(message.innerText);
    }
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


def watch_progress(page) -> None:
    """Record every progress message the page shows from now on (``progress_seen``)."""
    page.evaluate(WATCH_PROGRESS)


def progress_seen(page) -> list[str]:
    """The progress messages shown since :func:`watch_progress`."""
    return page.evaluate("() => window.progressSeen")


def move_slider(page, name: str, fraction: float) -> None:
    """Click slider ``name`` at ``fraction`` of its length, as a lecturer would."""
    line = page.locator(f".shiny-input-container:has(#{name}) .irs-line")
    box = line.bounding_box()
    page.mouse.click(box["x"] + fraction * box["width"], box["y"] + box["height"] / 2)


def shown(page, metric: str) -> tuple[float, float]:
    """The reference and changed values of ``metric`` in the effect table."""
    row = page.locator(f"#effects tr[data-metric={metric}]")
    return float(row.get_attribute("data-reference")), float(row.get_attribute("data-value"))
