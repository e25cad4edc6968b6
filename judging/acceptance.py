"""`reports/acceptance.json` (schema 2, `docs/acceptance-report.md`) as typed records.

The features write it; the judges' pages only read it. A requirement's status counts spec-tier
checks only; hardening checks are shown apart and never change a verdict.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from judging.files import read_json

ACCEPTANCE = "acceptance.json"
STATUSES = ("passed", "failed", "blocked", "not run")
SPEC, HARDENING = "spec", "hardening"
NOT_RUN_REASON = "no check ran for it"


@dataclass(frozen=True)
class Exchange:
    """One side of the HTTP exchange a check recorded (request or response), as excerpts."""

    method: str = ""
    path: str = ""
    token: str = ""
    status: int | None = None
    headers: Mapping[str, str] = field(default_factory=dict)
    body: str = ""


@dataclass(frozen=True)
class Evidence:
    step: str = ""
    expected: str = ""
    got: str = ""
    request: Exchange | None = None
    response: Exchange | None = None


@dataclass(frozen=True)
class Check:
    id: str
    name: str
    feature: str
    file: str
    line: int
    tier: str
    requirements: tuple[str, ...]
    clause: str
    status: str
    reason: str
    root_cause: str | None
    evidence: Evidence | None
    where: str = ""  # "own stack" for checks the features' own stack ran in the demo


@dataclass(frozen=True)
class Requirement:
    id: str
    group: str
    title: str
    status: str
    reason: str
    checks: tuple[str, ...]


@dataclass(frozen=True)
class RootCause:
    key: str
    summary: str
    checks: tuple[str, ...]
    requirements: tuple[str, ...]


@dataclass(frozen=True)
class Finding:
    key: str
    summary: str
    detail: str


@dataclass(frozen=True)
class Acceptance:
    generated_at: str
    target: Mapping[str, str]
    requirements: tuple[Requirement, ...]
    checks: tuple[Check, ...]
    root_causes: tuple[RootCause, ...]
    findings: tuple[Finding, ...]

    def count(self, status: str) -> int:
        """Requirements with this status."""
        return sum(1 for requirement in self.requirements if requirement.status == status)

    def counts(self) -> str:
        """ "52/58 passed, 0 failed, 0 blocked, 6 not run" (requirements)."""
        others = ", ".join(f"{self.count(status)} {status}" for status in STATUSES[1:])
        return f"{self.count('passed')}/{len(self.requirements)} passed, {others}"

    def check(self, check_id: str) -> Check | None:
        return self._by_id.get(check_id)

    def checks_of(self, requirement: Requirement, tier: str = SPEC) -> list[Check]:
        return [c for i in requirement.checks if (c := self._by_id.get(i)) and c.tier == tier]

    def tier(self, tier: str) -> list[Check]:
        return [check for check in self.checks if check.tier == tier]

    def tally(self, tier: str) -> Counter[str]:
        """How many checks of the tier ended in each status."""
        return Counter(check.status for check in self.tier(tier))

    @cached_property
    def _by_id(self) -> dict[str, Check]:
        return {check.id: check for check in self.checks}


def read_acceptance(path: Path) -> Acceptance | None:
    """The report at `path`, or None when the run wrote none."""
    data = read_json(path)
    return parse_acceptance(data) if isinstance(data, dict) else None


def parse_acceptance(data: Mapping[str, Any]) -> Acceptance:
    return Acceptance(
        generated_at=str(data.get("generated_at", "")),
        target={str(k): str(v) for k, v in (data.get("target") or {}).items()},
        requirements=tuple(_requirement(item) for item in data.get("requirements", [])),
        checks=tuple(_check(item) for item in data.get("checks", [])),
        root_causes=tuple(
            RootCause(
                key=str(item["key"]),
                summary=str(item.get("summary", item["key"])),
                checks=_strings(item.get("checks")),
                requirements=_strings(item.get("requirements")),
            )
            for item in data.get("root_causes", [])
        ),
        findings=tuple(
            Finding(
                key=str(item.get("key", "")),
                summary=str(item.get("summary", "")),
                detail=str(item.get("detail", "")),
            )
            for item in data.get("findings", [])
        ),
    )


def _strings(items: Iterable[Any] | None) -> tuple[str, ...]:
    return tuple(str(item) for item in items or ())


def _requirement(item: Mapping[str, Any]) -> Requirement:
    return Requirement(
        id=str(item["id"]),
        group=str(item.get("group", str(item["id"])[:2])),
        title=str(item.get("title", "")),
        status=str(item.get("status", "not run")),
        reason=str(item.get("reason") or ""),
        checks=_strings(item.get("checks")),
    )


def _check(item: Mapping[str, Any]) -> Check:
    evidence = item.get("evidence")
    return Check(
        id=str(item["id"]),
        name=str(item.get("name", item["id"])),
        feature=str(item.get("feature", "")),
        file=str(item.get("file", "")),
        line=int(item.get("line") or 0),
        tier=str(item.get("tier", SPEC)),
        requirements=_strings(item.get("requirements")),
        clause=str(item.get("clause") or ""),
        status=str(item.get("status", "not run")),
        reason=str(item.get("reason") or ""),
        root_cause=str(item["root_cause"]) if item.get("root_cause") else None,
        evidence=_evidence(evidence) if isinstance(evidence, Mapping) else None,
    )


def _evidence(item: Mapping[str, Any]) -> Evidence:
    return Evidence(
        step=str(item.get("step") or ""),
        expected=str(item.get("expected") or ""),
        got=str(item.get("got") or ""),
        request=_exchange(item.get("request")),
        response=_exchange(item.get("response")),
    )


def _exchange(item: Any) -> Exchange | None:
    if not isinstance(item, Mapping):
        return None
    status = item.get("status")
    return Exchange(
        method=str(item.get("method") or ""),
        path=str(item.get("path") or ""),
        token=str(item.get("token") or ""),
        status=int(status) if isinstance(status, int) else None,
        headers={str(k): str(v) for k, v in (item.get("headers") or {}).items()},
        body=str(item.get("body") or ""),
    )


def requirement_status(checks: Iterable[Check]) -> tuple[str, str]:
    """The contract's rule on spec checks: failed, else blocked, else passed, else not run."""
    spec = [check for check in checks if check.tier == SPEC]
    for status in ("failed", "blocked"):
        hit = next((check for check in spec if check.status == status), None)
        if hit is not None:
            return status, hit.reason
    if any(check.status == "passed" for check in spec):
        return "passed", ""
    reasons = [check.reason for check in spec if check.reason]
    return "not run", reasons[0] if reasons else NOT_RUN_REASON


