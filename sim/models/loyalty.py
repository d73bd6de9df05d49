"""Reference model: loyalty from reinforced preferences (Weisbuch, Kirman & Herreiner 2000).

Every day each buyer visits one of n sellers. Its preference ``J_j`` for
seller ``j`` decays by a factor ``1 - gamma`` per day and grows by the profit
of the visit made there; the buyer chooses with a logit of sensitivity
``beta`` over its preferences (:mod:`sim.models.choice`, the rule the
lifecycle model uses too):

    J_j(t+1) = (1 - gamma) J_j(t) + pi_j [visited j on day t]
    P_j(t)   = exp(beta J_j(t)) / sum_k exp(beta J_k(t))

With equal profits ``pi`` the mean-field dynamics has one stable state below
``beta_c = n gamma / pi``, where every seller is visited alike (disorder), and
above it buyers become loyal to one seller (order). The order parameter of a
buyer is

    y = sum_j J_j^2 / (sum_j J_j)^2

which is ``1/n`` for a buyer who spreads its visits evenly and 1 for a buyer
who visits one seller only. A buyer with no preference yet (every ``J`` zero)
counts as ``y = 1/n``.

An optional entrant appears on a given day with its own profit per visit and
no preference yet; loyal buyers above ``beta_c`` leave their seller for it
only if its profit is better by more than a threshold that grows with
``beta`` (hysteresis).

Time: the model's step is one day (one visit per buyer), as in the source.
The scenario's ``horizon`` and ``sample_every`` (weeks) are read as
``7 * weeks`` days, so ``horizon: 500 days`` simulates 500 visits per buyer.
Money: profit per visit, in any currency unit; ``J`` is in the same unit and
``beta`` per that unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from sim.engine import Streams
from sim.models.choice import choice_probabilities, update_preference
from sim.models.loyalty_config import DAYS_PER_WEEK, EntrantConfig, LoyaltyConfig

__all__ = [
    "EntrantConfig",
    "LoyaltyConfig",
    "critical_beta",
    "in_days",
    "mean_field",
    "order_parameter",
    "seller_names",
    "simulate",
    "summarize",
]

ENTRANT = "entrant"


def in_days(weeks: float) -> int:
    """A duration in weeks as a whole number of days (the model's step).

    >>> in_days(10 / 7)
    10
    """
    return round(weeks * DAYS_PER_WEEK)


def seller_names(config: LoyaltyConfig) -> list[str]:
    """Names of the sellers: ``seller_1`` ... ``seller_n``, then ``entrant`` if any."""
    names = [f"seller_{i + 1}" for i in range(config.sellers)]
    return [*names, ENTRANT] if config.entrant is not None else names


def critical_beta(sellers: int, gamma: float, profit: float) -> float:
    """Mean-field threshold ``beta_c = n gamma / profit`` (per money unit).

    Below it the evenly spread state is the only stable one; above it buyers
    become loyal.

    >>> critical_beta(2, 0.1, 1.0)
    0.2
    """
    return sellers * gamma / profit


def mean_field(profits, beta, gamma: float, start, days: int) -> np.ndarray:
    """Preferences after ``days`` of the mean-field dynamics, from ``start``.

    The mean-field (expected) dynamics replaces each visit by its probability:
    ``J <- (1 - gamma) J + profits * P(J)``. ``start`` holds one row of
    preferences per case (money); the result has the same shape. ``beta`` is
    one sensitivity for every row, or one per row; ``profits`` one row of
    profits per visit for every case, or one per case. Its fixed points are the
    states the source analyses: ``J_j = profit_j P_j / gamma``.

    >>> J = mean_field([1.0, 1.0], beta=0.1, gamma=0.1, start=[[6.0, 4.0]], days=2000)
    >>> np.round(J, 6)
    array([[5., 5.]])
    """
    profits = np.asarray(profits, dtype=float)
    preferences = np.atleast_2d(np.asarray(start, dtype=float))
    # a logit with sensitivity beta over J is a logit with sensitivity 1 over beta J
    scale = np.broadcast_to(np.asarray(beta, dtype=float), preferences.shape[:1])[:, None]
    for _ in range(days):
        chances = choice_probabilities(preferences * scale, 1.0)
        preferences = update_preference(preferences, profits * chances, gamma)
    return preferences


def order_parameter(preferences: np.ndarray, available: int | None = None) -> np.ndarray:
    """Each buyer's ``y = sum_j J_j^2 / (sum_j J_j)^2`` (one row of ``preferences`` per buyer).

    A row of zeros (no preference yet) gives ``1 / available``, the value of a
    buyer who spreads its visits evenly over the ``available`` sellers
    (default: all columns).

    >>> order_parameter(np.array([[1.0, 1.0], [2.0, 0.0], [0.0, 0.0]]))
    array([0.5, 1. , 0.5])
    """
    preferences = np.atleast_2d(np.asarray(preferences, dtype=float))
    available = preferences.shape[1] if available is None else available
    total = preferences.sum(axis=1)
    y = np.full(total.shape, 1.0 / available)
    known = total > 0
    # shares first: squaring tiny preferences would underflow
    shares = preferences[known] / total[known, None]
    y[known] = np.square(shares).sum(axis=1)
    return y


def simulate(scenario, seed: np.random.SeedSequence, *, events: bool = False) -> dict:
    """Simulate every buyer's daily visits for one replication; see the module docstring.

    Returns ``pairs`` (one row per buyer: favourite sellers, final ``y``,
    visits and final preference per seller), ``timeseries`` (one row per
    sample day: mean ``y``, visit shares, visits and profits per seller in the
    window since the previous sample) and, with ``events``, the days on which
    buyers changed favourite.
    """
    config: LoyaltyConfig = scenario.loyalty
    rng = Streams(seed)["visits"]
    names = seller_names(config)
    days = in_days(scenario.horizon)
    every = max(1, in_days(scenario.sample_every))
    entry_day = _entry_day(config, days)
    profits = np.array([*config.profits, *([config.entrant.profit] if config.entrant else [])])
    buyers, sellers = config.buyers, profits.size

    preferences = np.full((buyers, sellers), config.initial_preference, dtype=float)
    if config.entrant is not None:
        preferences[:, -1] = -np.inf  # not open yet: never chosen
    visits = np.zeros((buyers, sellers), dtype=np.int64)
    window = np.zeros(sellers, dtype=np.int64)
    rows = [_sample(0, preferences, window, profits, config.sellers)]
    favourite_before_entry = np.full(buyers, -1)
    changes: list[tuple[int, np.ndarray, np.ndarray, np.ndarray]] = []
    favourite = _favourite(preferences)
    everyone = np.arange(buyers)

    for day in range(days):
        if day == entry_day:
            favourite_before_entry = _favourite(preferences)
            preferences[:, -1] = config.entrant.initial_preference
        chances = choice_probabilities(preferences, config.beta)
        chosen = _draw(chances, rng)
        payoff = np.zeros((buyers, sellers))
        payoff[everyone, chosen] = profits[chosen]
        preferences = update_preference(preferences, payoff, config.gamma)
        visits[everyone, chosen] += 1
        window += np.bincount(chosen, minlength=sellers)
        if events:
            now = _favourite(preferences)
            moved = np.flatnonzero(now != favourite)
            changes.append((day + 1, moved, favourite[moved], now[moved]))
            favourite = now
        if (day + 1) % every == 0 or day + 1 == days:
            open_now = sellers if entry_day is None or day >= entry_day else config.sellers
            rows.append(_sample(day + 1, preferences, window, profits, open_now))
            window[:] = 0

    open_at_end = sellers if entry_day is not None and entry_day < days else config.sellers
    tables = {
        "pairs": _buyer_table(preferences, visits, favourite_before_entry, names, open_at_end),
        "timeseries": _timeseries(rows, names),
    }
    if events:
        tables["events"] = _events_table(changes, names)
    return tables


def _entry_day(config: LoyaltyConfig, days: int) -> int | None:
    if config.entrant is None:
        return None
    day = in_days(config.entrant.at)
    return day if day < days else None


def _draw(chances: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One seller per buyer, drawn with the probabilities of its row."""
    cumulative = np.cumsum(chances, axis=1)
    draws = rng.random(chances.shape[0])[:, None]
    return np.minimum((draws >= cumulative).sum(axis=1), chances.shape[1] - 1)


def _favourite(preferences: np.ndarray) -> np.ndarray:
    """Index of each buyer's most preferred seller (the first one on ties)."""
    return np.argmax(preferences, axis=1)


def _known(preferences: np.ndarray) -> np.ndarray:
    """Preferences with sellers not open yet counted as zero."""
    return np.where(np.isneginf(preferences), 0.0, preferences)


def _sample(day: int, preferences, window, profits, open_sellers: int) -> tuple:
    y = order_parameter(_known(preferences), open_sellers)
    return (day, float(y.mean()), window.copy(), window * profits)


def _timeseries(rows: list[tuple], names: list[str]) -> pd.DataFrame:
    days = np.array([row[0] for row in rows], dtype=np.int64)
    visits = np.array([row[2] for row in rows], dtype=np.int64)
    profit = np.array([row[3] for row in rows], dtype=float)
    total = visits.sum(axis=1, keepdims=True)
    with np.errstate(invalid="ignore"):
        shares = np.where(total > 0, visits / np.maximum(total, 1), np.nan)
    frame = pd.DataFrame({"day": days, "y": [row[1] for row in rows]})
    for index, name in enumerate(names):
        frame[f"share_{name}"] = shares[:, index]
        frame[f"visits_{name}"] = visits[:, index]
        frame[f"profit_{name}"] = profit[:, index]
    return frame


def _buyer_table(preferences, visits, favourite_before_entry, names, open_sellers) -> pd.DataFrame:
    known = _known(preferences)
    favourite = _favourite(known)
    label = np.array(names, dtype=object)
    before = np.where(favourite_before_entry >= 0,
                      label[np.maximum(favourite_before_entry, 0)], "")
    frame = pd.DataFrame({
        "buyer": np.arange(preferences.shape[0], dtype=np.int64),
        "favourite": pd.Series(label[favourite], dtype="string"),
        "favourite_before_entry": pd.Series(before, dtype="string"),
        "y": order_parameter(known, open_sellers),
        "favourite_visit_share": visits[np.arange(visits.shape[0]), favourite]
        / np.maximum(visits.sum(axis=1), 1),
    })
    for index, name in enumerate(names):
        frame[f"visits_{name}"] = visits[:, index]
    for index, name in enumerate(names):
        frame[f"preference_{name}"] = known[:, index]
    return frame


def _events_table(changes, names) -> pd.DataFrame:
    label = np.array(names, dtype=object)
    if changes:
        day = np.concatenate([np.full(moved.size, d) for d, moved, _, _ in changes])
        buyer = np.concatenate([moved for _, moved, _, _ in changes])
        old = np.concatenate([o for _, _, o, _ in changes]).astype(np.int64)
        new = np.concatenate([n for _, _, _, n in changes]).astype(np.int64)
    else:
        day = buyer = old = new = np.zeros(0, dtype=np.int64)
    return pd.DataFrame({
        "day": day.astype(np.int64),
        "buyer": buyer.astype(np.int64),
        "kind": pd.Series(["favourite_change"] * day.size, dtype="string"),
        "from_seller": pd.Series(label[old], dtype="string"),
        "to_seller": pd.Series(label[new], dtype="string"),
    })


def summarize(tables: dict[str, pd.DataFrame], scenario) -> dict:
    """The mean-field threshold, visit shares and switching to an entrant.

    The mean order parameter over replications and its interval are a key
    figure of the analysis (``order_parameter`` in :mod:`analysis.metrics`).
    """
    config: LoyaltyConfig = scenario.loyalty
    pairs = tables["pairs"]
    mean_profit = float(np.mean(config.profits))
    beta_c = critical_beta(config.sellers, config.gamma, mean_profit)
    names = seller_names(config)
    visits = pairs[[f"visits_{n}" for n in names]].sum()
    summary = {
        "buyers": len(pairs),
        "sellers": config.sellers,
        "critical_beta": beta_c,
        "beta_over_critical": config.beta / beta_c,
        "y_disordered": 1.0 / config.sellers,
        "loyal_share": float((pairs["favourite_visit_share"] >= 0.9).mean()),
        "visit_share": {n: float(visits[f"visits_{n}"] / visits.sum()) for n in names},
    }
    if config.entrant is not None:
        summary["switched_to_entrant"] = float(
            ((pairs["favourite_before_entry"] != ENTRANT)
             & (pairs["favourite_before_entry"] != "")
             & (pairs["favourite"] == ENTRANT)).mean()
        )
    return summary
