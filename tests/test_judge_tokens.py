"""Token shapes for judging other backends (harness/judge_tokens.py), checked against the real
verifier of our backend where it matters."""

from __future__ import annotations

import json
import os
import stat
import time
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest

from harness.judge_tokens import (
    BadTokenKit,
    CommandMinter,
    Hs256Minter,
    JudgeKeys,
    JwksMinter,
    TokenShape,
    TokenUnavailable,
)
from harness.stack import Stack

SECRET = "s" * 40


def claims_of(token: str) -> dict[str, Any]:
    return jwt.decode(token, options={"verify_signature": False})


def test_the_shape_comes_from_the_environment() -> None:
    shape = TokenShape.from_environment(
        {
            "JUDGE_USER_CLAIM": "user_id, sub",
            "JUDGE_EXTRA_CLAIMS": '{"role": "user", "email": "{user_id}@example.com"}',
            "JUDGE_TOKEN_LIFETIME": "60",
        }
    )
    claims = claims_of(Hs256Minter(SECRET, shape).token("u-1", issued_at=1000))
    assert claims == {
        "iat": 1000,
        "exp": 1060,
        "user_id": "u-1",
        "sub": "u-1",
        "role": "user",
        "email": "u-1@example.com",
    }


def test_another_user_claim_leaves_sub_out() -> None:
    claims = claims_of(Hs256Minter(SECRET, TokenShape(user_claims=("user_id",))).token("u-1"))
    assert "sub" not in claims and claims["user_id"] == "u-1"


def test_bad_tokens_keep_the_shape_and_carry_their_one_defect() -> None:
    shape = TokenShape(user_claims=("user_id",))
    kit = BadTokenKit(Hs256Minter(SECRET, shape), "u-1")
    expired = jwt.decode(
        kit.make("expired"), SECRET, algorithms=["HS256"], options={"verify_exp": False}
    )
    assert expired["user_id"] == "u-1" and expired["exp"] < time.time()
    assert claims_of(kit.make("tampered"))["user_id"] == "admin"
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(kit.make("wrong secret"), SECRET, algorithms=["HS256"])
    with pytest.raises(TokenUnavailable):
        kit.make("wrong issuer")  # needs a JWKS key the backend trusts
    with pytest.raises(ValueError):
        kit.make("make")


def test_jwks_tokens_are_better_auth_shaped(stack: Stack) -> None:
    key = stack.keys["ES256"]
    token = JwksMinter(key, stack.auth_base_url).token("u-1")
    assert jwt.get_unverified_header(token)["kid"] == key.kid
    claims = claims_of(token)
    assert claims["iss"] == claims["aud"] == stack.auth_base_url
    answer = httpx.get(f"{stack.url}/api/u-1/tasks", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200


def test_every_bad_kind_is_refused_by_our_backend(stack: Stack) -> None:
    minter = JwksMinter(stack.keys["EdDSA"], stack.auth_base_url)
    kit = BadTokenKit(minter, "u-2", stack.keys["EdDSA"], stack.auth_base_url)
    with httpx.Client(base_url=stack.url) as http:
        statuses = {
            kind: http.get(
                "/api/u-2/tasks", headers={"Authorization": f"Bearer {kit.make(kind)}"}
            ).status_code
            for kind in BadTokenKit.KINDS
        }
    assert statuses == dict.fromkeys(BadTokenKit.KINDS, 401)


def test_the_keys_persist_across_runs(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    first = JudgeKeys.load_or_create(path)
    again = JudgeKeys.load_or_create(path)
    assert first.jwks() == again.jwks()
    assert {key["alg"] for key in first.jwks()["keys"]} == {"EdDSA", "ES256", "RS256", "PS256"}
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert "PRIVATE KEY" in json.loads(path.read_text())["keys"][0]["pem"]


def test_a_command_prints_the_token() -> None:
    minter = CommandMinter('echo "login for $JUDGE_USER_ID"; echo "token-for-$1"')
    assert minter.token("u-1") == "token-for-u-1"
    with pytest.raises(TokenUnavailable):
        minter.token("u-1", issued_at=0)
    with pytest.raises(TokenUnavailable):
        CommandMinter("exit 3").token("u-1")
