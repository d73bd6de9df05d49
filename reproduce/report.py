"""The report of a ``dyadsim reproduce`` run: Markdown, HTML and JSON.

``reproduce.md`` is the page ``docs/reproductions.md`` is made from: one
table of verdicts, then one section per reproduction with its source, claim,
criterion, what was measured, and its figure. ``reproduce.html`` shows the
same with the figures embedded, so it opens anywhere without network.
``results.json`` holds every verdict for scripts.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import json
import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import jinja2

from analysis import templates
from reproduce.framework import Check, Settings
from sim.version import __version__

__all__ = ["markdown", "write_docs", "write_report"]

PAGE = """{% extends "base" %}{% block body %}
<h1>Reproductions</h1>
<p class="lead">Each check runs dyadsim on its bundled default parameters and compares the
result with what a published source says. {{ passed }} of {{ checks|length }} pass.</p>
<p class="muted">{{ mode }}; dyadsim {{ version }}; {{ when }}.</p>
<table>
  <thead><tr><th>check</th><th>kind</th><th>source</th><th>expected</th><th>measured</th>
  <th>result</th></tr>
  </thead>
  <tbody>
  {% for check in checks %}<tr><td><a href="#{{ check.name }}">{{ check.name }}</a></td>
    <td>{{ check.kind_label }}</td>
    <td>{{ check.source }}</td><td>{{ check.expected }}</td><td>{{ check.measured }}</td>
    <td class="mark" style="color:{{ '#009E73' if check.passed else '#D55E00' }}">
    {{ 'pass' if check.passed else 'FAIL' }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% for check in checks %}
<h2 id="{{ check.name }}">{{ check.name }}:
  <span style="color:{{ '#009E73' if check.passed else '#D55E00' }}">
  {{ 'pass' if check.passed else 'FAIL' }}</span></h2>
<p><b>Source.</b> {{ check.source }}</p>
<p><b>Claim.</b> {{ check.claim }}</p>
<p><b>Criterion.</b> {{ check.criterion }}</p>
<p><b>Kind.</b> {{ check.kind_label }}</p>
<table>
  <thead><tr><th>statement</th><th>kind</th><th>expected</th><th>measured</th><th>result</th></tr>
  </thead>
  <tbody>
  {% for verdict in check.verdicts %}<tr><td>{{ verdict.label }}</td><td>{{ verdict.kind }}</td>
    <td>{{ verdict.expected }}</td>
    <td>{{ verdict.measured }}</td><td>{{ 'pass' if verdict.passed else 'FAIL' }}</td></tr>
  {% endfor %}
  </tbody>
