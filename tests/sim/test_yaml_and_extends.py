"""Reading scenario files with their lines, and building one on another with ``extends``."""

from __future__ import annotations

from pathlib import Path

import pytest

from sim.extends import ANYWHERE_VARIABLE, MAX_EXTENDS, load_with_extends
from sim.scenario import load_scenario
from sim.yamlsource import (
    ECHO_LIMIT,
    MAX_ALIAS_VALUES,
    Problem,
    ScenarioError,
    SourceMap,
    echo,
    format_path,
    load_yaml,
    one_line,
)


def problem_of(call, *args, **kwargs) -> str:
    """The one problem ``call`` raises, as printed."""
    with pytest.raises(ScenarioError) as caught:
        call(*args, **kwargs)
    [problem] = caught.value.problems
    return str(problem)


# ---------------------------------------------------------------- messages


@pytest.mark.parametrize(("problem", "text"), [
    (Problem("a.yaml", 3, "seed", "must be positive"), "a.yaml:3: seed: must be positive"),
    (Problem("a.yaml", None, "seed", "bad"), "a.yaml: seed: bad"),
    (Problem("a.yaml", 0, "", "empty"), "a.yaml: empty"),  # no line 0: an override
    (Problem("--set x=1", None, "", "cannot read"), "--set x=1: cannot read"),
    (Problem("a.yaml", 2, "name", "got 'x\ny'"), "a.yaml:2: name: got 'x\\ny'"),
])
def test_a_problem_is_one_line_naming_file_line_and_field(problem, text):
    assert str(problem) == text


def test_control_characters_are_escaped_and_long_values_shortened():
    assert one_line("a\tb\r\nc\x1b[31m") == "a\\tb\\r\\nc\\x1b[31m"
    assert one_line("café ünïcode") == "café ünïcode"
    assert echo("x" * 10) == "'xxxxxxxxxx'"
    long = echo("y" * 500)
    assert len(long) == ECHO_LIMIT and long.endswith("...") and long.startswith("'yyy")


@pytest.mark.parametrize(("path", "text"), [
    ((), ""), (("seed",), "seed"), (("markov", "transition", 0, 1), "markov.transition[0][1]"),
    ((0, "a"), "[0].a"), (("lifecycle", "market", "supplier_list", 2, "quality"),
                          "lifecycle.market.supplier_list[2].quality"),
])
def test_paths_are_written_as_in_an_override(path, text):
    assert format_path(path) == text


def test_a_path_is_located_at_its_nearest_known_ancestor():
    source = SourceMap({(): ("a.yaml", 1), ("markov",): ("a.yaml", 4),
                        ("markov", "reward"): ("a.yaml", 9)})
    assert source.locate(("markov", "reward", 3)) == ("a.yaml", 9)
    assert source.locate(("markov", "start")) == ("a.yaml", 4)
    assert source.locate(("seed",)) == ("a.yaml", 1)
    assert SourceMap().locate(("seed",)) == ("<scenario>", None)


def test_grafting_replaces_everything_below_the_prefix_and_nothing_beside_it():
    source = SourceMap({("m",): ("a", 1), ("m", "x"): ("a", 2), ("m", "x", 0): ("a", 3),
                        ("mm",): ("a", 7), ("n",): ("a", 8)})
    source.graft(("m", "x"), SourceMap({(): ("b", 5), (1,): ("b", 6)}))
    assert source.locations == {("m",): ("a", 1), ("m", "x"): ("b", 5), ("m", "x", 1): ("b", 6),
                                ("mm",): ("a", 7), ("n",): ("a", 8)}


# ---------------------------------------------------------------- reading a file


