"""Names loaded on first use, the engine's streams and log, and the report folder of reproduce."""

from __future__ import annotations

import importlib
import json
import types

import numpy as np
import pytest

from sim.cli_common import BadInput
from sim.cli_reproduce import report_folder, short_source
from sim.engine import EventLog, Streams, replication_seed
from sim.lazy import lazy_names


def test_a_lazy_name_is_imported_once_and_then_kept_in_the_package(monkeypatch):
    imported: list[str] = []
    real = importlib.import_module

    def counting(name, *args):
        imported.append(name)
        return real(name, *args)

    monkeypatch.setattr(importlib, "import_module", counting)
    package = types.ModuleType("demo")
    package.__all__ = ["dumps", "sqrt"]
    package.local = 1
    package.__getattr__, package.__dir__ = lazy_names(vars(package),
                                                      {"dumps": "json", "sqrt": "math"})
    assert package.dumps({"a": 1}) == '{"a": 1}'
    assert package.dumps is json.dumps
    assert imported == ["json"]  # the second use found the name in the package
    assert "sqrt" not in vars(package)  # a name not asked for is never loaded
    assert {"dumps", "local", "sqrt"} <= set(dir(package))


def test_an_unknown_lazy_name_is_an_attribute_error_naming_package_and_name():
    getattr_, _ = lazy_names({"__name__": "demo"}, {"sqrt": "math"})
    with pytest.raises(AttributeError, match="module 'demo' has no attribute 'cbrt'"):
        getattr_("cbrt")


def test_a_log_with_named_columns_keeps_them_even_without_rows():
    log = EventLog(True, columns=("time", "kind"))
    assert list(log.frame().columns) == ["time", "kind"] and len(log.frame()) == 0
    log.record(kind="order", time=1.5, amount=3.0)
    frame = log.frame()
    assert list(frame.columns) == ["time", "kind", "amount"]
    assert frame.iloc[0].to_dict() == {"time": 1.5, "kind": "order", "amount": 3.0}
    assert len(log) == 1


def test_a_row_missing_a_column_gets_nothing_there():
    log = EventLog(True)
    log.record(a=1)
    log.record(b=2)
    frame = log.frame()
    assert list(frame.columns) == ["a", "b"]
    assert np.isnan(frame.loc[0, "b"]) and np.isnan(frame.loc[1, "a"])


def test_streams_of_a_replication_are_its_own_and_the_same_at_every_call():
    first = Streams(replication_seed(3, 0))["orders"].random(4)
    assert np.array_equal(first, Streams(replication_seed(3, 0))["orders"].random(4))
    for other in (replication_seed(3, 1), replication_seed(4, 0)):
        assert not np.array_equal(first, Streams(other)["orders"].random(4))


def test_a_nested_seed_gives_streams_unlike_its_parents():
    parent = replication_seed(3, 0)
    child = np.random.SeedSequence(parent.entropy, spawn_key=(*parent.spawn_key, 7))
    assert not np.array_equal(Streams(parent)["orders"].random(4),
                              Streams(child)["orders"].random(4))


# ---------------------------------------------------------------- reproduce's folder


def test_a_report_folder_that_is_a_file_is_refused(tmp_path):
    (tmp_path / "out").write_text("x")
    with pytest.raises(BadInput, match=r"--out .*out: not a folder"):
        report_folder(tmp_path / "out", force=True)


def test_forcing_a_report_folder_removes_a_link_but_not_what_it_points_to(tmp_path):
    keep = tmp_path / "keep"
    keep.mkdir()
    (keep / "data.csv").write_text("precious")
    out = tmp_path / "out"
    out.mkdir()
    (out / "figures").symlink_to(keep, target_is_directory=True)
    (out / "old.html").write_text("stale")
    assert report_folder(out, force=True) == out
    assert list(out.iterdir()) == [] and (keep / "data.csv").read_text() == "precious"


def test_an_empty_or_missing_report_folder_is_used_as_it_is(tmp_path):
    assert report_folder(tmp_path / "new", force=False) == tmp_path / "new"
    (tmp_path / "empty").mkdir()
    assert report_folder(tmp_path / "empty", force=False) == tmp_path / "empty"


@pytest.mark.parametrize(("source", "short"), [
    ("Ford, D. (1980) The development of buyer-seller relationships.", "Ford (1980)"),
    ("Dwyer, F. R., Schurr, P. H. & Oh, S. (1987a) Developing buyer-seller relationships.",
     "Dwyer, Schurr & Oh (1987a)"),
    ("an unpublished note without a year", "an unpublished note without a year"),
])
def test_a_citation_is_shortened_to_surnames_and_year(source, short):
    assert short_source(source) == short