</table>
{% for verdict in check.verdicts if verdict.construction %}<p class="muted">Consistency check,
  {{ verdict.label }}: {{ verdict.construction }}</p>{% endfor %}
{% for note in check.notes %}<p class="muted">{{ note }}</p>{% endfor %}
{% if images[check.name] %}<figure><img alt="{{ check.name }}"
  src="data:image/png;base64,{{ images[check.name] }}"></figure>{% endif %}
{% endfor %}
{% endblock %}
"""

_ENVIRONMENT = jinja2.Environment(
    loader=jinja2.DictLoader({"base": templates.BASE, "page": PAGE}),
    autoescape=True,
    undefined=jinja2.StrictUndefined,
)


def write_report(checks: Sequence[Check], out: str | Path, settings: Settings) -> Path:
    """Write ``reproduce.md``, ``reproduce.html`` and ``results.json`` into ``out``.

    Figures are expected in ``out/figures`` (where :class:`Settings` puts them
    when its ``figures`` folder is there). Returns the path of the HTML page.
    """
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    mode = _mode(settings)
    (out / "reproduce.md").write_text(markdown(checks, out, mode=mode), encoding="utf-8")
    images = {check.name: _encoded(check.figure) for check in checks}
    html = _ENVIRONMENT.get_template("page").render(
        checks=checks, passed=sum(c.passed for c in checks), images=images,
        mode=mode, version=__version__, when=when, title="dyadsim reproductions")
    page = out / "reproduce.html"
    page.write_text(html, encoding="utf-8")
    results = {
        "dyadsim_version": __version__, "mode": mode, "finished": when,
        "passed": all(c.passed for c in checks),
        "checks": [_relative(check, out) for check in checks],
    }
    (out / "results.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    return page


def write_docs(checks: Sequence[Check], page: str | Path, settings: Settings) -> Path:
    """Write the Markdown report as ``page`` (``docs/reproductions.md``).

    The figures are copied into a folder named after the page, beside it
    (``docs/reproductions/``), so the page and its figures move together.
    """
    page = Path(page)
    folder = page.with_suffix("")
    folder.mkdir(parents=True, exist_ok=True)
    copied = []
    for check in checks:
        target = None
        if check.figure is not None and check.figure.exists():
            target = folder / check.figure.name
            shutil.copyfile(check.figure, target)
        copied.append(dataclasses.replace(check, figure=target))
    page.write_text(markdown(copied, page.parent, mode=_mode(settings)), encoding="utf-8")
    return page


def markdown(checks: Sequence[Check], folder: Path, *, mode: str = "") -> str:
    """The Markdown report; figure links are relative to ``folder``."""
    passed = sum(check.passed for check in checks)
    lines = [
        "# Reproductions",
        "",
        "Each check runs dyadsim on the bundled default parameters and compares the result "
        "with what a published source says. The criterion of each check comes from the "
        "source and from standard errors over independent seeds, never from the number the "
        "model produced. Regenerate this page with `dyadsim reproduce --docs`.",
        "",
        "Each statement is of one of two kinds. A *reproduction* can fail: its outcome "
        "must emerge from the model's mechanisms. A *consistency* check follows from the "
        "model's construction (a threshold or rule that states its outcome); it only "
        "guards that the construction works as documented, and is no evidence for the "
        "claim. Each consistency check says which rule states it.",
        "",
        f"{passed} of {len(checks)} checks pass{f' ({mode})' if mode else ''}.",
        "",
        "| check | kind | source | expected | measured | result |",
        "|---|---|---|---|---|---|",
    ]
    for check in checks:
        lines.append(f"| [{check.name}](#{check.name}) | {check.kind_label} | "
                     f"{_cell(check.source)} | "
                     f"{_cell(check.expected)} | {_cell(check.measured)} | "
                     f"{'pass' if check.passed else '**FAIL**'} |")
    for check in checks:
        lines += [
            "",
            f"## {check.name}",
            "",
            f"**Result: {'pass' if check.passed else 'FAIL'}.**",
            "",
            f"**Source.** {check.source}",
            "",
            f"**Claim.** {check.claim}",
            "",
            f"**Criterion.** {check.criterion}",
            "",
            f"**Kind.** {check.kind_label}.",
            "",
            "| statement | kind | expected | measured | result |",
            "|---|---|---|---|---|",
        ]
        for verdict in check.verdicts:
            lines.append(f"| {_cell(verdict.label)} | {verdict.kind} | {_cell(verdict.expected)} | "
                         f"{_cell(verdict.measured)} | {'pass' if verdict.passed else 'FAIL'} |")
        for verdict in check.verdicts:
            if verdict.construction:
                lines += ["", f"*Consistency check, {verdict.label}:* {verdict.construction}"]
        for note in check.notes:
            lines += ["", note]
        if check.figure is not None and check.figure.exists():
            link = Path(os.path.relpath(check.figure, folder)).as_posix()
            lines += ["", f"![{check.name}]({link})"]
    return "\n".join(lines) + "\n"


def _mode(settings: Settings) -> str:
    return "quick run: fewer seeds and buyers" if settings.quick else "full run"


def _cell(text: str) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _encoded(path: Path | None) -> str:
    if path is None or not path.exists():
        return ""
    return base64.b64encode(path.read_bytes()).decode("ascii")


def _relative(check: Check, folder: Path) -> dict:
    data = check.as_dict()
    if check.figure is not None:
        data["figure"] = Path(os.path.relpath(check.figure, folder)).as_posix()
    return data
