"""Fixtures and plugins for the acceptance features.

`pytest features` starts our own stack (embedded PostgreSQL, JWKS server, backend) once per
session; `BASE_URL=...` judges a running backend instead, and `JUDGE_BACKEND_COMMAND=...`
starts a team's backend itself (docs/judging.md). The report plugin (`features.report`)
turns the run into `reports/acceptance.{json,md,html}`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import pytest

from features import report
from features.findings import Findings
from features.target import (
    IN_PROCESS_TAG,
    NEEDS_CONTROL,
    NEEDS_IN_PROCESS,
    OWN_STACK_TAG,
    Target,
    mode_of,
    open_target,
)
from features.world import World

STEP_MODULES = (
    "features.steps.accounts",
    "features.steps.tasks",
    "features.steps.responses",
    "features.steps.afterwards",
    "features.steps.cors",
    "features.steps.server",
    "features.steps.logs",
    "features.steps.concurrency",
)
TAGS = {
    report.HARDENING_TAG: "beyond the spec: our reference's extras (never fails a requirement)",
    OWN_STACK_TAG: "needs a backend the harness starts itself (not run with BASE_URL)",
    IN_PROCESS_TAG: "checks our own code in this process (local stack only)",
    "US1": "user story 1",
    "US2": "user story 2",
    "US3": "user story 3",
    "US4": "user story 4",
    "US5": "user story 5",
    "US6": "user story 6",
    "EC": "edge cases",
    "auth": "authentication",
    "cors": "CORS",
    "api": "the locked API",
    "isolation": "one user's tasks are theirs alone",
    "record": "the task record",
    "persistence": "persistence and configuration",
}
PLUGIN = pytest.StashKey[report.AcceptanceReport]()


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--acceptance-report",
        default="reports",
        help="folder (under the project root) for acceptance.{json,md,html} [reports]",
    )


def pytest_configure(config: pytest.Config) -> None:
    for tag, meaning in TAGS.items():
        config.addinivalue_line("markers", f"{tag}: {meaning}")
    config.stash[PLUGIN] = report.register(config)
    for name in STEP_MODULES:
        config.pluginmanager.register(importlib.import_module(name), name)
    if mode_of() != "local-stack":
        from harness.leak_scan import scanner

        scanner.active = False  # another backend's answers are judged, not our suite's failures


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Checks the mode cannot run are skipped, saying why (the report shows them as not run)."""
    mode = mode_of()
    for item in items:
        if mode == "base-url" and item.get_closest_marker(OWN_STACK_TAG):
            item.add_marker(pytest.mark.skip(reason=NEEDS_CONTROL))
        elif mode != "local-stack" and item.get_closest_marker(IN_PROCESS_TAG):
            item.add_marker(pytest.mark.skip(reason=NEEDS_IN_PROCESS))


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    with open_target() as opened:
        request.config.stash[report.TARGET] = {
            "label": opened.label,
            "base_url": opened.base_url,
            "mode": opened.mode,
            "token_mode": opened.token_mode,
        }
        yield opened


@pytest.fixture(scope="session")
def findings(request: pytest.FixtureRequest) -> Findings:
    return request.config.stash[PLUGIN].findings


@pytest.fixture
def world(target: Target, findings: Findings) -> Iterator[World]:
    state = World(target=target, findings=findings)
    yield state
    state.close()
