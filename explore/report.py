"""Pages of sensitivity studies and scenario discovery: figures, ranking tables, provenance.

The pages share the look of a run's report (``analysis.templates``): one
self-contained HTML file with its images embedded, readable offline.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import jinja2

from analysis import plots as run_plots
from analysis.report import HtmlTable, embed, format_number
from analysis.templates import BASE, FIGURE_TABLE, FIGURES, PROVENANCE
from explore.indices import RANKED_BY, ranking
from explore.plots import metric_label, plot_morris, plot_sobol
from sim.units import counted

__all__ = ["box_table", "ranking_rows", "render", "write_discovery", "write_study_report"]

SENSITIVITY = """{% extends "base" %}{% block body %}
<h1>{{ title }}</h1>
<p class="lead">{{ lead }}</p>
{% for note in notes %}<p class="muted">{{ note }}</p>{% endfor %}

{% for block in rankings %}<h2>{{ block.title }}</h2>
<p>{{ block.how }}</p>
{% with table = block.table %}{% include "table" %}{% endwith %}{% endfor %}

<h2>Figures</h2>
{% include "figures" %}

<h2>Parameter space</h2>
{% with table = space %}{% include "table" %}{% endwith %}

<h2>Provenance</h2>
{% include "provenance" %}
{% endblock %}
"""

DISCOVER = """{% extends "base" %}{% block body %}
<h1>{{ title }}</h1>
<p class="lead">{{ lead }}</p>
<p>Coverage: the share of all points where the condition holds that fall inside the box.
Density: the share of the points inside the box where it holds. Mass: the share of all
points inside the box. A restricted parameter's quasi-p-value is small when restricting it
is unlikely to be chance.</p>
{% with table = boxes %}{% include "table" %}{% endwith %}

<h2>Figures</h2>
{% include "figures" %}

<h2>Provenance</h2>
{% include "provenance" %}
{% endblock %}
"""

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.DictLoader({"base": BASE, "figures": FIGURES, "table": FIGURE_TABLE,
                              "provenance": PROVENANCE, "sensitivity": SENSITIVITY,
                              "discover": DISCOVER}),
    autoescape=True, undefined=jinja2.StrictUndefined,
)

_HOW = {
    "morris": "Parameters from most to least influential by mu* (mean absolute elementary "
              "effect over the parameter's range); sigma is the spread of the effects "
              "(interactions or curvature). Intervals: {level} bootstrap over trajectories.",
    "sobol": "Parameters from most to least influential by ST (share of the variance with "
             "every interaction); S1 is the share the parameter explains alone. Intervals: "
             "{level} bootstrap.",
}


def render(template: str, **context) -> str:
    """The HTML of ``template`` (``sensitivity`` or ``discover``) filled with ``context``."""
    return _ENVIRONMENT.get_template(template).render(**context)


def _cell(value: float, conf: float) -> str:
    if not math.isfinite(value):
        return "-"
    text = format_number(value)
    return f"{text} ± {format_number(conf)}" if math.isfinite(conf) else text


def ranking_rows(indices, metric: str, method: str) -> tuple[list[str], list[list[str]]]:
    """Headings and rows of a metric's ranking table (value ± half-width)."""
    table = ranking(indices, metric, method)
    names = ["mu_star", "sigma"] if method == "morris" else ["ST", "S1"]
    headings = ["rank", "parameter", *("mu*" if n == "mu_star" else n for n in names)]
    rows = [[str(rank), row["name"], *(_cell(row[n], row[f"{n}_conf"]) for n in names)]
            for rank, row in enumerate(table.to_dict("records"), 1)]
    return headings, rows


def _figures(study) -> list[run_plots.Plot]:
    drawn = []
    method = study.manifest["method"]
    draw = plot_morris if method == "morris" else plot_sobol
    caption = (draw.__doc__ or "").split("\n\n", 1)[-1].split("\n\n")[0]
    for metric in study.manifest.get("analysed", []):
        figure = draw(study.indices, metric)
        if figure is not None:
            drawn.append(run_plots.Plot(f"{method}_{metric}", figure, " ".join(caption.split())))
    return drawn


