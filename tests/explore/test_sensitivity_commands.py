"""``dyadsim sensitivity`` and ``dyadsim discover`` from the command line."""

from __future__ import annotations

import json

import pandas as pd
import pytest

pytest.importorskip("ema_workbench")


def test_sensitivity_ranks_the_parameters_and_discover_finds_a_box(dyadsim, ishigami_space,
                                                                   tmp_path):
    done = dyadsim("sensitivity", "function:ishigami", "--space", ishigami_space,
                   "--method", "sobol", "-N", "256", "-r", "1", "-w", "1", "-o", "study")
    assert done.returncode == 0, done.stderr
    assert "y: ranked" in done.stdout and "study: study" in done.stdout
    cells = [[c.strip() for c in line.split("│")[1:-1]] for line in done.stdout.splitlines()
             if line.count("│") == 5]
    assert [row[:2] for row in cells] == [["1", "x1"], ["2", "x2"], ["3", "x3"]]  # by ST
    manifest = json.loads((tmp_path / "study" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["points"] == 256 * 5

    found = dyadsim("discover", "study", "--where", "y > 8")
    assert found.returncode == 0, found.stderr
    boxes = pd.read_csv(tmp_path / "study" / "discover-y" / "boxes.csv")
    first = boxes[boxes["box"] == 1].set_index("parameter")
    # y > 8 needs sin x1 > 0 and sin^2 x2 near 1: box 1 keeps x1 within (0, pi), but the
    # two peaks of sin^2 x2 (at -pi/2 and pi/2) cannot both sit in one dense box
    assert "x1" in first.index
    assert first.loc["x1", "low"] > 0 and first.loc["x1", "high"] < 3.1416
    assert first["density"].iloc[0] < 0.8
    assert "where y > 8" in found.stdout and "reaches only" in found.stderr


def test_a_space_outside_the_schema_is_one_line_and_exit_2(dyadsim, write_yaml):
    space = write_yaml("space.yaml", """
        parameters:
          lifecycle.relationship.trial.share: {bounds: [0.1, 1.5]}
        """)
    done = dyadsim("sensitivity", "baseline", "--space", space, "-o", "never")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"{space}:2: lifecycle.relationship.trial.share: high end 1.5: must be less than or "
        "equal to 1, got 1.5"]
    assert "Traceback" not in done.stderr


def test_an_unknown_metric_or_a_bad_design_is_refused_before_running(dyadsim, ishigami_space,
                                                                    tmp_path):
    metric = dyadsim("sensitivity", "function:ishigami", "--space", ishigami_space,
                     "--metric", "z", "-o", "a")
    assert metric.returncode == 2 and "--metric z: no such metric; known: y" in metric.stderr
    sobol = dyadsim("sensitivity", "function:ishigami", "--space", ishigami_space,
                    "--method", "sobol", "-N", "100", "-o", "b")
    assert sobol.returncode == 2 and "power of two" in sobol.stderr
    assert not (tmp_path / "a").exists() and not (tmp_path / "b").exists()


def test_discover_refuses_a_malformed_condition(dyadsim, tmp_path):
    (tmp_path / "empty").mkdir()
    done = dyadsim("discover", "empty", "--where", "y is big")
    assert done.returncode == 2 and "write METRIC > NUMBER" in done.stderr


@pytest.mark.slow
def test_ctrl_c_with_workers_keeps_finished_points_and_resume_completes_them(
        markov_space, tmp_path):
    import signal
    import subprocess
    import sys
    import time

    command = [sys.executable, "-m", "sim.cli", "sensitivity", "markov_retention", "--space",
               str(markov_space), "--method", "sobol", "-N", "64", "-r", "2", "-w", "2",
               "--metric", "customer_value", "-q"]
    running = subprocess.Popen([*command, "-o", "cut"], cwd=tmp_path, text=True,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    journal = tmp_path / "cut" / "runs.jsonl"
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and (
            not journal.exists() or len(journal.read_text().splitlines()) < 40):
        time.sleep(0.1)
    running.send_signal(signal.SIGINT)
    _, stderr = running.communicate(timeout=120)
    assert running.returncode == 130, stderr
    assert "dyadsim sensitivity --resume cut" in stderr
    manifest = json.loads((tmp_path / "cut" / "manifest.json").read_text())
    assert manifest["status"] == "partial" and 40 <= manifest["done"] < 640
    resumed = subprocess.run([sys.executable, "-m", "sim.cli", "sensitivity", "--resume", "cut",
                              "-w", "2", "-q"], cwd=tmp_path, capture_output=True, text=True,
                             timeout=300)
    assert resumed.returncode == 0, resumed.stderr
    whole = subprocess.run([*command, "-o", "whole", "-w", "1"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=300)
    assert whole.returncode == 0, whole.stderr
    for table in ("runs", "indices"):
        pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "cut" / f"{table}.parquet"),
                                      pd.read_parquet(tmp_path / "whole" / f"{table}.parquet"))
