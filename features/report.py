"""The acceptance report: after a run, `reports/acceptance.{json,md,html}`.

A pytest plugin: each scenario (or outline row) is a check with a tier, the requirement IDs
it tests and a status (passed, failed, blocked, not run) with its reason and evidence. A
failure in a Given step, or a `Blocked` raised by a set-up or read-back, makes the check
blocked, not failed. The verdicts themselves come from `features.verdict`.
"""

from __future__ import annotations

import re
from collections.abc import Generator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd.parser import Feature, Scenario, ScenarioTemplate, Step
from pytest_bdd.scenario import scenario_wrapper_template_registry
from pytest_bdd.utils import registry_get_safe

from features import render
from features.evidence import Cause, CheckFailed, slug
from features.findings import Findings
from features.requirements import REQUIREMENT_ID, load_requirements
from features.verdict import HARDENING, SPEC, Check, document

TARGET = pytest.StashKey[dict[str, str]]()
"""Where the run went: label, base_url, mode, token_mode; set by the `target` fixture."""
STEP_ERROR = pytest.StashKey["StepError"]()
HARDENING_TAG = "hardening"
NOT_REACHED = "the run stopped before this check"


@dataclass(frozen=True)
class StepError:
    step: str
    step_type: str
    exception: BaseException
    evidence: dict[str, Any]


def skip_reason(report: pytest.TestReport) -> str:
    longrepr = report.longrepr
    text = longrepr[2] if isinstance(longrepr, tuple) else str(longrepr)
    return text.removeprefix("Skipped: ")


def first_line(report: pytest.TestReport) -> str:
    text = getattr(report.longrepr, "reprcrash", None)
    message = text.message if text is not None else str(report.longrepr)
    return message.strip().splitlines()[0][:300] if message.strip() else "failed"


