"""Comparing scenarios: no difference with itself, the known difference between two."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from synthetic_bundles import retention_value

import sim
from analysis import compare as comparing


def _run(path, replications: int = 6, seed: int = 7, out=None) -> sim.Results:
    return sim.run(sim.load_scenario(path), replications, seed, workers=1, out=out)


def test_a_scenario_compared_with_itself_shows_no_difference(retention_file):
    results = _run(retention_file("same", 0.8))
    comparison = comparing.compare([results, results])
    table = comparison.differences
    assert comparison.paired
    assert (table["difference"] == 0).all()
    assert ((table["low"] <= 0) & (table["high"] >= 0)).all()
    assert not table["excludes_zero"].any()


def test_independent_runs_of_one_scenario_have_intervals_that_cover_zero(retention_file):
    path = retention_file("same", 0.8)
    comparison = comparing.compare([_run(path, 8, seed=1), _run(path, 8, seed=2)])
    table = comparison.differences
    assert not comparison.paired
    assert ((table["low"] <= 0) & (table["high"] >= 0)).all(), table


def test_the_interval_covers_the_known_difference_in_customer_value(retention_file):
    loyal, fickle = _run(retention_file("loyal", 0.8)), _run(retention_file("fickle", 0.7))
    comparison = comparing.compare([loyal, fickle])
    row = comparison.differences.set_index("metric").loc["customer_value"]
    known = retention_value(0.7) - retention_value(0.8)  # 275 - 366.7 = -91.7 per customer
    assert row.low < known < row.high
    assert row.excludes_zero and row.scenario == "fickle"


def test_common_random_numbers_narrow_the_interval(retention_file):
    loyal, fickle = _run(retention_file("loyal", 0.8)), _run(retention_file("fickle", 0.7))
    metrics = [comparing.replication_metrics(r)["customer_value"] for r in (loyal, fickle)]
    _, low, high = comparing.stats.bootstrap_difference(*metrics, paired=True)
    _, low_apart, high_apart = comparing.stats.bootstrap_difference(*metrics, paired=False)
    assert high - low < high_apart - low_apart


def test_comparison_bundle_has_table_figures_and_an_offline_page(retention_file, tmp_path):
    loyal, fickle = _run(retention_file("loyal", 0.8)), _run(retention_file("fickle", 0.7))
    comparison = comparing.compare([loyal, fickle])
    page = comparing.write_comparison(comparison, tmp_path / "cmp")
    html = page.read_text(encoding="utf-8")
    assert page.name == "compare.html"
    assert len(re.findall(r'src="data:image/png;base64,', html)) >= 3
    assert not re.search(r'(src|href)="(https?:)?//', html)
    assert "Differences against loyal" in html and "common random numbers" in html
    saved = pd.read_csv(tmp_path / "cmp" / "comparison.csv")
    assert {"metric", "difference", "low", "high", "excludes_zero"} <= set(saved.columns)
    [survival] = comparing.plot_survival(comparison).legends
    assert [t.get_text().split(" (")[0] for t in survival.get_texts()] == [
        "loyal", "fickle"]


def test_differences_are_written_in_percentage_points_for_shares():
    assert comparing.format_difference(1.234, "%") == "+1.2 pp"
    assert comparing.format_difference(-1234.0, "money per pair") == "-1,234"
    assert comparing.format_difference(2.5, "weeks") == "+2.50"


def test_compare_command_runs_scenarios_with_the_same_seed(dyadsim_analysis, retention_file,
                                                           tmp_path):
    done = dyadsim_analysis("compare", retention_file("loyal", 0.8),
                            retention_file("fickle", 0.7), "-n", "4", "-w", "1", "-o", "cmp")
    assert done.returncode == 0, done.stderr
    assert "differences against loyal (paired by common random numbers" in done.stdout
    value_row = next(line for line in done.stdout.splitlines() if "customer value" in line)
    assert value_row.rstrip(" │").endswith("*")
    seeds = {sim.load_results(tmp_path / "cmp" / name).manifest["seed"]
             for name in ("loyal", "fickle")}
    assert seeds == {7}
    assert (tmp_path / "cmp" / "compare.html").exists()
    assert "key_figures" in sim.load_results(tmp_path / "cmp" / "loyal").summary()


def test_compare_command_accepts_finished_bundles(dyadsim_here, retention_file, tmp_path):
    _run(retention_file("loyal", 0.8), 4, out=tmp_path / "a")
    code, out, err = dyadsim_here("compare", "a", "a", "-o", "cmp")
    assert code == 0, err
    assert "+0" in out and "*" not in out.split("interval excludes 0")[1]
    assert (tmp_path / "cmp" / "compare.html").exists()


@pytest.mark.parametrize(("args", "message"), [
    (("only_one",), "compare needs at least two"),
    (("markov_retention", "no_such_scenario"), "no_such_scenario: no such file"),
])
def test_compare_command_reports_bad_input_in_one_line(dyadsim_here, args, message):
    code, _, err = dyadsim_here("compare", *args)
    assert code == 2
    assert message in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


# long enough for relationships to reach long-term, where neglect acts
SMALL_MARKET = ["horizon=6 years", "lifecycle.market.buyers.count=150"]


def test_neglecting_long_term_customers_costs_satisfaction_and_customers():
    # C11: less attention in long-term relationships, so requirement shifts go unnoticed,
    # satisfaction falls and competitors win the accounts
    runs = [sim.run(sim.load_scenario(name, SMALL_MARKET), 12, 2024, workers=2)
            for name in ("baseline", "neglect")]
    table = comparing.compare(runs).differences.set_index("metric")
    satisfaction = table.loc["satisfaction_long_term"]
    assert satisfaction.difference < 0 and satisfaction.excludes_zero
    lost = table.loc["long_term_lost_to_competitors"]
    assert lost.difference > 0 and lost.excludes_zero


@pytest.mark.slow
def test_compare_baseline_with_neglect_shows_losses_to_competitors(dyadsim_analysis, tmp_path):
    done = dyadsim_analysis("compare", "baseline", "neglect", "-n", "10", "-o", "cmp", "-q",
                            timeout=900)
    assert done.returncode == 0, done.stderr
    table = pd.read_csv(tmp_path / "cmp" / "comparison.csv").set_index("metric")
    lost = table.loc["long_term_lost_to_competitors"]
    assert lost.difference > 0 and lost.excludes_zero
    satisfaction = table.loc["satisfaction_long_term"]
    assert satisfaction.difference < 0 and satisfaction.excludes_zero
    assert "entrant_share" not in table.index  # no entrants in either: nothing to say
    html = (tmp_path / "cmp" / "compare.html").read_text(encoding="utf-8")
    assert "Differences against baseline" in html and "<script" not in html


@pytest.mark.parametrize("scenarios", [2, 3])
def test_difference_table_fits_a_narrow_terminal(retention_file, scenarios):
    import io

    from rich.console import Console

    from sim.cli_analysis import _difference_table

    runs = [_run(retention_file(name, rate)) for name, rate in
            (("loyal", 0.8), ("fickle", 0.7), ("faithful", 0.9))[:scenarios]]
    comparison = comparing.compare(runs)
    for width in (80, 160):
        # markup off, as the command line's consoles are
        console = Console(width=width, file=io.StringIO(), record=True, markup=False)
        console.print(_difference_table(comparison, width))
        lines = console.export_text().splitlines()
        assert all(len(line) <= width for line in lines)
        value = next(line for line in lines if "customer value" in line)
        assert "fickle" in "\n".join(lines) and "*" in value
        assert "[/" not in "\n".join(lines)  # styles, never markup printed as text
        if width == 80:
            # the interval sits whole on the line under the difference
            assert " to " in lines[lines.index(value) + 1]
