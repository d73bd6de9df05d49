"""The focal suppliers (the incumbents) have key figures of their own beside the market's."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from analysis.focal import focal_pairs
from analysis.metrics import key_figures, replication_metrics


def test_incumbents_figures_are_the_market_figures_of_their_own_pairs(lifecycle_bundle):
    table = replication_metrics(lifecycle_bundle)
    mine = replication_metrics(focal_pairs(lifecycle_bundle))
    np.testing.assert_allclose(table["focal_portfolio_npv"], mine["portfolio_npv"])
    np.testing.assert_allclose(table["focal_lost_to_competitors"], mine["lost_to_competitors"])
    np.testing.assert_allclose(table["focal_reached_long_term"], mine["reached_long_term"])
    share = table["focal_share"] + table["entrant_share"]
    assert (share <= 100 + 1e-9).all()


def test_incumbents_portfolio_npv_counts_only_incumbent_suppliers(lifecycle_bundle):
    pairs = lifecycle_bundle.pairs
    first = pairs[(pairs["replication"] == 0) & ~pairs["entrant"].astype(bool)]
    expected = first.groupby("supplier")["npv"].sum().mean()
    assert replication_metrics(lifecycle_bundle)["focal_portfolio_npv"][0] == pytest.approx(
        expected)


def test_focal_figures_appear_only_where_a_competitor_entered(lifecycle_bundle):
    shown = set(key_figures(lifecycle_bundle)["metric"])
    assert {"focal_share", "focal_portfolio_npv", "focal_lost_to_competitors"} <= shown
    pairs = lifecycle_bundle.pairs.assign(entrant=False)
    no_entry = dataclasses.replace(lifecycle_bundle, pairs=pairs)
    assert not any(m.startswith("focal_") for m in key_figures(no_entry)["metric"])


def test_each_lost_to_competitors_figure_says_its_denominator(lifecycle_bundle):
    units = key_figures(lifecycle_bundle).set_index("metric")["unit"]
    assert units["lost_to_competitors"] == "% of ended relationships"
    assert units["long_term_lost_to_competitors"] == "% of those reaching long-term"
    assert units["focal_lost_to_competitors"] == "% of incumbents' ended relationships"


def test_money_is_labelled_with_the_scenarios_currency_and_scale(lifecycle_bundle):
    import json

    from analysis.plots import plot_outcomes

    manifest = json.loads(json.dumps(lifecycle_bundle.manifest))
    manifest["scenario"]["money_unit"] = "EUR thousand"
    priced = dataclasses.replace(lifecycle_bundle, manifest=manifest)
    units = key_figures(priced).set_index("metric")["unit"]
    assert units["portfolio_npv"] == "EUR thousand per supplier"
    assert units["pair_npv"] == "EUR thousand per pair"
    assert units["focal_portfolio_npv"] == "EUR thousand per incumbent"
    assert key_figures(lifecycle_bundle).set_index("metric")["unit"]["pair_npv"] == \
        "money per pair"
    labels = [ax.get_xlabel() for ax in plot_outcomes(priced).axes if ax.get_visible()]
    assert "EUR thousand per supplier" in labels


def test_money_unit_is_a_scenario_field_with_a_default():
    from sim.scenario import load_scenario

    assert load_scenario("baseline").money_unit == "money"
    assert load_scenario("baseline", ["money_unit=EUR thousand"]).money_unit == "EUR thousand"


# ---------------------------------------------------------------- named focal suppliers

SMALL = ["lifecycle.market.buyers.count=40", "lifecycle.market.suppliers.count=4",
         "horizon=2 years"]


@pytest.fixture(scope="module")
def named_run(tmp_path_factory):
    """A small run without entrants whose scenario names S1 and S3 as its focal suppliers."""
    import sim

    scenario = sim.load_scenario("baseline", [*SMALL, "focal=[S1, S3]"])
    return sim.run(scenario, 4, 5, workers=1, out=tmp_path_factory.mktemp("named") / "a")


def test_the_named_suppliers_are_carried_in_the_manifest(named_run):
    from analysis.focal import focal_names

    assert named_run.manifest["scenario"]["focal"] == ["S1", "S3"]
    assert focal_names(named_run) == ("S1", "S3")


def test_naming_suppliers_makes_the_focal_figures_theirs(named_run):
    pairs = named_run.pairs
    assert not pairs["entrant"].any()  # shown although nobody entered
    mine = pairs[pairs["supplier"].isin(["S1", "S3"])]
    expected_npv = mine.groupby(["replication", "supplier"])["npv"].sum().groupby(
        level="replication").mean()
    expected_share = (mine.groupby("replication")["revenue"].sum()
                      / pairs.groupby("replication")["revenue"].sum() * 100)
    table = replication_metrics(named_run)
    np.testing.assert_allclose(table["focal_portfolio_npv"], expected_npv)
    np.testing.assert_allclose(table["focal_share"], expected_share)
    assert not np.allclose(table["focal_portfolio_npv"], table["portfolio_npv"])
    figures = key_figures(named_run).set_index("metric")
    assert figures.loc["focal_share", "label"] == \
        "S1, S3's share of suppliers' revenue over the run"
    assert figures.loc["focal_portfolio_npv", "label"] == "S1, S3's portfolio NPV"
    assert figures.loc["focal_lost_to_competitors", "unit"] == "% of S1, S3's ended relationships"


def test_focal_pairs_by_stage_follow_the_vocabulary_and_count_the_pairs(named_run):
    from analysis.bundle import stage_rank, stages_of

    stages = stages_of(named_run)
    table = replication_metrics(named_run)
    columns = [f"focal_at_{stage}" for stage in stages]
    figures = key_figures(named_run)
    shown = [m for m in figures["metric"] if m.startswith("focal_at_")]
    assert shown == columns  # in the order of the bundle's stages
    counts = table[columns].to_numpy()
    assert (np.diff(counts, axis=1) <= 0).all()  # reaching a stage means reaching the earlier ones
    pairs = named_run.pairs
    mine = pairs[pairs["supplier"].isin(["S1", "S3"])]
    np.testing.assert_array_equal(counts[:, 0], mine.groupby("replication").size())
    rank = stage_rank(mine["furthest_stage"], stages)
    by_furthest = [(rank == i).groupby(mine["replication"]).sum() for i in range(len(stages))]
    # pairs reaching a stage = pairs whose furthest stage is it or a later one
    np.testing.assert_array_equal(counts, np.cumsum(np.array(by_furthest)[::-1], axis=0)[::-1].T)
    labels = figures.set_index("metric")["label"]
    assert labels["focal_at_long_term"] == "S1, S3's pairs reaching long-term"


def test_incumbents_pairs_by_stage_are_labelled_as_theirs(lifecycle_bundle):
    labels = key_figures(lifecycle_bundle).set_index("metric")["label"]
    assert labels["focal_at_development"] == "incumbents' pairs reaching development"


def test_compare_shows_the_focal_figures_for_both_scenarios(named_run, tmp_path,
                                                             dyadsim_analysis):
    import sim
    from analysis.compare import compare

    scenario = sim.load_scenario("baseline", [*SMALL, "focal=[S1, S3]",
                                              "lifecycle.market.initial_awareness=4"])
    other = sim.run(scenario, 4, 5, workers=1, out=tmp_path / "b")
    rows = compare([named_run, other]).differences.set_index("metric")
    assert rows.loc["focal_at_early", "label"] == "S1, S3's pairs reaching early"
    expected = replication_metrics(other)["focal_at_early"].mean()
    assert rows.loc["focal_at_early", "value"] == pytest.approx(expected)
    shown = dyadsim_analysis("compare", named_run.path, tmp_path / "b")
    assert shown.returncode == 0, shown.stderr
    assert "S1, S3's pairs reaching early" in shown.stdout
    assert "S1, S3's portfolio NPV" in shown.stdout


def test_an_unknown_focal_supplier_is_one_line_and_exit_2(tmp_path, dyadsim_analysis):
    path = tmp_path / "ours.yaml"
    path.write_text("extends: baseline\nname: ours\nfocal:\n  - S1\n  - S13\n", encoding="utf-8")
    shown = dyadsim_analysis("run", path, "--replications", "1")
    assert shown.returncode == 2
    assert shown.stderr.strip() == (f"{path}:5: focal[1]: no supplier is called 'S13'; "
                                    "the incumbent suppliers are S1..S12")
    assert not (tmp_path / "results").exists()


def test_focal_names_are_checked_against_the_market():
    from sim.scenario import ScenarioError, load_scenario

    def problem(*overrides: str, name: str = "baseline") -> str:
        with pytest.raises(ScenarioError) as error:
            load_scenario(name, list(overrides))
        (only,) = error.value.problems
        return f"{only.path}: {only.message}"

    assert problem("focal=[E1]") == "focal[0]: no supplier is called 'E1'; the entrants are none"
    assert problem("focal=[buyer]").startswith("focal[0]: no supplier is called 'buyer'")
    assert load_scenario("competitor_entry", ["focal=[E3]"]).focal == ["E3"]
    assert problem("focal=[E3]", "lifecycle.entry.times=[1 year]").endswith("are E1..E1")
    assert load_scenario("baseline", ["focal=[E7]", "lifecycle.entry.rate=1"]).focal == ["E7"]
    assert problem("focal=[S1]", name="markov_retention") == (
        "focal[0]: names suppliers of the lifecycle model; the markov model has none")


def test_compare_warns_when_the_runs_name_different_focal_suppliers():
    from sim.cli_comparable import comparability_warnings
    from sim.scenario import load_scenario

    ours = load_scenario("baseline", ["focal=[S1, S3]"])
    default = load_scenario("baseline")
    assert comparability_warnings(["ours", "base"], [ours, default]) == [
        "warning: the focal suppliers differ (ours S1, S3; base the incumbents); the focal "
        "figures follow different suppliers, labelled as in ours"]
    assert comparability_warnings(["ours", "again"], [ours, ours]) == []


def test_a_named_supplier_no_replication_has_is_said_in_one_line(named_run, capsys):
    import json

    from analysis.focal import absent_focal
    from sim.cli_common import warn_absent_focal

    manifest = json.loads(json.dumps(named_run.manifest))
    manifest["scenario"]["focal"] = ["S1", "E4"]
    missing = dataclasses.replace(named_run, manifest=manifest)
    assert absent_focal(missing) == ["E4"]
    assert absent_focal(named_run) == []
    warn_absent_focal(missing)
    assert capsys.readouterr().err.strip() == (
        "focal[1]: no replication has a supplier called 'E4'; the focal figures leave it out")
