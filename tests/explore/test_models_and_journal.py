"""What a study evaluates at a point, and the journal that keeps every finished task."""

from __future__ import annotations

import json

import numpy as np
import pytest

from explore.execute import Journal, Record, Task, evaluate_task, evaluate_tasks
from explore.functions import FUNCTIONS
from explore.models import (
    FunctionModel,
    PointFailed,
    ScenarioModel,
    freeze,
    model_for,
    model_from_manifest,
)
from explore.space import Parameter, ParameterSpace
from sim.yamlsource import ScenarioError

PI = np.pi


def space_of(*parameters):
    return ParameterSpace(tuple(Parameter(path, path, "uniform", low, high, line=line)
                                for line, (path, low, high) in enumerate(parameters, 2)),
                          file="space.yaml")


def problems(call):
    with pytest.raises(ScenarioError) as refused:
        call()
    return [str(p) for p in refused.value.problems]


# ---------------------------------------------------------------- test functions


def test_a_function_accepts_a_space_of_exactly_its_inputs_within_its_domain():
    model = FunctionModel("ishigami")
    model.check(space_of(("x1", -PI, PI), ("x2", -1, 1), ("x3", 0, PI)))
    assert model.name == "function:ishigami" and model.metric_names() == ["y"]


def test_a_function_refuses_unknown_inputs_ranges_beyond_its_domain_and_missing_inputs():
    model = FunctionModel("ishigami")
    assert problems(lambda: model.check(space_of(("x1", -PI, PI), ("x4", 0, 1),
                                                 ("x3", -4, 0)))) == [
        "space.yaml:3: x4: no such input of ishigami; inputs: x1, x2, x3",
        "space.yaml:4: x3: range must be within [-3.14159, 3.14159]"]
    assert problems(lambda: model.check(space_of(("x1", -PI, PI)))) == [
        "space.yaml: parameters: ishigami needs every input: missing x2, x3"]


def test_a_function_replication_draws_from_its_own_seed_stream():
    model = FunctionModel("noisy_ishigami")
    point = {"x1": 0.3, "x2": -1.0, "x3": 2.0}
    first = model.evaluate(point, 5, 0)["y"]
    assert model.evaluate(point, 5, 0)["y"] == first
    assert model.evaluate(point, 5, 1)["y"] != first
    assert model.evaluate(point, 6, 0)["y"] != first
    exact = FunctionModel("ishigami").evaluate(point, 5, 0)["y"]
    noise = np.random.default_rng(np.random.SeedSequence(5, spawn_key=(0,))).standard_normal()
    assert first == pytest.approx(exact + noise)


def test_model_for_knows_functions_and_refuses_unknown_ones_and_their_overrides():
    model, scenario = model_for("function:ishigami")
    assert model == FunctionModel("ishigami") and scenario is None
    assert problems(lambda: model_for("function:rosenbrock")) == [
        "function:rosenbrock: no such test function; known: " + ", ".join(FUNCTIONS)]
    assert problems(lambda: model_for("function:ishigami", ["seed=3"])) == [
        "function:ishigami: --set applies to scenarios only"]


# ---------------------------------------------------------------- scenarios


@pytest.fixture
def retention():
    return model_for("markov_retention", ["markov.customers=200"])


def test_a_scenario_point_becomes_its_base_overrides_then_its_own_values(retention):
    model, scenario = retention
    assert scenario.markov.customers == 200 and model.name == "markov_retention"
    assert model.overrides({"markov.discount_rate": 0.25, "markov.reward[0]": 1e-05}) == [
        "markov.customers=200", "markov.discount_rate=0.25", "markov.reward[0]=1.0e-05"]


def test_a_frozen_model_reads_its_own_copy_of_the_scenario(retention, tmp_path):
    model, scenario = retention
    frozen = freeze(model, scenario, tmp_path, ["customer_value"])
    assert frozen.scenario == str(tmp_path / "scenario.yaml") and frozen.base == ()
    assert frozen.metrics == ("customer_value",)
    import sim

    assert sim.load_scenario(tmp_path / "scenario.yaml") == scenario
    values = {"markov.discount_rate": 0.2}
    assert frozen.evaluate(values, 3, 1)["customer_value"] == model.evaluate(
        values, 3, 1)["customer_value"]
    manifest = {"function": None, "scenario": {"name": "markov_retention"},
                "metrics": ["customer_value"]}
    assert model_from_manifest(manifest, tmp_path) == frozen
    assert freeze(FunctionModel("ishigami"), None, tmp_path) == FunctionModel("ishigami")
    assert model_from_manifest({"function": "ishigami"}, tmp_path) == FunctionModel("ishigami")


