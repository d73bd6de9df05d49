"""The report's parts on their own: numbers, tables, provenance, where it writes; focal pairs."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.focal import absent_focal, focal_pairs, focal_share, reaching, whose
from analysis.report import (
    end_reasons_table,
    format_interval,
    format_number,
    key_figures_table,
    provenance,
    summary_table,
    write_report,
)
from sim.models.lifecycle.vocabulary import VOCABULARY
from sim.results import Results


@pytest.mark.parametrize("value, unit, text", [
    (None, "", "-"),
    (float("inf"), "", "-"),
    (12.345, "% of ended relationships", "12.3%"),
    (-3.25, "pp", "-3.2 pp"),
    (4.0, "pp", "+4.0 pp"),
    (-1500.4, "money", "-1,500"),
    (250.0, "weeks", "250"),
    (999.94, "weeks", "999.9"),
    (999.96, "weeks", "1,000"),          # shown at the size it rounds to
    (99.996, "", "100.0"),
    (5.678, "", "5.68"),
    (0.05, "", "0.0500"),
    (-0.5, "", "-0.500"),
    (3, "", "3"),
])
def test_a_number_is_written_with_the_precision_its_size_and_unit_call_for(value, unit, text):
    assert format_number(value, unit) == text


def test_an_interval_is_two_numbers_or_a_dash():
    assert format_interval(1.25, 3.5) == "1.25 to 3.50"
    assert format_interval(10.0, 20.0, "%") == "10.0% to 20.0%"
    assert format_interval(float("nan"), 2.0) == "-"
    assert format_interval(1.0, float("inf")) == "-"


def test_the_key_figures_table_formats_each_row_in_its_unit():
    figures = pd.DataFrame({"metric": ["a", "b"], "label": ["share", "pairs"],
                            "value": [33.333, 120.0], "low": [30.0, float("nan")],
                            "high": [36.5, float("nan")], "unit": ["%", "pairs"]})
    table = key_figures_table(figures)
    assert table.columns == ["figure", "mean", "95% interval", "unit"]
    assert table.rows == [["share", "33.3%", "30.0% to 36.5%", "%"],
                          ["pairs", "120", "-", "pairs"]]


def run(pairs, manifest=None, summary=None, path=None) -> Results:
    manifest = manifest if manifest is not None else {
        "vocabulary": VOCABULARY, "scenario": {"name": "tiny", "horizon": 100}}
    return Results(manifest, pairs, pd.DataFrame(), None, summary or {}, path)


ENDED = pd.DataFrame({
    "replication": [0, 0, 0, 1, 1, 1],
    "end_stage": ["early", "early", "development", "early", "early", "long_term"],
    "end_reason": ["distance", "competitor", "competitor", "distance", "distance", None],
    "censored": [False, False, False, False, False, True],
})


def test_the_end_reasons_table_gives_endings_per_replication_and_their_share():
    table = end_reasons_table(run(ENDED))
    assert table.columns == ["stage", "distance", "competitor", "all"]
    # five endings over two replications: early 3 distance + 1 competitor, development 1
    assert table.rows == [["early", "1.5 (60%)", "0.5 (20%)", "2.0 (80%)"],
                          ["development", "0.0 (0%)", "0.5 (20%)", "0.5 (20%)"],
                          ["all stages", "1.5 (60%)", "1.0 (40%)", "2.5 (100%)"]]


def test_no_endings_give_no_end_reasons_table():
    assert end_reasons_table(run(ENDED.assign(censored=True))) is None
    assert end_reasons_table(run(ENDED.drop(columns="end_reason"))) is None


def test_the_summary_table_holds_the_models_own_scalars_only():
    results = run(ENDED, summary={"scenario": "tiny", "model": "markov", "replications": 3,
                                  "analytic_value": 1234.5678, "converged": True,
                                  "sellers": 2, "note": "ok", "shares": [0.1, 0.9]})
    table = summary_table(results)
    assert table.rows == [["analytic value", "1,235"], ["converged", "True"], ["sellers", "2"],
                          ["note", "ok"]]
    assert summary_table(run(ENDED, summary={"scenario": "tiny"})) is None


def test_provenance_says_how_to_reproduce_the_run_and_which_replications_failed(tmp_path):
    manifest = {"scenario": {"name": "neglect"}, "model": "lifecycle", "seed": 42,
                "replications": 5, "done": 4, "status": "failed", "dyadsim_version": "9.9",
                "failures": [{"replication": 1}, {"replication": 3}]}
    items = dict(provenance(run(ENDED, manifest, path=tmp_path)))
    assert items["scenario"] == "neglect" and items["seed"] == "42"
    assert items["replications"] == "4 of 5" and items["status"] == "failed"
    assert items["bundle"] == str(tmp_path)
    assert items["failed replications"] == "1, 3"
    bare = dict(provenance(Results({}, ENDED, pd.DataFrame())))
    assert bare["model"] == "-" and bare["replications"] == "- of -" and bare["bundle"] == "-"
    assert "failed replications" not in bare


def test_results_in_memory_need_a_folder_to_be_reported_into():
    with pytest.raises(ValueError, match="need an output folder"):
        write_report(run(ENDED))


@pytest.fixture
def one_figure(monkeypatch):
    """The report draws one small figure instead of every figure of the bundle."""
    from analysis import plots

    def one(results):
        figure, ax = plots.new_figure("one figure")
        ax.plot([0, 1], [0, 1])
        return [plots.Plot("one", figure, "a caption")]
    monkeypatch.setattr(plots, "figures", one)


def test_a_report_written_elsewhere_leaves_the_bundles_summary_alone(lifecycle_bundle, tmp_path,
                                                                     one_figure):
    summary_file = lifecycle_bundle.path / "summary.json"
    before = summary_file.read_text(encoding="utf-8")
    page = write_report(lifecycle_bundle.path, out=tmp_path / "elsewhere")
    assert page == tmp_path / "elsewhere" / "report.html"
    assert summary_file.read_text(encoding="utf-8") == before
    assert [p.name for p in (tmp_path / "elsewhere" / "plots").iterdir()] == ["one.png"]
    assert "a caption" in page.read_text(encoding="utf-8")


def test_the_report_escapes_a_scenario_description(tmp_path, one_figure):
    manifest = {"vocabulary": VOCABULARY, "model": "lifecycle",
                "scenario": {"name": "a <b> name", "horizon": 100,
                             "description": "costs < 5 & <script>alert(1)</script>"}}
    html = write_report(run(ENDED, manifest), out=tmp_path).read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html and "a &lt;b&gt; name" in html


# ---------------------------------------------------------------- focal suppliers


PAIRS = pd.DataFrame({
    "replication": [0, 0, 0, 1, 1],
    "supplier": ["S1", "S2", "E1", "S1", "E1"],
    "entrant": [False, False, True, False, True],
    "revenue": [100.0, 50.0, 50.0, 0.0, 40.0],
    "furthest_stage": ["long_term", "early", "final", "pre", "development"],
})


def named(*names) -> Results:
    return run(PAIRS, {"vocabulary": VOCABULARY, "scenario": {"horizon": 100,
                                                              "focal": list(names)}})


def test_the_focal_pairs_are_the_incumbents_by_default_and_the_named_suppliers_otherwise():
    assert focal_pairs(run(PAIRS)).pairs["supplier"].tolist() == ["S1", "S2", "S1"]
    assert focal_pairs(named("E1")).pairs["supplier"].tolist() == ["E1", "E1"]
    assert focal_pairs(run(PAIRS.drop(columns="entrant"))) is None
    assert focal_pairs(run(PAIRS.drop(columns="supplier"), named("S1").manifest)) is None


def test_whose_figures_says_the_names_or_the_incumbents():
    assert whose(named("S1", "S2")) == "S1, S2's" and whose(run(PAIRS)) == "incumbents'"


def test_a_named_supplier_without_pairs_is_reported_absent():
    assert absent_focal(named("S1", "S9", "S8")) == ["S9", "S8"]
    assert absent_focal(run(PAIRS)) == []


def test_the_named_suppliers_share_is_their_revenue_over_all_pairs_revenue():
    share = focal_share(lambda results: None)(named("S1"))
    # replication 0: 100 of 200; replication 1: 0 of 40
    assert share.tolist() == pytest.approx([50.0, 0.0])
    by_default = focal_share(lambda results: pd.Series([7.0]))(run(PAIRS))
    assert by_default.tolist() == [7.0]  # the incumbents' share comes from the time series


def test_a_replication_without_revenue_has_no_named_share():
    share = focal_share(lambda results: None)(run(PAIRS.assign(revenue=0.0),
                                                 named("S1").manifest))
    assert share.isna().all()


def test_focal_pairs_reaching_a_stage_count_zero_where_there_are_none():
    counts = reaching("long_term")(run(PAIRS))
    # replication 0: S1 reached long-term; replication 1: S1 stayed in pre
    assert counts.to_dict() == {0: 1.0, 1: 0.0}
    assert reaching("development")(named("E1")).to_dict() == {0: 1.0, 1: 1.0}
    assert reaching("no_such_stage")(run(PAIRS)) is None


def test_focal_figures_of_named_suppliers_show_without_entrants():
    from analysis.metrics import key_figures

    pairs = PAIRS.assign(entrant=False, start=0.0, end=50.0, censored=False,
                         npv=[10.0, 20.0, 30.0, 40.0, 50.0])
    figures = key_figures(run(pairs, named("S1").manifest)).set_index("metric")
    assert figures.loc["focal_portfolio_npv", "label"] == "S1's portfolio NPV"
    # S1's portfolio: 10 in replication 0, 40 in replication 1
    assert figures.loc["focal_portfolio_npv", "value"] == pytest.approx(25.0)
    assert not any(m.startswith("focal_") for m in key_figures(run(pairs))["metric"])
