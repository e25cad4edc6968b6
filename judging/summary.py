"""What the terminal shows of a judging run: plain counts, each saying what it counts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from xml.etree import ElementTree

from judging.acceptance import HARDENING, SPEC
from judging.files import FEATURES_XML, OWN_STACK
from judging.run import Run
from judging.verdict import problems


@dataclass(frozen=True)
class PytestCounts:
    """pytest's own count of one features pass (each Examples row is one test)."""

    tests: int
    failed: int
    skipped: int


def pytest_counts(folder: Path) -> PytestCounts | None:
    path = folder / FEATURES_XML
    if not path.exists():
        return None
    try:
        suites = ElementTree.parse(path).getroot().iter("testsuite")
    except ElementTree.ParseError:
        return None
    tests = failed = skipped = 0
    for suite in suites:
        tests += int(suite.get("tests", 0))
        failed += int(suite.get("failures", 0)) + int(suite.get("errors", 0))
        skipped += int(suite.get("skipped", 0))
    return PytestCounts(tests, failed, skipped)


def summary_lines(run: Run, page: Path, folder: Path) -> list[str]:
    found = problems(run)
    lines = [f"== Judges' demo: {'PASSED' if not found else 'FAILED'}"]
    acceptance = run.acceptance
    if acceptance is not None:
        spec, hardening = acceptance.tally(SPEC), acceptance.tally(HARDENING)
        lines.append(f"Requirements (spec tier): {acceptance.counts()}")
        lines.append(
            f"Checks: {spec['passed']}/{sum(spec.values())} spec checks passed, "
            f"{hardening['passed']}/{sum(hardening.values())} hardening checks passed "
            "(hardening never changes a requirement's verdict)"
        )
        over_http, own = pytest_counts(folder), pytest_counts(folder / OWN_STACK)
        if over_http is not None:
            also = (
                f", {over_http.skipped} of them skipped there; the own-stack pass ran"
                f" {own.tests - own.skipped} of its {own.tests} and completes those"
                if own is not None
                else f", {over_http.skipped} skipped"
            )
            lines.append(
                f"  (pytest counted {over_http.tests} tests over HTTP{also}: each Examples row "
                "is one test; the report counts each check once)"
            )
    if run.load is not None:
        total = run.load.total
        lines.append(
            f"Load: {total.requests:,} requests served, p95 {total.p95_ms:,.0f} ms, "
            f"{total.failures:,} failures (the simulated users' HTTP calls, from Locust's CSV;"
            " its table above also counts the last second's)"
        )
    lines.extend(f"  ✗ {text}" for text in found)
    lines.append(f"Page: {page.resolve()}")
    return lines
