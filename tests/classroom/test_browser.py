"""The classroom in a real browser: headless Chromium drives ``dyadsim app``.

Marked ``browser`` (left out of the quick run; CI runs them). One app server
and one browser serve the module; each test opens its own page (a session).
"""

from __future__ import annotations

import subprocess
import sys
from urllib.parse import urlsplit

import classroom_browser as driver
import pytest

pytestmark = pytest.mark.browser

pytest.importorskip("shiny")
pytest.importorskip("playwright")


@pytest.fixture(scope="module")
def address(tmp_path_factory):
    folder = tmp_path_factory.mktemp("classroom")
    scenario = driver.write_small_scenario(folder)
    with driver.app_server(scenario, folder) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with driver.chromium() as launched:
        yield launched


@pytest.fixture
def page(browser, address):
    context = browser.new_context(viewport={"width": 1500, "height": 1000},
                                  accept_downloads=True)
    page = context.new_page()
    page.requested = []
    page.on("request", lambda request: page.requested.append(request.url))
    page.goto(address)
    driver.wait_for_views(page)
    yield page
    context.close()


def test_more_distance_shows_more_early_endings_and_fewer_developed(page):
    early_before = driver.shown(page, "early_endings")
    developed_before = driver.shown(page, "reached_development")
    funnel_before = page.locator("#funnel_changed img").get_attribute("src")
    assert early_before[0] == early_before[1]  # nothing moved yet: the runs are the same

    driver.watch_progress(page)
    driver.move_slider(page, "distance", 0.9)
    driver.wait_for_views(page, change="lifecycle.market.suppliers.culture")
    assert any("Running your change" in text and "of 4 replications" in text
               for text in driver.progress_seen(page))

    early_after = driver.shown(page, "early_endings")
    developed_after = driver.shown(page, "reached_development")
    assert early_after[0] == early_before[0]  # the reference run is unchanged
    assert early_after[1] > early_before[1]
    assert developed_after[1] < developed_before[1]
    row = page.locator("#effects tr[data-metric=early_endings]")
    low, high = float(row.get_attribute("data-low")), float(row.get_attribute("data-high"))
    assert high > 0  # the effect's interval reaches above 0: more early endings are possible
    # bold exactly when the interval excludes 0 (with 4 replications it may not)
    assert ("clear" in (row.get_attribute("class") or "")) is (low > 0 or high < 0)
    assert page.locator("#funnel_changed img").get_attribute("src") != funnel_before
    assert float(page.locator("#distance").input_value()) >= 0.8


def test_the_page_reaches_nothing_but_the_app(page):
    page.locator("a.nav-link", has_text="Story").click()
    page.wait_for_selector("#story li", timeout=60_000)
    page.locator("a.nav-link", has_text="Lesson").click()
    hosts = {urlsplit(url).netloc for url in page.requested if url.startswith("http")}
    assert hosts == {urlsplit(page.url).netloc}
    assert urlsplit(page.url).hostname == "127.0.0.1"


def test_story_tells_one_relationship_week_by_week(page):
    page.locator("a.nav-link", has_text="Story").click()
    page.wait_for_selector("#story li", timeout=60_000)
    lines = page.locator("#story li").all_inner_texts()
    assert lines[0].startswith("week ")
    assert any("in all:" in line for line in lines)


def test_picking_a_lesson_sets_its_controls_and_shows_its_text(page):
    page.select_option("#scenario", "high_distance")
    driver.wait_for_views(page, scenario="high_distance")
    assert float(page.locator("#distance").input_value()) == 1.0
    reference, value = driver.shown(page, "early_endings")
    assert value > reference  # high_distance against its reference, the baseline
    page.locator("a.nav-link", has_text="Lesson").click()
    page.wait_for_selector("#lesson h2", timeout=30_000)
    text = page.locator("#lesson").inner_text()
    assert text.startswith("Distance: partners too far apart") and "Things to try" in text


def test_downloaded_scenario_is_accepted_by_dyadsim(page, tmp_path):
    driver.move_slider(page, "suppliers", 0.1)
    driver.wait_for_views(page, change="lifecycle.market.suppliers.count")
    with page.expect_download() as download:
        page.locator("#scenario_yaml").click()
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    checked = subprocess.run([sys.executable, "-m", "sim.cli", "validate", str(path)],
                             capture_output=True, text=True, cwd=tmp_path)
    assert checked.returncode == 0, checked.stderr
    from sim import load_scenario

    shown_count = int(float(page.locator("#suppliers").input_value()))
    assert load_scenario(path).lifecycle.market.suppliers.count == shown_count < 12


def test_a_view_downloads_as_slide_sized_png(page, tmp_path):
    with page.expect_download() as download:
        page.locator("#funnel_changed_png").click()
    path = tmp_path / "funnel.png"
    download.value.save_as(path)
    data = path.read_bytes()
    width, height = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert width == 1500 and width / height == pytest.approx(16 / 9, rel=0.002)
