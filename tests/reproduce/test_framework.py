"""The reproduction framework: verdicts over seeds, the report, the command's input checks."""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from reproduce_cli import call_reproduce

from analysis.plots import new_figure, save
from reproduce import REPRODUCTIONS, Check, Settings, Verdict, reproduction, write_report
from reproduce.framework import CONSISTENCY, consistency, vote
from reproduce.lifecycle import dissolution_exposure
from reproduce.loyalty_hysteresis import threshold
from reproduce.loyalty_transition import crossing
from reproduce.report import write_docs
from sim.cli_reproduce import WIDE, results_table, short_source


def test_vote_needs_ninety_percent_of_seeds():
    assert vote([True] * 18 + [False] * 2) == (True, "18 of 20 seeds")
    assert vote([True] * 17 + [False] * 3) == (False, "17 of 20 seeds")
    assert vote([True] * 4 + [False]) == (False, "4 of 5 seeds")
    assert vote([])[0] is False


def test_a_numpy_verdict_is_stored_as_a_plain_bool():
    verdict = Verdict("x", "y", "z", np.float64(1.2) > 1)
    assert type(verdict.passed) is bool
    assert json.loads(json.dumps({"passed": verdict.passed})) == {"passed": True}


def test_dissolution_exposure_counts_endings_and_weeks_of_begun_relationships():
    import pandas as pd

    pairs = pd.DataFrame({
        "replication": [0, 0, 0, 1],
        "t_early": [10.0, 20.0, np.nan, 0.0],
        "end": [30.0, 50.0, 5.0, 40.0],
        "censored": [False, True, False, False],
    })
    table = dissolution_exposure(pairs)
    assert table.loc[0, "endings"] == 1 and table.loc[0, "exposure"] == pytest.approx(50.0)
    assert table.loc[1, "endings"] == 1 and table.loc[1, "exposure"] == pytest.approx(40.0)


def test_crossing_interpolates_between_the_points_that_straddle_the_level():
    assert crossing([0.5, 1.0, 1.5], [0.5, 0.6, 0.8], 0.7) == pytest.approx(1.25)
    assert np.isnan(crossing([0.5, 1.0], [0.5, 0.6], 0.9))


def test_switching_threshold_is_interpolated_in_log_one_plus_advantage():
    # halfway between log(2) and log(4) in log(1 + a): 1 + a = sqrt(8)
    assert threshold([1.0, 3.0], [0.25, 0.75]) == pytest.approx(np.sqrt(8) - 1)
    assert np.isnan(threshold([1.0, 3.0], [0.1, 0.2]))


def _rendered(checks, width: int) -> list[str]:
    from rich.console import Console

    # markup off, as the command line's consoles are
    console = Console(width=width, record=True, markup=False,
                      file=open(os.devnull, "w"))  # noqa: SIM115
    console.print(results_table(checks, width))
    return console.export_text().splitlines()


def test_results_fit_a_narrow_terminal_without_squeezing_words():
    checks = [
        Check("competition-raises-dissolution", "Baker, W. E., Faulkner, R. R. & Fisher, G. A. "
              "(1998) Hazards of the market.", "claim", "criterion", "hazard rises with "
              "competition in each market tried", "rises in every market", True),
        Check("trust-and-age", "Vanneste, B. S. (2014) Trust over time.", "claim", "criterion",
              "0 < r < 0.3", "r = 0.01 [-0.02, 0.04]", False),
    ]
    narrow = _rendered(checks, 80)
    assert all(len(line) <= 80 for line in narrow)
    text = "\n".join(narrow)
    assert "expected: hazard rises with competition in each market tried" in text
    assert "measured: r = 0.01 [-0.02, 0.04]" in text
    assert "Baker, Faulkner & Fisher (1998)" in text
    assert "pass  competition-raises-dissolution" in text and "FAIL  trust-and-age" in text
    assert "[/" not in text  # styles, never markup printed as text
    wide = "\n".join(_rendered(checks, WIDE))
    assert "┃ name" in wide and "┃ measured" in wide
    assert "│ competition-raises-dissolution │" in wide


def test_short_source_keeps_surnames_and_year():
    assert short_source("Ford, D. (1980) The development.") == "Ford (1980)"


def test_every_reproduction_states_source_claim_and_criterion():
    for name in REPRODUCTIONS:
        module = reproduction(name)
        assert name == module.NAME
        assert "(" in module.SOURCE and module.CLAIM and module.CRITERION


