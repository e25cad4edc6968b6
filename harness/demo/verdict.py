"""Did the run pass? The list of what went wrong (empty means it passed)."""

from __future__ import annotations

from harness.demo.results import Run


def problems(run: Run) -> list[str]:
    """Failed requirements, failed steps and missing reports, in words."""
    found = []
    if run.acceptance is None:
        found.append("the acceptance report is missing (reports/acceptance.json)")
    else:
        failed = [r.id for r in run.acceptance.requirements if r.status == "failed"]
        if failed:
            found.append(f"{len(failed)} requirement(s) failed: {', '.join(failed)}")
    if run.load is None:
        found.append("the load report is missing (reports/load_stats.csv)")
    elif run.load.total.failures:
        found.append(f"{run.load.total.failures} request(s) failed under load")
    if run.context.get("interrupted"):
        found.append("the run was interrupted (Ctrl-C or SIGTERM)")
    for step in run.context.get("steps", []):
        title, code = step.get("title", step.get("name")), step.get("exit_code")
        if code is None:
            found.append(f"{title} did not finish")
        elif code != 0:
            found.append(f"{title} exited with {code}")
    return found
