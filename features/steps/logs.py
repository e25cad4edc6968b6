"""The server's logs: security events, and nothing secret in them."""

from __future__ import annotations

import json
import logging

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from features.steps.server import stack_settings
from features.world import World


class Captured(logging.Handler):
    """Every record the backend's `todo.*` loggers emit while a scenario watches."""

    def __init__(self) -> None:
        super().__init__()
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)

    def lines(self) -> list[str]:
        return [json.dumps(record.__dict__, default=str) for record in self.records]


@given("the server's logs are watched")
def watch_logs(world: World, request: pytest.FixtureRequest) -> None:
    stack_settings(world)
    world.logs = Captured()
    logger = logging.getLogger("todo")
    logger.addHandler(world.logs)
    request.addfinalizer(lambda: logger.removeHandler(world.logs))


def security_events(world: World) -> list[logging.LogRecord]:
    return [record for record in world.logs.records if record.name == "todo.security"]


@when(parsers.parse("{user:w} makes 4 requests that fail authentication or authorization"))
def failing_requests(world: World, user: str) -> None:
    bad = world.bad_tokens(user)
    for token in (None, world.keep(bad.expired()), world.keep(bad.tampered())):
        assert world.call("list", user, token=token).status_code == 401
    assert world.call("list", user, token=world.valid_token("user456")).status_code == 403


@then(parsers.parse('a security event "{event}" was logged for the request'))
def security_event_logged(world: World, response: httpx.Response, event: str) -> None:
    path = response.request.url.path
    events = [r for r in security_events(world) if getattr(r, "event", None) == event]
    assert [r for r in events if getattr(r, "path", None) == path], world.logs.lines()


@then(parsers.parse("{count:d} security events were logged, each with a reason"))
def security_events_logged(world: World, count: int) -> None:
    events = security_events(world)
    assert len(events) == count, world.logs.lines()
    assert all(getattr(record, "reason", None) for record in events)


@then("no log line contains the token or the secret")
def logs_hold_no_secrets(world: World) -> None:
    assert world.logs.records, "nothing was logged"
    secrets_seen = {world.target.secret, *world.minted}
    signatures = {token.split(".")[-1] for token in world.minted if token.count(".") == 2}
    leaked = [
        line
        for line in world.logs.lines()
        for secret in secrets_seen | (signatures - {""})
        if secret and secret in line
    ]
    assert not leaked, leaked