def write_study_report(study) -> Path:
    """Write ``plots/*.png`` and ``report.html`` of a finished study; return the page."""
    manifest = study.manifest
    method = manifest["method"]
    space = study.space
    level = f"{manifest['conf_level']:.0%}"
    rankings = []
    for metric in manifest.get("analysed", []):
        headings, rows = ranking_rows(study.indices, metric, method)
        if rows:
            label, unit = metric_label(metric)
            rankings.append({"title": f"{label}" + (f" ({unit})" if unit else ""),
                             "how": _HOW[method].format(level=level),
                             "table": HtmlTable(headings, rows)})
    embedded = [embed(plot, study.path / "plots") for plot in _figures(study)]
    name = manifest.get("scenario", {}).get("name", manifest.get("source", "study"))
    lead = (f"{name}: {method} study of {counted(len(space.parameters), 'parameter')}, "
            f"{counted(manifest['points'], 'point')} x "
            f"{counted(manifest['replications'], 'replication')}, seed "
            f"{manifest['seed']} at every point (common random numbers); ranked by "
            f"{RANKED_BY[method]}.")
    html = render(
        "sensitivity", title=f"Sensitivity of {name}", lead=lead, notes=study.notes,
        rankings=rankings, plots=embedded,
        space=HtmlTable(["parameter", "scenario path", "range"],
                        [[p.label, p.path, p.describe()] for p in space.parameters]),
        provenance=_provenance(study),
    )
    page = study.path / "report.html"
    page.write_text(html, encoding="utf-8")
    return page


def _provenance(study) -> list[tuple[str, str]]:
    manifest = study.manifest
    items = [("source", manifest.get("source", "-")), ("method", manifest["method"]),
             ("N", manifest["samples"]), ("points", manifest["points"]),
             ("replications per point", manifest["replications"]), ("seed", manifest["seed"]),
             ("status", manifest.get("status", "-")),
             ("dyadsim version", manifest.get("dyadsim_version", "-")),
             ("started", manifest.get("started", "-")),
             ("finished", manifest.get("finished", "-")), ("folder", str(study.path)),
             ("space file", manifest["space"].get("file", "-"))]
    timings = manifest.get("timings", {})
    if timings:
        items.append(("timings (s)", json.dumps({k: round(v, 2) for k, v in timings.items()})))
    return [(key, str(value)) for key, value in items]


def write_discovery(discovery, folder: Path) -> Path:
    """Write ``boxes.csv``, ``trajectory.csv``, the peeling plot and ``discover.html``."""
    from explore.plots import plot_peeling

    folder.mkdir(parents=True, exist_ok=True)
    boxes = box_table(discovery)
    boxes.to_csv(folder / "boxes.csv", index=False)
    trajectory = discovery.trajectory.assign(chosen=lambda t: t.index == discovery.chosen)
    trajectory.to_csv(folder / "trajectory.csv", index_label="step")
    caption = " ".join((plot_peeling.__doc__ or "").split("\n\n")[1].split())
    condition = discovery.condition
    label, _ = metric_label(condition.metric)
    plot = run_plots.Plot("peeling_trajectory",
                          plot_peeling(discovery.trajectory, discovery.chosen,
                                       f"{label} {condition.op} {condition.threshold:g}"),
                          caption)
    rows = [[str(row.box), f"{row.coverage:.0%}", f"{row.density:.0%}", f"{row.mass:.0%}",
             row.name, format_number(row.low), format_number(row.high),
             _qp(row.qp_low, row.qp_high)] for row in boxes.itertuples()]
    html = render(
        "discover", title=f"Where {discovery.condition}",
        lead=(f"{discovery.cases} of {counted(discovery.points, 'point')} meet "
              f"{discovery.condition}; PRIM found "
              f"{counted(len(discovery.boxes), 'box', 'boxes')}."),
        boxes=HtmlTable(["box", "coverage", "density", "mass", "parameter", "from", "to",
                         "quasi-p"], rows),
        plots=[embed(plot, folder / "plots")],
        provenance=[("condition", str(discovery.condition)), ("points", str(discovery.points)),
                    ("boxes table", str(folder / "boxes.csv"))],
    )
    page = folder / "discover.html"
    page.write_text(html, encoding="utf-8")
    return page


def box_table(discovery):
    """One row per box and restricted parameter, with the box's coverage, density and mass."""
    import pandas as pd

    frames = [box.limits.assign(box=box.number, coverage=box.coverage, density=box.density,
                                mass=box.mass) for box in discovery.boxes]
    columns = ["box", "coverage", "density", "mass", "parameter", "name", "low", "high",
               "qp_low", "qp_high"]
    if not frames:
        return pd.DataFrame(columns=columns)
    return pd.concat(frames, ignore_index=True)[columns]


def _qp(low: float, high: float) -> str:
    values = [v for v in (low, high) if math.isfinite(v)]
    return f"{min(values):.2g}" if values else "-"
