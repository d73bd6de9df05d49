"""Whether scenarios and finished runs can be compared, said before anything runs.

Runs of different models have no key figure in common: refused in one line.
Different horizons or market sizes can be compared, but counts and money
that grow with time or with the market then differ for that reason alone: a
one-line warning says so, as it does when the runs name different focal
suppliers (their focal figures then follow different suppliers).
"""

from __future__ import annotations

from sim.cli_common import BadInput
from sim.units import counted

__all__ = ["comparability_warnings", "setting_of"]


def setting_of(item) -> dict:
    """The resolved scenario of a scenario or a finished run, as the manifest stores it."""
    from sim.scenario import Scenario

    if isinstance(item, Scenario):
        return item.model_dump(mode="json", by_alias=True)
    return (item.manifest or {}).get("scenario", {})


def market_size(setting: dict) -> str:
    """The size of the market in words: ``300 buyers, 12 suppliers``."""
    model = setting.get("model")
    if model == "lifecycle":
        market = setting.get("lifecycle", {}).get("market", {})
        buyers = len(market["buyer_list"]) if market.get("buyer_list") else \
            market.get("buyers", {}).get("count")
        suppliers = len(market["supplier_list"]) if market.get("supplier_list") else \
            market.get("suppliers", {}).get("count")
        return f"{counted(buyers, 'buyer')}, {counted(suppliers, 'supplier')}"
    if model == "markov":
        return counted(setting.get("markov", {}).get("customers"), "customer")
    if model == "loyalty":
        loyalty = setting.get("loyalty", {})
        return (f"{counted(loyalty.get('buyers'), 'buyer')}, "
                f"{counted(len(loyalty.get('profits', ())), 'seller')}")
    return ""


def comparability_warnings(names: list[str], items: list) -> list[str]:
    """One line per difference that limits the comparison; BadInput when models differ."""
    settings = [setting_of(item) for item in items]
    models = [s.get("model") for s in settings]
    if len(set(models)) > 1:
        listed = ", ".join(f"{name} is model '{model}'" for name, model in
                           zip(names, models, strict=True))
        raise BadInput(f"compare: {listed}; only runs of one model can be compared")
    warnings = []
    horizons = [float(s.get("horizon", 0)) for s in settings]
    if len(set(horizons)) > 1:
        listed = ", ".join(f"{name} {counted(h, 'week')}" for name, h in zip(names, horizons,
                                                                            strict=True))
        warnings.append(f"warning: the horizons differ ({listed}); counts, durations and money "
                        "differ for that reason too")
    sizes = [market_size(s) for s in settings]
    if len(set(sizes)) > 1:
        listed = "; ".join(f"{name} {size}" for name, size in zip(names, sizes, strict=True))
        warnings.append(f"warning: the market sizes differ ({listed}); counts and money "
                        "differ for that reason too, shares and rates less so")
    focal = [", ".join(s.get("focal") or ()) or "the incumbents" for s in settings]
    if len(set(focal)) > 1:
        listed = "; ".join(f"{name} {who}" for name, who in zip(names, focal, strict=True))
        warnings.append(f"warning: the focal suppliers differ ({listed}); the focal figures "
                        f"follow different suppliers, labelled as in {names[0]}")
    return warnings
