"""What a study evaluates at each point: a scenario run through the runner, or a test function.

A model turns one point of the parameter space and one replication into a
few numbers (the metrics of that replication). Models are small picklable
objects, so the runner's executor can send them to worker processes:

- :class:`ScenarioModel` loads the study's scenario with the point's values as
  overrides (``sim.load_scenario(..., overrides=[...])``), simulates one
  replication with the runner and keeps only the replication's key metrics
  (``analysis.metrics.replication_metrics``), so a metric means the same as
  in every other report and a point costs no more than its numbers.
- :class:`FunctionModel` evaluates a registered test function
  (:mod:`explore.functions`) with known indices.

Replication ``r`` uses the same seed at every point (common random numbers):
differences between points come from the parameters, not from the draws.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from explore.functions import FUNCTIONS
from explore.space import ParameterSpace, check_space, yaml_number
from sim.engine import replication_seed
from sim.scenario import Scenario
from sim.yamlsource import Problem, ScenarioError

__all__ = ["FunctionModel", "Model", "PointFailed", "ScenarioModel", "freeze", "model_for",
           "model_from_manifest"]


class PointFailed(Exception):
    """A point could not be evaluated; the message holds the replication's traceback."""


class Model(Protocol):
    """What a study needs of the thing it evaluates."""

    name: str

    def metric_names(self) -> list[str]:
        """Every metric the model can report."""
        ...

    def check(self, space: ParameterSpace) -> None:
        """Raise :class:`ScenarioError` if the space does not fit the model."""
        ...

    def evaluate(self, values: Mapping[str, float], seed: int, replication: int
                 ) -> dict[str, float]:
        """The metrics of one replication at one point."""
        ...


@dataclass(frozen=True)
class ScenarioModel:
    """A scenario, simulated by the runner one replication at a time.

    ``scenario`` is a scenario file or bundled name and ``base`` the
    overrides applied before a point's own. A study freezes the model into
    its bundle (:func:`freeze`), so resuming never depends on files elsewhere.
    """

    scenario: str
    name: str
    base: tuple[str, ...] = ()
    metrics: tuple[str, ...] = ()
    """The metrics to compute (all of :data:`analysis.metrics.METRICS` when empty)."""

    def metric_names(self) -> list[str]:
        """The metrics of the scenario's model (its stages' focal metrics included)."""
        import sim
        from analysis.focal import STAGE_PREFIX
        from analysis.metrics import METRICS
        from sim.models import get_model

        kind = sim.load_scenario(self.scenario, list(self.base)).model
        vocabulary = getattr(get_model(kind), "VOCABULARY", None) or {}
        return ([metric.name for metric in METRICS if metric.model == kind]
                + [f"{STAGE_PREFIX}{stage}" for stage in vocabulary.get("stages", ())])

    def overrides(self, values: Mapping[str, float]) -> list[str]:
        """The point's values as ``path=value`` overrides."""
        return [*self.base, *(f"{path}={yaml_number(value)}" for path, value in values.items())]

    def check(self, space: ParameterSpace) -> None:
        import sim

        check_space(space, lambda more: sim.load_scenario(self.scenario, [*self.base, *more]))

    def evaluate(self, values: Mapping[str, float], seed: int, replication: int
                 ) -> dict[str, float]:
        import sim
        from sim.models import get_model
        from sim.results import Results
        from sim.runner import run_replication

        scenario = sim.load_scenario(self.scenario, self.overrides(values))
        outcome = run_replication(scenario, seed, replication, events=False)
        if outcome.error is not None:
            raise PointFailed(outcome.error)
        manifest = {"scenario": scenario.model_dump(mode="json", by_alias=True),
                    "model": scenario.model}
        vocabulary = getattr(get_model(scenario.model), "VOCABULARY", None)
        if vocabulary is not None:  # as a run's manifest: stages and end reasons by name
            manifest["vocabulary"] = vocabulary
        results = Results(manifest, outcome.tables["pairs"], outcome.tables["timeseries"])
        return _metrics_of(results, self.metrics)


