"""The reproductions' report: Markdown table cells, figures, the HTML page, results.json, docs."""

from __future__ import annotations

import base64
import json
import re

import pytest

from analysis.plots import new_figure, save
from reproduce import Check, Settings, Verdict, write_report
from reproduce.framework import consistency
from reproduce.report import markdown, write_docs
from sim.version import __version__


def a_figure(path):
    figure, ax = new_figure("a figure")
    ax.plot([0, 1], [1, 0])
    return save(figure, path)


def check(name="one", passed=True, figure=None, **fields):
    values = {"source": "Author, A. (2001) A paper.", "claim": "A claim.",
              "criterion": "A criterion.", "expected": "x > 0", "measured": "x = 1",
              "verdicts": [Verdict("x is positive", "x > 0", "1", passed)], "notes": []}
    values.update(fields)
    return Check(name, values.pop("source"), values.pop("claim"), values.pop("criterion"),
                 values.pop("expected"), values.pop("measured"), passed, figure, **values)


def table_rows(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("| [")]


def test_a_pipe_or_a_line_break_in_a_cell_keeps_the_table_one_row_per_check(tmp_path):
    text = markdown([check(measured="a | b\nc", expected="x|y")], tmp_path)
    row, = table_rows(text)
    assert "| x\\|y | a \\| b c | pass |" in row
    # the row has its six columns: the escaped pipes are not separators
    assert len(re.split(r"(?<!\\)\|", row)) == 8


def test_verdict_cells_are_escaped_too(tmp_path):
    text = markdown([check(verdicts=[Verdict("a | b", "<", "1\n2", False)], passed=False)],
                    tmp_path)
    assert "| a \\| b | reproduction | < | 1 2 | FAIL |" in text


def test_a_failed_check_is_bold_in_the_table_and_said_in_its_section(tmp_path):
    text = markdown([check("bad", passed=False)], tmp_path)
    assert table_rows(text)[0].endswith("| **FAIL** |")
    assert "## bad\n\n**Result: FAIL.**" in text
    assert "0 of 1 checks pass." in text


def test_the_mode_is_said_after_the_count_only_when_given(tmp_path):
    assert "1 of 1 checks pass (full run)." in markdown([check()], tmp_path, mode="full run")
    assert "1 of 1 checks pass.\n" in markdown([check()], tmp_path)


def test_no_checks_give_an_empty_table_and_no_sections(tmp_path):
    text = markdown([], tmp_path)
    assert "0 of 0 checks pass." in text
    assert table_rows(text) == [] and "\n## " not in text


def test_a_section_has_source_claim_criterion_notes_and_each_rule(tmp_path):
    ruled = consistency(Verdict("by rule", "y", "y", True), "a threshold states it")
    text = markdown([check(verdicts=[ruled], notes=["first note", "second note"])], tmp_path)
    section = text.split("## one", 1)[1]
    order = ["**Source.** Author, A. (2001) A paper.", "**Claim.** A claim.",
             "**Criterion.** A criterion.", "**Kind.** consistency.",
             "*Consistency check, by rule:* a threshold states it", "first note", "second note"]
    positions = [section.index(part) for part in order]
    assert positions == sorted(positions)


def test_a_figure_is_linked_only_when_its_file_exists(tmp_path):
    missing = check("gone", figure=tmp_path / "figures" / "gone.png")
    present = check("here", figure=a_figure(tmp_path / "figures" / "here.png"))
    text = markdown([missing, present], tmp_path)
    assert "![here](figures/here.png)" in text and "![gone]" not in text


def test_figure_links_are_relative_to_the_page_folder(tmp_path):
    figure = a_figure(tmp_path / "run" / "figures" / "one.png")
    text = markdown([check(figure=figure)], tmp_path / "docs")
    assert "![one](../run/figures/one.png)" in text


@pytest.fixture
def written(tmp_path):
    figure = a_figure(tmp_path / "out" / "figures" / "one.png")
    checks = [check("one", figure=figure, measured="<b>bold</b> & more"),
              check("two", passed=False, figure=tmp_path / "out" / "figures" / "missing.png")]
    page = write_report(checks, tmp_path / "out" / "new", Settings(quick=True))
    return page, checks, figure


def test_the_report_folder_is_made_and_holds_the_three_files(written, tmp_path):
    page, _, _ = written
    assert page == tmp_path / "out" / "new" / "reproduce.html"
    assert sorted(p.name for p in page.parent.iterdir()) == [
        "reproduce.html", "reproduce.md", "results.json"]


def test_results_json_says_version_mode_and_each_check(written):
    page, _, _ = written
    results = json.loads((page.parent / "results.json").read_text())
    assert results["dyadsim_version"] == __version__
    assert results["mode"] == "quick run: fewer seeds and buyers"
    assert results["passed"] is False
    assert [c["name"] for c in results["checks"]] == ["one", "two"]
    assert results["checks"][0]["figure"] == "../figures/one.png"
    assert results["checks"][1]["verdicts"][0]["passed"] is False
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+00:00", results["finished"])


def test_results_json_passes_when_every_check_passes(tmp_path):
    write_report([check("a"), check("b")], tmp_path, Settings())
    results = json.loads((tmp_path / "results.json").read_text())
    assert results["passed"] is True and results["mode"] == "full run"


def test_the_page_embeds_the_figure_that_exists_and_escapes_text(written):
    page, _, figure = written
    html = page.read_text()
    assert html.count("data:image/png;base64,") == 1
    assert base64.b64encode(figure.read_bytes()).decode("ascii") in html
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in html and "<b>bold</b>" not in html
    assert "1 of 2 pass" in html
    assert "quick run: fewer seeds and buyers" in html and __version__ in html
    assert 'href="#one"' in html and 'id="two"' in html


def test_the_docs_page_copies_only_existing_figures_and_keeps_the_checks_unchanged(tmp_path):
    figure = a_figure(tmp_path / "run" / "figures" / "one.png")
    checks = [check("one", figure=figure),
              check("two", figure=tmp_path / "run" / "figures" / "two.png"),
              check("three")]
    page = write_docs(checks, tmp_path / "docs" / "reproductions.md", Settings(quick=True))
    assert sorted(p.name for p in (tmp_path / "docs" / "reproductions").iterdir()) == ["one.png"]
    text = page.read_text()
    assert "![one](reproductions/one.png)" in text and "![two]" not in text
    assert "(quick run: fewer seeds and buyers)" in text
    assert checks[0].figure == figure  # the run's own checks still point at the run
    assert (tmp_path / "docs" / "reproductions" / "one.png").read_bytes() == figure.read_bytes()


def test_the_docs_page_can_be_written_again_over_itself(tmp_path):
    figure = a_figure(tmp_path / "run" / "one.png")
    page = tmp_path / "docs" / "reproductions.md"
    write_docs([check(figure=figure)], page, Settings())
    first = page.read_text()
    write_docs([check(figure=figure)], page, Settings())
    assert page.read_text() == first