def test_every_key_and_item_is_located_at_its_own_line(write_yaml):
    path = write_yaml("s.yaml", """
        name: x
        markov:
          states:
            - a
            - b
          transition: [[1, 0],
                       [0, 1]]
        """)
    data, source = load_yaml(path)
    assert data["markov"]["transition"] == [[1, 0], [0, 1]]
    where = {key: source.locate(key)[1] for key in [
        ("name",), ("markov",), ("markov", "states", 1), ("markov", "transition", 1, 0)]}
    assert where == {("name",): 1, ("markov",): 2, ("markov", "states", 1): 5,
                     ("markov", "transition", 1, 0): 7}


@pytest.mark.parametrize(("text", "problem"), [
    ("? [a, b]\n: 1\n", ":1: keys must be plain names"),
    ("name: x\n~: 1\n", ":2: keys must be plain names, got None"),
    ('1: a\n"1": b\n', ":2: 1: duplicate key"),  # keys are names: 1 and '1' are one key
    ("a: !!omap [x: 1]\n", ":1: malformed YAML: tag 'tag:yaml.org,2002:omap' is not allowed"),
    ("a: !foo {x: 1}\n", ":1: malformed YAML: tag '!foo' is not allowed"),
    ("a: 1\n\tb: 2\n", ":2: malformed YAML: found a tab character that violates indentation"),
    ("a: [1, 2\nb: 3\n", ":2: malformed YAML:"),
    ("x: &a [1, *a]\n", ":1: x[1]: an alias refers to a value that contains it"),
])
def test_what_a_file_cannot_hold_is_one_problem_at_its_line(write_yaml, text, problem):
    path = write_yaml("bad.yaml", text)
    assert problem_of(load_yaml, path).startswith(f"{path}{problem}")


def test_a_count_written_as_a_clock_time_in_a_file_is_an_error_not_256(write_yaml,
                                                                         small_markov):
    path = write_yaml("clock.yaml", "extends: small.yaml\nmarkov:\n  customers: 4:16\n")
    assert problem_of(load_scenario, path).startswith(
        f"{path}:3: markov.customers: must be a valid integer")


def test_numeric_keys_are_read_as_names(write_yaml):
    data, _ = load_yaml(write_yaml("k.yaml", "1: a\n2.5: b\ntrue: c\n"))
    assert data == {"1": "a", "2.5": "b", "True": "c"}


def test_an_alias_gives_a_copy_located_at_its_key_and_at_the_anchor_for_what_is_inside(
        write_yaml):
    path = write_yaml("a.yaml", "base: &b {x: 1}\nother: 2\nuse: *b\n")
    data, source = load_yaml(path)
    assert data["use"] == {"x": 1} and data["use"] is not data["base"]
    assert source.locate(("use",)) == (str(path), 3)
    assert source.locate(("use", "x")) == (str(path), 1)  # the value is written there


def test_aliases_may_expand_to_the_limit_but_not_beyond(write_yaml):
    block = "[" + ", ".join(["0"] * 999) + "]"  # 1000 values with the list itself
    uses = MAX_ALIAS_VALUES // 1000
    path = write_yaml("ok.yaml", f"a: &a {block}\n" + "".join(f"u{i}: *a\n" for i in range(uses)))
    data, _ = load_yaml(path)
    assert len(data) == uses + 1
    path = write_yaml("bomb.yaml", path.read_text() + "one_more: *a\n")
    assert f"aliases expand to more than {MAX_ALIAS_VALUES:,} values" in problem_of(load_yaml,
                                                                                  path)


def test_a_file_just_under_the_size_limit_is_read(write_yaml):
    from sim.yamlsource import MAX_FILE_BYTES

    text = "name: x\ndescription: " + "y" * (MAX_FILE_BYTES - 30) + "\n"
    data, _ = load_yaml(write_yaml("big.yaml", text))
    assert len(data["description"]) == MAX_FILE_BYTES - 30


def test_a_file_that_cannot_be_opened_says_why(tmp_path):
    loop = tmp_path / "loop.yaml"
    loop.symlink_to(loop)
    assert problem_of(load_yaml, loop) == (f"{loop}: cannot read file: Too many levels of "
                                           "symbolic links")


