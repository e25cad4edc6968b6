"""`reports/index.html`: one static page (no script, no network) showing what a run proved."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from harness.demo.results import Acceptance, Load, Requirement, Run, Scenario, read_run
from harness.demo.scenarios import anchor, scenario_text
from harness.demo.svg import Series, line_chart
from harness.demo.verdict import problems

PAGE = "index.html"
GROUPS = {
    "US": "User stories: acceptance scenarios",
    "EC": "Edge cases",
    "FR": "Functional requirements",
    "SC": "Success criteria",
}
STATUS_WORDS = {"passed": "pass", "failed": "FAIL", "gap": "not run", "skipped": "skipped"}
CODE_SPAN = re.compile(r"`([^`]+)`")
BLUE, ORANGE, RED, GREY, TEAL = "#2563eb", "#ea580c", "#dc2626", "#6b7280", "#0d9488"
CHIP_PASSED, CHIP_FAILED = "#16a34a", "#dc2626"

STYLE = (
    f":root{{--passed:{CHIP_PASSED};--failed:{CHIP_FAILED}}}"
    + """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#111827;
background:#f3f4f6}
main{max-width:1220px;margin:0 auto;padding:24px}
h1{font-size:26px;margin:0 0 4px}h2{font-size:20px;margin:0 0 12px}
h3{font-size:16px;margin:20px 0 8px}
section.card,header.card{background:#fff;border-radius:10px;padding:16px 20px;
box-shadow:0 1px 3px #0002;margin-bottom:16px}
.verdict{display:inline-block;font-weight:700;padding:4px 12px;border-radius:6px;color:#fff}
.verdict.passed{background:#15803d}.verdict.failed{background:#b91c1c}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin-top:12px}
.figure{background:#f9fafb;border:1px solid #e5e7eb;border-radius:8px;padding:8px 14px;
flex:1 1 0;min-width:110px}
.figure b{display:block;font-size:22px}.figure span{color:#4b5563;font-size:13px}
.chips{display:flex;flex-wrap:wrap;gap:4px;margin:4px 0 10px}
.chip{font:13px/1 ui-monospace,monospace;padding:6px 8px;border-radius:4px;text-decoration:none;
color:#fff}
.passed .status,.chip.passed{background:var(--passed)}
.failed .status,.chip.failed{background:var(--failed)}
.gap .status,.chip.gap,.skipped .status,.chip.skipped{background:#9ca3af}
.status{color:#fff;border-radius:4px;padding:1px 6px;font-size:12px;font-weight:600}
table{border-collapse:collapse;width:100%;font-size:14px}
th,td{text-align:left;padding:5px 8px;border-bottom:1px solid #e5e7eb;vertical-align:top}
th{background:#f9fafb}td.num,th.num{text-align:right;font-variant-numeric:tabular-nums}
tr.failed td{background:#fef2f2}
table.requirements td:first-child{white-space:nowrap}table.requirements td:nth-child(2){width:42%}
code{font:13px ui-monospace,monospace;background:#f3f4f6;padding:0 3px;border-radius:3px}
ul.scenarios{margin:0;padding-left:18px}
.charts{display:flex;flex-wrap:wrap;gap:16px}
svg.chart{background:#fff;border:1px solid #e5e7eb;border-radius:8px;font-size:11px;fill:#374151}
svg .grid{stroke:#e5e7eb}svg .axis{stroke:#6b7280;fill:none}
svg .chart-title{font-size:13px;font-weight:600}svg .legend{font-size:12px}
pre{background:#111827;color:#e5e7eb;padding:10px 12px;border-radius:6px;overflow-x:auto;
font-size:13px}
.problems{color:#b91c1c}.muted{color:#6b7280}
"""
)


def write_page(reports: Path, root: Path) -> Path:
    """Render the run found in `reports/` to `reports/index.html`; `root` holds the features."""
    path = reports / PAGE
    path.write_text(render_page(read_run(reports), root=root, reports=reports), encoding="utf-8")
    return path


def render_page(run: Run, *, root: Path, reports: Path) -> str:
    body = [
        _header(run),
        _matrix(run.acceptance),
        _load(run.load),
        _requirement_tables(run.acceptance),
        _bench(run.bench),
        _scenario_texts(run.acceptance, root=root, reports=reports),
        _context(run),
    ]
    return "\n".join(
        [
            "<!doctype html>",
            '<html lang="en"><head><meta charset="utf-8">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            "<title>Todo backend: what this run proved</title>",
            f"<style>{STYLE}</style></head><body><main>",
            *body,
            "</main></body></html>",
        ]
    )


def _header(run: Run) -> str:
    found = problems(run)
    verdict = "passed" if not found else "failed"
    words = "ALL PASSED" if not found else "FAILED"
    url = run.context.get("base_url") or (run.acceptance.base_url if run.acceptance else "")
    described = f" ({run.context['target']})" if run.context.get("target") else ""
    figures = []
    if run.acceptance is not None:
        total = len(run.acceptance.requirements)
        passed, failed = run.acceptance.count("passed"), run.acceptance.count("failed")
        figures += [
            (f"{passed} / {total}", "requirements passed"),
            (str(failed), "requirements failed"),
            (str(run.acceptance.count("gap")), "requirements not run"),
            (str(run.acceptance.scenarios_run()), "scenarios run"),
        ]
    if run.load is not None:
        total_load = run.load.total
        figures += [
            (f"{total_load.requests:,}", "requests served under load"),
            (f"{total_load.p95_ms:,.0f} ms", "p95 latency"),
            (f"{total_load.failures:,}", "failed requests"),
        ]
    problem_list = "".join(f"<li>{escape(text)}</li>" for text in found)
    return "\n".join(
        [
            '<header class="card">',
            "<h1>Todo backend: what this run proved</h1>",
            f"<p>Target <code>{escape(url)}</code>{escape(described)} · "
            f'<span class="verdict {verdict}" '
            f'id="verdict">{words}</span></p>',
            f'<ul class="problems">{problem_list}</ul>' if found else "",
            '<div class="figures">',
            *(
                f'<div class="figure"><b>{escape(value)}</b><span>{escape(label)}</span></div>'
                for value, label in figures
            ),
            "</div></header>",
        ]
    )


def _matrix(acceptance: Acceptance | None) -> str:
    """The requirements at a glance: one coloured chip per ID, by group."""
    if acceptance is None:
        return _missing("Requirement matrix", "No acceptance report (reports/acceptance.json).")
    parts = [
        '<section class="card" id="matrix"><h2>Requirement matrix</h2>',
        '<p class="muted">Every requirement of the spec: green passed, red failed, grey not run '
        "(no scenario, or only scenarios this target cannot run, such as a server restart "
        "against a deployment). Click one for its scenarios and their text.</p>",
    ]
    for group, title in GROUPS.items():
        rows = [r for r in acceptance.requirements if r.group == group]
        if not rows:
            continue
        passed = sum(1 for r in rows if r.status == "passed")
        parts.append(f"<h3>{escape(title)} ({group}): {passed} of {len(rows)} passed</h3>")
        parts.append(f'<div class="chips" data-group="{group}">')
        parts.extend(
            f'<a class="chip {escape(r.status)}" href="#req-{escape(r.id)}" '
            f'title="{escape(r.title)}">{escape(r.id)}</a>'
            for r in rows
        )
        parts.append("</div>")
    parts.append("</section>")
    return "\n".join(parts)


def _requirement_tables(acceptance: Acceptance | None) -> str:
    """Each requirement's title, result and scenarios, linked to the scenario texts."""
    if acceptance is None:
        return ""
    parts = ['<section class="card" id="requirements"><h2>Requirements and scenarios</h2>']
    others = sorted({r.group for r in acceptance.requirements} - GROUPS.keys())
    for group, title in [*GROUPS.items(), *((other, other) for other in others)]:
        rows = [r for r in acceptance.requirements if r.group == group]
        if not rows:
            continue
        parts.append(
            f"<h3>{escape(title)}</h3>"
            f'<table class="requirements" data-group="{escape(group)}"><thead><tr><th>ID</th>'
            "<th>Requirement</th><th>Result</th><th>Scenarios</th></tr></thead><tbody>"
        )
        parts.extend(_requirement_row(r) for r in rows)
        parts.append("</tbody></table>")
    parts.append("</section>")
    return "\n".join(parts)


def _requirement_row(requirement: Requirement) -> str:
    scenarios = "".join(
        f'<li><a href="#{anchor(s.file, s.line)}">{escape(s.name)}</a> '
        f'<span class="muted">({escape(_outcome(s))})</span></li>'
        for s in requirement.scenarios
    )
    cell = f'<ul class="scenarios">{scenarios}</ul>' if scenarios else "no scenario"
    status = escape(requirement.status)
    return (
        f'<tr id="req-{escape(requirement.id)}" class="req {status}">'
        f"<td><b>{escape(requirement.id)}</b></td><td>{_with_code(requirement.title)}</td>"
        f'<td><span class="status">{escape(STATUS_WORDS.get(requirement.status, status))}'
        f"</span></td><td>{cell}</td></tr>"
    )


def _with_code(text: str) -> str:
    """Escaped text whose `backticked` parts (as the spec writes names) show as code."""
    return CODE_SPAN.sub(r"<code>\1</code>", escape(text))


def _outcome(scenario: Scenario) -> str:
    """ "pass", or "pass, own stack" for the scenarios the features' own stack ran."""
    status = STATUS_WORDS.get(scenario.status, scenario.status)
    return f"{status}, {scenario.where}" if scenario.where else status


def _load(load: Load | None) -> str:
    if load is None:
        return _missing("Load", "No Locust results (reports/load_stats.csv).")
    history = load.history
    latency = line_chart(
        [
            Series("p50", [(s.seconds, s.p50_ms) for s in history], BLUE),
            Series("p95", [(s.seconds, s.p95_ms) for s in history], ORANGE),
            Series("p99", [(s.seconds, s.p99_ms) for s in history], RED),
        ],
        chart_id="latency-chart",
        title="Response time over the run (ms)",
        x_label="seconds since start",
        y_label="milliseconds",
    )
    throughput = line_chart(
        [
            Series("requests/s", [(s.seconds, s.requests_per_second) for s in history], TEAL),
            Series("failures/s", [(s.seconds, s.failures_per_second) for s in history], RED),
            Series("users", [(s.seconds, float(s.users)) for s in history], GREY),
        ],
        chart_id="rps-chart",
        title="Requests per second (and simulated users)",
        x_label="seconds since start",
        y_label="per second / users",
    )
    locust_link = (
        '<p><a href="load.html" id="locust-report">Locust\'s own report</a> '
        "(interactive charts and every request type).</p>"
        if load.has_html_report
        else ""
    )
    source = (
        '<p class="muted">From Locust\'s CSV files, which it writes every second: the requests '
        "of the run's last second are in its own report and terminal summary only.</p>"
    )
    rows = [
        (
            f"<tr><td>{escape(row.method)}</td><td>{escape(row.name)}</td>"
            f'<td class="num">{row.requests:,}</td><td class="num">{row.failures:,}</td>'
            f'<td class="num">{row.median_ms:,.0f}</td><td class="num">{row.p95_ms:,.0f}</td>'
            f'<td class="num">{row.p99_ms:,.0f}</td><td class="num">{row.max_ms:,.0f}</td>'
            f'<td class="num">{row.requests_per_second:,.1f}</td></tr>'
        )
        for row in [*load.endpoints, load.total]
    ]
    return "\n".join(
        [
            '<section class="card" id="load"><h2>Load</h2>',
            locust_link,
            f'<div class="charts">{latency}{throughput}</div>',
            source,
            '<h3>Per request type</h3><table id="load-stats"><thead><tr><th>Method</th>'
            '<th>Request</th><th class="num">Requests</th><th class="num">Failures</th>'
            '<th class="num">Median ms</th><th class="num">p95 ms</th><th class="num">p99 ms</th>'
            '<th class="num">Max ms</th><th class="num">Requests/s</th></tr></thead><tbody>',
            *rows,
            "</tbody></table></section>",
        ]
    )


def _bench(bench: Any) -> str:
    """`make bench`'s results table, its ratios, extras and machine (`reports/bench.json`)."""
    if not isinstance(bench, dict) or not bench.get("results"):
        return ""
    rows = [row for row in bench["results"] if isinstance(row, dict)]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    head = "".join(f"<th>{escape(_heading(c))}</th>" for c in columns)
    body = "".join(
        "<tr>" + "".join(f"<td>{escape(_cell(row.get(c)))}</td>" for c in columns) + "</tr>"
        for row in rows
    )
    notes = {**bench.get("ratios", {}), **bench.get("extras", {})}
    items = "".join(f"<li>{escape(k)}: <b>{escape(_cell(v))}</b></li>" for k, v in notes.items())
    machine = bench.get("machine", {})
    about = ", ".join(f"{k.replace('_', ' ')} {_cell(v)}" for k, v in machine.items())
    return (
        '<section class="card" id="bench"><h2>Benchmark</h2>'
        '<p class="muted">From <a href="bench.md">make bench</a>. ' + escape(about) + "</p>"
        f'<table id="bench-table"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'
        f"<ul>{items}</ul></section>"
    )


def _heading(key: str) -> str:
    return key.replace("per_second", "requests/s").replace("_ms", " ms").replace("_", " ")


def _cell(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.2f}" if abs(value) < 10 else f"{value:,.0f}"
    if isinstance(value, list):
        return ", ".join(map(_cell, value))
    return str(value)


def _scenario_texts(acceptance: Acceptance | None, *, root: Path, reports: Path) -> str:
    """Each scenario's Gherkin once, with its result and the requirements it covers."""
    if acceptance is None:
        return ""
    covers: dict[str, list[str]] = {}
    first: dict[str, Scenario] = {}
    for requirement in acceptance.requirements:
        for s in requirement.scenarios:
            key = anchor(s.file, s.line)
            first.setdefault(key, s)
            if requirement.id not in covers.setdefault(key, []):
                covers[key].append(requirement.id)
    parts = ['<section class="card" id="scenarios"><h2>Scenario texts</h2>']
    for key, s in sorted(first.items(), key=lambda item: (item[1].file, item[1].line)):
        text = scenario_text(root, s.file, s.line)
        link = os.path.relpath(root / s.file, reports)
        parts.append(
            f'<div id="{key}" class="{escape(s.status)}"><h3>{escape(s.feature)} · '
            f'<a href="{escape(link)}">{escape(s.file)}:{s.line}</a> '
            f'<span class="status">{escape(_outcome(s))}</span></h3>'
            f'<p class="muted">Covers {escape(", ".join(covers[key]))}</p>'
            + (f"<pre>{escape(text)}</pre>" if text else '<p class="muted">text not found</p>')
            + "</div>"
        )
    parts.append("</section>")
    return "\n".join(parts)


def _context(run: Run) -> str:
    context = run.context
    token_mode = run.acceptance.token_mode if run.acceptance else ""
    target = context.get("target")
    load_setup = context.get("load", {})
    rows: Iterable[tuple[str, Any]] = [
        ("Commit", context.get("commit")),
        ("Date", context.get("started_at") or (run.acceptance and run.acceptance.generated_at)),
        ("Machine", context.get("machine")),
        ("Target", f"{context.get('base_url')} ({target})" if target else context.get("base_url")),
        ("Database", context.get("database")),
        ("Token mode", token_mode),
        (
            "Load session",
            load_setup
            and f"{load_setup.get('users')} users, spawn rate {load_setup.get('spawn_rate')}/s, "
            f"{load_setup.get('duration')}",
        ),
        *(
            (
                f"Step: {step.get('title', step.get('name'))}",
                f"exit {step.get('exit_code')} in {step.get('seconds', 0):.0f} s",
            )
            for step in context.get("steps", [])
        ),
    ]
    body = "".join(
        f"<tr><th>{escape(label)}</th><td>{escape(str(value))}</td></tr>"
        for label, value in rows
        if value
    )
    return (
        '<section class="card" id="context"><h2>Run context</h2>'
        f'<table id="context-table"><tbody>{body}</tbody></table></section>'
    )


def _missing(title: str, message: str) -> str:
    return (
        f'<section class="card"><h2>{escape(title)}</h2>'
        f'<p class="problems">{escape(message)}</p></section>'
    )
