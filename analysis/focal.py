"""The focal suppliers' view of a what-if: "our" suppliers, by default the incumbents.

A market-wide figure mixes everyone: when a competitor enters, pairs formed
and satisfaction may rise while the incumbents lose share. These figures
follow only the focal suppliers' relationships (the pairs whose ``entrant``
flag is false) and their share of buyers' spending (``share_incumbents``),
so ``run`` and ``compare`` can show them beside the market-wide ones.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pandas as pd

from analysis.bundle import has_columns
from sim.results import Results

__all__ = ["focal_pairs", "of_focal"]


def focal_pairs(results: Results) -> Results | None:
    """``results`` with only the focal (incumbent) suppliers' pairs; None without entrant flags."""
    pairs = results.pairs
    if not has_columns(pairs, "entrant", "replication"):
        return None
    incumbent = ~pairs["entrant"].fillna(False).astype(bool)
    return dataclasses.replace(results, pairs=pairs[incumbent])


def of_focal(compute: Callable[[Results], pd.Series | None]
             ) -> Callable[[Results], pd.Series | None]:
    """A market-wide per-replication figure, computed on the focal suppliers' pairs only.

    A replication in which the focal suppliers have no pair gives no value
    rather than a zero.
    """
    def focal(results: Results) -> pd.Series | None:
        mine = focal_pairs(results)
        return None if mine is None else compute(mine)
    return focal
