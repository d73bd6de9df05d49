"""The focal suppliers' view of a what-if: "our" suppliers, by default the incumbents.

A market-wide figure mixes everyone: when a competitor enters, pairs formed
and satisfaction may rise while the incumbents lose share. These figures
follow only the focal suppliers' relationships, so ``run`` and ``compare``
can show them beside the market-wide ones. The scenario's ``focal`` field
(read from the bundle's manifest) names them, such as ``[S1, S3]``; without
it they are the incumbents (the pairs whose ``entrant`` flag is false).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import numpy as np
import pandas as pd

from analysis.bundle import ended, has_columns, stage_rank, stages_of
from sim.results import Results

__all__ = ["STAGE_PREFIX", "WINNERS", "absent_focal", "focal_names", "focal_pairs",
           "focal_share", "lost_to_whom", "of_focal", "reaching", "whose"]

STAGE_PREFIX = "focal_at_"
"""Key figures ``focal_at_<stage>``: the focal suppliers' pairs reaching that stage."""


def focal_names(results: Results) -> tuple[str, ...]:
    """The suppliers the scenario names as focal; empty for the default (the incumbents)."""
    names = (results.manifest or {}).get("scenario", {}).get("focal") or ()
    return tuple(str(name) for name in names)


def whose(results: Results) -> str:
    """Whose figures they are, for labels: ``"S1, S3's"``, or ``"incumbents'"`` by default."""
    names = focal_names(results)
    return ", ".join(names) + "'s" if names else "incumbents'"


def focal_pairs(results: Results) -> Results | None:
    """``results`` with only the focal suppliers' pairs; None when the tables cannot tell them."""
    pairs, names = results.pairs, focal_names(results)
    if names:
        if not has_columns(pairs, "supplier", "replication"):
            return None
        return dataclasses.replace(results, pairs=pairs[pairs["supplier"].isin(names)])
    if not has_columns(pairs, "entrant", "replication"):
        return None
    incumbent = ~pairs["entrant"].fillna(False).astype(bool)
    return dataclasses.replace(results, pairs=pairs[incumbent])


def absent_focal(results: Results) -> list[str]:
    """Named focal suppliers that have no pair in any replication of the run."""
    names = focal_names(results)
    if not names or not has_columns(results.pairs, "supplier"):
        return []
    present = set(results.pairs["supplier"].astype(str))
    return [name for name in names if name not in present]


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


def focal_share(at_horizon: Callable[[Results], pd.Series | None]
                ) -> Callable[[Results], pd.Series | None]:
    """The focal suppliers' share of buyers' spending with suppliers, % per replication.

    By default the incumbents' share in the last sampling window
    (``at_horizon``). Named suppliers' share is their pairs' revenue over the
    run divided by all pairs' revenue (the pairs table has no window).
    """
    def compute(results: Results) -> pd.Series | None:
        if not focal_names(results):
            return at_horizon(results)
        pairs, mine = results.pairs, focal_pairs(results)
        if mine is None or not has_columns(pairs, "revenue"):
            return None
        total = pairs.groupby("replication")["revenue"].sum()
        theirs = mine.pairs.groupby("replication")["revenue"].sum().reindex(total.index,
                                                                             fill_value=0.0)
        return (theirs / total.where(total > 0) * 100).astype(float)
    return compute


def reaching(stage: str) -> Callable[[Results], pd.Series | None]:
    """The focal suppliers' pairs that reached ``stage`` (a stage of the bundle), per replication.

    Counts pairs (relationships begun and ended in the run, or still going at
    the horizon); a replication without focal pairs counts zero.
    """
    def compute(results: Results) -> pd.Series | None:
        stages, mine = stages_of(results), focal_pairs(results)
        if stage not in stages or mine is None or not has_columns(results.pairs,
                                                                   "furthest_stage"):
            return None
        replications = pd.Index(np.unique(results.pairs["replication"]))
        pairs = mine.pairs
        reached = stage_rank(pairs["furthest_stage"], stages).to_numpy() >= stages.index(stage)
        counts = pd.Series(reached.astype(float)).groupby(pairs["replication"].to_numpy()).sum()
        return counts.reindex(replications, fill_value=0.0).astype(float)
    return compute


WINNERS = ("entrant", "incumbent", "outside")
"""Who can take a relationship's business: an entrant, an incumbent supplier, or the spot
market (``lost_to`` is ``outside``)."""


def lost_to_whom(kind: str) -> Callable[[Results], pd.Series | None]:
    """The focal suppliers' ended relationships lost to ``kind`` (one of :data:`WINNERS`).

    % of the focal suppliers' ended relationships, per replication: whose
    ``lost_to`` names an entrant, an incumbent (any supplier that did not
    enter), or the spot market. A winner's kind is read from its own pairs'
    ``entrant`` flag in the same replication.
    """
    if kind not in WINNERS:
        raise ValueError(f"unknown kind of winner {kind!r}; one of {', '.join(WINNERS)}")

    def compute(results: Results) -> pd.Series | None:
        pairs, mine = results.pairs, focal_pairs(results)
        if mine is None or not has_columns(pairs, "lost_to", "entrant", "supplier", "end_reason"):
            return None
        entered = pairs["entrant"].fillna(False).astype(bool)
        entrants = set(zip(pairs["replication"][entered], pairs["supplier"][entered].astype(str),
                           strict=True))
        ours = mine.pairs
        winner = ours["lost_to"].fillna("").astype(str)
        done = ended(ours)
        is_entrant = np.array([(r, w) in entrants
                               for r, w in zip(ours["replication"], winner, strict=True)],
                              dtype=bool)
        outside = (winner == "outside").to_numpy()
        named = (winner != "").to_numpy() & ~outside
        lost = {"entrant": named & is_entrant, "incumbent": named & ~is_entrant,
                "outside": outside}[kind] & done
        grouped = pd.DataFrame({"ended": done, "lost": lost}).groupby(
            ours["replication"].to_numpy()).sum()
        return (grouped["lost"] / grouped["ended"].where(grouped["ended"] > 0) * 100
                ).astype(float)
    return compute
