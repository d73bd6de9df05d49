"""HTML templates of the reports: one page each, styles inline, images embedded.

A report must open from a laptop without network, so nothing is fetched: no
web fonts, no scripts, no external style sheets.
"""

from __future__ import annotations

import jinja2

__all__ = ["render"]

BASE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ title }}</title>
<style>
  body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, Helvetica, Arial, sans-serif;
         max-width: 1100px; margin: 2em auto; padding: 0 1em; color: #1a1a1a; line-height: 1.45; }
  h1 { margin-bottom: 0.2em; }
  h2 { margin-top: 2em; border-bottom: 1px solid #ddd; padding-bottom: 0.2em; }
  .lead { font-size: 1.1em; color: #444; }
  table { border-collapse: collapse; margin: 1em 0; font-variant-numeric: tabular-nums; }
  th, td { padding: 0.35em 0.8em; border-bottom: 1px solid #e5e5e5; text-align: right; }
  th:first-child, td:first-child { text-align: left; }
  th { background: #f5f5f5; }
  td.mark { color: #D55E00; font-weight: bold; text-align: center; }
  figure { margin: 1.5em 0; }
  figure img { width: 100%; height: auto; border: 1px solid #eee; }
  figcaption { color: #444; margin-top: 0.4em; }
  .muted { color: #777; font-size: 0.9em; }
  .scroll { overflow-x: auto; max-width: 100%; }  /* a wide table scrolls, the page does not */
  pre { background: #f7f7f7; padding: 1em; overflow-x: auto; font-size: 0.85em; }
  nav a { margin-right: 1em; }
</style>
</head>
<body>
{% block body %}{% endblock %}
</body>
</html>
"""

FIGURES = """
{% for plot in plots %}
<figure id="{{ plot.name }}">
  <img alt="{{ plot.title }}" src="data:image/png;base64,{{ plot.data }}">
  <figcaption>{{ plot.caption }}</figcaption>
</figure>
{% endfor %}
"""

FIGURE_TABLE = """
<div class="scroll">
<table>
  <thead><tr>{% for column in table.columns %}<th>{{ column }}</th>{% endfor %}</tr></thead>
  <tbody>
  {% for row in table.rows %}
    <tr>{% for cell in row %}<td{% if cell == "*" %} class="mark"{% endif %}>{{ cell }}</td>
    {%- endfor %}</tr>
  {% endfor %}
  </tbody>
</table>
</div>
"""

PROVENANCE = """
<table>
{% for key, value in provenance %}<tr><th>{{ key }}</th><td>{{ value }}</td></tr>
{% endfor %}
</table>
"""

REPORT = """{% extends "base" %}{% block body %}
<h1>{{ name }}</h1>
<p class="lead">{{ description }}</p>
{% if claims %}<p class="muted">The codes are claims of the relationship lifecycle theory
(Ford 1980), realised as docs/model.md describes: {{ claims | join("; ") }}.</p>{% endif %}
<p class="muted">{{ model }} model, {{ replications }},
seed {{ seed }}, status {{ status }}.</p>

<h2>Key figures</h2>
<p>Means over replications with 95% bootstrap intervals of the mean.</p>
{% with table = key_figures %}{% include "table" %}{% endwith %}

{% if summary %}<h2>Model summary</h2>
{% with table = summary %}{% include "table" %}{% endwith %}{% endif %}

<h2>Figures</h2>
{% include "figures" %}

{% if end_reasons %}<h2>Why relationships ended</h2>
<p>Relationships ended per replication (and share of all endings) by the stage they were in
and the reason. Relationships still active at the horizon are not counted.</p>
{% with table = end_reasons %}{% include "table" %}{% endwith %}{% endif %}

<h2>Provenance</h2>
{% include "provenance" %}
<details><summary>Resolved scenario</summary><pre>{{ scenario }}</pre></details>
{% endblock %}
"""

COMPARE = """{% extends "base" %}{% block body %}
<h1>{{ title }}</h1>
<p class="lead">{{ lead }}</p>
{% for item in scenarios %}<p><b>{{ item.name }}</b>: {{ item.description }}</p>{% endfor %}

<h2>Differences against {{ reference }}</h2>
<p>{{ method }} A <span style="color:#D55E00"><b>*</b></span> marks a difference whose 95%
interval excludes 0.</p>
{% with table = differences %}{% include "table" %}{% endwith %}

<h2>Figures</h2>
{% include "figures" %}

<h2>Provenance</h2>
{% include "provenance" %}
{% endblock %}
"""

SWEEP = """{% extends "base" %}{% block body %}
<h1>{{ title }}</h1>
<p class="lead">{{ lead }}</p>

<h2>Response of the key metrics</h2>
{% include "figures" %}

<h2>Points of the grid</h2>
<p>Means over replications with 95% bootstrap intervals; each point's own report is in its
folder.</p>
{% with table = points %}{% include "table" %}{% endwith %}

<h2>Provenance</h2>
{% include "provenance" %}
{% endblock %}
"""

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.DictLoader({
        "base": BASE, "figures": FIGURES, "table": FIGURE_TABLE, "provenance": PROVENANCE,
        "report": REPORT, "compare": COMPARE, "sweep": SWEEP,
    }),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def render(template: str, **context) -> str:
    """The HTML of ``template`` (``report``, ``compare`` or ``sweep``) filled with ``context``."""
    return _ENVIRONMENT.get_template(template).render(**context)