def test_a_scenario_that_is_not_a_mapping_is_refused_at_line_one(write_yaml):
    path = write_yaml("list.yaml", "- a\n- b\n")
    assert problem_of(load_scenario, path) == f"{path}:1: a scenario must be a mapping of keys"


def test_bytes_that_are_not_utf8_are_located_at_their_line(write_yaml, tmp_path):
    path = tmp_path / "latin.yaml"
    path.write_bytes(b"name: x\nmodel: markov\ndescription: caf\xe9\n")
    assert problem_of(load_yaml, path) == f"{path}:3: cannot read file: not UTF-8 text"


# ---------------------------------------------------------------- extends


def test_a_child_overrides_values_merges_sections_and_replaces_lists(write_yaml):
    write_yaml("base.yaml", """
        name: base
        seed: 3
        markov:
          states: [a, b, c]
          reward: [1, 2, 3]
          customers: 10
        """)
    child = write_yaml("child.yaml", """
        extends: base.yaml
        seed: 4
        markov:
          reward: [9]
        """)
    data, _ = load_with_extends(child)
    assert data == {"name": "base", "seed": 4,
                    "markov": {"states": ["a", "b", "c"], "reward": [9], "customers": 10}}


def test_each_value_is_located_in_the_file_that_gave_it(write_yaml):
    base = write_yaml("base.yaml", "name: base\nmarkov:\n  reward: [1, 2, 3]\n  customers: 10\n")
    child = write_yaml("child.yaml", "extends: base.yaml\nmarkov:\n  reward:\n    - 9\n")
    _, source = load_with_extends(child)
    assert source.locate(("name",)) == (str(base), 1)
    assert source.locate(("markov", "customers")) == (str(base), 4)
    assert source.locate(("markov", "reward", 0)) == (str(child), 4)
    assert source.locate(("markov", "reward", 2)) == (str(child), 3)  # the base's list is gone


def test_a_chain_of_files_applies_each_over_the_one_before(write_yaml):
    write_yaml("c2.yaml", "name: two\nseed: 2\ndescription: from two\n")
    write_yaml("c1.yaml", "extends: c2.yaml\nseed: 1\n")
    top = write_yaml("c0.yaml", "extends: c1.yaml\nname: zero\n")
    data, _ = load_with_extends(top)
    assert data == {"name": "zero", "seed": 1, "description": "from two"}


def test_each_extends_is_read_relative_to_the_file_that_holds_it(write_yaml, tmp_path):
    (tmp_path / "common").mkdir()
    write_yaml("common/base.yaml", "name: base\nseed: 1\n")
    write_yaml("common/mid.yaml", "extends: base.yaml\nseed: 2\n")
    write_yaml("base.yaml", "name: the wrong base\n")  # beside the top file, not the middle one
    top = write_yaml("top.yaml", "extends: common/mid.yaml\ndescription: top\n")
    data, source = load_with_extends(top)
    assert data == {"name": "base", "seed": 2, "description": "top"}
    assert source.locate(("name",))[0].endswith("common/base.yaml")


def test_the_longest_chain_allowed_is_read_and_one_more_file_is_refused(write_yaml):
    for index in range(MAX_EXTENDS - 1):
        write_yaml(f"c{index}.yaml", f"extends: c{index + 1}.yaml\n")
    write_yaml(f"c{MAX_EXTENDS - 1}.yaml", "name: end\n")
    data, _ = load_with_extends(Path(write_yaml("c0.yaml", "extends: c1.yaml\n")))
    assert data == {"name": "end"}
    write_yaml(f"c{MAX_EXTENDS - 1}.yaml", f"extends: c{MAX_EXTENDS}.yaml\n")
    write_yaml(f"c{MAX_EXTENDS}.yaml", "name: end\n")
    assert f"a chain of more than {MAX_EXTENDS} files" in problem_of(load_with_extends,
                                                                     Path(write_yaml(
                                                                         "c0.yaml",
                                                                         "extends: c1.yaml\n")))


