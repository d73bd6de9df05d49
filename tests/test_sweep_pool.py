"""One set of worker processes serves a whole sweep or comparison, and changes no result."""

from __future__ import annotations

import functools
import json
import operator
from pathlib import Path

import pandas as pd
import pandas.testing as pdt
import pytest

import sim
from analysis.sweep import grid, sweep_table
from sim import cli
from sim.pool import Stop, WorkerPool

SMALL = ["lifecycle.market.buyers.count=40", "lifecycle.market.suppliers.count=4",
         "horizon=2 years"]
VARY = "lifecycle.policy.adaptation_hurdle=0.1,0.6"


@pytest.fixture
def starts(monkeypatch) -> list[int]:
    """Count the worker processes started (by every pool) while the test runs."""
    started: list[int] = []
    start = WorkerPool._start

    def counted(self, *args):
        started.append(1)
        return start(self, *args)

    monkeypatch.setattr(WorkerPool, "_start", counted)
    return started


def _dyadsim(tmp_path, monkeypatch, *args) -> None:
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as stop:
        cli.main([str(a) for a in args])
    assert stop.value.code == 0


def _settings() -> list[str]:
    return [f"--set={text}" for text in SMALL]


def test_a_kept_pool_runs_several_tasks_on_the_same_workers():
    with WorkerPool(None, 2, lambda r, message: message) as pool:
        first = sorted(pool.outcomes([1, 2, 3], Stop(), functools.partial(operator.mul, 3)))
        second = sorted(pool.outcomes([1, 2, 3], Stop(), functools.partial(operator.add, 10)))
        kept = list(pool._kept)
    assert first == [3, 6, 9] and second == [11, 12, 13]
    assert pool.starts == 2
    assert all(not worker.process.is_alive() for worker in kept)  # they end with the block


def test_a_kept_worker_that_died_between_runs_is_replaced():
    with WorkerPool(None, 2, lambda r, message: message) as pool:
        assert sorted(pool.outcomes([1, 2], Stop(), abs)) == [1, 2]
        pool._kept[0].process.kill()
        pool._kept[0].process.join()
        assert sorted(pool.outcomes([-1, -2, -3], Stop(), abs)) == [1, 2, 3]
    assert pool.starts == 3


def test_sweep_points_equal_separate_runs_and_share_one_pool(tmp_path, monkeypatch, starts):
    _dyadsim(tmp_path, monkeypatch, "sweep", "baseline", "--vary", VARY, *_settings(),
             "-n", "2", "-w", "2", "-q", "-o", "sw")
    assert len(starts) == 2  # two workers for both points, not two per point
    for number, hurdle in ((1, "0.1"), (2, "0.6")):
        scenario = sim.load_scenario(
            "baseline", [*SMALL, f"lifecycle.policy.adaptation_hurdle={hurdle}"])
        alone = sim.run(scenario, 2, workers=1, out=tmp_path / f"alone-{number}")
        point = sim.load_results(tmp_path / "sw" / f"point-{number:03d}")
        pdt.assert_frame_equal(point.pairs, alone.pairs)
        pdt.assert_frame_equal(point.timeseries, alone.timeseries)
    assert not list((tmp_path / "sw").glob("point-*/report.html"))  # light points
    # the index reuses each point's key figures: the same as computing them from its bundle
    points = grid([VARY])
    for point in points:
        point.bundle = Path("sw") / point.name
    index = pd.read_csv(tmp_path / "sw" / "index.csv")
    pdt.assert_frame_equal(index, sweep_table(points).astype({VARY.split("=")[0]: float}))


def test_compare_shares_one_pool_and_keeps_each_scenarios_key_figures(tmp_path, monkeypatch,
                                                                       starts):
    _dyadsim(tmp_path, monkeypatch, "compare", "baseline", "neglect", *_settings(), "-n", "3",
             "-w", "2", "-q", "-o", "cmp")
    assert len(starts) == 2
    for name in ("baseline", "neglect"):
        summary = json.loads((tmp_path / "cmp" / name / "summary.json").read_text())
        assert summary["key_figures"]["reached_development"]["value"] >= 0
        assert not (tmp_path / "cmp" / name / "report.html").exists()
    assert (tmp_path / "cmp" / "compare.html").exists()