def complete(over_http: Acceptance | None, own_stack: Acceptance | None) -> Acceptance | None:
    """The run over HTTP, completed by the checks only the features' own stack could run.

    A check that did not run over HTTP (a restart, an outage, the server's logs) takes its
    result from the second pass, marked "own stack"; requirement statuses are recomputed.
    """
    if over_http is None or own_stack is None:
        return over_http
    second = {check.id: check for check in own_stack.checks if check.status != "not run"}
    checks = tuple(
        replace(second[check.id], where="own stack")
        if check.status == "not run" and check.id in second
        else check
        for check in over_http.checks
    )
    by_id = {check.id: check for check in checks}
    requirements = []
    for requirement in over_http.requirements:
        status, reason = requirement_status(by_id[i] for i in requirement.checks if i in by_id)
        requirements.append(replace(requirement, status=status, reason=reason))
    causes = {cause.key: cause for cause in (*over_http.root_causes, *own_stack.root_causes)}
    findings = {finding.key: finding for finding in (*over_http.findings, *own_stack.findings)}
    token_modes = dict.fromkeys(
        mode for mode in (over_http.target.get("token_mode"), own_stack.target.get("token_mode"))
    )
    target = {**over_http.target, "token_mode": " + ".join(filter(None, token_modes))}
    return replace(
        over_http,
        target=target,
        requirements=tuple(requirements),
        checks=checks,
        root_causes=tuple(causes.values()),
        findings=tuple(findings.values()),
    )
