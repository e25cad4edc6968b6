"""Fixtures and plugins for the acceptance features.

`pytest features` starts its own stack (embedded PostgreSQL, JWKS server, backend) once per
session; `BASE_URL=http://host:port BETTER_AUTH_SECRET=...` runs the same features against a
running deployment instead, skipping the scenarios tagged `@own-stack`.
"""

from __future__ import annotations

import importlib
from collections.abc import Iterator

import httpx
import pytest

from features import report
from features.target import OWN_STACK_TAG, SKIP_REASON, Target, open_target, runs_remotely
from features.world import World

STEP_MODULES = (
    "features.steps.accounts",
    "features.steps.tasks",
    "features.steps.responses",
    "features.steps.cors",
    "features.steps.server",
    "features.steps.logs",
    "features.steps.concurrency",
)
TAGS = {
    OWN_STACK_TAG: "needs the stack the features start themselves (skipped with BASE_URL)",
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
    "persistence": "persistence and configuration",
}


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--acceptance-report",
        default="reports",
        help="folder (under the project root) for acceptance.{json,md,html} [reports]",
    )


def pytest_configure(config: pytest.Config) -> None:
    for tag, meaning in TAGS.items():
        config.addinivalue_line("markers", f"{tag}: {meaning}")
    report.register(config)
    for name in STEP_MODULES:
        config.pluginmanager.register(importlib.import_module(name), name)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """With `BASE_URL`, the scenarios that need our own stack are skipped, saying why."""
    if runs_remotely():
        for item in items:
            if item.get_closest_marker(OWN_STACK_TAG):
                item.add_marker(pytest.mark.skip(reason=SKIP_REASON))


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> Iterator[Target]:
    with open_target() as opened:
        request.config.stash[report.TARGET] = {
            "base_url": opened.base_url
            if opened.stack is None
            else "local stack (embedded PostgreSQL)",
            "token_mode": opened.token_mode,
        }
        yield opened


@pytest.fixture
def world(target: Target) -> Iterator[World]:
    state = World(target=target, http=httpx.Client(base_url=target.base_url, timeout=30))
    yield state
    state.http.close()
