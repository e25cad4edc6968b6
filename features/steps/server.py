"""The server itself: restarts, an unreachable database, configuration from the
environment alone, and the schema. These need the local stack (`@own-stack`)."""

from __future__ import annotations

import re
import secrets
from dataclasses import replace
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from backend.settings import Settings, SettingsError, load_settings
from features.steps.cors import preflight
from features.store import TaskStore
from features.world import World
from harness.live import LiveServer, free_port
from harness.stack import settings_for

SETTINGS_VARIABLES = [name.upper() for name in Settings.model_fields] + [
    "NEON_DATABASE_URL",
    "DATABASE_URL",
]


def stack_settings(world: World) -> Settings:
    if world.target.stack is None:
        pytest.skip("needs the local stack")
    return world.target.stack.settings


def serve(
    world: World, request: pytest.FixtureRequest, settings: Settings, port: int | None = None
) -> LiveServer:
    """Start a backend on `settings`, point the scenario at it, stop it when the scenario ends."""
    server = LiveServer(settings, port=port).start()
    request.addfinalizer(server.stop)
    world.use_server(server.url)
    return server


# Restarts and an unreachable database


@given("a dedicated server on the features' database")
def dedicated_server(world: World, request: pytest.FixtureRequest) -> None:
    world.server = serve(world, request, stack_settings(world))


@when("the server is restarted")
def restart(world: World, request: pytest.FixtureRequest) -> None:
    """Stop the dedicated server, then start a new one on the same port and database."""
    stopped = world.server
    assert stopped is not None
    stopped.stop()
    world.server = serve(world, request, stopped.settings, port=stopped.port)


@given("the database cannot be reached")
def database_unreachable(world: World, request: pytest.FixtureRequest) -> None:
    settings = stack_settings(world)
    nowhere = f"postgresql://todo:hunter2@127.0.0.1:{free_port()}/todo"
    serve(
        world,
        request,
        settings_for(
            nowhere,
            better_auth_secret=settings.better_auth_secret.get_secret_value(),
            better_auth_url=settings.better_auth_url,
        ),
    )


@then(parsers.parse("the readiness probe answers {status:d}"))
def readiness(world: World, status: int) -> None:
    assert world.http.get("/health/ready").status_code == status


# Configuration through the environment only


@given("an empty working directory with no .env file")
def empty_directory(monkeypatch: pytest.MonkeyPatch, tmp_path: Any) -> None:
    monkeypatch.chdir(tmp_path)
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@given(
    "the environment holds BETTER_AUTH_SECRET, BETTER_AUTH_URL and a Neon-style NEON_DATABASE_URL"
)
def environment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    database_url = stack_settings(world).database_url
    assert database_url is not None
    neon_style = re.sub(
        r"^postgresql\+psycopg://", "postgresql://", database_url.get_secret_value()
    )
    world.environment = {
        "BETTER_AUTH_SECRET": secrets.token_urlsafe(40),
        "BETTER_AUTH_URL": f"http://localhost:{free_port()}",
        "NEON_DATABASE_URL": neon_style + ("&" if "?" in neon_style else "?") + "sslmode=prefer",
    }
    for name, value in world.environment.items():
        monkeypatch.setenv(name, value)


@given("the environment holds no BETTER_AUTH_SECRET")
def no_secret(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    stack_settings(world)
    monkeypatch.delenv("BETTER_AUTH_SECRET", raising=False)
    monkeypatch.setenv("NEON_DATABASE_URL", "postgresql://todo:hunter2@127.0.0.1:1/todo")


@when("the service is started from that environment")
def start_from_environment(world: World, request: pytest.FixtureRequest) -> None:
    try:
        settings = load_settings()
    except SettingsError as error:
        world.startup_error = str(error)
        return
    serve(world, request, settings)
    world.previous_target = world.target
    world.target = replace(
        world.target,
        secret=settings.better_auth_secret.get_secret_value(),
        auth_base_url=settings.better_auth_url,
        frontend_origin=settings.frontend_origin,
        token_alg="HS256",
        stack=None,
    )


@then("the task was stored in the database NEON_DATABASE_URL names")
def stored_in_database(world: World) -> None:
    store = TaskStore(world.environment["NEON_DATABASE_URL"])
    assert store.titles_of(world.user_id("user123")) == ["Buy groceries"]


@then("the service trusts exactly the secret and frontend origin from the environment")
def trusts_environment(world: World) -> None:
    assert world.previous_target is not None
    user_id = world.user_id("user123")
    stack_token = world.keep(world.previous_target.token(user_id, alg="HS256"))
    assert world.call("list", "user123", token=stack_token).status_code == 401
    assert world.call("list", "user123", token=world.valid_token("user123")).status_code == 200
    origin = world.environment["BETTER_AUTH_URL"]
    answer = preflight(world, origin, "GET", "authorization")
    assert answer.headers.get("access-control-allow-origin") == origin


@then(parsers.parse('it refuses to start with a message naming "{variable}"'))
def refuses_to_start(world: World, variable: str) -> None:
    message = getattr(world, "startup_error", None)
    assert message and variable in message
    assert "hunter2" not in message


# Schema


@then("the tasks table has an index that starts with user_id")
def user_id_index(world: World) -> None:
    stack_settings(world)
    definitions = world.database.index_definitions()
    assert any(re.search(r'\(\s*"?user_id"?\s*[,)]', index) for index in definitions), definitions
