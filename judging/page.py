"""The judges' pages, rendered with Jinja2: one static file each, no script, no network."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup, escape

from judging.acceptance import HARDENING, STATUSES, Acceptance, Check, Requirement
from judging.charts import Chart, Series, line_chart
from judging.files import PAGE
from judging.load import Load
from judging.run import Run, read_run
from judging.scenarios import anchor, scenario_text
from judging.verdict import problems

GROUPS = {
    "US": "User stories: acceptance scenarios",
    "EC": "Edge cases",
    "FR": "Functional requirements",
    "SC": "Success criteria",
}
WORDS = {"passed": "passed", "failed": "FAILED", "blocked": "blocked", "not run": "not run"}
SEVERITY = {"failed": 0, "blocked": 1, "passed": 2, "not run": 3}
CODE_SPAN = re.compile(r"`([^`]+)`")
BLUE, ORANGE, RED, GREY, TEAL = "#2563eb", "#ea580c", "#dc2626", "#6b7280", "#0d9488"


def css(status: str) -> str:
    """A status as a class name: "not run" → "not-run"."""
    return status.replace(" ", "-")


def with_code(text: str) -> Markup:
    """Escaped text whose `backticked` parts (as the spec writes names) show as code."""
    return Markup(CODE_SPAN.sub(r"<code>\1</code>", str(escape(text))))


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("judging", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        css=css,
        word=lambda status: WORDS.get(status, status),
        code=with_code,
        scenario_anchor=anchor,
    )
    return env


def write_page(reports: Path, root: Path, **options: Any) -> Path:
    """Render the run found in `reports/` to `reports/index.html`; `root` holds the features."""
    path = reports / PAGE
    page = render_page(read_run(reports), root=root, reports=reports, **options)
    path.write_text(page, encoding="utf-8")
    return path


def render_page(
    run: Run,
    *,
    root: Path,
    reports: Path,
    heading: str = "Todo backend: what this run proved",
    spec_only: bool = False,
    show_load: bool = True,
    back_link: str | None = None,
) -> str:
    """One target's page; `spec_only` for another team's backend (hardening never counts)."""
    acceptance = run.acceptance
    found = problems(run, spec_only=spec_only)
    return (
        environment()
        .get_template("report.html.j2")
        .render(
            heading=heading,
            back_link=back_link,
            verdict="failed" if found else "passed",
            problems=found,
            target_url=run.context.get("base_url")
            or (acceptance.target.get("base_url", "") if acceptance else ""),
            target_described=run.context.get("target", ""),
            figures=figures(run),
            acc=acceptance,
            groups=groups(acceptance.requirements) if acceptance else [],
            causes=causes(acceptance) if acceptance else [],
            hardening=sorted_checks(acceptance.tier(HARDENING)) if acceptance else [],
            hardening_tally=tally(acceptance, HARDENING) if acceptance else [],
            load=load_view(run.load),
            show_load=show_load,
            bench=bench_view(run.bench),
            scenarios=scenario_views(acceptance, root=root, reports=reports) if acceptance else [],
            context_rows=context_rows(run),
        )
    )


def figures(run: Run) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    acceptance = run.acceptance
    if acceptance is not None:
        total = len(acceptance.requirements)
        found.append((f"{acceptance.count('passed')} / {total}", "requirements passed"))
        found += [(str(acceptance.count(s)), f"requirements {s}") for s in STATUSES[1:]]
        spec = acceptance.tally("spec")
        found.append((f"{spec['passed']} / {sum(spec.values())}", "spec checks passed"))
        hardening = acceptance.tally(HARDENING)
        found.append((f"{hardening['passed']} / {sum(hardening.values())}", "hardening passed"))
    if run.load is not None:
        total_load = run.load.total
        found += [
            (f"{total_load.requests:,}", "requests served under load"),
            (f"{total_load.p95_ms:,.0f} ms", "p95 latency"),
            (f"{total_load.failures:,}", "failed requests"),
        ]
    return found


def groups(requirements: Iterable[Requirement]) -> list[tuple[str, str, list[Requirement]]]:
    """The requirements by group, in the spec's order of groups (unknown groups last)."""
    rows = list(requirements)
    others = sorted({r.group for r in rows} - GROUPS.keys())
    found = []
    for code, title in [*GROUPS.items(), *((other, other) for other in others)]:
        members = [r for r in rows if r.group == code]
        if members:
            found.append((code, title, members))
    return found