def test_a_file_that_extends_itself_is_a_cycle_at_its_extends_line(write_yaml):
    path = write_yaml("self.yaml", "name: me\nseed: 1\nextends: ./self.yaml\n")
    assert problem_of(load_with_extends, path) == (
        f"{path}:3: extends: cycle: self.yaml -> self.yaml")


@pytest.mark.parametrize("value", ["''", "'   '", "5", "[a.yaml]", "{x: 1}", "null",
                                   "file://base.yaml"])
def test_extends_must_name_a_file_or_a_bundled_scenario(write_yaml, value):
    path = write_yaml("x.yaml", f"name: x\nextends: {value}\n")
    assert problem_of(load_with_extends, path) == (
        f"{path}:2: extends: must be a bundled scenario name or the path of a local YAML file")


def test_the_base_of_a_chain_must_be_a_mapping(write_yaml):
    base = write_yaml("base.yaml", "- a\n")
    child = write_yaml("child.yaml", "extends: base.yaml\nname: c\n")
    assert problem_of(load_with_extends, child) == f"{base}:1: a scenario must be a mapping of keys"


@pytest.mark.parametrize("name", ["markov_retention", "markov_retention.yaml",
                                  "markov_retention.yml"])
def test_a_bundled_scenario_is_found_by_its_name_with_or_without_a_suffix(write_yaml, name):
    child = write_yaml("mine.yaml", f"extends: {name}\nname: mine\n")
    assert load_scenario(child).markov.states == ["customer", "lost"]


def test_a_folder_named_like_a_bundled_scenario_does_not_hide_it(write_yaml, tmp_path):
    (tmp_path / "markov_retention").mkdir()
    child = write_yaml("mine.yaml", "extends: markov_retention\nname: mine\n")
    assert load_scenario(child).markov.states == ["customer", "lost"]
    (tmp_path / "notes").mkdir()
    other = write_yaml("other.yaml", "extends: notes\nname: other\n")
    assert problem_of(load_with_extends, other) == f"{tmp_path / 'notes'}: cannot read: a folder"


def test_a_path_of_several_parts_is_never_taken_for_a_bundled_name(write_yaml):
    child = write_yaml("mine.yaml", "extends: sub/markov_retention\nname: mine\n")
    assert "no such file or bundled scenario: 'sub/markov_retention'" in problem_of(
        load_with_extends, child)


def test_an_absolute_path_is_read_only_when_allowed(tmp_path, write_yaml, monkeypatch):
    monkeypatch.chdir(tmp_path)
    outside = tmp_path.parent / f"{tmp_path.name}-outside.yaml"
    outside.write_text("name: outside\nseed: 9\n", encoding="utf-8")
    try:
        child = write_yaml("child.yaml", f"extends: {outside}\n")
        monkeypatch.setenv(ANYWHERE_VARIABLE, "0")
        assert "is outside the current folder" in problem_of(load_with_extends, child)
        assert load_with_extends(child, anywhere=True)[0] == {"name": "outside", "seed": 9}
        monkeypatch.setenv(ANYWHERE_VARIABLE, "1")
        assert load_with_extends(child)[0]["seed"] == 9
        assert "is outside" in problem_of(load_with_extends, child, anywhere=False)
    finally:
        outside.unlink()


def test_a_parent_folder_is_allowed_when_it_is_the_current_folder(tmp_path, write_yaml,
                                                                  monkeypatch):
    write_yaml("base.yaml", "name: base\n")
    (tmp_path / "deep").mkdir()
    child = write_yaml("deep/child.yaml", "extends: ../base.yaml\nseed: 2\n")
    monkeypatch.chdir(tmp_path / "deep")
    assert "is outside the current folder" in problem_of(load_with_extends, child,
                                                         anywhere=False)
    monkeypatch.chdir(tmp_path)
    assert load_with_extends(child, anywhere=False)[0] == {"name": "base", "seed": 2}
