"""The requirements report: after a run, `reports/acceptance.{json,md,html}` with one row per
requirement ID, the scenarios tagged with it and their results. Built from the run's own
results (pytest reports of the pytest-bdd scenarios), never written by hand."""

from __future__ import annotations

import html
import json
from collections.abc import Generator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

from features.requirements import Requirement, load_requirements

TARGET = pytest.StashKey[dict[str, str]]()
"""Where the run went: {"base_url": ..., "token_mode": ...}, set by the `target` fixture."""


@dataclass
class ScenarioResult:
    name: str
    feature: str
    file: str
    line: int
    tags: set[str]
    outcomes: list[str] = field(default_factory=list)

    @property
    def status(self) -> str:
        """Failed if any example failed, passed if any passed, else skipped."""
        for status in ("failed", "passed"):
            if status in self.outcomes:
                return status
        return "skipped"

    def entry(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "feature": self.feature,
            "file": self.file,
            "line": self.line,
            "status": self.status,
        }


class AcceptanceReport:
    """A pytest plugin collecting each scenario's outcome and writing the report at the end."""

    def __init__(self, config: pytest.Config, directory: Path) -> None:
        self.config = config
        self.directory = directory
        self.scenarios: dict[tuple[str, int], ScenarioResult] = {}
        self.outcomes: dict[str, str] = {}
        self.measurements: list[tuple[str, str, object]] = []

    def scenario_of(self, item: pytest.Item) -> ScenarioResult | None:
        template = registry_get_safe(scenario_wrapper_template_registry, getattr(item, "obj", None))
        if template is None:
            return None
        path = Path(template.feature.filename).resolve()
        try:
            file = path.relative_to(self.config.rootpath).as_posix()
        except ValueError:
            file = path.as_posix()
        key = (file, template.line_number)
        if key not in self.scenarios:
            self.scenarios[key] = ScenarioResult(
                name=template.name,
                feature=template.feature.name,
                file=file,
                line=template.line_number,
                tags=set(),
            )
        result = self.scenarios[key]
        result.tags |= {mark.name for mark in item.iter_markers()}
        return result

    @pytest.hookimpl(hookwrapper=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, None]:
        outcome = yield
        report = outcome.get_result()
        scenario = self.scenario_of(item)
        if scenario is None:
            return
        previous = self.outcomes.get(item.nodeid)
        if report.failed:
            self.outcomes[item.nodeid] = "failed"
        elif report.skipped and previous is None:
            self.outcomes[item.nodeid] = "skipped"
        elif report.when == "call" and report.passed and previous is None:
            self.outcomes[item.nodeid] = "passed"
        if report.when == "teardown":
            scenario.outcomes.append(self.outcomes.get(item.nodeid, "skipped"))
            for name, value in report.user_properties:
                self.measurements.append((scenario.name, name, value))

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            if scenario := self.scenario_of(item):
                scenario.outcomes.append("skipped")

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if not self.scenarios:
            return
        document = self.document()
        self.directory.mkdir(parents=True, exist_ok=True)
        (self.directory / "acceptance.json").write_text(json.dumps(document, indent=2) + "\n")
        (self.directory / "acceptance.md").write_text(markdown(document, self.measurements))
        (self.directory / "acceptance.html").write_text(html_page(document, self.measurements))

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if self.scenarios:
            summary = self.document()["summary"]
            terminalreporter.write_sep(
                "-",
                f"requirements report: {self.directory}/acceptance.{{md,html,json}}: "
                f"{summary['passed']} passed, {summary['failed']} failed, {summary['gaps']} gaps",
            )

    def document(self) -> dict[str, Any]:
        requirements, source = load_requirements(self.config.rootpath)
        target = self.config.stash.get(TARGET, {})
        rows = [self.row(requirement) for requirement in requirements]
        scenarios = [scenario.entry() for scenario in self.in_order()]
        return {
            "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "base_url": target.get("base_url", "(not started)"),
            "token_mode": target.get("token_mode", "(not started)"),
            "summary": {
                "requirements": len(rows),
                "passed": sum(row["status"] == "passed" for row in rows),
                "failed": sum(row["status"] == "failed" for row in rows),
                "gaps": sum(row["status"] == "gap" for row in rows),
                "scenarios": len(scenarios),
                "scenarios_passed": sum(s["status"] == "passed" for s in scenarios),
                "scenarios_failed": sum(s["status"] == "failed" for s in scenarios),
            },
            "requirements": rows,
        }

    def in_order(self) -> list[ScenarioResult]:
        return [self.scenarios[key] for key in sorted(self.scenarios)]

    def row(self, requirement: Requirement) -> dict[str, Any]:
        tagged = [s.entry() for s in self.in_order() if requirement.id in s.tags]
        statuses = {scenario["status"] for scenario in tagged}
        status = "failed" if "failed" in statuses else "passed" if "passed" in statuses else "gap"
        return {
            "id": requirement.id,
            "group": requirement.group,
            "title": requirement.title,
            "status": status,
            "scenarios": tagged,
        }