class AcceptanceReport:
    """Collects every check's outcome and writes the report at the end of the session."""

    def __init__(self, config: pytest.Config, directory: Path) -> None:
        self.config = config
        self.directory = directory
        self.requirements, self.spec_source = load_requirements(config.rootpath)
        self.titles = {r.id: r.title for r in self.requirements}
        self.order = {r.id: n for n, r in enumerate(self.requirements)}
        self.checks: dict[str, Check] = {}
        self.findings = Findings()
        self.measurements: list[dict[str, Any]] = []

    # Which check an item is

    def check_of(self, item: pytest.Item) -> Check | None:
        template: ScenarioTemplate | None = registry_get_safe(
            scenario_wrapper_template_registry, getattr(item, "obj", None)
        )
        if template is None:
            return None
        if item.nodeid not in self.checks:
            self.checks[item.nodeid] = self.new_check(item, template)
        return self.checks[item.nodeid]

    def new_check(self, item: pytest.Item, template: ScenarioTemplate) -> Check:
        path = Path(template.feature.filename).resolve()
        try:
            file = path.relative_to(self.config.rootpath).as_posix()
        except ValueError:
            file = path.as_posix()
        tags = {mark.name for mark in item.iter_markers()}
        requirements = sorted(
            (tag for tag in tags if REQUIREMENT_ID.match(tag)),
            key=lambda tag: self.order.get(tag, len(self.order)),
        )
        callspec = getattr(item, "callspec", None)
        check_id, name, block = f"{file}:{template.line_number}", template.name, ""
        if callspec is not None and "_pytest_bdd_example" in callspec.params:
            row = callspec.indices["_pytest_bdd_example"] + 1
            values = callspec.params["_pytest_bdd_example"]
            check_id += f"[example {row}]"
            name += " [" + ", ".join(f"{k}: {v}" for k, v in values.items()) + "]"
            block = examples_name(template, row)
        tier = HARDENING if HARDENING_TAG in tags else SPEC
        return Check(
            id=check_id,
            name=name,
            feature=template.feature.name,
            file=file,
            line=template.line_number,
            tier=tier,
            requirements=requirements,
            clause=self.clause(template, requirements, block if tier == HARDENING else ""),
            reason=NOT_REACHED,
        )

    def clause(self, template: ScenarioTemplate, requirements: list[str], block: str) -> str:
        """The scenario's own description, or its Examples block's name for a hardening row,
        else the cited requirements' text."""
        described = " ".join(template.description.split()) or block
        if described:
            return described
        return "; ".join(f"{r}: {self.titles[r]}" for r in requirements if r in self.titles)

    # Outcomes

    @pytest.hookimpl(tryfirst=True)
    def pytest_bdd_step_error(
        self,
        request: pytest.FixtureRequest,
        feature: Feature,
        scenario: Scenario,
        step: Step,
        exception: BaseException,
    ) -> None:
        try:
            world = request.getfixturevalue("world")
        except pytest.FixtureLookupError:
            world = None
        response = exception.response if isinstance(exception, CheckFailed) else None
        evidence = world.evidence(response) if world is not None else {}
        request.node.stash[STEP_ERROR] = StepError(
            f"{step.keyword} {step.name}".strip(), step.type, exception, evidence
        )

    @pytest.hookimpl(hookwrapper=True, tryfirst=True)
    def pytest_runtest_makereport(
        self, item: pytest.Item, call: pytest.CallInfo[None]
    ) -> Generator[None, Any, None]:
        outcome = yield
        report: pytest.TestReport = outcome.get_result()
        check = self.check_of(item)
        if check is None:
            return
        if report.when == "setup":
            check.status, check.reason, check.cause, check.evidence = "passed", "", None, None
            if report.skipped:
                check.status, check.reason = "not run", skip_reason(report)
            elif report.failed:
                check.status, check.reason = "blocked", f"set-up failed: {first_line(report)}"
                check.cause = Cause("setup-error", "the run could not set this check up")
        elif report.when == "call":
            if report.skipped:
                check.status, check.reason = "not run", skip_reason(report)
            elif report.failed:
                self.failed(check, item, report)
        elif report.failed and check.status == "passed":
            check.status, check.reason = "failed", first_line(report)
            check.cause = Cause(slug(check.reason[:40]), check.reason)
        if report.when == "teardown":
            self.measurements += [
                {"check": check.id, "name": name, "value": value}
                for name, value in report.user_properties
            ]

    def failed(self, check: Check, item: pytest.Item, report: pytest.TestReport) -> None:
        error = item.stash.get(STEP_ERROR, None)
        if error is None:
            check.status, check.reason = "failed", first_line(report)
            check.cause = Cause(slug(check.reason[:40]), check.reason)
            return
        exception = error.exception
        if isinstance(exception, CheckFailed):
            status = "blocked" if error.step_type == "given" else exception.outcome
            expected, got, cause = exception.expected, exception.got, exception.cause
        else:
            status = "blocked" if error.step_type == "given" else "failed"
            expected = "the step to run"
            got = f"{type(exception).__name__}: {exception}"
            cause = Cause(slug(type(exception).__name__), f"{type(exception).__name__} in a step")
        check.status = status
        check.reason = f"{error.step}: expected {expected}; got {got}"
        check.cause = cause
        check.evidence = {"step": error.step, "expected": expected, "got": got, **error.evidence}

    def pytest_deselected(self, items: list[pytest.Item]) -> None:
        for item in items:
            if check := self.check_of(item):
                check.status, check.reason = "not run", "deselected (-m or -k)"

    # Writing

    def document(self) -> dict[str, Any]:
        target = self.config.stash.get(TARGET, {})
        checks = sorted(self.checks.values(), key=_order)
        return document(
            self.requirements,
            checks,
            target=target or {"label": "(not started)", "mode": "(not started)"},
            generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
            findings=self.findings.entries(),
            measurements=self.measurements,
            spec_source=self.spec_source,
        )

    def pytest_sessionfinish(self, session: pytest.Session) -> None:
        if self.checks:
            render.write_reports(self.document(), self.directory)

    def pytest_terminal_summary(self, terminalreporter: Any) -> None:
        if not self.checks:
            return
        summary = self.document()["summary"]
        requirements, hardening = summary["requirements"], summary["hardening_checks"]
        terminalreporter.write_sep(
            "-",
            f"acceptance report: {self.directory}/acceptance.{{md,html,json}}: requirements "
            + ", ".join(f"{count} {status}" for status, count in requirements.items())
            + f"; hardening checks {hardening['passed']} passed, {hardening['failed']} failed",
        )


def examples_name(template: ScenarioTemplate, row: int) -> str:
    """The name of the Examples block holding the outline's `row`-th row (1-based)."""
    for examples in template.examples:
        if row <= len(examples.examples):
            return examples.name or ""
        row -= len(examples.examples)
    return ""


def _order(check: Check) -> tuple[str, int, int]:
    row = re.search(r"\[example (\d+)\]", check.id)
    return check.file, check.line, int(row[1]) if row else 0


def register(config: pytest.Config) -> AcceptanceReport:
    """Register the report plugin and every requirement ID as a marker (for `-m "FR-013"`)."""
    requirements, _ = load_requirements(config.rootpath)
    for requirement in requirements:
        config.addinivalue_line("markers", f"{requirement.id}: {requirement.title}")
    directory = config.rootpath / config.getoption("acceptance_report", default="reports")
    plugin = AcceptanceReport(config, directory)
    config.pluginmanager.register(plugin, "acceptance-report")
    return plugin
