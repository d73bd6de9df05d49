"""The classroom's views: analysis figures of both runs, side by side, ready for slides.

Each view is drawn by the analysis package's own plotting function for the
reference run and for the changed run; the pair gets common axis limits so
that the eye compares like with like. Figures are 16:9 with large type
(:data:`analysis.plots.SIZE`); :func:`save_view` writes PNG and SVG.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from matplotlib.figure import Figure

from analysis import plots
from analysis.compare import plot_differences
from classroom.ensemble import Ensemble
from sim.results import Results

__all__ = ["FORMATS", "VIEWS", "SideBySide", "effect_view", "save_view", "side_by_side",
           "slides_zip", "to_bytes"]

FORMATS = ("png", "svg")
"""Formats every view can be saved in."""

VIEWS: tuple[tuple[str, str, Callable[[Results], Figure | None], str], ...] = (
    ("funnel", "Stage funnel", plots.plot_funnel,
     "Share of the pairs that met which reach each stage; whiskers are 95% intervals across "
     "replications."),
    ("survival", "Survival by stage", plots.plot_survival_by_stage,
     "Share of relationships still active at each age, by the furthest stage they reached "
     "(Kaplan-Meier, censored at the horizon)."),
    ("end_reasons", "End reasons", plots.plot_end_reasons,
     "Why relationships ended, in the stage where they ended, per replication."),
    ("occupancy", "Stage occupancy", plots.plot_occupancy,
     "Relationships in each stage over time: median over replications, band: middle 80%."),
)
"""Name, heading, analysis function and how to read it, of each side-by-side view."""


@dataclass
class SideBySide:
    """One view for the reference run and for the changed run."""

    name: str
    heading: str
    caption: str
    reference: Figure | None
    changed: Figure | None

    def figure(self, side: str) -> Figure | None:
        """The figure of ``side`` (``reference`` or ``changed``)."""
        return self.reference if side == "reference" else self.changed


def _tag(figure: Figure | None, who: str) -> None:
    """Say in the title which run a figure shows."""
    if figure is None or not figure.axes:
        return
    ax = figure.axes[0]
    ax.set_title(f"{ax.get_title(loc='left')}: {who}", loc="left")


def _share_limits(first: Figure | None, second: Figure | None) -> None:
    """Give two figures of the same view the same axis limits."""
    if first is None or second is None or not first.axes or not second.axes:
        return
    a, b = first.axes[0], second.axes[0]
    for get, put in (("get_xlim", "set_xlim"), ("get_ylim", "set_ylim")):
        low_a, high_a = getattr(a, get)()
        low_b, high_b = getattr(b, get)()
        if isinstance(low_a, float) and a.get_xscale() == "linear":
            limits = (min(low_a, low_b), max(high_a, high_b))
            getattr(a, put)(limits)
            getattr(b, put)(limits)


def side_by_side(ensemble: Ensemble) -> list[SideBySide]:
    """Every view of :data:`VIEWS` for both runs of ``ensemble``."""
    drawn = []
    for name, heading, function, caption in VIEWS:
        reference = function(ensemble.reference)
        changed = function(ensemble.changed)
        if name != "end_reasons":  # stacked bars have categorical y axes; keep their own
            _share_limits(reference, changed)
        _tag(reference, ensemble.reference_name)
        _tag(changed, ensemble.changed_name)
        drawn.append(SideBySide(name, heading, caption, reference, changed))
    return drawn


def effect_view(ensemble: Ensemble) -> Figure | None:
    """Each key figure's change against the reference, with 95% intervals."""
    return plot_differences(ensemble.comparison)


def to_bytes(figure: Figure, fmt: str = "png", dpi: float = plots.DPI) -> bytes:
    """``figure`` as PNG or SVG bytes (PNG at ``dpi``; the default is slide resolution)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi)
    return buffer.getvalue()


def save_view(figure: Figure, path: str | Path) -> list[Path]:
    """Write ``figure`` as ``path`` with each suffix of :data:`FORMATS`; return the paths."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in FORMATS:
        target = path.with_suffix(f".{fmt}")
        target.write_bytes(to_bytes(figure, fmt))
        written.append(target)
    return written


def slides_zip(views: list[SideBySide], effect: Figure | None) -> bytes:
    """A zip of every view of both runs (and the effect) as PNG and SVG at slide size."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        figures = [(f"{v.name}-{side}", v.figure(side)) for v in views
                   for side in ("reference", "changed")]
        figures.append(("effect", effect))
        for stem, figure in figures:
            if figure is None:
                continue
            for fmt in FORMATS:
                archive.writestr(f"{stem}.{fmt}", to_bytes(figure, fmt))
    return buffer.getvalue()
