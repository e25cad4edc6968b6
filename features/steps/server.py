"""The backend as a whole: restarts, an unreachable database, configuration from the
environment alone, where the data lives. These need a backend the harness controls
(`@own-stack`: our local stack, or a team's backend in whole-backend mode)."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from backend.settings import SettingsError, load_settings
from features.control import SETTINGS_VARIABLES, Control
from features.evidence import Cause, CheckFailed, expect
from features.steps.cors import preflight
from features.target import NEEDS_CONTROL
from features.world import World
from harness.database_probe import DatabaseProbe
from harness.judge_tokens import JwksMinter


def control_of(world: World) -> Control:
    if world.target.control is None:
        pytest.skip(NEEDS_CONTROL)
    return world.target.control


# Restarts and an unreachable database


@when("the backend is restarted")
def restart(world: World) -> None:
    control_of(world).restart()
    world.fresh_connection()


@given("the database cannot be reached")
def database_unreachable(world: World, request: pytest.FixtureRequest) -> None:
    world.use_server(control_of(world).cut_database(request))


@then(parsers.parse("the readiness probe answers {status:d}"))
def readiness(world: World, status: int) -> None:
    response = world.send("GET", "/health/ready", token=None)
    expect(
        response.status_code == status, f"status {status}", response.status_code, response=response
    )


# Configuration through the environment only


@given("the backend was started from its environment alone: a fresh secret, origin and database")
def started_from_environment(world: World, request: pytest.FixtureRequest) -> None:
    world.configured = control_of(world).configured_from_environment(request)
    world.use_server(world.configured.base_url)
    world.target = replace(
        world.target,
        minter=world.configured.minter,
        frontend_origin=world.configured.frontend_origin,
        secret=getattr(world.configured.minter, "secret", world.target.secret),
    )


@then("the task was stored in the database its environment names")
def stored_in_database(world: World) -> None:
    found = DatabaseProbe(world.configured.database_url).columns_holding(world.user_id("user123"))
    expect(
        bool(found),
        "a row naming user123 in the database the environment named",
        "no table holds it",
        cause=Cause(
            "data-not-in-configured-database", "tasks are not stored in the configured database"
        ),
    )


@then("the backend trusts the signing secret or key of its environment and no other")
def trusts_environment(world: World) -> None:
    accepted = world.call("list", "user123", token=world.valid_token("user123"))
    expect(
        accepted.is_success,
        "a token from the environment's secret or key accepted",
        accepted.status_code,
        response=accepted,
    )
    other = "wrong_key" if isinstance(world.target.minter, JwksMinter) else "wrong_secret"
    refused = world.call("list", "user123", token=world.bad_token("user123", other))
    expect(
        refused.status_code == 401,
        "a token signed with another secret or key refused (401)",
        refused.status_code,
        response=refused,
        cause=Cause(
            "configuration-not-from-environment",
            "the backend does not take its configuration from the environment",
        ),
    )


@then("the backend allows the frontend origin of its environment")
def allows_environment_origin(world: World) -> None:
    origin = world.configured.frontend_origin
    answer = preflight(world, origin, "GET", "authorization")
    expect(
        answer.headers.get("access-control-allow-origin") in (origin, "*"),
        f"Access-Control-Allow-Origin: {origin} (or *, judged by FR-019)",
        repr(answer.headers.get("access-control-allow-origin")),
        response=answer,
        cause=Cause(
            "configuration-not-from-environment",
            "the backend does not take its configuration from the environment",
        ),
    )


# Our own settings code (in this process only)


@given("an empty working directory with no .env file")
def empty_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@given("the environment holds no BETTER_AUTH_SECRET")
def no_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BETTER_AUTH_SECRET", raising=False)
    monkeypatch.setenv("NEON_DATABASE_URL", "postgresql://todo:hunter2@127.0.0.1:1/todo")


@when("the service is started from that environment")
def start_from_environment(world: World) -> None:
    try:
        load_settings()
    except SettingsError as error:
        world.startup_error = str(error)


@then(parsers.parse('it refuses to start with a message naming "{variable}"'))
def refuses_to_start(world: World, variable: str) -> None:
    message = world.startup_error or ""
    if not message:
        raise CheckFailed("start-up refused", "it started")
    expect(variable in message, f"a message naming {variable}", repr(message))
    expect("hunter2" not in message, "no value in the message", "the password is shown")


# Where the data lives


@then("the column holding the tasks' owner is indexed")
def owner_indexed(world: World) -> None:
    probe = DatabaseProbe(control_of(world).database_url)
    owners = probe.columns_holding(world.user_id("user123"))
    titles = {(c.schema, c.table) for c in probe.columns_holding("Buy groceries")}
    task_columns = [c for c in owners if (c.schema, c.table) in titles]
    expect(bool(task_columns), "a table holding the task and its owner", [str(c) for c in owners])
    for column in task_columns:
        leading = probe.leading_index_columns(column.schema, column.table)
        expect(
            column.name in leading,
            f"an index that starts with {column}",
            f"indexes start with {sorted(leading) or 'nothing'}",
            cause=Cause("owner-column-not-indexed", "the tasks' owner column has no index"),
        )
