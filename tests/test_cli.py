"""The dyadsim command, run as a user runs it (in a subprocess)."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

import sim


def test_run_writes_a_complete_bundle_and_prints_the_summary(dyadsim, small_markov, tmp_path):
    done = dyadsim("run", small_markov, "-n", "3", "--seed", "2", "--out", tmp_path / "b",
                   "-w", "1")
    assert done.returncode == 0, done.stderr
    assert "customer value" in done.stdout and "closed form" in done.stdout
    assert (tmp_path / "b" / "report.html").exists()
    assert f"results: {tmp_path / 'b'}" in done.stdout
    manifest = json.loads((tmp_path / "b" / "manifest.json").read_text())
    assert manifest["status"] == "complete" and manifest["done"] == 3
    assert "Traceback" not in done.stderr


def test_run_markov_migration_agrees_with_the_analytic_value(dyadsim, tmp_path):
    done = dyadsim("run", "markov_migration", "-n", "50", "--seed", "3", "--out",
                   tmp_path / "mm", "-q")
    assert done.returncode == 0, done.stderr
    summary = json.loads((tmp_path / "mm" / "summary.json").read_text())
    assert summary["replications"] == 50 and summary["customers"] == 500_000
    simulated = summary["key_figures"]["customer_value"]
    half_width = (simulated["high"] - simulated["low"]) / 2  # about two standard errors
    assert abs(simulated["value"] - summary["analytic_value"]) <= 1.5 * half_width


def test_run_without_out_picks_a_fresh_folder(dyadsim, small_markov, tmp_path):
    for expected in ("small", "small-2"):
        done = dyadsim("run", small_markov, "-n", "1", "-q")
        assert done.returncode == 0, done.stderr
        assert (tmp_path / "results" / expected / "manifest.json").exists()


def test_existing_out_folder_is_refused_without_force(dyadsim, small_markov, tmp_path):
    assert dyadsim("run", small_markov, "-n", "1", "--out", tmp_path / "b").returncode == 0
    again = dyadsim("run", small_markov, "-n", "1", "--out", tmp_path / "b")
    assert again.returncode == 2
    assert again.stderr.strip().splitlines() == [
        f"dyadsim: {tmp_path / 'b'} is not empty; use --resume to complete it or --force to "
        "replace it"
    ]
    assert dyadsim("run", small_markov, "-n", "1", "--out", tmp_path / "b",
                   "--force").returncode == 0


@pytest.mark.parametrize("args", [
    ("run", "--bogus"),
    ("run", "-n", "zero"),
    ("run", "--executor", "cloud"),
    ("frobnicate",),
    ("validate",),
])
def test_bad_arguments_get_one_line_and_exit_2(dyadsim, args):
    done = dyadsim(*args)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "error:" in lines[0], done.stderr
    assert "Traceback" not in done.stderr


def test_validate_lists_every_problem_with_file_and_line(dyadsim, write_yaml):
    bad = write_yaml("bad.yaml", """
        name: bad
        model: markov
        replicatons: 3
        markov:
          states: [a, b]
          start: a
          transition:
            - [0.5, 0.5]
            - [1.5, -0.5]
          reward: [1]
          discount_rate: 0.1
        """)
    done = dyadsim("validate", bad, "markov_retention")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"{bad}:3: replicatons: unknown key 'replicatons'; did you mean 'replications'?",
        f"{bad}:9: markov.transition[1][0]: must be less than or equal to 1, got 1.5",
        f"{bad}:9: markov.transition[1][1]: must be greater than or equal to 0, got -0.5",
        f"{bad}:10: markov.reward: needs 2 values (one per state), got 1",
    ]
    assert "markov_retention: ok" in done.stdout


def test_validate_accepts_good_files(dyadsim, small_markov):
    done = dyadsim("validate", small_markov)
    assert done.returncode == 0 and f"{small_markov}: ok" in done.stdout


@pytest.mark.parametrize(("content", "expected"), [
    ("name: x\nmodel: [markov\n", "malformed YAML"),
    (None, "no such file"),
])
def test_run_on_broken_or_missing_files_exits_2_without_traceback(dyadsim, tmp_path, content,
                                                                  expected):
    path = tmp_path / "scenario.yaml"
    if content is not None:
        path.write_text(content)
    done = dyadsim("run", path)
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith(f"{path}") and expected in line


def test_set_on_a_path_that_does_not_exist_exits_2(dyadsim, small_markov):
    done = dyadsim("run", small_markov, "--set", "markov.bogus=3")
    assert done.returncode == 2
    assert done.stderr.strip() == "--set markov.bogus=3: markov.bogus: no such field"


def test_list_shows_bundled_scenarios_with_descriptions(dyadsim):
    done = dyadsim("list")
    assert done.returncode == 0
    assert "markov_migration" in done.stdout and "Pfeifer" in done.stdout


def test_schema_prints_json_schema_with_descriptions(dyadsim):
    done = dyadsim("schema")
    assert done.returncode == 0
    schema = json.loads(done.stdout)
    assert schema["properties"]["seed"]["description"]
    assert "MarkovConfig" in schema["$defs"]


def test_failed_replication_sets_exit_code_1(small_markov, tmp_path, break_replication, capsys):
    from sim import cli

    break_replication(0, ValueError("bad luck"))
    with pytest.raises(SystemExit) as stop:
        cli.main(["run", str(small_markov), "-n", "2", "-w", "1", "-q", "--out",
                  str(tmp_path / "b")])
    assert stop.value.code == 1
    assert "replication 0 failed: ValueError: bad luck" in capsys.readouterr().err


def test_ctrl_c_keeps_finished_replications_and_resume_completes(small_markov, tmp_path):
    out = tmp_path / "cut"
    slow = ["--set", "markov.customers=100000", "--set", "markov.transition[0]=[0.95, 0.05]"]
    command = [sys.executable, "-m", "sim.cli", "run", str(small_markov), "-n", "12", "-w", "2",
               "--seed", "8", "--out", str(out), *slow]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True, cwd=tmp_path)
    deadline = time.time() + 120
    while time.time() < deadline:
        shards = out / "shards"
        if shards.exists() and any(p.name.isdigit() for p in shards.iterdir()):
            break
        time.sleep(0.05)
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=120)
    assert process.returncode == 130, stderr
    assert "interrupted: kept" in stderr and "Traceback" not in stderr
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["status"] == "partial"
    assert 1 <= manifest["done"] < 12
    partial = pd.read_parquet(out / "pairs.parquet")
    assert partial["replication"].nunique() == manifest["done"]

    resumed = subprocess.run([sys.executable, "-m", "sim.cli", "run", "--resume", str(out),
                              "-w", "2", "-q"], capture_output=True, text=True, cwd=tmp_path)
    assert resumed.returncode == 0, resumed.stderr
    scenario = sim.load_scenario(small_markov, slow[1::2])
    whole = sim.run(scenario, replications=12, seed=8, workers=2)
    finished = sim.load_results(out)
    assert finished.manifest["status"] == "complete"
    pd.testing.assert_frame_equal(finished.pairs, whole.pairs)
    pd.testing.assert_frame_equal(finished.timeseries, whole.timeseries)


def test_story_tells_a_developed_relationship_week_by_week(dyadsim):
    done = dyadsim("story", "baseline", "--seed", "3", "--set", "horizon=3 years")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert lines[0].startswith("baseline: B") and "(seed 3, replication 0)" in lines[0]
    weeks = [float(line.split(":")[0].removeprefix("week ")) for line in lines[1:]
             if line.startswith("week ")]
    assert len(weeks) >= 5 and weeks == sorted(weeks)
    assert any("-> development" in line for line in lines)
    assert any("trust" in line and "->" in line for line in lines)


def test_story_of_an_unknown_pair_or_a_markov_scenario_exits_2(dyadsim):
    done = dyadsim("story", "baseline", "--pair", "B0:S0", "--set", "horizon=1 year")
    assert done.returncode == 2 and "no such relationship" in done.stderr
    done = dyadsim("story", "markov_retention")
    assert done.returncode == 2
    assert done.stderr.strip() == ("markov_retention: story needs a lifecycle scenario, "
                                   "this one is model 'markov'")
