"""CORS as the browser sees it: preflights and real requests from an origin."""

from __future__ import annotations

import httpx
import pytest
from pytest_bdd import parsers, then, when

from features.world import World


def frontend_origin(world: World) -> str:
    if not world.target.frontend_origin:
        pytest.skip("set BETTER_AUTH_URL to the deployment's frontend origin to check CORS")
    return world.target.frontend_origin


def preflight(world: World, origin: str, method: str, headers: str) -> httpx.Response:
    world.origin = origin
    return world.http.options(
        world.path("user123"),
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
    assert response.headers.get("access-control-allow-origin") == world.origin
    assert response.headers.get("access-control-allow-credentials") == "true"


@then(parsers.parse('the allowed methods include "{method}"'))
def allows_method(response: httpx.Response, method: str) -> None:
    allowed = response.headers.get("access-control-allow-methods", "")
    assert method in [name.strip() for name in allowed.split(",")], allowed


@then("the response does not allow that origin")
def refuses_origin(world: World, response: httpx.Response) -> None:
    assert response.headers.get("access-control-allow-origin") not in (world.origin, "*")
