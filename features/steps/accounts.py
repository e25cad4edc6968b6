"""Who is signed in, and with which token (good, bad, none, or someone else's).

A token the run's token mode cannot make (an expired one from a team's login command, a
JWKS-signed one when the backend trusts no JWKS of ours) makes the check "not run", saying why.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import pytest
from pytest_bdd import given, parsers

from features.world import NO_TOKEN, World
from harness.judge_tokens import TokenUnavailable

CREDENTIALS: dict[str, Callable[[World, str], str | None]] = {
    "no token": lambda world, user: NO_TOKEN,
    "an expired token": lambda world, user: world.bad_token(user, "expired"),
    "a tampered token": lambda world, user: world.bad_token(user, "tampered"),
    "a wrongly signed token": lambda world, user: world.bad_token(user, "wrong_secret"),
}


@contextmanager
def or_not_run() -> Iterator[None]:
    """Skip the check (not run) when the token mode cannot make the token it needs."""
    try:
        yield
    except TokenUnavailable as error:
        pytest.skip(f"the token mode cannot make this token: {error}")


@given(parsers.parse("{user:w} is signed in"))
def signed_in(world: World, user: str) -> None:
    with or_not_run():
        world.tokens[user] = world.valid_token(user)


@given(parsers.parse("{user:w} is not signed in"))
def not_signed_in(world: World, user: str) -> None:
    world.tokens[user] = NO_TOKEN


@given(parsers.parse("{user:w} signed in {ago:d} minutes ago with a {ttl:d}-minute token"))
def signed_in_long_ago(world: World, user: str, ago: int, ttl: int) -> None:
    with or_not_run():
        token = world.target.token(
            world.user_id(user), issued_at=time.time() - ago * 60, lifetime=ttl * 60
        )
    world.tokens[user] = world.keep(token, f"expired token ({user}, {ago - ttl} minutes ago)")


@given(parsers.parse("{user:w} holds a token signed with BETTER_AUTH_SECRET"))
def holds_hs256_token(world: World, user: str) -> None:
    with or_not_run():
        token = world.target.hs256_token(world.user_id(user))
    world.tokens[user] = world.keep(token, "an HS256 token signed with BETTER_AUTH_SECRET")


@given(parsers.re(r'(?P<user>\w+) holds a token signed with "(?P<alg>\w+)" from the JWKS'))
def holds_jwks_token(world: World, user: str, alg: str) -> None:
    with or_not_run():
        token = world.target.jwks_token(world.user_id(user), alg)
    world.tokens[user] = world.keep(token, f"a {alg} token from the JWKS")


@given(parsers.re(r'(?P<user>\w+) holds a token that names them only in "(?P<claim>\w+)"'))
def holds_token_naming_in(world: World, user: str, claim: str) -> None:
    user_id = world.user_id(user)
    others = {"sub", "user_id", "id"} - {claim}
    with or_not_run():
        claims = world.target.minter.claims(user_id)
        token = world.target.minter.sign(
            {**{k: v for k, v in claims.items() if k not in others}, claim: user_id}
        )
    world.tokens[user] = world.keep(token, f"a token naming the user only in {claim!r}")


@given(parsers.re(r'(?P<user>\w+) holds a "(?P<kind>[\w ]+)" token'))
def holds_bad_token(world: World, user: str, kind: str) -> None:
    with or_not_run():
        world.tokens[user] = world.bad_token(user, kind.replace(" ", "_"))


@given(parsers.re(r"(?P<user>\w+) holds (?P<credentials>no token|an? [\w ]+ token|\w+'s token)"))
def holds_credentials(world: World, user: str, credentials: str) -> None:
    with or_not_run():
        if credentials.endswith("'s token"):
            world.tokens[user] = world.valid_token(credentials.removesuffix("'s token"))
        else:
            world.tokens[user] = CREDENTIALS[credentials](world, user)
