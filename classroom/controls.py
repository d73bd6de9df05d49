"""The classroom's controls: plain-language knobs, each written to scenario paths.

A control reads its value from a loaded scenario and writes a new value back
as ``--set`` overrides (``path=value`` in YAML syntax), so everything the app
runs is an ordinary scenario that :func:`sim.load_scenario` checks, and the
scenario a student downloads is one ``dyadsim run`` accepts. Run settings
(horizon, replications, market size) apply to the reference run too; the
others are the change a student makes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import yaml

from sim.scenario import Scenario, load_scenario
from sim.units import Beta, Normal, counted

__all__ = [
    "APP_LIMITS",
    "CONTROLS",
    "Control",
    "apply_controls",
    "control",
    "control_values",
    "overrides",
    "scenario_yaml",
    "start_values",
]

WEEKS_PER_YEAR = 52.0


@dataclass(frozen=True)
class Control:
    """One knob of the app.

    ``paths`` are the scenario fields it writes; ``read`` gives its value in
    a scenario, ``write`` the overrides for a value. ``shared`` controls are
    run settings applied to the reference run as well.
    """

    name: str
    label: str
    unit: str
    low: float
    high: float
    step: float
    paths: tuple[str, ...]
    read: Callable[[Scenario], float]
    write: Callable[[float, Scenario], list[str]]
    shared: bool = False
    kind: str = "slider"
    help: str = ""


def _flow(value: object) -> str:
    """A value in one line of YAML, as an override's right-hand side."""
    return yaml.safe_dump(value, default_flow_style=True, width=10_000).strip().removesuffix(
        "\n...").strip()


def _set(path: str, value: object) -> str:
    return f"{path}={_flow(value)}"


# ---------------------------------------------------------------- distance

# Positions of suppliers on the cultural and technological axes: Beta(2, 2) like
# the buyers at 0 (baseline), Beta(5, 1.5) at 1 (high_distance), linear between.
_NEAR, _FAR = (2.0, 2.0), (5.0, 1.5)


def _distance_read(scenario: Scenario) -> float:
    culture = scenario.lifecycle.market.suppliers.culture
    if not isinstance(culture, Beta):
        return 0.0
    return round(min(1.0, max(0.0, (culture.a - _NEAR[0]) / (_FAR[0] - _NEAR[0]))), 2)


def _distance_write(value: float, scenario: Scenario) -> list[str]:
    a = _NEAR[0] + value * (_FAR[0] - _NEAR[0])
    b = _NEAR[1] + value * (_FAR[1] - _NEAR[1])
    shape = {"dist": "beta", "a": round(a, 3), "b": round(b, 3)}
    return [_set(f"lifecycle.market.suppliers.{axis}", shape) for axis in ("culture", "technology")]


# ---------------------------------------------------------------- skills


def _skill_read(name: str) -> Callable[[Scenario], float]:
    def read(scenario: Scenario) -> float:
        return round(float(getattr(scenario.lifecycle.skills, name).mean()), 2)
    return read


def _skill_write(name: str) -> Callable[[float, Scenario], list[str]]:
    def write(value: float, scenario: Scenario) -> list[str]:
        current = getattr(scenario.lifecycle.skills, name)
        # Keep the spread of the scenario's own beta: only the mean skill moves.
        strength = current.a + current.b if isinstance(current, Beta) else 10.0
        mean = min(0.98, max(0.02, value))
        shape = {"dist": "beta", "a": round(mean * strength, 3),
                 "b": round((1 - mean) * strength, 3)}
        return [_set(f"lifecycle.skills.{name}", shape)]
    return write


# ---------------------------------------------------------------- entry


def _entry_times(scenario: Scenario) -> list[float]:
    return sorted(scenario.lifecycle.entry.times)


def _entry_on_read(scenario: Scenario) -> float:
    return 1.0 if _entry_times(scenario) else 0.0


def _entry_year_read(scenario: Scenario) -> float:
    times = _entry_times(scenario)
    return round(times[0] / WEEKS_PER_YEAR) if times else 5.0


def entry_overrides(on: bool, year: float, scenario: Scenario) -> list[str]:
    """Overrides for a competitor's entry: ``on`` at ``year`` (years after the start).

    A scenario with several scheduled entries keeps their number, a year apart.
    """
    if not on:
        return [_set("lifecycle.entry.times", [])]
    count = max(1, len(_entry_times(scenario)))
    return [_set("lifecycle.entry.times", [counted(int(year) + i, "year") for i in range(count)])]


