"""Several backends, one page: each judged into its own folder, then requirements × backends.

reports/compare/index.html          the page a judge opens
reports/compare/<name>/index.html   one backend's full report (+ acceptance.{json,md,html})
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.launcher import LaunchError
from judging import context
from judging.acceptance import HARDENING, STATUSES, Acceptance, Requirement
from judging.backend import LocalBackend
from judging.files import FEATURES_LOG, PAGE, RUN, read_json, write_json
from judging.page import causes, environment, groups, render_page
from judging.run import Run, read_run
from judging.steps import cancel
from judging.target import Target, clear, opened, run_acceptance

COMPARISON = "compare.json"


@dataclass(frozen=True)
class Judged:
    target: Target
    folder: str  # relative to the comparison's folder
    run: Run


def reference_target(database_url: str | None = None) -> Target:
    """Our own backend, started here (on `database_url`, else embedded): the control column."""

    def start(log: Path) -> LocalBackend:
        return LocalBackend(log, database_url=database_url)

    return Target(
        name="reference",
        description="our reference backend, started for this run",
        start=start,
        own_stack=True,
        reference=True,
    )


def judge(target: Target, folder: Path, root: Path) -> Run:
    """Judge one target into `folder` (features output in `features.log`) and render its page."""
    clear(folder)
    record: dict[str, Any] = {
        "started_at": context.now(),
        "target": target.description,
        "mode": target.mode,
        "steps": [],
    }
    try:
        with (folder / FEATURES_LOG).open("wb") as log, opened(target, folder) as running:
            record["base_url"], record["database"] = running.base_url, running.database
            run_acceptance(target, running, folder, record, root=root, output=log, announce=False)
    except LaunchError as error:
        record["error"] = f"the backend did not start: {error}"
    finally:
        record["finished_at"] = context.now()
        write_json(folder / RUN, record)
    run = read_run(folder)
    page = render_page(
        run,
        root=root,
        reports=folder,
        heading=f"{target.name}: judged against the spec",
        spec_only=not target.reference,
        show_load=False,
        back_link=f"../{PAGE}",
    )
    (folder / PAGE).write_text(page, encoding="utf-8")
    return run


def run_comparison(
    targets: list[Target], *, reports: Path, root: Path, jobs: int = 1
) -> tuple[int, Path]:
    """Judge every target (`jobs` at a time), write the page; 0 when all could be judged and
    the reference (when present) passed every requirement."""
    reports.mkdir(parents=True, exist_ok=True)
    started = context.now()

    def one(target: Target) -> Judged:
        folder = reports / target.name
        print(f"== {target.name}: judging {target.mode} {target.description}", flush=True)
        run = judge(target, folder, root)
        print(f"   {target.name}: {_outcome(run)} → {folder / PAGE}", flush=True)
        return Judged(target, target.name, run)

    try:
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            judged = list(pool.map(one, targets))
    except KeyboardInterrupt:
        cancel()
        raise
    record = {
        "started_at": started,
        "finished_at": context.now(),
        "commit": context.commit(root),
        "machine": context.machine(),
        "targets": [
            {
                "name": j.target.name,
                "mode": j.target.mode,
                "description": j.target.description,
                "reference": j.target.reference,
            }
            for j in judged
        ],
    }
    write_json(reports / COMPARISON, record)
    page = reports / PAGE
    page.write_text(render_comparison(judged, record), encoding="utf-8")
    return (0 if all(_usable(j) for j in judged) else 1), page


def rerender(reports: Path) -> Path:
    """Draw the comparison page again from what a comparison left in `reports`."""
    record = read_json(reports / COMPARISON)
    if not isinstance(record, dict):
        raise FileNotFoundError(f"no {COMPARISON} in {reports}: run `python -m judging compare`")
    judged = [
        Judged(
            Target(
                name=item["name"],
                description=item.get("description", ""),
                reference=bool(item.get("reference")),
            ),
            item["name"],
            read_run(reports / item["name"]),
        )
        for item in record.get("targets", [])
    ]
    page = reports / PAGE
    page.write_text(render_comparison(judged, record), encoding="utf-8")
    return page


def _outcome(run: Run) -> str:
    if run.acceptance is None:
        return f"not judged ({run.context.get('error') or 'no acceptance report'})"
    return "requirements " + run.acceptance.counts()


def _usable(judged: Judged) -> bool:
    acceptance = judged.run.acceptance
    if acceptance is None:
        return False
    if judged.target.reference:
        return all(r.status == "passed" for r in acceptance.requirements)
    return True


def render_comparison(judged: list[Judged], record: dict[str, Any]) -> str:
    ordered = sorted(judged, key=lambda j: not j.target.reference)
    requirements = _union(j.run.acceptance for j in ordered)
    return (
        environment()
        .get_template("compare.html.j2")
        .render(
            backends=[_column(j) for j in ordered],
            groups=groups(requirements),
            record=record,
            statuses=STATUSES,
        )
    )


def _union(reports: Any) -> list[Requirement]:
    """Every requirement any report lists, in the first report's order."""
    found: dict[str, Requirement] = {}
    for acceptance in reports:
        if acceptance is not None:
            for requirement in acceptance.requirements:
                found.setdefault(requirement.id, requirement)
    return list(found.values())


def _column(judged: Judged) -> dict[str, Any]:
    acceptance: Acceptance | None = judged.run.acceptance
    statuses = {r.id: r for r in acceptance.requirements} if acceptance else {}
    hardening = acceptance.tally(HARDENING) if acceptance else None
    return {
        "name": judged.target.name,
        "reference": judged.target.reference,
        "folder": judged.folder,
        "mode": judged.target.mode,
        "description": judged.target.description,
        "acceptance": acceptance,
        "requirements": statuses,
        "counts": {s: acceptance.count(s) for s in STATUSES} if acceptance else None,
        "hardening": hardening,
        "causes": causes(acceptance) if acceptance else [],
        "error": judged.run.context.get("error")
        or (None if acceptance else "no acceptance report: see features.log"),
        "token_mode": acceptance.target.get("token_mode", "") if acceptance else "",
        "steps": judged.run.context.get("steps", []),
    }
