"""The judge's verdict rules (features/verdict.py): spec checks only, failed > blocked > passed."""

from __future__ import annotations

from features.evidence import Cause
from features.requirements import Requirement
from features.verdict import Check, document, judge, root_causes

US3_1 = Requirement("US3-1", "PUT new title → 200")
NO_OFFSET = Cause("timestamp-no-utc-offset", "timestamps carry no UTC offset")


def check(
    number: int,
    status: str,
    *,
    tier: str = "spec",
    requirements: tuple[str, ...] = ("US3-1",),
    cause: Cause | None = None,
    reason: str = "",
) -> Check:
    return Check(
        id=f"features/x.feature:{number}",
        name=f"check {number}",
        feature="X",
        file="features/x.feature",
        line=number,
        tier=tier,
        requirements=list(requirements),
        clause="",
        status=status,
        reason=reason,
        cause=cause,
    )


def test_a_failed_spec_check_fails_its_requirement_with_the_cause() -> None:
    verdict = judge(US3_1, [check(1, "passed"), check(2, "failed", cause=NO_OFFSET)])
    assert verdict.status == "failed"
    assert verdict.reason == "1 of 2 spec checks failed: timestamps carry no UTC offset"


def test_blocked_wins_over_passed_but_not_over_failed() -> None:
    blocked = check(2, "blocked", cause=Cause("setup-x", "creating a task answers 500"))
    assert judge(US3_1, [check(1, "passed"), blocked]).status == "blocked"
    assert judge(US3_1, [check(1, "failed"), blocked]).status == "failed"


def test_hardening_checks_never_change_a_requirement() -> None:
    hardening = check(2, "failed", tier="hardening")
    assert judge(US3_1, [check(1, "passed"), hardening]).status == "passed"
    assert judge(US3_1, [hardening]).status == "not run"


def test_a_requirement_nobody_ran_says_why() -> None:
    skipped = check(1, "not run", reason="needs a backend the harness starts itself")
    assert judge(US3_1, [skipped]).reason == "needs a backend the harness starts itself"
    assert judge(US3_1, []).reason == "no spec check covers it"
    assert judge(US3_1, [check(2, "passed", requirements=("US3-2",))]).status == "not run"


def test_root_causes_group_failures_biggest_first() -> None:
    other = Cause("list-not-array", "the list is not a JSON array")
    checks = [
        check(1, "failed", cause=other, requirements=("US2-1",)),
        check(2, "failed", cause=NO_OFFSET, requirements=("FR-010",)),
        check(3, "failed", cause=NO_OFFSET, requirements=("FR-011",)),
        check(4, "failed", cause=NO_OFFSET, tier="hardening", requirements=("US6-1",)),
        check(5, "passed", cause=None),
    ]
    groups = root_causes(checks)
    assert [g["key"] for g in groups] == ["timestamp-no-utc-offset", "list-not-array"]
    assert groups[0]["checks"] == [f"features/x.feature:{n}" for n in (2, 3, 4)]
    assert groups[0]["requirements"] == ["FR-010", "FR-011"]
    assert groups[0]["tiers"] == ["hardening", "spec"]


def test_the_document_counts_every_status_for_both_tiers() -> None:
    report = document(
        [US3_1, Requirement("US3-2", "someone else's task → 403 or 404")],
        [check(1, "passed"), check(2, "failed", tier="hardening", cause=NO_OFFSET)],
        target={"label": "t", "base_url": "http://x", "mode": "base-url", "token_mode": "HS256"},
        generated_at="2026-12-01T10:00:00+00:00",
        findings=[],
        measurements=[],
        spec_source="built-in catalogue",
    )
    assert report["schema_version"] == 2
    assert report["summary"] == {
        "requirements": {"passed": 1, "failed": 0, "blocked": 0, "not run": 1},
        "spec_checks": {"passed": 1, "failed": 0, "blocked": 0, "not run": 0},
        "hardening_checks": {"passed": 0, "failed": 1, "blocked": 0, "not run": 0},
    }
    assert report["requirements"][0]["checks"] == ["features/x.feature:1"]
    assert report["checks"][1]["root_cause"] == "timestamp-no-utc-offset"