def causes(acceptance: Acceptance) -> list[tuple[Any, list[Check]]]:
    """Each root cause with its checks, the largest first."""
    found = [
        (cause, [c for i in cause.checks if (c := acceptance.check(i)) is not None])
        for cause in acceptance.root_causes
    ]
    return sorted(found, key=lambda item: -len(item[1]))


def sorted_checks(checks: Iterable[Check]) -> list[Check]:
    """Failed first, then blocked, passed, not run; in file order within each."""
    return sorted(checks, key=lambda c: (SEVERITY.get(c.status, 9), c.file, c.line, c.id))


def tally(acceptance: Acceptance, tier: str) -> list[tuple[str, int]]:
    counts = acceptance.tally(tier)
    return [(status, counts[status]) for status in STATUSES if counts[status]]


class LoadView:
    """The load section's charts and table rows."""

    def __init__(self, load: Load) -> None:
        history = load.history
        self.latency: Chart = line_chart(
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
        self.throughput: Chart = line_chart(
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
        self.rows = [*load.endpoints, load.total]
        self.has_html_report = load.has_html_report


def load_view(load: Load | None) -> LoadView | None:
    return LoadView(load) if load is not None else None


def bench_view(bench: Any) -> dict[str, Any] | None:
    """`make bench`'s results table, its ratios, extras and machine (`reports/bench.json`)."""
    if not isinstance(bench, dict) or not bench.get("results"):
        return None
    rows = [row for row in bench["results"] if isinstance(row, dict)]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    notes = {**bench.get("ratios", {}), **bench.get("extras", {})}
    machine = bench.get("machine", {})
    return {
        "columns": [_heading(column) for column in columns],
        "rows": [[_cell(row.get(column)) for column in columns] for row in rows],
        "notes": [(name, _cell(value)) for name, value in notes.items()],
        "about": ", ".join(f"{k.replace('_', ' ')} {_cell(v)}" for k, v in machine.items()),
    }


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


def scenario_views(acceptance: Acceptance, *, root: Path, reports: Path) -> list[dict[str, Any]]:
    """Each scenario's Gherkin once, with its worst check status and the requirements it checks."""
    by_scenario: dict[tuple[str, int], list[Check]] = {}
    for check in acceptance.checks:
        if check.file:
            by_scenario.setdefault((check.file, check.line), []).append(check)
    views = []
    for (file, line), checks in sorted(by_scenario.items()):
        covers = dict.fromkeys(r for check in checks for r in check.requirements)
        views.append(
            {
                "anchor": anchor(file, line),
                "feature": checks[0].feature,
                "file": file,
                "line": line,
                "link": os.path.relpath(root / file, reports),
                "status": min((c.status for c in checks), key=lambda s: SEVERITY.get(s, 9)),
                "covers": list(covers) or ["no requirement"],
                "text": scenario_text(root, file, line),
            }
        )
    return views


def context_rows(run: Run) -> list[tuple[str, str]]:
    context = run.context
    acceptance = run.acceptance
    target = context.get("target")
    load_setup = context.get("load") or {}
    rows = [
        ("Commit", context.get("commit")),
        ("Started", context.get("started_at")),
        ("Finished", context.get("finished_at")),
        ("Report generated", acceptance.generated_at if acceptance else None),
        ("Machine", context.get("machine")),
        ("Target", f"{context.get('base_url')} ({target})" if target else context.get("base_url")),
        ("Database", context.get("database")),
        ("Judged as", acceptance.target.get("mode") if acceptance else None),
        ("Token mode", acceptance.target.get("token_mode") if acceptance else None),
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
    return [(label, str(value)) for label, value in rows if value]
