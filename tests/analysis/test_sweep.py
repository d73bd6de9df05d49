"""Sweeps: the grid from --vary, one bundle per point, response figures."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from analysis import sweep as sweeping
from analysis.plots import figure_title


@pytest.mark.parametrize(("text", "path", "values"), [
    ("lifecycle.policy.adaptation_hurdle=0.1,0.3", "lifecycle.policy.adaptation_hurdle",
     ["0.1", "0.3"]),
    ("horizon=2 years,5 years", "horizon", ["2 years", "5 years"]),
    ("markov.customers=100:500:5", "markov.customers", ["100", "200", "300", "400", "500"]),
    ("markov.discount_rate=0.05:0.2:4", "markov.discount_rate", ["0.05", "0.1", "0.15", "0.2"]),
    ("markov.reward=[1, 0],[2, 0]", "markov.reward", ["[1, 0]", "[2, 0]"]),
])
def test_vary_reads_lists_and_ranges(text, path, values):
    assert sweeping.parse_vary(text) == (path, values)


@pytest.mark.parametrize("text", ["horizon", "=1,2", "horizon=", "horizon=1,,2"])
def test_vary_refuses_what_it_cannot_read(text):
    with pytest.raises(ValueError, match="--vary"):
        sweeping.parse_vary(text)


def test_grid_is_every_combination_with_the_last_varying_fastest():
    points = sweeping.grid(["a=1,2", "b=x,y,z"])
    assert [p.settings for p in points[:4]] == [
        {"a": "1", "b": "x"}, {"a": "1", "b": "y"}, {"a": "1", "b": "z"}, {"a": "2", "b": "x"}]
    assert len(points) == 6 and points[-1].name == "point-006"
    assert points[0].overrides == ["a=1", "b=x"]
    with pytest.raises(ValueError, match="twice"):
        sweeping.grid(["a=1", "a=2"])


def test_response_figure_draws_one_line_per_value_of_the_other_parameter():
    table = pd.DataFrame({
        "point": ["p1", "p2", "p3", "p4"], "rate": ["0.1", "0.2", "0.1", "0.2"],
        "size": ["10", "10", "20", "20"],
        "customer_value": [5.0, 4.0, 10.0, 8.0], "customer_value_low": [4.5, 3.5, 9, 7],
        "customer_value_high": [5.5, 4.5, 11, 9],
    })
    figure = sweeping.plot_response(table, "rate", ["size"])
    ax = figure.axes[0]
    assert figure_title(figure) == "How the key figures respond to rate"
    assert ax.get_title(loc="left") == "customer value" and ax.get_xlabel() == "rate"
    assert ax.get_ylabel() == "money per customer"
    assert [t.get_text() for t in figure.legends[0].get_texts()] == ["size = 10", "size = 20"]


def test_axis_names_keep_as_much_of_the_path_as_fits():
    assert sweeping._short("lifecycle.policy.attention.long_term") == "attention.long_term"
    assert sweeping._short("horizon") == "horizon"


def test_sweep_over_two_values_writes_two_bundles_and_a_response_plot(dyadsim_analysis,
                                                                      retention_file, tmp_path):
    done = dyadsim_analysis("sweep", retention_file("retention", 0.8), "--vary",
                            "markov.discount_rate=0.05,0.2", "-n", "3", "-w", "1", "-o", "sw")
    assert done.returncode == 0, done.stderr
    folder = tmp_path / "sw"
    assert sorted(p.name for p in folder.glob("point-*")) == ["point-001", "point-002"]
    assert all((folder / p / "manifest.json").exists() for p in ("point-001", "point-002"))
    index = pd.read_csv(folder / "index.csv")
    assert index["markov.discount_rate"].tolist() == [0.05, 0.2]
    # a higher discount rate makes the same customer worth less: m(1+d)/(1+d-r)
    assert index.loc[0, "customer_value"] > index.loc[1, "customer_value_high"]
    assert (folder / "plots" / "response_markov_discount_rate.png").exists()
    html = (folder / "sweep.html").read_text(encoding="utf-8")
    assert len(re.findall(r'src="data:image/png;base64,', html)) == 1
    assert "point-002" in done.stdout


def test_sweep_checks_every_point_before_running_any(dyadsim_here, retention_file, tmp_path):
    code, _, err = dyadsim_here("sweep", retention_file("retention", 0.8), "--vary",
                                "markov.discount_rate=0.1,-3", "-o", "sw")
    assert code == 2 and "Traceback" not in err
    assert "discount_rate" in err
    assert not (tmp_path / "sw").exists()


def test_sweep_refuses_an_unreadable_vary_in_one_line(dyadsim_here, retention_file):
    code, _, err = dyadsim_here("sweep", retention_file("retention", 0.8), "--vary", "horizon")
    assert code == 2 and err.strip() == (
        "--vary 'horizon': write path=v1,v2,... or path=start:stop:count")


def _sweep_text(tmp_path, points: int, width: int) -> str:
    import io

    from rich.console import Console

    from sim.cli_analysis import _sweep_table

    index = tmp_path / "index.csv"
    pd.DataFrame({
        "point": [f"point-{i + 1:03d}" for i in range(points)],
        "markov.discount_rate": [f"0.{i + 1}" for i in range(points)],
        "customer_value": [10.0 + i for i in range(points)],
    }).to_csv(index, index=False)
    console = Console(width=width, file=io.StringIO(), record=True)
    console.print(_sweep_table(index, ["markov.discount_rate"], width))
    return console.export_text()


def test_sweep_table_puts_few_points_side_by_side_in_a_narrow_terminal(tmp_path):
    text = _sweep_text(tmp_path, 3, 80)
    lines = text.splitlines()
    assert all(len(line) <= 80 for line in lines)
    header = next(line for line in lines if "point-001" in line)
    assert "point-002" in header and "point-003" in header
    assert any(line.startswith("│ discount_rate ") and "0.3" in line for line in lines)
    assert any("customer value" in line and line.rstrip(" │").endswith("12") for line in lines)


def test_sweep_table_gives_each_of_many_points_a_row(tmp_path):
    text = _sweep_text(tmp_path, 12, 80)
    rows = [line for line in text.splitlines() if line.startswith("│ point-")]
    assert len(rows) == 12 and "0.12" in rows[-1]
