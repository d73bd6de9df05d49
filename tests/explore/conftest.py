"""Parameter spaces and studies small enough for the default test run."""

from __future__ import annotations

import math

import pytest

pytest.importorskip("SALib")

PI = math.pi

ISHIGAMI_SPACE = f"""
description: the Ishigami function's inputs, each uniform on [-pi, pi]
parameters:
  x1: {{bounds: [{-PI!r}, {PI!r}]}}
  x2: {{bounds: [{-PI!r}, {PI!r}]}}
  x3: {{bounds: [{-PI!r}, {PI!r}]}}
"""

MARKOV_SPACE = """
description: retention chain; the number of customers only sets the precision
parameters:
  markov.reward[0]: {bounds: [50, 150], name: margin per period}
  markov.discount_rate: {bounds: [0.05, 0.3], name: discount rate}
  markov.customers: {bounds: [500, 2000], integer: true, name: customers simulated}
"""


@pytest.fixture
def ishigami_space(write_yaml):
    return write_yaml("ishigami.yaml", ISHIGAMI_SPACE)


@pytest.fixture
def markov_space(write_yaml):
    return write_yaml("markov.yaml", MARKOV_SPACE)
