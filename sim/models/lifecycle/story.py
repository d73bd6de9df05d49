"""The life of one relationship in plain words, for teaching.

``pick_pair`` chooses a relationship worth telling (one that reached
development or further); ``tell_story`` turns its events into lines: the week,
what happened and what changed. By default a run of orders that went well in
a row is told in one line ("weeks 28.5-47.3: orders 5-9 went well"); every
stage change, conflict, adaptation, decision, requirement shift, approach and
order that went wrong keeps its own line. ``full=True`` gives one line per
event.
"""

from __future__ import annotations

import math

import pandas as pd

from sim.models.lifecycle.vocabulary import STAGE_NAMES, EntryCause
from sim.units import counted

_RANK = {stage: rank for rank, stage in enumerate(STAGE_NAMES)}
_STAGE_WORDS = {
    "pre": "pre-relationship", "early": "early", "development": "development",
    "long_term": "long-term", "final": "final", "ended": "ended",
}
_REASONS = {
    "distance": "the cultural or technological distance is too large",
    "poor_performance": "the buyer expects poor performance",
    "dissatisfaction": "the buyer is dissatisfied",
    "competitor": "a competing supplier takes the business",
    "outside_option": "the buyer turns to the spot market",
    "unprofitable": "the supplier finds the account unprofitable",
    "buyer_exit": "the buyer leaves the market",
    "supplier_exit": "the supplier leaves the market",
}
_CAUSES = {
    "marketing": "after a persuasive marketing contact",
    "search": "while searching for a supplier",
    "negotiated": "negotiation is over and trial orders begin",
    "trust_built": "trust has built up and the supplier beats the alternatives",
    "mutual_commitment": "both sides are committed",
    "institutionalised": "after years of satisfied routine, with no credible alternative in sight",
    "too_far_apart": "they are too far apart in culture or technology",
    "better_alternative": "the buyer knows a better alternative",
    "foresees_problems": "the buyer foresees problems with the supplier's reliability",
    "cultural_friction": "working together, the cultural differences feel too large",
    "alternative_better_after_trial": "after the trial an alternative looks better",
    "outclassed_in_trial": "a rival supplier it knows of looks likely to serve it better",
    "trust_not_built": "the trial did not build enough trust",
    "trial_disappointed": "the trial disappointed",
    "below_expectation": "deliveries fall short of expectations",
    "forecast_negative": "the supplier forecasts a loss on the account",
}


def pick_pair(pairs: pd.DataFrame) -> tuple[str, str]:
    """A relationship that reached development or further (the furthest, then the longest).

    Ties are broken by buyer and supplier name, so the choice is deterministic.
    Falls back to the relationship with the most orders when none developed.
    """
    if pairs.empty:
        raise ValueError("no relationships to tell about")
    table = pairs.assign(
        _rank=pairs["furthest_stage"].map(_RANK),
        _duration=pairs["end"] - pairs["start"],
    )
    developed = table[table["_rank"] >= _RANK["development"]]
    if developed.empty:
        developed = table.sort_values(
            ["episodes", "buyer", "supplier"], ascending=[False, True, True]
        )
    else:
        developed = developed.sort_values(
            ["_rank", "_duration", "buyer", "supplier"], ascending=[False, False, True, True]
        )
    row = developed.iloc[0]
    return str(row["buyer"]), str(row["supplier"])


def _change(label: str, before: float, after: float) -> str:
    """``trust 0.62 -> 0.55``, or nothing when the value is unknown or did not move."""
    if math.isnan(before) or math.isnan(after) or round(before, 2) == round(after, 2):
        return ""
    return f"{label} {before:.2f} -> {after:.2f}"


def _changes(row) -> str:
    parts = [
        _change("trust", row.trust_before, row.trust_after),
        _change("satisfaction", row.satisfaction_before, row.satisfaction_after),
        _change("commitment", row.commitment_before, row.commitment_after),
        _change("fit", row.fit_before, row.fit_after),
        _change("uncertainty", row.uncertainty_before, row.uncertainty_after),
    ]
    parts = [part for part in parts if part]
    return f" ({', '.join(parts)})" if parts else ""


def _drift(row) -> str:
    """What a missed shift did to the fit: by chance the new needs may suit the offering better."""
    if math.isnan(row.fit_before) or math.isnan(row.fit_after):
        return ""
    if row.fit_after > row.fit_before + 0.005:
        return ", but by chance the new needs suit its unchanged offering better"
    if row.fit_after < row.fit_before - 0.005:
        return ", so its offering fits the buyer less"
    return ""


