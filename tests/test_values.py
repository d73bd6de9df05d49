"""Command-line values: YAML 1.2 core rules, never YAML 1.1's silent conversions."""

from __future__ import annotations

import math
import re

import pytest

from analysis.sweep import parse_vary
from sim.scenario import ScenarioError, load_scenario
from sim.values import read_key, read_value


@pytest.mark.parametrize(("text", "value"), [
    ("4:16", "4:16"),        # YAML 1.1: base-60, 256
    ("1:30", "1:30"),        # YAML 1.1: 90
    ("1:00:00", "1:00:00"),  # YAML 1.1: 3600
    ("010", 10),             # YAML 1.1: octal, 8
    ("007", 7),
    ("0o10", 8),
    ("0x1F", 31),
    ("0b10", "0b10"),        # not a core-schema integer
    ("1_000", "1_000"),      # YAML 1.1: 1000
    ("-12", -12),
    ("+3", 3),
])
def test_numbers_follow_the_core_schema_not_base_60_or_leading_zero_octal(text, value):
    assert read_value(text) == value
    assert type(read_value(text)) is type(value)


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("True", True), ("TRUE", True),
    ("false", False), ("False", False), ("FALSE", False),
    ("yes", "yes"), ("no", "no"), ("Yes", "Yes"), ("NO", "NO"),
    ("on", "on"), ("off", "off"), ("y", "y"), ("n", "n"),
])
def test_only_true_and_false_are_booleans_yes_and_no_stay_text(text, value):
    assert read_value(text) is value or read_value(text) == value
    assert type(read_value(text)) is type(value)


def test_floats_nulls_and_collections_read_as_in_yaml_1_2():
    assert read_value("0.25") == 0.25
    assert read_value(".5") == 0.5
    assert read_value("1e3") == 1000.0
    assert read_value("-.inf") == -math.inf
    assert math.isnan(read_value(".nan"))
    assert read_value("null") is None
    assert read_value("~") is None
    assert read_value("[1, 010, yes]") == [1, 10, "yes"]
    assert read_value("{dist: beta, a: 2, b: 5}") == {"dist": "beta", "a": 2, "b": 5}
    assert read_value("26w") == "26w"
    assert read_value("2001-12-14") == "2001-12-14"  # YAML 1.1: a date


def test_malformed_values_and_python_tags_are_refused_in_one_line():
    with pytest.raises(ValueError, match="expected ',' or ']'"):
        read_value("[1, 2")
    with pytest.raises(ValueError, match="constructor"):
        read_value("!!python/object/apply:os.system [ls]")


def test_set_reads_010_as_ten_and_refuses_a_clock_time_as_a_duration(small_markov):
    assert load_scenario(small_markov, ["markov.customers=010"]).markov.customers == 10
    with pytest.raises(ScenarioError) as caught:
        load_scenario(small_markov, ["horizon=1:30"])
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith("--set horizon=1:30: horizon: cannot read duration '1:30'")


def test_set_of_a_base_60_looking_count_is_an_error_not_256(small_markov):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(small_markov, ["markov.customers=4:16"])
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith("--set markov.customers=4:16: markov.customers: must be a valid "
                              "integer")


@pytest.mark.parametrize("values", ["4:16", "4:16:", " 0.1 : 0.5 "])
def test_vary_range_without_a_count_is_an_error_naming_the_option(values):
    with pytest.raises(ValueError) as caught:
        parse_vary(f"lifecycle.market.suppliers.count={values}")
    message = str(caught.value)
    assert message.startswith("--vary 'lifecycle.market.suppliers.count=")
    assert "a range needs start:stop:count" in message


def test_cli_vary_without_a_step_exits_2_in_one_line(small_markov, capsys, monkeypatch):
    from sim import cli

    monkeypatch.chdir(small_markov.parent)
    with pytest.raises(SystemExit) as stop:
        cli.main(["sweep", str(small_markov), "--vary", "markov.customers=4:16", "-o", "sw"])
    assert stop.value.code == 2
    assert not (small_markov.parent / "sw").exists()
    assert capsys.readouterr().err.strip() == (
        "--vary 'markov.customers=4:16': a range needs start:stop:count, "
        "for example markov.customers=4:16:5")


@pytest.mark.parametrize(("key", "path"), [
    ("seed", ("seed",)), ("markov.reward[0]", ("markov", "reward", 0)),
    ("markov.transition[1][-1]", ("markov", "transition", 1, -1)),
    ("lifecycle.market.buyers.count", ("lifecycle", "market", "buyers", "count")),
])
def test_a_key_names_its_fields_and_list_items(key, path):
    assert read_key(key) == path


@pytest.mark.parametrize(("key", "reason"), [
    ("markov..reward", "empty part between two dots"), ("markov...reward", "empty part"),
    (".seed", "starts with a dot"), ("seed.", "ends with a dot"), ("..", "starts with a dot"),
    ("se\ted", "space"), ("a.b c", "space"), ("a[1", "bracket out of place (a list item"),
    ("a]", "bracket"), ("a[1]b.c", "bracket"), ("a[1.5]", "bracket"), ("a[x]", "bad index [x]"),
    ("", "empty path"),
])
def test_a_malformed_key_is_refused_with_its_reason(key, reason):
    with pytest.raises(ValueError, match=re.escape(reason)):
        read_key(key)


@pytest.mark.parametrize("command", [
    ["validate", "markov_retention"], ["run", "markov_retention", "-n", "1", "-q"],
])
def test_an_empty_part_of_a_set_key_is_one_line_and_exit_2(command, capsys, tmp_path):
    import sim.cli

    with pytest.raises(SystemExit) as stop:
        sim.cli.main([*command, "--set", "markov..discount_rate=0.2", *(
            ["-o", str(tmp_path / "b")] if command[0] == "run" else [])])
    err = capsys.readouterr().err.strip()
    assert stop.value.code == 2
    assert err == ("--set markov..discount_rate=0.2: cannot read override: the key "
                   "'markov..discount_rate' has an empty part between two dots")
    assert not (tmp_path / "b").exists()
