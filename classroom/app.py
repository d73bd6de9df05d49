"""The classroom web app (Shiny for Python): controls, ensemble views, lessons, stories.

:func:`build_app` makes the app for a starting scenario. Each change of a
control runs the changed scenario's replications (the reference run is kept
while only the change moves) with a progress bar, and every view updates.
"""

from __future__ import annotations

import base64
import time
from collections.abc import Callable

from shiny import App, reactive, render, req, ui

from classroom import ensemble as runs
from classroom import lessons as texts
from classroom import views as slides
from classroom.controls import CONTROLS, apply_controls, overrides, scenario_yaml, start_values
from classroom.ensemble import Ensemble, reference_of, run_ensemble
from classroom.page import page
from sim.results import Results
from sim.scenario import Scenario, ScenarioError, load_scenario
from sim.units import counted

__all__ = ["SCREEN_DPI", "build_app", "choices"]

SCREEN_DPI = 80
"""Resolution of the figures shown on the page (saved ones are at slide resolution)."""

KEY_FIGURES = ("early_endings", "reached_development", "reached_long_term", "reached_final",
               "mean_duration", "survival_one_year", "lost_to_competitors",
               "long_term_lost_to_competitors", "satisfaction_long_term", "entrant_share",
               "portfolio_npv")
"""Figures in the effect table, in this order (those the runs support)."""

_CACHE_SIZE = 8


def choices(scenario: str) -> dict[str, str]:
    """Scenarios to pick from: the baseline, every lesson and ``scenario`` itself."""
    found = {"baseline": "Baseline: a plausible industrial market"}
    found.update({item.scenario: item.title for item in texts.lessons()})
    if scenario not in found:
        found[scenario] = load_scenario(scenario).name
    return found


def _values(input) -> dict[str, float]:
    return {c.name: float(input[c.name]()) for c in CONTROLS}


def _same(first: dict[str, float], second: dict[str, float]) -> bool:
    return all(abs(first[k] - second[k]) < 1e-9 for k in first)


def _image(figure, alt: str):
    if figure is None:
        return ui.p("Not enough relationships in this run to draw this view.")
    data = base64.b64encode(slides.to_bytes(figure, "png", dpi=SCREEN_DPI)).decode("ascii")
    return ui.tags.img(src=f"data:image/png;base64,{data}", alt=alt)


def build_app(scenario: str = "baseline") -> App:
    """The classroom app, starting on ``scenario`` (a bundled name or a file)."""
    app_ui = page(scenario, start_values(load_scenario(scenario)), choices(scenario))
    cache: dict[str, Results] = {}  # shared by the app's sessions: a reopened page is instant

    def server(input, output, session):
        scenarios = _scenarios(input)
        ensemble = _ensemble(scenarios, cache)

        @reactive.calc
        def drawn():
            return slides.side_by_side(ensemble()[0]), slides.effect_view(ensemble()[0])

        _status_outputs(input, scenarios, ensemble)
        _view_outputs(output, drawn)
        _download_outputs(output, drawn, input, scenarios)
        _text_outputs(input, scenarios)

    return App(app_ui, server)


def _scenarios(input) -> Callable[[], tuple[Scenario, Scenario, list[str]]]:
    """The reference and changed scenarios of the controls, and the change's overrides.

    Picking a lesson moves every control to its values; until the page shows
    them, the old values would run the new lesson, so that run is held back.
    """
    pending: reactive.Value[dict[str, float] | None] = reactive.Value(None)

    @reactive.effect(priority=10)
    @reactive.event(input.scenario, input.reset, ignore_init=True)
    def _reset():
        values = start_values(load_scenario(input.scenario()))
        for name in ("replications", "buyers", "horizon"):  # run settings stay
            values[name] = float(input[name]())
        pending.set(values)
        for item in CONTROLS:
            if item.kind == "switch":
                ui.update_switch(item.name, value=bool(values[item.name]))
            else:
                ui.update_slider(item.name, value=values[item.name])

    @reactive.calc
    def settled() -> dict[str, float]:
        input.scenario()
        values = _values(input)
        with reactive.isolate():
            expected = pending()
        req(expected is None or _same(values, expected), cancel_output=True)
        return values

    @reactive.calc
    def scenarios() -> tuple[Scenario, Scenario, list[str]]:
        name, values = input.scenario(), settled()
        reference = apply_controls(reference_of(name), values, shared=True)
        moved = overrides(load_scenario(name), values, shared=False)
        return reference, apply_controls(name, values), moved

    return scenarios