# ---------------------------------------------------------------- the list


def _attention_write(value: float, scenario: Scenario) -> list[str]:
    return [_set(f"lifecycle.policy.attention.{stage}", round(value, 3))
            for stage in ("long_term", "final")]


def _alternatives_read(scenario: Scenario) -> float:
    alternative = scenario.lifecycle.market.buyers.alternative_value
    return round(float(alternative.mean()), 2)


def _alternatives_write(value: float, scenario: Scenario) -> list[str]:
    current = scenario.lifecycle.market.buyers.alternative_value
    sd = current.sd if isinstance(current, Normal) else 0.08
    shape = {"dist": "normal", "mean": round(value, 3), "sd": sd, "low": 0, "high": 1}
    return [_set("lifecycle.market.buyers.alternative_value", shape)]


def _field(path: str, getter: Callable[[Scenario], float], digits: int = 2,
           scale: float = 1.0, unit_text: str = "") -> tuple[Callable, Callable]:
    def read(scenario: Scenario) -> float:
        return round(float(getter(scenario)) / scale, digits)

    def write(value: float, scenario: Scenario) -> list[str]:
        number = round(value) if digits == 0 else round(value * scale, 3)
        return [_set(path, counted(number, unit_text) if unit_text else number)]
    return read, write


_suppliers = _field("lifecycle.market.suppliers.count",
                    lambda s: s.lifecycle.market.suppliers.count, digits=0)
_marketing = _field("lifecycle.market.suppliers.marketing_rate",
                    lambda s: s.lifecycle.market.suppliers.marketing_rate.mean(), digits=0)
_hurdle = _field("lifecycle.policy.adaptation_hurdle",
                 lambda s: s.lifecycle.policy.adaptation_hurdle, digits=1)
_horizon = _field("horizon", lambda s: s.horizon, digits=0, scale=WEEKS_PER_YEAR,
                  unit_text="year")
_replications = _field("replications", lambda s: s.replications, digits=0)
_buyers = _field("lifecycle.market.buyers.count", lambda s: s.lifecycle.market.buyers.count,
                 digits=0)

CONTROLS: tuple[Control, ...] = (
    Control("distance", "Cultural and technological distance between suppliers and buyers",
            "0 = suppliers like the buyers, 1 = another business culture and technology",
            0.0, 1.0, 0.05, ("lifecycle.market.suppliers.culture",
                             "lifecycle.market.suppliers.technology"),
            _distance_read, _distance_write),
    Control("attention", "Suppliers' attention to long-term and final customers",
            "attention units per week and customer", 0.0, 1.5, 0.05,
            ("lifecycle.policy.attention.long_term", "lifecycle.policy.attention.final"),
            lambda s: round(s.lifecycle.policy.attention.long_term, 2), _attention_write),
    Control("entry", "A new competitor enters the market", "on or off", 0, 1, 1,
            ("lifecycle.entry.times",), _entry_on_read,
            lambda value, s: entry_overrides(bool(value), _entry_year_read(s), s),
            kind="switch"),
    Control("entry_year", "Year the new competitor enters", "years after the start",
            1, 15, 1, ("lifecycle.entry.times",), _entry_year_read,
            lambda value, s: entry_overrides(True, value, s)),
    Control("suppliers", "Number of suppliers", "incumbent suppliers", 2, 30, 1,
            ("lifecycle.market.suppliers.count",), *_suppliers),
    Control("marketing", "Suppliers' marketing", "contacts per supplier per year", 0, 150, 5,
            ("lifecycle.market.suppliers.marketing_rate",), *_marketing),
    Control("alternatives", "Attractiveness of buyers' outside options",
            "value per order of the spot market, 0 to 1", 0.2, 0.8, 0.05,
            ("lifecycle.market.buyers.alternative_value",), _alternatives_read,
            _alternatives_write),
    Control("adaptation_hurdle", "Gain suppliers demand before adapting",
            "forecast gain as a multiple of the adaptation's cost", 0.0, 6.0, 0.1,
            ("lifecycle.policy.adaptation_hurdle",), *_hurdle),
    Control("problem_solving", "Suppliers' problem-solving skill",
            "mean over suppliers, 0 = none, 1 = excellent", 0.05, 0.95, 0.05,
            ("lifecycle.skills.problem_solving",), _skill_read("problem_solving"),
            _skill_write("problem_solving")),
    Control("conflict_resolution", "Suppliers' conflict-resolution skill",
            "mean over suppliers, 0 = none, 1 = excellent", 0.05, 0.95, 0.05,
            ("lifecycle.skills.conflict_resolution",), _skill_read("conflict_resolution"),
            _skill_write("conflict_resolution")),
    Control("horizon", "How long the market is simulated", "years", 1, 15, 1, ("horizon",),
            *_horizon, shared=True),
    Control("buyers", "Number of buyers", "buyers in the market", 20, 300, 10,
            ("lifecycle.market.buyers.count",), *_buyers, shared=True,
            help="fewer buyers answer faster"),
    Control("replications", "Replications", "runs of the same market, each with its own luck",
            2, 40, 1, ("replications",), *_replications, shared=True,
            help="more replications give narrower intervals but take longer"),
)
"""Every control of the app, in the order the sidebar shows them."""

