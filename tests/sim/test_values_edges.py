"""Command-line values at the edges of the YAML 1.2 core schema."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sim.scenario import ScenarioError, load_scenario
from sim.values import read_value


@pytest.mark.parametrize(("text", "value"), [
    ("1.", 1.0), ("-0", 0), ("1.5e+3", 1500.0), ("-1E-2", -0.01), ("+.inf", math.inf),
    (".Inf", math.inf), ("-.INF", -math.inf), ("--- 5", 5), ("&anchor 7", 7),
])
def test_numbers_in_every_core_schema_spelling(text, value):
    assert read_value(text) == value
    assert type(read_value(text)) is type(value)


@pytest.mark.parametrize("text", [".nan", ".NaN", ".NAN"])
def test_not_a_number_is_read_in_its_three_spellings(text):
    assert math.isnan(read_value(text))


@pytest.mark.parametrize("text", [
    "+.nan",   # the core schema gives .nan no sign
    "0X1F",    # hexadecimal needs a lower-case x
    "0o8", "0o", "0x", "1e", "0.1.2", "1_0.5",
    "nUll", "tRUE", "Off",
])
def test_near_numbers_near_booleans_and_near_nulls_stay_text(text):
    assert read_value(text) == text


@pytest.mark.parametrize("text", ["", "  ", "~", "null", "Null", "NULL"])
def test_every_spelling_of_null_is_none(text):
    assert read_value(text) is None


@pytest.mark.parametrize(("text", "value"), [
    ("'010'", "010"), ('"yes"', "yes"), ("!!str 10", "10"), ("!!int 010", 10),
    ("!!float 1", 1.0), ("!!bool True", True),
])
def test_quotes_and_core_tags_say_what_a_value_is(text, value):
    assert read_value(text) == value
    assert type(read_value(text)) is type(value)


@pytest.mark.parametrize(("text", "reason"), [
    ("!!int 0b10", "'0b10' is not an integer"),
    ("!!bool yes", "'yes' is not true or false"),
    ("!!float abc", "'abc' is not a number"),
    ("a\n---\nb", "but found another document"),
    ("a: b: c", "mapping values are not allowed here"),
    ("\t1", "found character '\\t' that cannot start any token"),
    ("*nothing", "found undefined alias 'nothing'"),
    ("{a: [1, 2}", "expected ',' or ']'"),
    ("!!python/name:os.system", "could not determine a constructor"),
])
def test_what_is_not_a_value_is_refused_with_the_reason_in_one_line(text, reason):
    with pytest.raises(ValueError) as caught:
        read_value(text)
    assert reason in str(caught.value)
    assert "\n" not in str(caught.value)


def test_a_key_given_twice_in_a_value_is_refused_as_in_a_file():
    with pytest.raises(ValueError, match="duplicate key 'a'"):
        read_value("{a: 1, b: 2, a: 3}")
    with pytest.raises(ValueError, match="duplicate key 'count'"):
        read_value("[{count: 10, count: 20}]")
    assert read_value("{a: 1, b: {a: 2}}") == {"a": 1, "b": {"a": 2}}  # a key per mapping


def test_collections_nest_and_resolve_their_scalars_by_the_same_rules():
    assert read_value("{x: [1, {y: .5, z: 010}], on: yes}") == {
        "x": [1, {"y": 0.5, "z": 10}], "on": "yes"}
    assert read_value("[yes, No, 0o7, 1:2, ~]") == ["yes", "No", 7, "1:2", None]


def test_a_duplicate_key_in_set_is_a_problem_naming_the_option(small_markov):
    with pytest.raises(ScenarioError) as caught:
        load_scenario(small_markov, ["markov.reward={a: 1, a: 2}"])
    [problem] = [str(p) for p in caught.value.problems]
    assert problem.startswith("--set markov.reward={a: 1, a: 2}: cannot read override: ")
    assert "duplicate key 'a'" in problem


def test_an_empty_set_value_is_the_empty_text_not_null(small_markov):
    # 'name=' gives the name '', which the schema accepts; null would be refused
    assert load_scenario(small_markov, ["description="]).description == ""
    with pytest.raises(ScenarioError) as caught:
        load_scenario(small_markov, ["description=~"])
    [problem] = [str(p) for p in caught.value.problems]
    assert problem == "--set description=~: description: must be a valid string"


@settings(max_examples=60)
@given(st.integers(min_value=-10**30, max_value=10**30))
def test_every_decimal_integer_reads_as_itself_leading_zeros_and_all(number):
    assert read_value(str(number)) == number
    digits = str(abs(number)).zfill(6)
    assert read_value(("-" if number < 0 else "") + digits) == number


@settings(max_examples=60)
@given(st.floats(allow_nan=False, allow_infinity=False))
def test_every_float_reads_back_from_its_repr(number):
    assert read_value(repr(number)) == number


@settings(max_examples=60)
@given(st.from_regex(r"\A[a-z][a-z_]{0,12}\Z"))
def test_a_plain_word_is_text_unless_it_is_a_core_keyword(word):
    value = read_value(word)
    if word in ("true", "false"):
        assert value is (word == "true")
    elif word == "null":
        assert value is None
    else:
        assert value == word
