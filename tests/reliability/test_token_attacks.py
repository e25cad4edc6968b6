"""Token attacks (RFC 8725, OWASP API2 broken authentication): each must get 401, nothing else."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest

from harness.client import statuses_until
from harness.jwks_server import JwksServer
from harness.stack import Stack
from harness.tokens import DROP, BadTokens, SigningKey, better_auth_claims, forge, hs256_token

GENERIC_MESSAGES = {
    "Invalid or malformed token",
    "Token has expired",
    "Missing authorization token",
}

Attack = Callable[[Stack, str], str]


CRIT_UNKNOWN_EXTENSION: dict[str, Any] = {"crit": ["x-attack"], "x-attack": True}


def _claims(stack: Stack, user: str, **extra: object) -> dict[str, object]:
    return better_auth_claims(
        user, issuer=stack.auth_base_url, audience=stack.auth_base_url, extra=extra
    )


def _bad(stack: Stack, user: str) -> BadTokens:
    return BadTokens(user, stack.secret, stack.keys["EdDSA"], base_url=stack.auth_base_url)


def _alg_none(spelling: str, signature: str = "") -> Attack:
    def attack(stack: Stack, user: str) -> str:
        token = forge({"alg": spelling, "typ": "JWT"}, _claims(stack, user))
        return token + signature

    return attack


def _hs256_keyed_with(material: Callable[[SigningKey], bytes]) -> Attack:
    """Key confusion: HMAC keyed with public key material, `kid` naming the real key."""

    def attack(stack: Stack, user: str) -> str:
        key = stack.keys["EdDSA"]
        header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
        return forge(header, _claims(stack, user), material(key))

    return attack


def _kid(kid: str, hmac_key: bytes = b"") -> Attack:
    """`kid` naming a file, a URL or SQL, signed as if that lookup had given `hmac_key`."""

    def hs256(stack: Stack, user: str) -> str:
        return forge({"alg": "HS256", "typ": "JWT", "kid": kid}, _claims(stack, user), hmac_key)

    return hs256


def _kid_asymmetric(kid: str) -> Attack:
    def attack(stack: Stack, user: str) -> str:
        return SigningKey.generate("EdDSA").sign(_claims(stack, user), kid=kid)

    return attack


class FromNow(int):
    """A claim value of "now + seconds", taken when the token is minted, not at import."""


def _resolved(extra: dict[str, object]) -> dict[str, object]:
    return {k: int(time.time()) + v if isinstance(v, FromNow) else v for k, v in extra.items()}


def _hs256_claims(**extra: object) -> Attack:
    def attack(stack: Stack, user: str) -> str:
        return hs256_token(user, stack.secret, extra=_resolved(extra))

    return attack


def _jwks_claims(**extra: object) -> Attack:
    def attack(stack: Stack, user: str) -> str:
        return stack.keys["EdDSA"].sign(_claims(stack, user, **_resolved(extra)))

    return attack


def _bad_token(kind: str) -> Attack:
    return lambda stack, user: getattr(_bad(stack, user), kind)()


def _raw(header: object, payload: object, keyed: bool = True) -> Attack:
    def attack(stack: Stack, user: str) -> str:
        body = payload(user) if callable(payload) else payload
        return forge(header, body, stack.secret.encode() if keyed else None)

    return attack


def _future(seconds: int) -> int:
    return int(time.time()) + seconds


def _with_signature_of(kind: str) -> Attack:
    """A valid header and payload with a signature that is not base64url."""

    def attack(stack: Stack, user: str) -> str:
        header, payload, _ = stack.token(user, kind).split(".")
        return f"{header}.{payload}.!!!*"

    return attack


HS = {"alg": "HS256", "typ": "JWT"}

ATTACKS: dict[str, Attack] = {
    # alg "none" in any casing, with and without a signature
    **{f"alg_{s}": _alg_none(s) for s in ("none", "None", "NONE", "nOnE")},
    "alg_none_with_signature": _alg_none("none", "c2lnbmF0dXJl"),
    "alg_empty": _alg_none(""),
    "alg_null": _raw({"alg": None, "typ": "JWT"}, lambda u: {"sub": u, "exp": _future(900)}),
    "alg_hs512_with_secret": lambda stack, user: jwt.encode(
        {"sub": user, "exp": _future(900)}, stack.secret, algorithm="HS512"
    ),
    # key confusion: HMAC keyed with what the JWKS publishes
    "hs256_keyed_with_public_pem": _hs256_keyed_with(lambda key: key.public_pem()),
    "hs256_keyed_with_public_jwk": _hs256_keyed_with(
        lambda key: json.dumps(key.public_jwk()).encode()
    ),
    "hs256_keyed_with_kid": _hs256_keyed_with(lambda key: key.kid.encode()),
    "rs256_with_eddsa_kid": lambda stack, user: SigningKey.generate(
        "RS256", kid=stack.keys["EdDSA"].kid
    ).sign(_claims(stack, user)),
    "eddsa_claiming_es256": lambda stack, user: (
        forge({"alg": "ES256", "kid": stack.keys["EdDSA"].kid}, _claims(stack, user)) + "c2ln"
    ),
    # kid pointing at files, URLs, SQL
    "kid_dev_null_hs256": _kid("../../../../../../dev/null"),
    "kid_etc_passwd_hs256": _kid("/etc/passwd", b"root:x:0:0:root:/root:/bin/bash\n"),
    "kid_sql_injection_hs256": _kid("x' UNION SELECT 'key' --", b"key"),
    "kid_dev_null_eddsa": _kid_asymmetric("../../../../../../dev/null"),
    "kid_url_eddsa": _kid_asymmetric("http://127.0.0.1:1/keys.json"),
    "kid_empty_eddsa": _kid_asymmetric(""),
    "kid_missing_eddsa": lambda stack, user: jwt.encode(
        _claims(stack, user), SigningKey.generate("EdDSA").private_key, algorithm="EdDSA"
    ),
    # headers that try to supply their own key: see also test_key_offered_by_the_token_is_ignored
    "jwk_header_bad_token": _bad_token("embedded_jwk"),
    "kid_path_bad_token": _bad_token("kid_path"),
    "crit_unknown_extension": lambda stack, user: stack.keys["EdDSA"].sign(
        _claims(stack, user), **CRIT_UNKNOWN_EXTENSION
    ),
    # issuer, audience and lifetime
    "wrong_issuer": _bad_token("wrong_issuer"),
    "wrong_audience": _bad_token("wrong_audience"),
    "missing_issuer": _jwks_claims(iss=DROP),
    "missing_audience": _jwks_claims(aud=DROP),
    "audience_list_without_us": _jwks_claims(aud=["https://evil.example", "other"]),
    "expired_hs256": _bad_token("expired"),
    "expired_jwks": _bad_token("expired_jwks"),
    "missing_exp_hs256": _bad_token("missing_exp"),
    "missing_exp_jwks": _jwks_claims(exp=DROP),
    "exp_not_a_number": _hs256_claims(exp="tomorrow"),
    # numeric oddities in the time claims (issue 14: a 10**400 `exp` gave 500)
    "exp_10_pow_400_jwks": _jwks_claims(exp=10**400),
    "exp_10_pow_400_hs256": _hs256_claims(exp=10**400),
    "exp_5000_digits_hs256": _raw(HS, lambda u: f'{{"sub":"{u}","exp":1{"0" * 5000}}}'.encode()),
    "exp_beyond_year_9999": _jwks_claims(exp=10**12),
    "exp_float_jwks": _jwks_claims(exp=float(_future(900)) + 0.5),
    "exp_float_hs256": _hs256_claims(exp=1e300),
    "exp_nan_jwks": _jwks_claims(exp=float("nan")),
    "exp_nan_hs256": _raw(HS, lambda u: f'{{"sub":"{u}","exp":NaN}}'.encode()),
    "exp_infinity_hs256": _raw(HS, lambda u: f'{{"sub":"{u}","exp":Infinity}}'.encode()),
    "exp_true_jwks": _jwks_claims(exp=True),
    "exp_digit_string_hs256": _hs256_claims(exp="9999999999"),
    "exp_negative_hs256": _hs256_claims(exp=-1),
    "iat_10_pow_400_jwks": _jwks_claims(iat=10**400),
    "nbf_float_hs256": _hs256_claims(nbf=1.5),
    "nbf_nan_jwks": _jwks_claims(nbf=float("nan")),
    "nbf_in_future_hs256": _bad_token("not_yet_valid"),
    "nbf_in_future_jwks": _jwks_claims(nbf=FromNow(3600)),
    "nbf_beyond_leeway": _hs256_claims(nbf=FromNow(60)),
    "iat_in_future_hs256": _bad_token("issued_in_future"),
    "iat_in_future_jwks": _jwks_claims(iat=FromNow(3600), exp=FromNow(7200)),
    # the user claim
    "missing_sub_hs256": _bad_token("missing_sub"),
    "missing_every_user_claim_jwks": _jwks_claims(sub=DROP, id=DROP),
    "empty_sub": _bad_token("empty_sub"),
    "blank_sub": _hs256_claims(sub="   "),
    "numeric_sub": _bad_token("non_string_sub"),
    "list_sub": _hs256_claims(sub=["a", "b"]),
    "object_sub": _hs256_claims(sub={"id": "x"}),
    "boolean_sub": _hs256_claims(sub=True),
    "oversized_sub": _hs256_claims(sub="u" * 300),
    "conflicting_sub_and_user_id": _bad_token("conflicting_user_claims"),
    "conflicting_sub_and_id": _jwks_claims(id="someone-else"),
    # encoding and structure
    "bad_base64_signature": _with_signature_of("HS256"),
    "bad_base64_everywhere": lambda stack, user: "!!!.@@@.###",
    "two_segments": lambda stack, user: ".".join(stack.token(user).split(".")[:2]),
    "four_segments": lambda stack, user: stack.token(user) + ".AAAA",
    "header_not_json": _raw(b"not json", lambda u: {"sub": u, "exp": _future(900)}),
    "header_is_list": _raw(["HS256"], lambda u: {"sub": u, "exp": _future(900)}),
    "payload_is_list": _bad_token("payload_not_object"),
    "payload_is_string": _raw(HS, lambda u: u),
    "payload_is_null": _raw(HS, None),
    "payload_is_number": _raw(HS, 42),
    "payload_not_utf8": _raw(HS, b"\xff\xfe{}"),
    "duplicate_sub": _bad_token("duplicate_claims"),
    "duplicate_alg_in_header": _raw(
        b'{"alg":"HS256","alg":"none"}', lambda u: {"sub": u, "exp": _future(900)}
    ),
    # signatures
    "wrong_secret": _bad_token("wrong_secret"),
    "wrong_key_same_kid": _bad_token("wrong_key"),
    "tampered_payload": _bad_token("tampered"),
    "signature_stripped": lambda stack, user: stack.token(user).rsplit(".", 1)[0] + ".",
    "unknown_kid": _bad_token("unknown_kid"),
    "garbage": _bad_token("garbage"),
}


@pytest.mark.parametrize("attack", list(ATTACKS), ids=list(ATTACKS))
def test_attack_is_refused_with_401(stack: Stack, user_id: str, attack: str) -> None:
    token = ATTACKS[attack](stack, user_id)
    with httpx.Client(base_url=stack.url, timeout=10) as http:
        listed = http.get(f"/api/{user_id}/tasks", headers={"Authorization": f"Bearer {token}"})
        created = http.post(
            f"/api/{user_id}/tasks",
            json={"title": "forged"},
            headers={"Authorization": f"Bearer {token}"},
        )
    assert (listed.status_code, created.status_code) == (401, 401), listed.text
    assert listed.json()["detail"] in GENERIC_MESSAGES
    assert listed.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("header", ["jwk", "jku", "x5u"])
def test_key_offered_by_the_token_is_ignored(stack: Stack, user_id: str, header: str) -> None:
    """Signed by the attacker, whose key the header offers (`jwk`) or points at (`jku`, `x5u`:
    a JWKS really served on 127.0.0.1 while the request runs)."""
    attacker = SigningKey.generate("EdDSA", kid=stack.keys["EdDSA"].kid)
    with JwksServer(attacker.jwks()) as attacker_jwks:
        value = attacker.public_jwk() if header == "jwk" else attacker_jwks.url
        offered: dict[str, Any] = {header: value}
        token = attacker.sign(_claims(stack, user_id), **offered)
        with httpx.Client(base_url=stack.url, timeout=10) as http:
            auth = {"Authorization": f"Bearer {token}"}
            response = http.get(f"/api/{user_id}/tasks", headers=auth)
        assert attacker_jwks.requests == 0
    assert response.status_code == 401


@pytest.mark.parametrize(
    "authorization",
    ["Basic dXNlcjpwYXNz", "Bearer", "Token abc", "Bearer a b", "bearer\tabc"],
)
def test_malformed_authorization_header_is_401(
    stack: Stack, user_id: str, authorization: str
) -> None:
    with httpx.Client(base_url=stack.url, timeout=10) as http:
        response = http.get(f"/api/{user_id}/tasks", headers={"Authorization": authorization})
    assert response.status_code == 401


def test_valid_token_on_another_users_path_is_403(stack: Stack, user_id: str) -> None:
    victim = stack.client("victim-" + user_id)
    assert victim.create("private").status_code == 201
    for alg in ("HS256", "EdDSA"):
        token = stack.token(user_id, alg)
        with httpx.Client(base_url=stack.url, timeout=10) as http:
            headers = {"Authorization": f"Bearer {token}"}
            response = http.get(f"/api/{victim.user_id}/tasks", headers=headers)
            assert response.status_code == 403
            assert "private" not in response.text
    victim.close()


@pytest.mark.parametrize("where", ["authorization", "other_header"])
def test_oversized_token_or_header_gets_a_4xx(stack: Stack, user_id: str, where: str) -> None:
    """100 KB in a header: refused with 400, 401 or 431, never a 5xx or a hang."""
    huge = "A" * 100_000
    headers = {"Authorization": f"Bearer {huge}"} if where == "authorization" else {"X-Big": huge}
    with httpx.Client(base_url=stack.url, timeout=10) as http:
        response = http.get(f"/api/{user_id}/tasks", headers=headers)
    assert response.status_code in (400, 401, 431)


def test_oversized_well_formed_token_is_401(stack: Stack, user_id: str) -> None:
    token = hs256_token(user_id, stack.secret, extra={"padding": "x" * 60_000})
    with httpx.Client(base_url=stack.url, timeout=10) as http:
        response = http.get(f"/api/{user_id}/tasks", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (400, 401, 431)


def test_token_of_a_key_rotated_out_of_the_jwks_is_401(rotating_stack: Stack, user_id: str) -> None:
    """Better Auth rotates its key; the old key's tokens stop working once the JWKS drops it."""
    old_key = rotating_stack.keys["EdDSA"]
    token = rotating_stack.token(user_id, "EdDSA")
    url = f"{rotating_stack.url}/api/{user_id}/tasks"
    headers = {"Authorization": f"Bearer {token}"}
    assert httpx.get(url, headers=headers, timeout=10).status_code == 200
    new_key = SigningKey.generate("EdDSA")
    rotating_stack.jwks.document = {"keys": [new_key.public_jwk()]}
    rotating_stack.keys["EdDSA"] = new_key
    try:
        statuses = statuses_until(url, headers, 401)  # the refresh runs in the background
        assert statuses[-1] == 401, statuses
        fresh = {"Authorization": f"Bearer {rotating_stack.token(user_id, 'EdDSA')}"}
        assert httpx.get(url, headers=fresh, timeout=10).status_code == 200
    finally:
        rotating_stack.jwks.document = {"keys": [old_key.public_jwk()]}
        rotating_stack.keys["EdDSA"] = old_key
