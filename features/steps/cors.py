"""CORS as the browser sees it: preflights and real requests from an origin."""

from __future__ import annotations

import httpx
import pytest
from pytest_bdd import parsers, then, when

from features.evidence import Cause, expect
from features.world import World

NO_ORIGIN = (
    "needs the frontend origin the backend was configured with: set BETTER_AUTH_URL to check CORS"
)
CORS_CAUSE = Cause("cors-frontend-refused", "the frontend origin is not allowed with credentials")


def frontend_origin(world: World) -> str:
    if not world.target.frontend_origin:
        pytest.skip(NO_ORIGIN)
    return world.target.frontend_origin


def preflight(world: World, origin: str, method: str, headers: str) -> httpx.Response:
    world.origin = origin
    return world.send(
        "OPTIONS",
        world.path("user123"),
        token=None,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": headers,
        },
    )


@when(
    parsers.parse(
        'the browser at the frontend origin asks to "{method}" with the headers "{headers}"'
    ),
    target_fixture="response",
)
def frontend_preflight(world: World, method: str, headers: str) -> httpx.Response:
    return preflight(world, frontend_origin(world), method, headers)


@when(
    parsers.parse('the browser at "{origin}" asks to "{method}" with the headers "{headers}"'),
    target_fixture="response",
)
def other_preflight(world: World, origin: str, method: str, headers: str) -> httpx.Response:
    return preflight(world, origin, method, headers)


@when(
    parsers.parse("{user:w} lists their tasks from the frontend origin"), target_fixture="response"
)
def list_from_frontend(world: World, user: str) -> httpx.Response:
    world.origin = frontend_origin(world)
    return world.act(user, "list", headers={"Origin": world.origin})


@then("the response allows the frontend origin with credentials")
def allows_origin(world: World, response: httpx.Response) -> None:
    allowed = response.headers.get("access-control-allow-origin")
    expect(
        allowed == world.origin,
        f"Access-Control-Allow-Origin: {world.origin}",
        repr(allowed),
        response=response,
        cause=CORS_CAUSE,
    )
    credentials = response.headers.get("access-control-allow-credentials")
    expect(
        credentials == "true",
        "Access-Control-Allow-Credentials: true",
        repr(credentials),
        response=response,
        cause=CORS_CAUSE,
    )


@then(parsers.parse('the allowed methods include "{method}"'))
def allows_method(response: httpx.Response, method: str) -> None:
    allowed = response.headers.get("access-control-allow-methods", "")
    names = [name.strip().upper() for name in allowed.split(",")]
    expect(
        method in names or "*" in names,
        f"{method} among the allowed methods",
        repr(allowed),
        response=response,
        cause=CORS_CAUSE,
    )


@then("the response does not allow that origin")
def refuses_origin(world: World, response: httpx.Response) -> None:
    allowed = response.headers.get("access-control-allow-origin")
    expect(
        allowed not in (world.origin, "*"),
        "no Access-Control-Allow-Origin for another website",
        repr(allowed),
        response=response,
    )
