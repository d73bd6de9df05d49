"""The classroom page: the sidebar of controls and the tabs of views, lesson and story.

Every asset the page loads comes with the web framework and is served by the
app itself: the page reaches nothing but the address it was opened from.
"""

from __future__ import annotations

from collections.abc import Mapping

from shiny import ui

from classroom.controls import CONTROLS, Control
from classroom.views import FORMATS, VIEWS

__all__ = ["page"]

STYLE = """
.view img { width: 100%; height: auto; }
.view .downloads { font-size: 0.85rem; }
.controls .form-text { margin-top: -0.6rem; margin-bottom: 0.6rem; font-size: 0.8rem; }
table.effects td.number { text-align: right; font-variant-numeric: tabular-nums; }
table.effects tr.clear td { font-weight: 600; }
.story li { margin-bottom: 0.2rem; }
"""


def _control_input(item: Control, values: Mapping[str, float]):
    value = values[item.name]
    if item.kind == "switch":
        widget = ui.input_switch(item.name, item.label, value=bool(value))
    else:
        widget = ui.input_slider(item.name, item.label, min=item.low, max=item.high,
                                 value=value, step=item.step, width="100%")
    note = item.unit + (f"; {item.help}" if item.help else "")
    return ui.div(widget, ui.div(note, class_="form-text"), class_="controls")


def _downloads(stem: str):
    return ui.div(*[ui.download_link(f"{stem}_{fmt}", fmt.upper(), class_="me-2")
                    for fmt in FORMATS], "slide size, 16:9", class_="downloads")


def _view_row(name: str, heading: str, caption: str):
    sides = [ui.div(ui.output_ui(f"{name}_{side}"), _downloads(f"{name}_{side}"),
                    class_="view") for side in ("reference", "changed")]
    return ui.card(ui.card_header(heading), ui.p(caption, class_="text-muted"),
                   ui.layout_columns(*sides, col_widths=(6, 6)))


def page(scenario: str, values: Mapping[str, float], choices: Mapping[str, str]):
    """The whole page, with controls at ``values`` and ``scenario`` selected."""
    change = [_control_input(c, values) for c in CONTROLS if not c.shared]
    settings = [_control_input(c, values) for c in CONTROLS if c.shared]
    sidebar = ui.sidebar(
        ui.input_select("scenario", "Lesson", dict(choices), selected=scenario),
        ui.h5("Your change"), *change,
        ui.h5("Run settings (both runs)"), *settings,
        ui.input_action_button("reset", "Back to the lesson's values", class_="mb-2"),
        ui.download_button("scenario_yaml", "Download this scenario (YAML)", class_="mb-2"),
        ui.download_button("slides", "Download every view for slides (zip)"),
        width=380, open="always",
    )
    views = [
        ui.output_ui("status"),
        _view_row(*VIEWS[0][:2], VIEWS[0][3]),
        ui.card(ui.card_header("The effect of your change, with its 95% interval"),
                ui.output_ui("effects")),
        *[_view_row(name, heading, caption) for name, heading, _, caption in VIEWS[1:]],
        ui.card(ui.card_header("Every key figure against the reference"),
                ui.div(ui.output_ui("effect_plot"), _downloads("effect"), class_="view")),
    ]
    story = [ui.input_radio_buttons("story_run", "Tell a relationship from",
                                    {"changed": "your change", "reference": "the reference"},
                                    inline=True),
             ui.output_ui("story")]
    main = ui.navset_card_tab(ui.nav_panel("Views", *views),
                              ui.nav_panel("Lesson", ui.output_ui("lesson")),
                              ui.nav_panel("Story", *story), id="tabs")
    return ui.page_sidebar(sidebar, ui.tags.style(STYLE), main,
                           title="dyadsim classroom: business relationships through their life",
                           fillable=False)
