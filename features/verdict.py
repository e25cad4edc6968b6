"""From check results to verdicts: each requirement's status, the root causes, the summary.

The rules (docs/acceptance-report.md): a requirement counts its spec-tier checks only. It
failed if any of them failed; else it is blocked if any was blocked; else it passed if any
passed; else it was not run, with the reason. Hardening checks never change a requirement.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from features.evidence import Cause
from features.requirements import Requirement

STATUSES = ("passed", "failed", "blocked", "not run")
SCHEMA_VERSION = 2
SPEC, HARDENING = "spec", "hardening"


@dataclass
class Check:
    """One scenario, or one row of a scenario outline, and how it went."""

    id: str
    name: str
    feature: str
    file: str
    line: int
    tier: str
    requirements: list[str]
    clause: str
    status: str = "not run"
    reason: str = ""
    cause: Cause | None = None
    evidence: dict[str, Any] | None = None

    def entry(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "feature": self.feature,
            "file": self.file,
            "line": self.line,
            "tier": self.tier,
            "requirements": self.requirements,
            "clause": self.clause,
            "status": self.status,
            "reason": self.reason,
            "root_cause": self.cause.key if self.cause else None,
            "evidence": self.evidence,
        }


@dataclass
class Verdict:
    requirement: Requirement
    status: str
    reason: str
    checks: list[Check] = field(default_factory=list)

    def entry(self) -> dict[str, Any]:
        return {
            "id": self.requirement.id,
            "group": self.requirement.group,
            "title": self.requirement.title,
            "status": self.status,
            "reason": self.reason,
            "checks": [check.id for check in self.checks],
        }


def judge(requirement: Requirement, checks: list[Check]) -> Verdict:
    """The requirement's status from its spec-tier checks, with a one-line reason."""
    mine = [c for c in checks if c.tier == SPEC and requirement.id in c.requirements]
    by_status = {status: [c for c in mine if c.status == status] for status in STATUSES}
    for status in ("failed", "blocked"):
        if by_status[status]:
            causes = dict.fromkeys(
                c.cause.summary if c.cause else c.reason for c in by_status[status]
            )
            reason = f"{len(by_status[status])} of {plural(len(mine), 'spec check')} {status}: "
            reason += "; ".join(causes)
            return Verdict(requirement, status, reason, mine)
    if by_status["passed"]:
        not_run = len(by_status["not run"])
        extra = f" ({not_run} not run)" if not_run else ""
        return Verdict(
            requirement, "passed", f"{len(by_status['passed'])} spec checks passed{extra}", mine
        )
    reasons = dict.fromkeys(c.reason for c in mine if c.reason)
    reason = "; ".join(reasons) if mine else "no spec check covers it"
    return Verdict(requirement, "not run", reason, mine)


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}" + ("" if count == 1 else "s")


def root_causes(checks: list[Check]) -> list[dict[str, Any]]:
    """Failed and blocked checks grouped by cause, the biggest group first."""
    groups: dict[str, tuple[Cause, list[Check]]] = {}
    for check in checks:
        if check.status in ("failed", "blocked") and check.cause is not None:
            groups.setdefault(check.cause.key, (check.cause, []))[1].append(check)
    ordered = sorted(groups.values(), key=lambda group: (-len(group[1]), group[1][0].id))
    return [
        {
            "key": cause.key,
            "summary": cause.summary,
            "status": "failed" if any(c.status == "failed" for c in group) else "blocked",
            "checks": [check.id for check in group],
            "requirements": sorted(
                {r for check in group if check.tier == SPEC for r in check.requirements}
            ),
            "tiers": sorted({check.tier for check in group}),
        }
        for cause, group in ordered
    ]


def counts(statuses: list[str]) -> dict[str, int]:
    seen = Counter(statuses)
    return {status: seen.get(status, 0) for status in STATUSES}


def document(
    requirements: list[Requirement],
    checks: list[Check],
    *,
    target: dict[str, Any],
    generated_at: str,
    findings: list[dict[str, Any]],
    measurements: list[dict[str, Any]],
    spec_source: str,
) -> dict[str, Any]:
    """`reports/acceptance.json` (schema 2)."""
    verdicts = [judge(requirement, checks) for requirement in requirements]
    return {
        "schema_version": SCHEMA_VERSION,
        "generated_at": generated_at,
        "target": target,
        "spec_source": spec_source,
        "summary": {
            "requirements": counts([v.status for v in verdicts]),
            "spec_checks": counts([c.status for c in checks if c.tier == SPEC]),
            "hardening_checks": counts([c.status for c in checks if c.tier == HARDENING]),
        },
        "requirements": [verdict.entry() for verdict in verdicts],
        "checks": [check.entry() for check in checks],
        "root_causes": root_causes(checks),
        "findings": findings,
        "measurements": measurements,
    }