_BY_NAME = {c.name: c for c in CONTROLS}


def control(name: str) -> Control:
    """The control called ``name``."""
    return _BY_NAME[name]


def control_values(scenario: Scenario) -> dict[str, float]:
    """The value of every control in ``scenario``."""
    return {c.name: c.read(scenario) for c in CONTROLS}


def overrides(scenario: Scenario, values: Mapping[str, float], shared: bool | None = None
              ) -> list[str]:
    """Overrides that move ``scenario`` to ``values`` (only controls whose value differs).

    ``shared`` keeps only the run settings (True) or only the change (False).
    The competitor's entry is written once, from its switch and its year.
    """
    current = control_values(scenario)
    result: list[str] = []
    for item in CONTROLS:
        if shared is not None and item.shared != shared:
            continue
        if item.name not in values or _same(values[item.name], current[item.name]):
            continue
        if item.name in ("entry", "entry_year"):
            continue
        result.extend(item.write(float(values[item.name]), scenario))
    if shared is not True and _entry_moved(values, current):
        on = bool(values.get("entry", current["entry"]))
        year = float(values.get("entry_year", current["entry_year"]))
        result.extend(entry_overrides(on, year, scenario))
    return result


def _same(a: float, b: float) -> bool:
    return abs(float(a) - float(b)) < 1e-9


def _entry_moved(values: Mapping[str, float], current: Mapping[str, float]) -> bool:
    on = bool(values.get("entry", current["entry"]))
    if on != bool(current["entry"]):
        return True
    return on and not _same(values.get("entry_year", current["entry_year"]),
                            current["entry_year"])


def apply_controls(name_or_path: str, values: Mapping[str, float],
                   shared: bool | None = None, extra: Sequence[str] = ()) -> Scenario:
    """Load a scenario and move it to the control ``values`` (checked by the schema)."""
    base = load_scenario(name_or_path)
    return load_scenario(name_or_path, [*overrides(base, values, shared), *extra])


def scenario_yaml(scenario: Scenario, note: str = "") -> str:
    """``scenario`` as a self-contained YAML file: the header and every value not at its default.

    ``note`` becomes comment lines at the top (what the file was made from).
    """
    data = scenario.model_dump(mode="json", by_alias=True)
    default = Scenario(name=scenario.name, model="lifecycle").model_dump(mode="json",
                                                                         by_alias=True)
    kept = {key: data[key] for key in _HEADER}
    kept.update(_differences({k: v for k, v in data.items() if k not in _HEADER},
                             {k: v for k, v in default.items() if k not in _HEADER}))
    header = "".join(f"# {line}\n" for line in note.splitlines() if line.strip())
    return header + yaml.safe_dump(kept, sort_keys=False, allow_unicode=True, width=90)


_HEADER = ("name", "description", "model", "horizon", "replications", "seed")


def _differences(data: dict, default: dict) -> dict:
    """The parts of ``data`` that differ from ``default`` (a distribution stays whole)."""
    kept = {}
    for key, value in data.items():
        base = default.get(key)
        if isinstance(value, dict) and "dist" not in value and isinstance(base, dict):
            inner = _differences(value, base)
            if inner:
                kept[key] = inner
        elif value != base:
            kept[key] = value
    return kept


APP_LIMITS = {"replications": 6, "buyers": 100}
"""The app starts with at most these run settings, so its first answer comes in seconds."""


def start_values(scenario: Scenario) -> dict[str, float]:
    """Control values the app starts from for ``scenario`` (run settings capped)."""
    values = control_values(scenario)
    for name, cap in APP_LIMITS.items():
        values[name] = min(values[name], cap)
    return values
