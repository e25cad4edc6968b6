"""The few lines the terminal shows at the end of a demo run."""

from __future__ import annotations

from pathlib import Path

from harness.demo.results import Run
from harness.demo.verdict import problems


def summary_lines(run: Run, page: Path) -> list[str]:
    found = problems(run)
    lines = [f"== Judges' demo: {'PASSED' if not found else 'FAILED'}"]
    if run.acceptance is not None:
        acceptance = run.acceptance
        lines.append(
            f"Requirements: {acceptance.count('passed')}/{len(acceptance.requirements)} passed, "
            f"{acceptance.count('failed')} failed, {acceptance.count('gap')} not run "
            f"({acceptance.scenarios_run()} scenarios ran)"
        )
    if run.load is not None:
        total = run.load.total
        lines.append(
            f"Load: {total.requests:,} requests served, p95 {total.p95_ms:,.0f} ms, "
            f"{total.failures:,} failures"
        )
    lines.extend(f"  ✗ {text}" for text in found)
    lines.append(f"Page: {page.resolve()}")
    return lines
