"""The report of a run: ``plots/*.png`` and one self-contained ``report.html``.

:func:`write_report` is what ``dyadsim run`` and ``dyadsim report DIR`` call.
The page holds the scenario's name and description, the key figures with
their intervals, every figure with a sentence on how to read it, the end
reasons table and the run's provenance; images are embedded, so the file can
be mailed or opened offline.
"""

from __future__ import annotations

import base64
import io
import json
import logging
import math
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import plots, tables
from analysis.bundle import (
    Source,
    as_results,
    claims_cited,
    model_of,
    scenario_name,
    stages_of,
)
from analysis.metrics import key_figures, key_figures_json
from analysis.templates import render
from sim.results import Bundle, Results
from sim.units import counted

__all__ = ["HtmlTable", "embed", "format_number", "write_key_figures", "write_report"]

log = logging.getLogger(__name__)


@dataclass
class HtmlTable:
    """A table ready for a template: column headings and rows of formatted cells."""

    columns: list[str]
    rows: list[list[str]]


@dataclass
class EmbeddedPlot:
    """A figure as the template needs it: name, title, caption and base64 PNG."""

    name: str
    title: str
    caption: str
    data: str


def format_number(value: float, unit: str = "") -> str:
    """A number written for people: ``30.6%``, ``8,092``, ``0.739``; ``-`` when missing."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return "-"
    if unit.startswith("%"):  # "%" or "% of <denominator>"
        return f"{value:.1f}%"
    if unit == "pp":
        return f"{value:+.1f} pp"
    magnitude = abs(value)
    # by the size the number shows at: 999.96 is written as 1,000, not 1,000.0
    if round(magnitude, 1) >= 1000 or float(value).is_integer():
        return f"{value:,.0f}"
    if round(magnitude, 2) >= 100:
        return f"{value:,.1f}"
    if magnitude >= 1:
        return f"{value:.2f}"
    return f"{value:#.3g}"


def format_interval(low: float, high: float, unit: str = "") -> str:
    """``low to high`` in the style of :func:`format_number`; ``-`` when undefined."""
    if not (math.isfinite(low) and math.isfinite(high)):
        return "-"
    return f"{format_number(low, unit)} to {format_number(high, unit)}"


def embed(plot: plots.Plot, folder: Path | None = None) -> EmbeddedPlot:
    """PNG of ``plot`` as base64 for the page, also written to ``folder/<name>.png``."""
    buffer = io.BytesIO()
    plots.save_to(plot.figure, buffer)
    data = buffer.getvalue()
    if folder is not None:
        folder.mkdir(parents=True, exist_ok=True)
        (folder / f"{plot.name}.png").write_bytes(data)
    return EmbeddedPlot(plot.name, plot.title, plot.caption, base64.b64encode(data).decode())


def key_figures_table(figures: pd.DataFrame) -> HtmlTable:
    """The key figures as a table: figure, mean, 95% interval, unit."""
    rows = [[row.label, format_number(row.value, row.unit),
             format_interval(row.low, row.high, row.unit), row.unit]
            for row in figures.itertuples()]
    return HtmlTable(["figure", "mean", "95% interval", "unit"], rows)


def end_reasons_table(results: Results) -> HtmlTable | None:
    """Ended relationships per replication by stage and reason, with shares of all endings."""
    counts = tables.end_reasons(results.pairs, stages_of(results))
    if counts is None or counts.to_numpy().sum() == 0:
        return None
    replications = max(1, int(results.pairs["replication"].nunique())
                       if "replication" in results.pairs.columns else 1)
    total = counts.to_numpy().sum()
    counts = counts.assign(all=counts.sum(axis=1))
    counts.loc["all stages"] = counts.sum()
    rows = [[str(stage).replace("_", " ")]
            + [f"{n / replications:.1f} ({n / total:.0%})" for n in counts.loc[stage]]
            for stage in counts.index]
    return HtmlTable(["stage"] + [str(c).replace("_", " ") for c in counts.columns], rows)


def write_key_figures(results: Results) -> dict:
    """Add the key figures to the bundle's ``summary.json`` (and to ``results.summary()``).

    The model's summary holds what only the model knows (a closed form, a
    threshold); the key figures with their intervals are the analysis's,
    defined once in :mod:`analysis.metrics`. Returns the updated summary.
    """
    summary = {**results.summary(), "key_figures": key_figures_json(results)}
    Bundle(results.path).write_summary(summary)
    results.summary_data = summary
    return summary


def summary_table(results: Results) -> HtmlTable | None:
    """The model's own scalar key figures (summary.json), if any."""
    skip = {"scenario", "model", "replications"}
    rows = [[name.replace("_", " "), format_number(value) if isinstance(value, float)
             else str(value)]
            for name, value in results.summary().items()
            if name not in skip and isinstance(value, bool | int | float | str)]
    return HtmlTable(["figure", "value"], rows) if rows else None


def replications_done(manifest: dict) -> str:
    """``18 of 20 replications`` (``1 of 1 replication``), from a run's manifest."""
    total = manifest.get("replications", "-")
    total = counted(total, "replication") if isinstance(total, int) else f"{total} replications"
    return f"{manifest.get('done', '-')} of {total}"


def provenance(results: Results) -> list[tuple[str, str]]:
    """What a reader needs to reproduce the run: seed, replications, version, times."""
    manifest = results.manifest or {}
    items = [
        ("scenario", scenario_name(results)),
        ("model", model_of(results) or "-"),
        ("seed", manifest.get("seed", "-")),
        ("replications", f"{manifest.get('done', '-')} of {manifest.get('replications', '-')}"),
        ("status", manifest.get("status", "-")),
        ("dyadsim version", manifest.get("dyadsim_version", "-")),
        ("started", manifest.get("started", "-")),
        ("finished", manifest.get("finished", "-")),
        ("bundle", str(results.path) if results.path is not None else "-"),
    ]
    if manifest.get("failures"):
        items.append(("failed replications",
                      ", ".join(str(f["replication"]) for f in manifest["failures"])))
    return [(key, str(value)) for key, value in items]


def write_report(source: Source, out: str | Path | None = None) -> Path:
    """Write ``plots/*.png`` (150 dpi) and ``report.html`` for a bundle; return the page's path.

    ``out`` is the folder to write into (default: the bundle's own folder).
    Figures the bundle's tables do not support are left out; the page is
    always written.
    """
    results = as_results(source)
    folder = Path(out) if out is not None else results.path
    if folder is None:
        raise ValueError("results held in memory need an output folder (out=...)")
    folder.mkdir(parents=True, exist_ok=True)
    embedded = [embed(plot, folder / "plots") for plot in plots.figures(results)]
    manifest = results.manifest or {}
    scenario = manifest.get("scenario", {})
    html = render(
        "report",
        title=f"dyadsim report: {scenario_name(results)}",
        name=scenario_name(results),
        description=" ".join(str(scenario.get("description", "")).split()),
        claims=claims_cited(results, str(scenario.get("description", ""))),
        model=model_of(results) or "unknown",
        replications=replications_done(manifest),
        seed=manifest.get("seed", "-"), status=manifest.get("status", "-"),
        key_figures=key_figures_table(key_figures(results)),
        summary=summary_table(results),
        plots=embedded,
        end_reasons=end_reasons_table(results),
        provenance=provenance(results),
        scenario=json.dumps(scenario, indent=2, default=str),
    )
    page = folder / "report.html"
    page.write_text(html, encoding="utf-8")
    if results.path is not None and folder.resolve() == results.path.resolve():
        write_key_figures(results)
    log.info("report written to %s with %d figures", page, len(embedded))
    return page
