"""Claim codes (C1-C16) are explained wherever they are shown."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from analysis.bundle import claims_cited
from sim.models.lifecycle.vocabulary import CLAIMS, VOCABULARY
from sim.results import Results

ROOT = Path(__file__).resolve().parents[1]


def test_the_model_page_realises_every_claim_under_the_same_title():
    text = (ROOT / "docs/model.md").read_text(encoding="utf-8")
    rows = dict(re.findall(r"^\| (C\d+) ([^|]+?) \|", text, flags=re.M))
    assert rows == CLAIMS
    assert list(CLAIMS) == [f"C{n}" for n in range(1, 17)]


def test_every_code_cited_by_a_bundled_scenario_is_a_known_claim():
    from sim.scenario import bundled_scenarios

    cited = {code for _, text in bundled_scenarios() for code in re.findall(r"\bC\d+\b", text)}
    assert cited and cited <= set(CLAIMS)


def test_list_ends_with_what_each_cited_code_stands_for(capsys):
    from sim import cli

    with pytest.raises(SystemExit):
        cli.main(["list"])
    footnote = capsys.readouterr().out.strip().splitlines()[-1]
    assert footnote.startswith("Codes such as C11 are the claims of the relationship lifecycle")
    assert "C11 lost interest misses requirements" in footnote
    assert "C12 final: rare, stable, vulnerable to entry" in footnote
    assert "C1 potential" not in footnote  # cited by no bundled scenario


def test_report_explains_the_codes_its_description_cites():
    results = Results({"vocabulary": VOCABULARY}, None, None)
    assert claims_cited(results, "competitors win (C11, C12); C99 is no claim") == [
        "C11: lost interest misses requirements", "C12: final: rare, stable, vulnerable to entry"]
    assert claims_cited(Results({}, None, None), "(C11)") == []
