"""The page templates' contract, and the Markov model's key figures worked out by hand."""

from __future__ import annotations

import re

import jinja2
import numpy as np
import pandas as pd
import pytest

from analysis.metrics import key_figures, replication_metrics
from analysis.report import HtmlTable
from analysis.templates import render
from sim.results import Results


def sweep_page(**overrides) -> str:
    context = {"title": "a title", "lead": "a lead", "plots": [],
               "points": HtmlTable(["point", "x"], [["point-001", "1"]]), "provenance": []}
    return render("sweep", **{**context, **overrides})


def test_a_page_with_a_missing_value_is_refused_not_written_with_a_gap():
    with pytest.raises(jinja2.UndefinedError, match="lead"):
        render("sweep", title="t", plots=[], points=HtmlTable([], []), provenance=[])


def test_an_unknown_page_is_refused():
    with pytest.raises(jinja2.TemplateNotFound):
        render("no-such-page")


def test_a_page_escapes_what_it_is_given_and_fetches_nothing():
    html = sweep_page(title="<b>bold</b>", points=HtmlTable(["p & q"], [["<i>x</i>"]]))
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html
    assert "p &amp; q" in html and "&lt;i&gt;x&lt;/i&gt;" in html
    # nothing from the network: no scripts, style sheets, fonts or images by address
    assert not re.search(r"<script|<link|@import|url\(|src=\"http", html)


def test_a_page_lists_its_provenance_in_order():
    html = sweep_page(provenance=[("seed", "7"), ("replications per point", "3")])
    assert html.index("seed") < html.index("replications per point")
    assert ">7<" in html.replace(" ", "")


# ---------------------------------------------------------------- Markov key figures


def markov(pairs, timeseries=None, summary=None) -> Results:
    return Results({"model": "markov", "scenario": {"name": "retention", "model": "markov"}},
                   pairs, timeseries if timeseries is not None else pd.DataFrame(), None,
                   summary or {})


CUSTOMERS = pd.DataFrame({"replication": [0, 0, 0, 1, 1, 1],
                          "value": [100.0, 200.0, 300.0, 50.0, 50.0, 80.0],
                          "periods_to_absorption": [1.0, 3.0, np.nan, 2.0, 2.0, 4.0]})
PERIODS = pd.DataFrame({"replication": [0] * 5 + [1] * 5, "period": list(range(5)) * 2})


def test_customer_value_is_the_mean_over_each_replications_customers():
    table = replication_metrics(markov(CUSTOMERS, PERIODS))
    assert table["customer_value"].tolist() == pytest.approx([200.0, 60.0])


def test_customer_lifetime_is_a_restricted_mean_that_counts_customers_still_active():
    table = replication_metrics(markov(CUSTOMERS, PERIODS))
    # replication 0: lost after 1 and 3 periods, one still active after the 5 followed;
    # the curve: 1 until 1, 2/3 until 3, 1/3 until the longest duration (5)
    assert table.loc[0, "customer_lifetime"] == pytest.approx(1 + 2 * 2 / 3 + 2 / 3)
    # replication 1: lost after 2, 2 and 4 periods: their mean, up to the longest (5)
    assert table.loc[1, "customer_lifetime"] == pytest.approx((2 + 2 + 4) / 3)


def test_the_closed_form_value_is_a_key_figure_without_an_interval():
    figures = key_figures(markov(CUSTOMERS, PERIODS, {"analytic_value": 123.0})).set_index(
        "metric")
    row = figures.loc["analytic_value"]
    assert row["value"] == 123.0 and np.isnan(row["low"]) and np.isnan(row["high"])
    assert row["label"] == "customer value, closed form" and row["unit"] == "money per customer"
    no_closed_form = key_figures(markov(CUSTOMERS, PERIODS, {"analytic_value": "n/a"}))
    assert "analytic_value" not in no_closed_form["metric"].tolist()