def _metrics_of(results, names: tuple[str, ...]) -> dict[str, float]:
    """The replication's key metrics (all, or those named), as plain numbers."""
    from analysis.metrics import metric_info, replication_metrics

    if not names:
        table = replication_metrics(results)
        return {} if not len(table) else {k: float(v) for k, v in table.iloc[0].items()}
    values = {}
    for name in names:
        series = metric_info(name).compute(results)
        values[name] = float(series.iloc[0]) if series is not None and len(series) else np.nan
    return values


@dataclass(frozen=True)
class FunctionModel:
    """A registered test function (:data:`explore.functions.FUNCTIONS`)."""

    function: str

    @property
    def name(self) -> str:
        return f"function:{self.function}"

    def metric_names(self) -> list[str]:
        return list(FUNCTIONS[self.function].outputs)

    def check(self, space: ParameterSpace) -> None:
        domain = FUNCTIONS[self.function].domain
        problems = []
        for parameter in space.parameters:
            if parameter.path not in domain:
                problems.append(Problem(space.file, parameter.line, parameter.path,
                                        f"no such input of {self.function}; inputs: "
                                        f"{', '.join(domain)}"))
                continue
            low, high = domain[parameter.path]
            if parameter.low < low or parameter.high > high:
                problems.append(Problem(space.file, parameter.line, parameter.path,
                                        f"range must be within [{low:g}, {high:g}]"))
        missing = [name for name in domain if name not in space.paths]
        if missing and not problems:
            problems.append(Problem(space.file, None, "parameters",
                                    f"{self.function} needs every input: missing "
                                    f"{', '.join(missing)}"))
        if problems:
            raise ScenarioError(problems)

    def evaluate(self, values: Mapping[str, float], seed: int, replication: int
                 ) -> dict[str, float]:
        rng = np.random.default_rng(replication_seed(seed, replication))
        return FUNCTIONS[self.function].compute(values, rng)


def model_for(source: str, overrides: Sequence[str] = ()) -> tuple[Model, Scenario | None]:
    """The model of ``source`` (``function:NAME``, a scenario file or a bundled name).

    A scenario is loaded with ``overrides`` (its problems raise
    :class:`ScenarioError`) and comes back with the model (None for a test
    function).
    """
    if source.startswith("function:"):
        name = source.removeprefix("function:")
        if name not in FUNCTIONS:
            raise ScenarioError([Problem(source, None, "", "no such test function; known: "
                                                           + ", ".join(FUNCTIONS))])
        if overrides:
            raise ScenarioError([Problem(source, None, "", "--set applies to scenarios only")])
        return FunctionModel(name), None
    import sim

    scenario = sim.load_scenario(source, overrides)
    model = ScenarioModel(str(sim.scenario.find_scenario(source)), scenario.name,
                          tuple(overrides))
    return model, scenario


def freeze(model: Model, scenario: Scenario | None, folder: Path,
           metrics: Sequence[str] | None = None) -> Model:
    """The model reading the resolved scenario written to ``folder/scenario.yaml``.

    With ``metrics``, only those are computed for each replication.
    """
    if not isinstance(model, ScenarioModel):
        return model
    import yaml

    import sim

    file = folder / "scenario.yaml"
    # What was set, without the defaults: a tenth of the text, and every point reads it.
    written = scenario.model_dump(mode="json", by_alias=True, exclude_unset=True)
    file.write_text(yaml.safe_dump(written, sort_keys=False), encoding="utf-8")
    if sim.load_scenario(file) != scenario:
        resolved = scenario.model_dump(mode="json", by_alias=True)
        file.write_text(yaml.safe_dump(resolved, sort_keys=False), encoding="utf-8")
    return ScenarioModel(str(file), model.name, (), tuple(metrics or ()))


def model_from_manifest(manifest: dict, folder: Path) -> Model:
    """The model a study's manifest describes (for resuming)."""
    if manifest.get("function"):
        return FunctionModel(manifest["function"])
    return ScenarioModel(str(folder / "scenario.yaml"), manifest["scenario"]["name"], (),
                         tuple(manifest.get("metrics") or ()))