def _ensemble(scenarios: Callable, cache: dict[str, Results]) -> Callable:
    """Both runs (from ``cache`` when already run) with a progress bar, and the seconds taken."""

    def results_of(scenario: Scenario, bar, offset: int, what: str) -> Results:
        key = scenario.model_dump_json()
        if key not in cache:
            def progress(done: int, total: int) -> None:
                bar.set(offset + done, message=f"Running {what}",
                        detail=f"{done} of {counted(total, 'replication')}")
            cache[key] = run_ensemble(scenario, progress)
            while len(cache) > _CACHE_SIZE:
                cache.pop(next(iter(cache)))
        return cache[key]

    @reactive.calc
    def ensemble() -> tuple[Ensemble, float]:
        reference, changed, moved = scenarios()
        started = time.perf_counter()
        with ui.Progress(min=0, max=reference.replications + changed.replications) as bar:
            bar.set(0, message="Running the reference", detail="")
            ref = results_of(reference, bar, 0, "the reference")
            new = results_of(changed, bar, reference.replications, "your change")
        label = "your change" if moved else changed.name
        if label == reference.name:
            label = f"{label} (same as the reference)"
        return Ensemble(ref, new, reference.name, label), time.perf_counter() - started

    return ensemble


def _status_outputs(input, scenarios: Callable, ensemble: Callable) -> None:
    @render.ui
    def status():
        try:
            current, seconds = ensemble()
        except ScenarioError as error:
            return ui.div("; ".join(str(p) for p in error.problems), class_="alert-danger")
        _, _, moved = scenarios()
        change = "; ".join(moved) if moved else "no control moved"
        each = counted(current.changed.manifest["replications"], "replication")
        text = (f"{current.reference_name} (left) against {current.changed_name} (right): "
                f"{each} each, same seeds, "
                f"ready in {seconds:.1f} s.")
        return ui.p(text, id="run-status", class_="text-muted", data_state="ready",
                    data_change=change, data_scenario=input.scenario())

    @render.ui
    def effects():
        return _effects(ensemble()[0])


def _text_outputs(input, scenarios: Callable) -> None:
    @render.ui
    def lesson():
        found = texts.lesson(input.scenario())
        if found is None:
            return ui.p(f"No lesson for {input.scenario()}; "
                        f"{load_scenario(input.scenario()).description}")
        return ui.markdown(found.text)

    @render.ui
    def story():
        reference, changed, _ = scenarios()
        heading, lines = runs.story(changed if input.story_run() == "changed" else reference)
        return ui.div(ui.h5(heading), ui.tags.ul(*[ui.tags.li(line) for line in lines]),
                      class_="story")


def _effects(current: Ensemble):
    found = {effect.metric: effect for effect in runs.effects(current)}
    head = ui.tags.tr(*[ui.tags.th(text) for text in (
        "key figure", "unit", current.reference_name, current.changed_name, "effect",
        "95% interval")])
    rows = []
    for metric in KEY_FIGURES:
        effect = found.get(metric)
        if effect is None:
            continue
        label, unit, reference, value, difference, interval, _ = effect.cells
        rows.append(ui.tags.tr(
            ui.tags.td(label), ui.tags.td(unit),
            *[ui.tags.td(text, class_="number") for text in (reference, value, difference,
                                                             interval)],
            data_metric=metric, data_reference=f"{effect.reference:.6g}",
            data_value=f"{effect.value:.6g}", data_low=f"{effect.low:.6g}",
            data_high=f"{effect.high:.6g}", class_="clear" if effect.clear else None))
    note = ui.p("Bold: the interval excludes 0, so the runs tell the two apart. Both runs "
                "use the same seeds (common random numbers).", class_="text-muted small")
    return ui.div(ui.tags.table(ui.tags.thead(head), ui.tags.tbody(*rows),
                                class_="table table-sm effects"), note)


def _show(drawn: Callable, index: int, side: str) -> Callable:
    def show():
        view = drawn()[0][index]
        return _image(view.figure(side), f"{view.heading}: {side}")
    return show


def _save(figure: Callable, fmt: str) -> Callable:
    def save():
        yield slides.to_bytes(figure(), fmt)
    return save


def _view_outputs(output, drawn: Callable) -> None:
    for index, (name, _, _, _) in enumerate(slides.VIEWS):
        for side in ("reference", "changed"):
            output(render.ui(_show(drawn, index, side)), id=f"{name}_{side}")

    @render.ui
    def effect_plot():
        return _image(drawn()[1], "effect of the change on every key figure")


def _download_outputs(output, drawn: Callable, input, scenarios: Callable) -> None:
    for index, (name, _, _, _) in enumerate(slides.VIEWS):
        for side in ("reference", "changed"):
            def figure(index=index, side=side):
                return drawn()[0][index].figure(side)
            for fmt in slides.FORMATS:
                output(render.download_link(_save(figure, fmt), filename=f"{name}-{side}.{fmt}"),
                       id=f"{name}_{side}_{fmt}")
    for fmt in slides.FORMATS:
        output(render.download_link(_save(lambda: drawn()[1], fmt), filename=f"effect.{fmt}"),
               id=f"effect_{fmt}")

    @render.download_button(filename="slides.zip")
    def slides_zip():
        views, effect = drawn()
        yield slides.slides_zip(views, effect)

    output(slides_zip, id="slides")

    @render.download_button(filename=lambda: f"{scenarios()[1].name}-classroom.yaml")
    def scenario_yaml_file():
        _, changed, moved = scenarios()
        note = f"made in the dyadsim classroom from {input.scenario()}"
        note += "".join(f"\n--set {text}" for text in moved)
        yield scenario_yaml(changed, note)

    output(scenario_yaml_file, id="scenario_yaml")
