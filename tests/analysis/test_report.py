"""The HTML report: self-contained, complete, rebuilt from a saved bundle."""

from __future__ import annotations

import json
import re
import struct

import numpy as np
import pytest

from analysis.bundle import durations, horizon
from analysis.metrics import key_figures
from analysis.report import format_number, write_report
from analysis.stats import restricted_mean


@pytest.fixture(scope="module")
def lifecycle_page(lifecycle_bundle):
    """The report of the synthetic lifecycle bundle, written once for this module."""
    return write_report(lifecycle_bundle)


def _png_size_and_dpi(path) -> tuple[int, int, float]:
    data = path.read_bytes()
    width, height = struct.unpack(">II", data[16:24])
    at = data.index(b"pHYs")
    per_metre = struct.unpack(">I", data[at + 4:at + 8])[0]
    return width, height, per_metre * 0.0254


def test_report_embeds_every_figure_and_needs_no_network(lifecycle_bundle, lifecycle_page):
    html = lifecycle_page.read_text(encoding="utf-8")
    assert lifecycle_page == lifecycle_bundle.path / "report.html"
    images = re.findall(r'<img alt="[^"]+" src="data:image/png;base64,', html)
    assert len(images) >= 8
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "<script" not in html and "@import" not in html


def test_report_holds_scenario_key_figures_end_reasons_and_provenance(lifecycle_page):
    html = lifecycle_page.read_text(encoding="utf-8")
    assert "<h1>synthetic</h1>" in html
    assert "A synthetic market for testing the analysis." in html
    assert "pairs reaching development" in html and "95% interval" in html
    assert "Why relationships ended" in html and "competitor" in html
    for item in ("seed", "dyadsim version", "2024-05-01T10:00:00+00:00", "8 of 8"):
        assert item in html
    assert html.count("<figcaption>") == len(re.findall(r"<img ", html))


def test_plots_are_written_as_png_at_150_dpi(lifecycle_page):
    files = sorted((lifecycle_page.parent / "plots").glob("*.png"))
    assert len(files) >= 8
    width, height, dpi = _png_size_and_dpi(files[0])
    assert (width, height) == (1500, 843) and round(dpi) == 150


def test_markov_report_has_its_figures_and_the_closed_form(markov_bundle):
    html = write_report(markov_bundle.path).read_text(encoding="utf-8")
    assert len(re.findall(r"<img ", html)) == 4
    assert "customer value, closed form" in html
    assert "Why relationships ended" not in html


def test_report_of_a_bundle_without_pairs_columns_is_still_written(tmp_path, lifecycle_bundle):
    import sim

    bare = sim.Results(lifecycle_bundle.manifest, lifecycle_bundle.pairs[["replication"]],
                       lifecycle_bundle.timeseries[["replication", "time"]])
    html = write_report(bare, out=tmp_path).read_text(encoding="utf-8")
    assert "<h1>synthetic</h1>" in html and "<img " not in html


def test_numbers_are_written_for_people():
    assert format_number(30.625, "%") == "30.6%"
    assert format_number(8092.4, "money per supplier") == "8,092"
    assert format_number(0.73923, "0-1") == "0.739"
    assert format_number(120.0, "pairs") == "120"
    assert format_number(120.25, "weeks") == "120.2"
    assert format_number(12.0, "pairs") == "12"
    assert format_number(float("nan")) == "-"


def test_the_report_adds_the_key_figures_to_summary_json(lifecycle_bundle, lifecycle_page):
    saved = json.loads((lifecycle_bundle.path / "summary.json").read_text(encoding="utf-8"))
    figures = key_figures(lifecycle_bundle).set_index("metric")
    assert saved["scenario"] == "synthetic"
    assert set(saved["key_figures"]) == set(figures.index)
    for name, figure in saved["key_figures"].items():
        assert figure["value"] == pytest.approx(figures.loc[name, "value"], nan_ok=True)
        assert figure["unit"] == figures.loc[name, "unit"]
    assert lifecycle_bundle.summary()["key_figures"] == saved["key_figures"]


def test_mean_duration_in_the_summary_is_the_censoring_aware_one(lifecycle_bundle,
                                                                  lifecycle_page):
    saved = json.loads((lifecycle_bundle.path / "summary.json").read_text(encoding="utf-8"))
    table = durations(lifecycle_bundle)
    longest = table.groupby("replication")["duration"].max()
    followed = table[table["censored"]].groupby("replication")["duration"].max()
    # every replication's curve is known up to the shortest of their longest follow-ups
    limit = min([horizon(lifecycle_bundle), *followed[followed == longest[followed.index]]])
    per_replication = [restricted_mean(t["duration"], t["censored"], limit)
                       for _, t in table.groupby("replication")]
    observed = table.groupby("replication")["duration"].mean()
    duration = saved["key_figures"]["mean_duration"]["value"]
    assert table["censored"].any()
    assert duration == pytest.approx(np.mean(per_replication))
    assert duration > observed.mean()  # cut-short pairs pull the naive mean down


def test_report_explains_the_claim_codes_its_description_cites(lifecycle_bundle, tmp_path):
    import dataclasses
    import json as json_module

    manifest = json_module.loads(json_module.dumps(lifecycle_bundle.manifest))
    manifest["scenario"]["description"] = "Competitors win the neglected accounts (C11)."
    cited = dataclasses.replace(lifecycle_bundle, manifest=manifest, path=None)
    html = (write_report(cited, tmp_path)).read_text(encoding="utf-8")
    assert "The codes are claims of the relationship lifecycle theory" in html
    assert "C11: lost interest misses requirements." in html