def _line(row, buyer: str, supplier: str) -> str | None:
    kind, cause = row.kind, row.cause
    if kind == "stage_change":
        if row.new_stage == "pre":
            if cause.startswith(EntryCause.SWITCHED):
                why = f"after turning away from {cause.removeprefix(EntryCause.SWITCHED)}"
            else:
                why = _CAUSES.get(cause, cause.replace("_", " "))
            return f"{buyer} starts to evaluate {supplier} {why}; trust from reputation " \
                   f"{row.trust_after:.2f}"
        if row.new_stage == "ended":
            reason = _REASONS.get(row.detail, row.detail)
            known = _CAUSES.get(cause)
            if known is None and row.detail == "competitor":
                known = f"{cause} wins the business" if cause else ""
            why = f" ({known})" if known else ""
            return f"the relationship ends in the {_STAGE_WORDS[row.stage]} stage: {reason}{why}"
        why = _CAUSES.get(cause, cause.replace("_", " "))
        return (
            f"stage {_STAGE_WORDS[row.stage]} -> {_STAGE_WORDS[row.new_stage]}: {why}"
            f"{_changes(row)}"
        )
    if kind == "episode":
        outcome = {
            "success": "went well", "failure": "went wrong",
            "failure_conflict": "went wrong and led to a conflict",
        }.get(cause, cause)
        return f"an order worth {row.amount:.1f} {outcome}{_changes(row)}"
    if kind == "conflict":
        return f"the conflict is {cause}{_changes(row)}"
    if kind == "requirement_shift":
        if cause == "noticed":
            still = (", which still fits them less than before"
                     if row.fit_after < row.fit_before - 0.005 else "")
            return f"{buyer}'s requirements shift; {supplier} notices and re-tailors its " \
                   f"offering{still}{_changes(row)}"
        return f"{buyer}'s requirements shift; {supplier} misses it{_drift(row)}{_changes(row)}"
    if kind == "adaptation":
        side = supplier if cause == "supplier" else buyer
        return f"{side} adapts to the partner, investing {row.amount:.1f}{_changes(row)}"
    if kind == "decision" and cause == "buyer_adapt":
        return f"{buyer} forecasts the gain of adapting at {row.forecast:.1f} " \
               f"against its cost of {row.amount:.1f}"
    if kind == "decision":
        verb = {"pursue": "pursuing the buyer", "keep": "keeping the account",
                "adapt": "adapting (gain)"}.get(cause, cause)
        return f"{supplier} forecasts the NPV of {verb} at {row.forecast:.1f}"
    if kind == "approach":
        if cause == "switched":
            return f"competitor {row.detail} approaches {buyer} and wins it over " \
                   f"(better by {row.forecast:.2f} per order)"
        return f"competitor {row.detail} approaches {buyer}, who stays " \
               f"(the offer falls short by {-row.forecast:.2f} per order)"
    if kind == "turnover":
        return f"a key person leaves {buyer}'s buying centre{_changes(row)}"
    if kind == "entry":
        return f"a new competitor, {supplier}, enters the market"
    return None


def _is_good_order(row) -> bool:
    return row.kind == "episode" and row.cause == "success"


def _good_orders_line(run: list, first_order: int) -> str:
    """One line for orders that went well in a row, with what they changed in all."""
    start, end = run[0], run[-1]
    parts = [
        _change("trust", start.trust_before, end.trust_after),
        _change("satisfaction", start.satisfaction_before, end.satisfaction_after),
        _change("commitment", start.commitment_before, end.commitment_after),
    ]
    parts = [part for part in parts if part]
    changed = f"; {', '.join(parts)}" if parts else ""
    worth = sum(row.amount for row in run)
    return (f"weeks {start.time:.1f}-{end.time:.1f}: orders {first_order}-"
            f"{first_order + len(run) - 1} went well ({len(run)} orders worth {worth:.1f}"
            f"{changed})")


def tell_story(
    events: pd.DataFrame, pairs: pd.DataFrame, buyer: str, supplier: str, *, full: bool = False
) -> list[str]:
    """The life of the relationship between ``buyer`` and ``supplier``, in plain words.

    Each line starts with the week (``week 12.3: ...``), says what happened
    and what changed (``trust 0.62 -> 0.55``); stage changes give their reason
    in words. Competitor entries during the relationship are included. Unless
    ``full``, two or more orders that went well in a row share one line
    (``weeks 28.5-47.3: orders 5-9 went well (...)``); every other event keeps
    its own.
    """
    mine = pairs[(pairs["buyer"] == buyer) & (pairs["supplier"] == supplier)]
    if mine.empty:
        raise ValueError(f"no relationship between {buyer} and {supplier}")
    first, last = float(mine["start"].min()), float(mine["end"].max())
    own = (events["buyer"] == buyer) & (events["supplier"] == supplier)
    entries = (events["kind"] == "entry") & events["time"].between(first, last)
    lines: list[str] = []
    run: list = []
    orders = 0

    def close_run() -> None:
        if len(run) == 1:
            lines.append(f"week {run[0].time:.1f}: {_line(run[0], buyer, supplier)}")
        elif run:
            lines.append(_good_orders_line(run, orders - len(run) + 1))
        run.clear()

    for row in events[own | entries].itertuples(index=False):
        if not full and _is_good_order(row):
            orders += 1
            run.append(row)
            continue
        text = _line(row, buyer, row.supplier if row.kind == "entry" else supplier)
        if text:
            close_run()
            lines.append(f"week {row.time:.1f}: {text}")
        orders += row.kind == "episode"
    close_run()
    for row in mine.itertuples(index=False):
        if row.censored:
            lines.append(
                f"week {row.end:.1f}: the simulation ends with the relationship in the "
                f"{_STAGE_WORDS[row.end_stage]} stage (censored)"
            )
        lines.append(
            f"in all: {counted(int(row.episodes), 'order')}, revenue {row.revenue:.1f}, "
            f"the supplier's discounted net value {row.npv:.1f} "
            f"(forecast when pursuing: {row.npv_forecast:.1f})"
        )
    return lines
