"""``dyadsim app``: a hint without the extra, clear refusals, a page served from loopback."""

from __future__ import annotations

import re
import subprocess
import sys
import urllib.request
from urllib.parse import urljoin, urlsplit

import classroom_browser as driver
import pytest

WITHOUT_SHINY = [sys.executable, "-c", "import sys; sys.modules['shiny'] = None; "
                 "from sim.cli import main; main(sys.argv[1:])"]


def test_app_without_the_web_framework_says_how_to_install_it_in_one_line(tmp_path):
    done = subprocess.run([*WITHOUT_SHINY, "app"], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip() == ("dyadsim app: the classroom needs the optional web framework; "
                                   "install it with: pip install 'dyadsim[app]'")


def test_app_refuses_a_scenario_of_another_model_in_one_line(dyadsim):
    done = dyadsim("app", "markov_retention")
    assert done.returncode == 2
    assert done.stderr.strip() == ("markov_retention: the classroom needs a lifecycle scenario, "
                                   "this one is model 'markov'")


def test_app_refuses_an_unknown_scenario_in_one_line(dyadsim):
    done = dyadsim("app", "baselin")
    assert done.returncode == 2
    assert "baselin: no such file or bundled scenario; did you mean 'baseline'?" in done.stderr
    assert "Traceback" not in done.stderr and done.stderr.strip().count("\n") == 0


@pytest.mark.browser  # needs the app extra, like the browser tests
def test_app_prints_its_loopback_address_and_serves_its_own_assets(tmp_path):
    pytest.importorskip("shiny")
    with driver.app_server("baseline", tmp_path) as address:
        assert urlsplit(address).hostname == "127.0.0.1"
        with urllib.request.urlopen(address, timeout=30) as response:
            html = response.read().decode("utf-8")
        assert "dyadsim classroom" in html
        links = re.findall(r'(?:src|href)="([^"#][^"]*)"', html)
        assert links and not [link for link in links if "//" in link]
        script = next(link for link in links if link.endswith("shiny.js"))
        with urllib.request.urlopen(urljoin(address, script), timeout=30) as response:
            assert response.status == 200 and len(response.read()) > 10_000