def synthetic_checks(folder):
    figure, ax = new_figure("a figure")
    ax.plot([0, 1], [0, 1])
    path = save(figure, folder / "figures" / "first.png")
    passing = Check("first", "Author, A. (2001) A paper.", "A claim.", "A criterion.",
                    "x > 0", "x = 1", True, path,
                    [Verdict("x is positive", "x > 0", "1 [0.5, 1.5]", True),
                     consistency(Verdict("x is positive by rule", "x > 0", "1", True),
                                 "a threshold states it")], ["a note"])
    failing = Check("second", "Other, B. (2002) Another.", "Another claim.", "Criterion.",
                    "y < 0", "y = 2", False, None,
                    [Verdict("y is negative", "y < 0", "2", False)])
    return [passing, failing]


def test_report_has_the_table_each_check_and_its_embedded_figure(tmp_path):
    checks = synthetic_checks(tmp_path)
    page = write_report(checks, tmp_path, Settings(figures=tmp_path / "figures"))
    text = (tmp_path / "reproduce.md").read_text()
    html = page.read_text()
    results = json.loads((tmp_path / "results.json").read_text())
    assert "1 of 2 checks pass" in text
    assert ("| [first](#first) | reproduction; 1 of 2 statements consistency | "
            "Author, A. (2001) A paper. | x > 0 | x = 1 | pass |") in text
    assert "![first](figures/first.png)" in text
    assert "| y is negative | reproduction | y < 0 | 2 | FAIL |" in text
    assert "| x is positive by rule | consistency | x > 0 | 1 | pass |" in text
    assert "*Consistency check, x is positive by rule:* a threshold states it" in text
    assert "**Kind.** reproduction; 1 of 2 statements consistency." in text
    assert "Consistency check,\n  x is positive by rule" in html
    assert results["checks"][0]["kind"] == "reproduction"
    assert results["checks"][0]["verdicts"][1]["kind"] == "consistency"
    assert "data:image/png;base64," in html and "FAIL" in html
    assert results["passed"] is False
    assert results["checks"][0]["figure"] == "figures/first.png"


def test_docs_page_links_figures_copied_beside_it(tmp_path):
    checks = synthetic_checks(tmp_path / "run")
    page = write_docs(checks, tmp_path / "docs" / "reproductions.md", Settings())
    assert (tmp_path / "docs" / "reproductions" / "first.png").exists()
    assert "![first](reproductions/first.png)" in page.read_text()


def test_unknown_reproduction_is_bad_input(tmp_path):
    outcome = call_reproduce("loyalty-transition", "no-such-check", folder=tmp_path)
    assert outcome.code == 2
    assert "unknown reproduction 'no-such-check'" in outcome.stderr
    assert "markov-clv" in outcome.stderr


def test_list_names_every_reproduction_without_running_any(tmp_path):
    outcome = call_reproduce("--list", folder=tmp_path)
    assert outcome.code == 0
    for name in REPRODUCTIONS:
        assert name in outcome.stdout
    assert not (tmp_path / "results.json").exists()


def test_a_check_is_consistency_only_when_every_statement_follows_from_construction():
    ruled = consistency(Verdict("a", "", "", True), "a threshold states it")
    assert ruled.kind == CONSISTENCY and ruled.construction == "a threshold states it"
    both = Check("c", "", "", "", "", "", True, verdicts=[ruled, Verdict("b", "", "", True)])
    assert both.kind == "reproduction"
    assert both.kind_label == "reproduction; 1 of 2 statements consistency"
    assert Check("d", "", "", "", "", "", True, verdicts=[ruled]).kind == CONSISTENCY


def test_a_consistency_statement_must_say_why_and_a_kind_must_be_known():
    with pytest.raises(ValueError, match="says why"):
        Verdict("a", "", "", True, CONSISTENCY)
    with pytest.raises(ValueError, match="says why"):
        Verdict("a", "", "", True, "reproduction", "a reason")
    with pytest.raises(ValueError, match="kind"):
        Verdict("a", "", "", True, "anecdote")


def test_the_statements_that_follow_from_construction_are_labelled_with_their_rule():
    from reproduce import commitment_trust_signs, ford_stage_profile, seed_claims

    assert set(ford_stage_profile.CONSTRUCTION) == {v for v, _ in ford_stage_profile.VARIABLES}
    paths = {label for label, _ in commitment_trust_signs.PATHS}
    assert set(commitment_trust_signs.CONSTRUCTION) == {
        "switching cost -> commitment", "trust -> commitment"} < paths
    assert "threshold" in seed_claims.ADAPTATION_NEEDS_TRUST