def register(config: pytest.Config) -> None:
    """Register the report plugin and every requirement ID as a marker (for `-m "FR-013"`)."""
    requirements, _ = load_requirements(config.rootpath)
    for requirement in requirements:
        config.addinivalue_line("markers", f"{requirement.id}: {requirement.title}")
    directory = config.rootpath / config.getoption("acceptance_report", default="reports")
    config.pluginmanager.register(AcceptanceReport(config, directory), "acceptance-report")


ICONS = {"passed": "✅", "failed": "❌", "gap": "⚪", "skipped": "⏭"}
GROUPS = {
    "US": "User stories",
    "EC": "Edge cases",
    "FR": "Functional requirements",
    "SC": "Success criteria",
}


def markdown(document: dict[str, Any], measurements: list[tuple[str, str, object]]) -> str:
    summary = document["summary"]
    lines = [
        "# Acceptance report",
        "",
        f"Generated {document['generated_at']} against `{document['base_url']}`"
        f" with {document['token_mode']} tokens.",
        "",
        f"**Requirements: {summary['requirements']}** · passed {summary['passed']} ·"
        f" failed {summary['failed']} · gaps {summary['gaps']}  ",
        f"**Scenarios: {summary['scenarios']}** · passed {summary['scenarios_passed']} ·"
        f" failed {summary['scenarios_failed']}",
    ]
    for group, heading in GROUPS.items():
        lines += [
            "",
            f"## {heading}",
            "",
            "| ID | Requirement | Status | Scenarios |",
            "|---|---|---|---|",
        ]
        for row in document["requirements"]:
            if row["group"] != group:
                continue
            scenarios = (
                "<br>".join(
                    f"{ICONS[s['status']]} {s['name']} (`{s['file']}:{s['line']}`)"
                    for s in row["scenarios"]
                )
                or "no scenario"
            )
            cells = [row["id"], row["title"], f"{ICONS[row['status']]} {row['status']}", scenarios]
            lines.append("| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |")
    if measurements:
        lines += ["", "## Measurements (printed, not asserted)", ""]
        lines += [f"- {scenario}: {name} = {value}" for scenario, name, value in measurements]
    return "\n".join(lines) + "\n"


def html_page(document: dict[str, Any], measurements: list[tuple[str, str, object]]) -> str:
    summary = document["summary"]
    esc = html.escape
    rows = []
    for row in document["requirements"]:
        scenarios = (
            "".join(
                f'<li class="{s["status"]}">{ICONS[s["status"]]} {esc(s["name"])}'
                f" <code>{esc(s['file'])}:{s['line']}</code></li>"
                for s in row["scenarios"]
            )
            or "<li>no scenario</li>"
        )
        rows.append(
            f'<tr class="{row["status"]}"><td>{row["id"]}</td><td>{esc(row["title"])}</td>'
            f"<td>{ICONS[row['status']]} {row['status']}</td><td><ul>{scenarios}</ul></td></tr>"
        )
    extra = "".join(f"<li>{esc(s)}: {esc(n)} = {esc(str(v))}</li>" for s, n, v in measurements)
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Acceptance report</title>
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; }}
table {{ border-collapse: collapse; width: 100%; }}
td, th {{ border: 1px solid #ccc; padding: .4rem; vertical-align: top; text-align: left; }}
tr.passed td:nth-child(3) {{ background: #e6f4ea; }}
tr.failed td:nth-child(3) {{ background: #fce8e6; }}
tr.gap td:nth-child(3) {{ background: #f1f3f4; }}
ul {{ margin: 0; padding-left: 1rem; }} li.failed {{ color: #b3261e; }}
</style></head><body>
<h1>Acceptance report</h1>
<p>Generated {esc(document["generated_at"])} against <code>{esc(document["base_url"])}</code>
with {esc(document["token_mode"])} tokens.</p>
<p><strong>Requirements: {summary["requirements"]}</strong> · passed {summary["passed"]} ·
failed {summary["failed"]} · gaps {summary["gaps"]}<br>
<strong>Scenarios: {summary["scenarios"]}</strong> · passed {summary["scenarios_passed"]} ·
failed {summary["scenarios_failed"]}</p>
<table><tr><th>ID</th><th>Requirement</th><th>Status</th><th>Scenarios</th></tr>
{"".join(rows)}
</table>
{f"<h2>Measurements (printed, not asserted)</h2><ul>{extra}</ul>" if extra else ""}
</body></html>
"""
