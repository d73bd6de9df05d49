"""Scenario discovery: the regions of parameter space where an outcome happens, with PRIM.

Given the points of a sensitivity study or a sweep (each point's parameter
values and the mean of each metric over its replications) and a condition
such as ``reached_final > 2``, PRIM (Friedman & Fisher 1999, EMA Workbench's
implementation) peels the space down to boxes, each a range per restricted
parameter, that hold many of the points where the condition is true:

- coverage: the share of all points where it holds that fall inside the box;
- density: the share of the points inside the box where it holds;
- mass: the share of all points inside the box.

Peeling trades coverage for density; the box reported is the one with the
highest coverage among those of at least ``density`` (the densest one peeled,
marked as not dense enough, when none reaches it). After a box is found its
points are set aside and the search goes on, up to ``boxes`` boxes, while a
box still reaches ``density``.
"""

from __future__ import annotations

import logging
import re
import warnings
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["Box", "Condition", "Discovery", "discover", "experiments", "find_boxes",
           "parse_where"]

log = logging.getLogger(__name__)

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
_WHERE = re.compile(rf"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(>=|<=|>|<)\s*({_NUMBER})\s*$")
_COMPARE = {">": np.greater, ">=": np.greater_equal, "<": np.less, "<=": np.less_equal}


@dataclass(frozen=True)
class Condition:
    """``metric op threshold``, for example ``reached_final > 2``."""

    metric: str
    op: str
    threshold: float

    def holds(self, values: pd.Series) -> np.ndarray:
        """Where the condition is true (never where the value is missing)."""
        numbers = values.to_numpy(dtype=float)
        return np.isfinite(numbers) & _COMPARE[self.op](numbers, self.threshold)

    def __str__(self) -> str:
        return f"{self.metric} {self.op} {self.threshold:g}"


def parse_where(text: str) -> Condition:
    """Read ``"METRIC > X"`` (also ``>=``, ``<``, ``<=``); ValueError with a one-line message.

    >>> condition = parse_where("reached_final >= 2")
    >>> condition.metric, condition.op, condition.threshold
    ('reached_final', '>=', 2.0)
    """
    match = _WHERE.match(text)
    if not match:
        raise ValueError(f"--where {text!r}: write METRIC > NUMBER (or >=, <, <=), for example "
                         "'reached_final > 2'")
    return Condition(match[1], match[2], float(match[3]))


@dataclass
class Box:
    """One box: its statistics and a range for each restricted parameter."""

    number: int
    coverage: float
    density: float
    mass: float
    limits: pd.DataFrame
    """One row per restricted parameter: ``parameter``, ``name``, ``low``, ``high``,
    ``qp_low``, ``qp_high`` (quasi-p-values of the lower and upper restriction)."""
    dense_enough: bool = True
    """False for a first box whose whole trajectory stays below the density asked."""


@dataclass
class Discovery:
    """What PRIM found: the boxes and the first box's peeling trajectory."""

    condition: Condition
    points: int
    cases: int
    boxes: list[Box]
    trajectory: pd.DataFrame
    chosen: int
    labels: dict[str, str]


def experiments(folder: str | Path) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, str]]:
    """The points of a sensitivity study or a sweep: parameter values, metric means, names.

    Returns ``(x, y, labels)``: one row per point in both tables, ``x`` with
    a column per parameter path and ``y`` a column per metric (the mean over
    the point's replications); ``labels`` gives each parameter's plain name.
    Raises ValueError when the folder holds neither.
    """
    folder = Path(folder)
    if (folder / "runs.parquet").exists() and (folder / "manifest.json").exists():
        from explore.study import load_study

        study = load_study(folder)
        paths = study.space.paths
        runs = study.runs
        means = runs.drop(columns=["replication"]).groupby("point").mean()
        return means[paths].reset_index(drop=True), means.drop(columns=paths).reset_index(
            drop=True), study.space.labels
    if (folder / "index.csv").exists():
        index = pd.read_csv(folder / "index.csv")
        columns = list(index.columns)
        if "point" not in columns or "bundle" not in columns:
            raise ValueError(f"{folder}/index.csv is not the index of a sweep")
        paths = columns[columns.index("point") + 1: columns.index("bundle")]
        x = index[paths].apply(lambda c: pd.to_numeric(c, errors="coerce")
                               if pd.to_numeric(c, errors="coerce").notna().all() else c)
        metrics = [c for c in columns[columns.index("bundle") + 1:]
                   if not c.endswith(("_low", "_high"))]
        from explore.space import plain_name

        return x, index[metrics], {p: plain_name(p) for p in paths}
    raise ValueError(f"{folder}: not a sensitivity study or a sweep (no runs.parquet or "
                     "index.csv)")


