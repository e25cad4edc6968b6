"""The backend's logs, as far as they can be seen from outside: a line for every failed
authentication (SC-009, EC-5), and no token or secret in any of them (FR-017)."""

from __future__ import annotations

import re

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from features.control import wait_for_match
from features.evidence import Cause, expect, require
from features.steps.server import control_of
from features.world import World

# A line about a refused request: what any logger would write about one.
AUTH_WORDS = re.compile(
    r"\b(401|403|auth\w*|unauthori[sz]ed|forbidden|denied|token|jwt|security|invalid|expired)\b",
    re.IGNORECASE,
)
UNLOGGED = Cause("auth-failure-not-logged", "authentication failures leave no log line")


@given("the server's logs are watched")
def watch_logs(world: World, request: pytest.FixtureRequest) -> None:
    world.logs = control_of(world).watch_logs(request)


def new_lines_about(world: World, seen: int) -> tuple[bool, int]:
    """Whether a line about a refused request appeared after the first `seen`; the new count."""
    return wait_for_match(world.logs, AUTH_WORDS, seen)


@when(
    parsers.parse("{user:w} makes 4 requests that fail authentication or authorization"),
    target_fixture="response",
)
def failing_requests(world: World, user: str) -> httpx.Response:
    """No token, an expired token, a tampered token, and another user's token, one by one."""
    seen = len(world.logs.lines())
    tokens = [None, world.bad_token(user, "expired"), world.bad_token(user, "tampered")]
    for token in [*tokens, world.valid_token("user456")]:
        response = world.call("list", user, token=token)
        logged, seen = new_lines_about(world, seen)
        world.batch.append(response)
        world.logged.append(logged)
    return response


@then("each of them was logged")
def each_logged(world: World) -> None:
    for response, logged in zip(world.batch, world.logged, strict=True):
        require(
            400 <= response.status_code < 500,
            "the request refused (4xx)",
            response.status_code,
            response=response,
        )
        expect(
            logged,
            "a log line about the refused request",
            "no new line mentions it",
            response=response,
            cause=UNLOGGED,
        )


@then("the refusal was logged")
def refusal_logged(world: World, response: httpx.Response) -> None:
    require(
        400 <= response.status_code < 500,
        "the request refused (4xx)",
        response.status_code,
        response=response,
    )
    logged, count = new_lines_about(world, 0)
    expect(
        logged,
        "a log line about the refused request",
        f"{count} new lines, none about it",
        response=response,
        cause=UNLOGGED,
    )


@then("no log line contains the token or the secret")
def logs_hold_no_secrets(world: World) -> None:
    lines = world.logs.lines()
    secrets_seen = world.secrets
    signatures = {t.split(".")[-1] for t in world.token_kinds if t.count(".") == 2}
    needles = {s for s in secrets_seen | signatures if s and len(s) >= 8}
    leaked = [line for line in lines for needle in needles if needle in line]
    expect(
        not leaked,
        "no token, signature or secret in the logs",
        f"{len(leaked)} lines carry one",
        cause=Cause("secret-in-logs", "tokens or the secret reach the logs"),
    )
