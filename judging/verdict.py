"""Did a run pass? The list of what went wrong (empty means it passed)."""

from __future__ import annotations

from judging.acceptance import HARDENING
from judging.run import Run


def problems(run: Run, *, spec_only: bool = False) -> list[str]:
    """What went wrong, in words.

    `spec_only` judges another team's backend: failed or blocked requirements and a missing
    report. Without it (our own reference, `make demo`) hardening checks, the load run and
    every step's exit code count too.
    """
    found = []
    if run.acceptance is None:
        found.append("the acceptance report is missing (acceptance.json)")
    else:
        for status in ("failed", "blocked"):
            ids = [r.id for r in run.acceptance.requirements if r.status == status]
            if ids:
                found.append(f"{len(ids)} requirement(s) {status}: {', '.join(ids)}")
        hardening = run.acceptance.tally(HARDENING)
        if not spec_only and hardening["failed"]:
            found.append(f"{hardening['failed']} hardening check(s) failed")
    if run.context.get("error"):
        found.append(str(run.context["error"]))
    if run.context.get("interrupted"):
        found.append("the run was interrupted (Ctrl-C or SIGTERM)")
    if spec_only:
        return found
    if run.load is None:
        found.append("the load report is missing (load_stats.csv)")
    elif run.load.total.failures:
        found.append(f"{run.load.total.failures} request(s) failed under load")
    for step in run.context.get("steps", []):
        title, code = step.get("title", step.get("name")), step.get("exit_code")
        if code is None:
            found.append(f"{title} did not finish")
        elif code != 0:
            found.append(f"{title} exited with {code}")
    return found