def find_boxes(x: pd.DataFrame, y: pd.DataFrame, condition: Condition,
               labels: dict[str, str] | None = None, *, density: float = 0.8,
               boxes: int = 3, peel_alpha: float = 0.05, mass_min: float = 0.05) -> Discovery:
    """Boxes of ``x`` where ``condition`` holds on ``y``, found with EMA Workbench's PRIM."""
    labels = labels or {c: c for c in x.columns}
    if condition.metric not in y.columns:
        raise ValueError(f"--where: no metric {condition.metric!r} here; metrics: "
                         f"{', '.join(y.columns)}")
    known = np.isfinite(y[condition.metric].to_numpy(dtype=float))
    x, y = x[known].reset_index(drop=True), y[known].reset_index(drop=True)
    holds = condition.holds(y[condition.metric])
    if holds.all() or not holds.any():
        state = "every" if holds.all() else "no"
        raise ValueError(f"--where {condition}: holds at {state} point; PRIM needs both")
    prim = _prim()
    # PRIM counts y >= threshold as cases and drops a box whose density is below it; with
    # y in {0, 1} a tiny threshold counts the cases alone and keeps every peeling trajectory,
    # so the density target is applied here, when a box is chosen.
    finder = prim.Prim(x.astype({c: float for c in x.select_dtypes("number").columns}),
                       holds.astype(int), threshold=1e-9, peel_alpha=peel_alpha,
                       mass_min=mass_min)
    found, trajectory, chosen = [], pd.DataFrame(), 0
    for number in range(1, boxes + 1):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            box = finder.find_box()
        if box is None or box.res_dim == 0:
            break
        pick = _choose(box.peeling_trajectory, density)
        box.select(pick)
        if number == 1:
            trajectory, chosen = box.peeling_trajectory.reset_index(drop=True), pick
        elif box.density < density:
            break
        found.append(_summary(number, box, pick, labels, density))
    return Discovery(condition, len(x), int(holds.sum()), found, trajectory, chosen, labels)


def _prim():
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # EMA Workbench warns about optional parallel back ends
        try:
            from ema_workbench.analysis import prim
        except ImportError:
            raise ImportError("scenario discovery needs EMA Workbench: "
                              "pip install 'dyadsim[discovery]'") from None
    logging.getLogger("EMA").setLevel(logging.WARNING)
    return prim


def _choose(trajectory: pd.DataFrame, density: float) -> int:
    dense = trajectory.index[trajectory["density"] >= density]
    if len(dense) == 0:
        return int(trajectory["density"].astype(float).idxmax())
    return int(trajectory.loc[dense, "coverage"].idxmax())


def _summary(number: int, box, pick: int, labels: dict[str, str], density: float) -> Box:
    stats, limits = box.inspect(pick, style="data")[0]
    rows = []
    for parameter, values in limits.iterrows():
        low, high, qp_low, qp_high = (float(v) if isinstance(v, int | float | np.number)
                                      else np.nan for v in values.to_numpy())
        rows.append({"parameter": parameter, "name": labels.get(parameter, parameter),
                     "low": low, "high": high, "qp_low": qp_low, "qp_high": qp_high})
    table = pd.DataFrame(rows, columns=["parameter", "name", "low", "high", "qp_low", "qp_high"])
    return Box(number, float(stats["coverage"]), float(stats["density"]), float(stats["mass"]),
               table, float(stats["density"]) >= density)


def discover(folder: str | Path, where: str, **options) -> Discovery:
    """PRIM boxes of a study's or sweep's points where ``where`` holds (see :func:`find_boxes`)."""
    x, y, labels = experiments(folder)
    return find_boxes(x, y, parse_where(where), labels, **options)
