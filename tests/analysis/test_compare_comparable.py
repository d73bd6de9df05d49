"""compare refuses runs of different models and warns when horizons or market sizes differ."""

from __future__ import annotations


def test_compare_of_two_models_is_refused_in_one_line_before_running(dyadsim_here, tmp_path):
    code, out, err = dyadsim_here("compare", "markov_retention", "baseline")
    assert code == 2
    assert err.strip() == ("compare: markov_retention is model 'markov', baseline is model "
                           "'lifecycle'; only runs of one model can be compared")
    assert out == ""
    assert not (tmp_path / "results").exists()


def test_compare_warns_in_one_line_each_when_horizon_and_market_size_differ(
        dyadsim_here, retention_file, tmp_path):
    reference = retention_file("retention", 0.8)
    other = tmp_path / "bigger.yaml"
    other.write_text(reference.read_text().replace("customers: 1500", "customers: 3000")
                     .replace("name: retention", "name: bigger") + "horizon: 5 years\n")
    code, _, err = dyadsim_here("compare", reference, other, "-n", "3", "-q")
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: the horizons differ (retention 520 weeks, bigger 260 weeks); counts, "
        "durations and money differ for that reason too",
        "warning: the market sizes differ (retention 1500 customers; bigger 3000 customers); "
        "counts and money differ for that reason too, shares and rates less so",
    ]


def test_compare_of_like_markets_warns_of_nothing(dyadsim_here, retention_file):
    code, _, err = dyadsim_here("compare", retention_file("stay", 0.8),
                                retention_file("leave", 0.6), "-n", "3", "-q")
    assert code == 0, err
    assert "warning" not in err
