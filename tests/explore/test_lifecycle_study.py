"""A Morris study of a tiny lifecycle market: default metrics, notes, and points that replay."""

from __future__ import annotations

import pytest

from explore.models import model_for, model_from_manifest
from explore.space import load_space
from explore.study import DEFAULT_METRICS, sensitivity
from sim.yamlsource import ScenarioError

SPACE = """
parameters:
  lifecycle.policy.adaptation_hurdle: {bounds: [0.5, 4]}
  lifecycle.market.suppliers.count: {bounds: [3, 12], integer: true}
"""
TINY = ("lifecycle.market.buyers.count=20", "horizon=1 years")


@pytest.fixture(scope="module")
def study(tmp_path_factory):
    folder = tmp_path_factory.mktemp("lifecycle")
    (folder / "space.yaml").write_text(SPACE)
    return sensitivity("baseline", folder / "space.yaml", "morris", 2, replications=1,
                       workers=1, overrides=TINY, out=folder / "s")


def test_without_metrics_asked_the_first_four_defaults_the_model_reports_are_analysed(study):
    reported = [m for m in DEFAULT_METRICS if m in study.runs.columns]
    assert study.manifest["analysed"] == reported[:4]
    assert set(study.indices["metric"]) <= set(reported[:4])


def test_every_analysed_metric_has_indices_or_a_note_saying_why_not(study):
    noted = {note.split(":")[0] for note in study.notes}
    analysed = set(study.manifest["analysed"])
    assert set(study.indices["metric"]) | noted == analysed
    assert not set(study.indices["metric"]) & noted
    for metric in noted:
        values = study.runs[metric]
        assert values.nunique() == 1 or values.isna().any(), metric


def test_whole_number_parameters_reach_the_scenario_as_whole_numbers(study):
    counts = study.runs["lifecycle.market.suppliers.count"]
    assert counts.eq(counts.round()).all() and counts.between(3, 12).all()
    assert study.manifest["scenario"]["lifecycle"]["market"]["buyers"]["count"] == 20


def test_a_point_replays_to_the_same_numbers_from_the_study_folder(study):
    model = model_from_manifest(study.manifest, study.path)
    row = study.runs.iloc[3]
    values = {path: float(row[path]) for path in study.space.paths}
    again = model.evaluate(values, study.manifest["seed"], int(row["replication"]))
    for metric in ("reached_development", "reached_long_term", "pairs"):
        assert again[metric] == row[metric]


def test_the_ranking_table_of_the_command_titles_the_metric_in_words(study):
    from explore.cli import ranking_table

    # in one year no pair gets past development: the duration is a metric the parameters move
    table = ranking_table(study, "mean_duration")
    assert "duration" in str(table.title) and "ranked, ± 95% interval" in str(table.title)
    assert [column.header for column in table.columns] == ["rank", "parameter", "mu*", "sigma"]
    assert table.row_count == 2
    assert ranking_table(study, "no_such_metric") is None


def test_both_ends_of_a_range_beyond_a_probability_are_reported_at_one_line(write_yaml):
    file = write_yaml("space.yaml", """
        parameters:
          lifecycle.relationship.trial.share: {bounds: [-0.1, 1.5]}
        """)
    model, _ = model_for("baseline")
    with pytest.raises(ScenarioError) as refused:
        model.check(load_space(file))
    assert [str(p) for p in refused.value.problems] == [
        f"{file}:2: lifecycle.relationship.trial.share: low end -0.1: must be greater than or "
        "equal to 0, got -0.1",
        f"{file}:2: lifecycle.relationship.trial.share: high end 1.5: must be less than or "
        "equal to 1, got 1.5"]


def test_without_a_sample_size_a_morris_study_takes_ten_trajectories(write_yaml, tmp_path):
    space = write_yaml("space.yaml", "parameters:\n  x1: {bounds: [-3, 3]}\n"
                                     "  x2: {bounds: [-3, 3]}\n  x3: {bounds: [-3, 3]}\n")
    study = sensitivity("function:ishigami", space, replications=1, workers=1,
                        out=tmp_path / "s")
    assert (study.manifest["method"], study.manifest["samples"]) == ("morris", 10)
    assert study.manifest["points"] == 10 * 4 and len(study.runs) == 40
