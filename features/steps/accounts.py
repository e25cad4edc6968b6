"""Who is signed in, and with which token (good, bad, none, or someone else's)."""

from __future__ import annotations

import time

from pytest_bdd import given, parsers

from features.world import NO_TOKEN, World
from harness.tokens import DROP

CREDENTIALS = {
    "no token": lambda world, user: NO_TOKEN,
    "an expired token": lambda world, user: world.bad_tokens(user).expired(),
    "a tampered token": lambda world, user: world.bad_tokens(user).tampered(),
    "a wrongly signed token": lambda world, user: world.bad_tokens(user).wrong_secret(),
}


@given(parsers.parse("{user:w} is signed in"))
def signed_in(world: World, user: str) -> None:
    world.tokens[user] = world.valid_token(user)


@given(parsers.parse("{user:w} is not signed in"))
def not_signed_in(world: World, user: str) -> None:
    world.tokens[user] = NO_TOKEN


@given(parsers.parse("{user:w} signed in {ago:d} minutes ago with a {ttl:d}-minute token"))
def signed_in_long_ago(world: World, user: str, ago: int, ttl: int) -> None:
    world.tokens[user] = world.target.token(
        world.user_id(user), now=time.time() - ago * 60, ttl=ttl * 60
    )


@given(parsers.re(r'(?P<user>\w+) holds a token signed with "(?P<alg>[\w]+)"'))
def holds_token_signed_with(world: World, user: str, alg: str) -> None:
    world.tokens[user] = world.target.token(world.user_id(user), alg=alg)


@given(parsers.re(r'(?P<user>\w+) holds a token that names them only in "(?P<claim>\w+)"'))
def holds_token_naming_in(world: World, user: str, claim: str) -> None:
    user_id = world.user_id(user)
    world.tokens[user] = world.target.token(
        user_id, alg="HS256", extra={"sub": DROP, claim: user_id}
    )


@given(parsers.re(r'(?P<user>\w+) holds a "(?P<kind>[\w ]+)" token'))
def holds_bad_token(world: World, user: str, kind: str) -> None:
    world.tokens[user] = world.bad_token(user, kind.replace(" ", "_"))


@given(parsers.re(r"(?P<user>\w+) holds (?P<credentials>no token|an? [\w ]+ token|\w+'s token)"))
def holds_credentials(world: World, user: str, credentials: str) -> None:
    if credentials.endswith("'s token"):
        world.tokens[user] = world.valid_token(credentials.removesuffix("'s token"))
    else:
        world.tokens[user] = CREDENTIALS[credentials](world, user)
