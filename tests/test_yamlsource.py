"""Reading YAML safely, with libyaml and with the pure-Python loader alike, by YAML 1.2 rules."""

from __future__ import annotations

import pytest
import yaml

from sim.values import read_value
from sim.yamlsource import MAX_DEPTH, ScenarioError, load_yaml


@pytest.fixture(params=["libyaml", "python"])
def loader(request, monkeypatch):
    """Run the test with libyaml's loader and with PyYAML's own."""
    if request.param == "python":
        monkeypatch.delattr(yaml, "CSafeLoader", raising=False)
    elif not hasattr(yaml, "CSafeLoader"):
        pytest.skip("PyYAML built without libyaml")
    return request.param


def test_values_and_lines_are_the_same_with_either_loader(tmp_path, loader):
    path = tmp_path / "s.yaml"
    path.write_text("name: a\nmarkov:\n  reward: [1, 2]\n  start: x\n")
    data, source = load_yaml(path)
    assert data == {"name": "a", "markov": {"reward": [1, 2], "start": "x"}}
    assert source.locate(("markov", "start")) == (str(path), 4)
    assert source.locate(("markov", "reward", 1)) == (str(path), 3)


def test_nesting_deeper_than_the_limit_is_one_problem_at_its_line(tmp_path, loader):
    path = tmp_path / "deep.yaml"
    depth = MAX_DEPTH + 1
    path.write_text("name: x\nvalue: " + "[" * depth + "]" * depth + "\n")
    with pytest.raises(ScenarioError) as caught:
        load_yaml(path)
    [problem] = caught.value.problems
    assert problem.line == 2
    assert problem.message == f"malformed YAML: nested more than {MAX_DEPTH} levels deep"


def test_nesting_at_the_limit_is_read(tmp_path, loader):
    path = tmp_path / "deep.yaml"
    depth = MAX_DEPTH - 1  # the document's own mapping is one level
    path.write_text("value: " + "[" * depth + "]" * depth + "\n")
    data, _ = load_yaml(path)
    assert isinstance(data["value"], list)


def test_a_file_reads_plain_values_as_the_command_line_does(tmp_path, loader):
    # YAML 1.1 would read 010 as 8, 4:16 as 256, yes as true and the date as a date
    path = tmp_path / "core.yaml"
    path.write_text("count: 010\nclock: 4:16\nanswer: yes\nday: 2001-12-14\n"
                    "flags: [true, False, ~, null, .inf, 0x1F, 0o17, 1_000]\n")
    data, _ = load_yaml(path)
    assert {key: data[key] for key in ("count", "clock", "answer", "day")} == {
        "count": 10, "clock": "4:16", "answer": "yes", "day": "2001-12-14"}
    assert data["flags"] == [True, False, None, None, float("inf"), 31, 15, "1_000"]
    for key in data:
        assert data[key] == read_value(path.read_text().split(f"{key}: ")[1].split("\n")[0])


def test_a_merge_key_still_merges_a_mapping_in_a_file(tmp_path, loader):
    path = tmp_path / "merge.yaml"
    path.write_text("base: &b {x: 1, y: 2}\nuse:\n  <<: *b\n")
    data, _ = load_yaml(path)
    assert data["use"] == {"x": 1, "y": 2}