def test_a_scenario_point_reports_only_the_metrics_asked_for(retention, tmp_path):
    model, scenario = retention
    frozen = freeze(model, scenario, tmp_path, ["customer_value"])
    point = frozen.evaluate({"markov.discount_rate": 0.2}, 3, 1)
    assert list(point) == ["customer_value"] and np.isfinite(point["customer_value"])
    everything = model.evaluate({"markov.discount_rate": 0.2}, 3, 1)
    assert everything["customer_value"] == point["customer_value"]


def test_a_replication_that_fails_raises_point_failed_with_its_traceback(
        retention, break_replication):
    model, _ = retention
    break_replication(1, RuntimeError("the chain broke"))
    assert np.isfinite(model.evaluate({}, 3, 0)["customer_value"])
    with pytest.raises(PointFailed, match="the chain broke"):
        model.evaluate({}, 3, 1)


# ---------------------------------------------------------------- tasks and the journal


class Flaky:
    """A model that fails at the points named, with the exception given."""

    name = "flaky"

    def __init__(self, failing: dict[int, Exception]):
        self.failing = failing

    def evaluate(self, values, seed, replication):
        if values["point"] in self.failing:
            raise self.failing[values["point"]]
        return {"y": values["point"] * 10 + replication + seed / 1000}


def test_a_task_that_raises_comes_back_as_a_record_with_the_error():
    model = Flaky({1: PointFailed("replication failed: bad luck"), 2: ZeroDivisionError("x")})
    good = evaluate_task(model, Task(0, 1, {"point": 0}), 7)
    assert good == Record(0, 1, {"y": 1.007})
    failed = evaluate_task(model, Task(1, 0, {"point": 1}), 7)
    assert failed.metrics is None and failed.error == "replication failed: bad luck"
    crashed = evaluate_task(model, Task(2, 0, {"point": 2}), 7)
    assert crashed.error.startswith("Traceback") and "ZeroDivisionError: x" in crashed.error


def test_the_journal_keeps_the_latest_record_of_each_task_and_skips_a_cut_line(tmp_path):
    journal = Journal(tmp_path / "runs.jsonl")
    assert journal.read() == {}
    journal.append(Record(0, 0, error="first try failed"))
    journal.append(Record(0, 1, {"y": 2.0}))
    journal.append(Record(0, 0, {"y": 1.0}))
    journal.close()
    with (tmp_path / "runs.jsonl").open("a") as handle:
        handle.write('{"point": 1, "replication": 0, "metr')  # a crash mid-line
        handle.write("\n" + json.dumps({"replication": 3}) + "\n")
    records = Journal(tmp_path / "runs.jsonl").read()
    assert records == {(0, 0): Record(0, 0, {"y": 1.0}), (0, 1): Record(0, 1, {"y": 2.0})}


def test_evaluating_tasks_journals_every_one_and_reports_progress(tmp_path):
    model = Flaky({2: ValueError("no")})
    tasks = [Task(p, r, {"point": p}) for p in range(4) for r in range(2)]
    seen = []
    journal = Journal(tmp_path / "runs.jsonl")
    stopped = evaluate_tasks(model, tasks, 1, journal, workers=1,
                             progress=lambda done, total: seen.append((done, total)),
                             already=3, total=11)
    assert stopped is False
    assert seen == [(done, 11) for done in range(3, 12)]
    records = journal.read()
    assert len(records) == 8
    assert {key for key, record in records.items() if record.error} == {(2, 0), (2, 1)}
    assert records[(3, 1)].metrics == {"y": 31.001}


def test_ctrl_c_while_evaluating_keeps_what_finished(tmp_path):
    class Interrupting(Flaky):
        def evaluate(self, values, seed, replication):
            if values["point"] == 2:
                raise KeyboardInterrupt
            return super().evaluate(values, seed, replication)

    journal = Journal(tmp_path / "runs.jsonl")
    tasks = [Task(p, 0, {"point": p}) for p in range(5)]
    assert evaluate_tasks(Interrupting({}), tasks, 1, journal, workers=1) is True
    assert set(journal.read()) == {(0, 0), (1, 0)}


@pytest.mark.parametrize("scenario", ["baseline", "loyalty_two_sellers", "markov_migration"])
def test_a_scenario_offers_exactly_the_metrics_its_model_reports(scenario):
    # one real replication of each model: every metric offered has a value, and
    # none of the others has (a study asking for one would be all undefined)
    model = ScenarioModel(scenario, scenario)
    values = model.evaluate({}, 1, 0)
    assert sorted(model.metric_names()) == sorted(k for k, v in values.items() if np.isfinite(v))
