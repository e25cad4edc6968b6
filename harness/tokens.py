"""Mint tokens the way Better Auth does, and every kind of bad token.

Good tokens:
- `hs256_token`: HS256 signed with `BETTER_AUTH_SECRET`, as most hackathon frontends mint;
- `SigningKey.token`: Better Auth's JWT plugin: an asymmetric key (EdDSA by default; ES256,
  RS256, PS256 too), `kid` in the header, `iss`/`aud` = the Better Auth base URL, `sub` and the
  user's fields as claims, 15 minutes of life. `SigningKey.jwks()` is what `/api/auth/jwks` serves.

A Better Auth session (`--alg session`): a row in Better Auth's `session` table (see
`harness.better_auth`), handed out as its bearer plugin does: `<token>.<signature>`.

Bad tokens: see `BadTokens`. Command line: `python -m harness.tokens --help`.
"""

from __future__ import annotations

import argparse
import base64
import hashlib
import hmac
import json
import sys
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, rsa

DEFAULT_TTL_SECONDS = 15 * 60
DEFAULT_BASE_URL = "http://localhost:3000"
ALGORITHMS = ("EdDSA", "ES256", "RS256", "PS256")
SESSION = "session"
"""The token mode of a Better Auth session token (`harness.better_auth`), beside the JWT algs."""


def better_auth_claims(
    user_id: str,
    *,
    issuer: str | None = DEFAULT_BASE_URL,
    audience: str | None = DEFAULT_BASE_URL,
    ttl: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The payload Better Auth's JWT plugin signs: the user's fields, then sub/iat/exp/iss/aud."""
    issued = int(now if now is not None else time.time())
    claims: dict[str, Any] = {
        "id": user_id,
        "name": "Test User",
        "email": f"{user_id}@example.com",
        "emailVerified": True,
        "image": None,
        "createdAt": "2026-01-06T10:00:00.000Z",
        "updatedAt": "2026-01-06T10:00:00.000Z",
        "iat": issued,
        "exp": issued + ttl,
        "sub": user_id,
    }
    if issuer is not None:
        claims["iss"] = issuer
    if audience is not None:
        claims["aud"] = audience
    return _with_extra(claims, extra)


DROP = object()
"""Pass as a claim value in `extra` to leave that claim out (e.g. `{"sub": DROP}`)."""


def _with_extra(claims: dict[str, Any], extra: dict[str, Any] | None) -> dict[str, Any]:
    """`claims` updated with `extra`, less the claims `extra` sets to `DROP`."""
    merged = {**claims, **(extra or {})}
    return {name: value for name, value in merged.items() if value is not DROP}


def hs256_token(
    user_id: str,
    secret: str,
    *,
    ttl: int = DEFAULT_TTL_SECONDS,
    now: float | None = None,
    extra: dict[str, Any] | None = None,
) -> str:
    """A frontend-minted HS256 token: `sub`, `iat`, `exp` (and whatever `extra` adds)."""
    issued = int(now if now is not None else time.time())
    claims = _with_extra({"sub": user_id, "iat": issued, "exp": issued + ttl}, extra)
    return jwt.encode(claims, secret, algorithm="HS256")


@dataclass
class SigningKey:
    """A Better Auth JWT-plugin key pair."""

    alg: str
    private_key: Any
    kid: str = field(default_factory=lambda: uuid.uuid4().hex)

    @classmethod
    def generate(cls, alg: str = "EdDSA", kid: str | None = None) -> SigningKey:
        if alg == "EdDSA":
            private: Any = ed25519.Ed25519PrivateKey.generate()
        elif alg == "ES256":
            private = ec.generate_private_key(ec.SECP256R1())
        elif alg in ("RS256", "PS256"):
            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        else:
            raise ValueError(f"unsupported algorithm {alg!r}; choose one of {ALGORITHMS}")
        return cls(alg, private, kid or uuid.uuid4().hex)

    def public_jwk(self) -> dict[str, Any]:
        """The public key as Better Auth publishes it: kty/crv/x(/y) or n/e, plus alg and kid."""
        algorithm = jwt.get_algorithm_by_name(self.alg)
        jwk: dict[str, Any] = json.loads(algorithm.to_jwk(self.private_key.public_key()))
        jwk.update({"alg": self.alg, "kid": self.kid})
        return jwk

    def jwks(self) -> dict[str, Any]:
        return {"keys": [self.public_jwk()]}

    def public_pem(self) -> bytes:
        pem: bytes = self.private_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        return pem

    def token(self, user_id: str, *, kid: str | None = None, **claim_options: Any) -> str:
        """A token signed like Better Auth's `/api/auth/token` (see `better_auth_claims`)."""
        claims = better_auth_claims(user_id, **claim_options)
        return self.sign(claims, kid=kid)

    def sign(self, claims: dict[str, Any], *, kid: str | None = None, **headers: Any) -> str:
        return jwt.encode(
            claims,
            self.private_key,
            algorithm=self.alg,
            headers={"kid": kid or self.kid, **headers},
        )


def jwks_of(*keys: SigningKey) -> dict[str, Any]:
    """One JWKS document publishing several keys (e.g. during a rotation)."""
    return {"keys": [key.public_jwk() for key in keys]}


def encode_segment(value: Any) -> str:
    raw = value if isinstance(value, bytes) else json.dumps(value).encode()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def forge(header: Any, payload: Any, hmac_key: bytes | None = None) -> str:
    """A token built by hand: JSON values or raw bytes as segments, HS256-signed when keyed.

    For what libraries refuse to produce: duplicate member names, non-object payloads, …
    """
    signing_input = f"{encode_segment(header)}.{encode_segment(payload)}"
    if hmac_key is None:
        return signing_input + "."
    mac = hmac.new(hmac_key, signing_input.encode(), hashlib.sha256).digest()
    return f"{signing_input}.{encode_segment(mac)}"


class BadTokens:
    """Every kind of token the backend must refuse with 401, for one user.

    `secret` is the backend's `BETTER_AUTH_SECRET`; `key` the Better Auth signing key whose
    JWKS the backend trusts (defaults to a fresh EdDSA key).
    """

    def __init__(
        self,
        user_id: str,
        secret: str,
        key: SigningKey | None = None,
        *,
        base_url: str = DEFAULT_BASE_URL,
    ) -> None:
        self.user_id = user_id
        self.secret = secret
        self.key = key or SigningKey.generate()
        self.base_url = base_url

    def _jwks_claims(self, **options: Any) -> dict[str, Any]:
        return better_auth_claims(
            self.user_id, issuer=self.base_url, audience=self.base_url, **options
        )

    def expired(self) -> str:
        return hs256_token(self.user_id, self.secret, now=time.time() - 3600, ttl=60)

    def expired_jwks(self) -> str:
        return self.key.sign(self._jwks_claims(now=time.time() - 3600, ttl=60))

    def not_yet_valid(self) -> str:
        return hs256_token(self.user_id, self.secret, extra={"nbf": int(time.time()) + 3600})

    def issued_in_future(self) -> str:
        return hs256_token(self.user_id, self.secret, now=time.time() + 3600)

    def wrong_secret(self) -> str:
        return hs256_token(self.user_id, "not-the-secret-" + "x" * 32)

    def wrong_key(self) -> str:
        return SigningKey.generate(self.key.alg, kid=self.key.kid).sign(self._jwks_claims())

    def tampered(self) -> str:
        header, _, signature = hs256_token(self.user_id, self.secret).split(".")
        payload = encode_segment({"sub": "admin", "exp": int(time.time()) + 900})
        return f"{header}.{payload}.{signature}"

    def alg_none(self, spelling: str = "none") -> str:
        header = encode_segment({"alg": spelling, "typ": "JWT"})
        payload = encode_segment({"sub": self.user_id, "exp": int(time.time()) + 900})
        return f"{header}.{payload}."

    def hs256_with_public_key(self) -> str:
        """The classic key-confusion attack: HMAC keyed with the published public key."""
        header = encode_segment({"alg": "HS256", "typ": "JWT", "kid": self.key.kid})
        payload = encode_segment(self._jwks_claims())
        signing_input = f"{header}.{payload}".encode()
        mac = hmac.new(self.key.public_pem(), signing_input, hashlib.sha256).digest()
        return f"{header}.{payload}.{encode_segment(mac)}"

    def missing_sub(self) -> str:
        return hs256_token(self.user_id, self.secret, extra={"sub": DROP})

    def missing_exp(self) -> str:
        return hs256_token(self.user_id, self.secret, extra={"exp": DROP})

    def conflicting_user_claims(self) -> str:
        return hs256_token(self.user_id, self.secret, extra={"user_id": "someone-else"})

    def wrong_issuer(self) -> str:
        return self.key.sign(
            better_auth_claims(self.user_id, issuer="https://evil.example", audience=self.base_url)
        )

    def wrong_audience(self) -> str:
        return self.key.sign(
            better_auth_claims(self.user_id, issuer=self.base_url, audience="https://evil.example")
        )

    def unknown_kid(self) -> str:
        return self.key.sign(self._jwks_claims(), kid="no-such-key")

    def garbage(self) -> str:
        return "this-is-not-a-jwt"

    def empty_sub(self) -> str:
        return hs256_token(self.user_id, self.secret, extra={"sub": ""})

    def non_string_sub(self) -> str:
        return hs256_token(self.user_id, self.secret, extra={"sub": 12345})

    def duplicate_claims(self) -> str:
        """`sub` twice: parsers disagree on which one wins, so the token must be refused."""
        now = int(time.time())
        payload = f'{{"sub":"{self.user_id}","sub":"admin","exp":{now + 900}}}'.encode()
        return forge({"alg": "HS256", "typ": "JWT"}, payload, self.secret.encode())

    def payload_not_object(self) -> str:
        return forge({"alg": "HS256", "typ": "JWT"}, [self.user_id], self.secret.encode())

    def embedded_jwk(self) -> str:
        """Signed by an attacker's key that the header itself offers (`jwk`)."""
        attacker = SigningKey.generate(self.key.alg, kid=self.key.kid)
        return attacker.sign(self._jwks_claims(), jwk=attacker.public_jwk())

    def kid_path(self) -> str:
        """HS256 keyed with the (empty) contents of the file the `kid` names."""
        header = {"alg": "HS256", "typ": "JWT", "kid": "../../../../../../dev/null"}
        return forge(header, self._jwks_claims(), b"")

    def all(self) -> dict[str, str]:
        """Every bad token by name."""
        names = [
            "expired",
            "expired_jwks",
            "not_yet_valid",
            "issued_in_future",
            "wrong_secret",
            "wrong_key",
            "tampered",
            "alg_none",
            "hs256_with_public_key",
            "missing_sub",
            "missing_exp",
            "conflicting_user_claims",
            "wrong_issuer",
            "wrong_audience",
            "unknown_kid",
            "garbage",
            "empty_sub",
            "non_string_sub",
            "duplicate_claims",
            "payload_not_object",
            "embedded_jwk",
            "kid_path",
        ]
        return {name: getattr(self, name)() for name in names}


def _from_environment(*names: str) -> str | None:
    """The first of `names` the backend's settings would read (environment, then `.env` files)."""
    from backend.settings import configured

    return configured(*names)


def _session_token(user: str, secret: str, database_url: str, ttl: int, unsigned: bool) -> str:
    from backend.database_url import normalise_database_url
    from harness import better_auth

    url = normalise_database_url(database_url)
    better_auth.create_tables(url)
    token = better_auth.insert_session(url, user, ttl=ttl)
    return better_auth.bearer_value(token, secret, signed=not unsigned)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m harness.tokens",
        description="Print a token for USER, signed like Better Auth, and a curl line to try it.",
    )
    parser.add_argument("user", help="the user id (the token's sub)")
    parser.add_argument(
        "--alg",
        default="HS256",
        choices=["HS256", *ALGORITHMS, SESSION],
        help="HS256 (default), a JWT-plugin key type, or session (a Better Auth session)",
    )
    parser.add_argument(
        "--database-url",
        help="session: the database Better Auth shares with the backend; its user and session"
        " tables are created if missing (default: NEON_DATABASE_URL or DATABASE_URL,"
        " environment then .env)",
    )
    parser.add_argument(
        "--unsigned", action="store_true", help="session: the bare token, without .signature"
    )
    parser.add_argument(
        "--secret",
        help="BETTER_AUTH_SECRET (default: environment, then .env); one that starts with '-'"
        " is given as --secret=VALUE",
    )
    parser.add_argument("--ttl", type=int, default=DEFAULT_TTL_SECONDS, help="seconds of life")
    bad_kinds = list(BadTokens("u", "s" * 32).all())
    parser.add_argument(
        "--bad",
        metavar="KIND",
        choices=bad_kinds,
        help="mint a bad token instead: " + ", ".join(bad_kinds),
    )
    parser.add_argument("--api", default="http://127.0.0.1:8000", help="backend for the curl line")
    parser.add_argument(
        "--serve-jwks",
        type=int,
        metavar="PORT",
        help="for asymmetric tokens: serve the key at 127.0.0.1:PORT/api/auth/jwks until Ctrl-C"
        " (or SIGTERM, SIGHUP)",
    )
    args = parser.parse_args(argv)
    secret = args.secret or _from_environment("BETTER_AUTH_SECRET")
    key = SigningKey.generate(args.alg) if args.alg not in ("HS256", SESSION) else None
    base_url = f"http://localhost:{args.serve_jwks}" if args.serve_jwks else DEFAULT_BASE_URL
    if args.bad:
        token = BadTokens(args.user, secret or "s" * 32, key, base_url=base_url).all()[args.bad]
    elif key is not None:
        token = key.token(args.user, issuer=base_url, audience=base_url, ttl=args.ttl)
    elif args.alg == SESSION:
        database_url = args.database_url or _from_environment("NEON_DATABASE_URL", "DATABASE_URL")
        if not secret or not database_url:
            parser.error(
                "a session needs BETTER_AUTH_SECRET and the shared database:"
                " pass --secret and --database-url (or set them in the environment or .env)"
            )
        token = _session_token(args.user, secret, database_url, args.ttl, args.unsigned)
    elif secret:
        token = hs256_token(args.user, secret, ttl=args.ttl)
    else:
        parser.error("no BETTER_AUTH_SECRET: pass --secret or run `make run` once to create .env")
    print(token)
    print(
        f"curl -H 'Authorization: Bearer {token}' {args.api}/api/{args.user}/tasks", file=sys.stderr
    )
    if key is not None and args.serve_jwks:
        from backend.signals import Stopped, stop_on_signals
        from harness.jwks_server import JwksServer

        with JwksServer(key.jwks(), port=args.serve_jwks) as server, stop_on_signals():
            print(f"Serving the public key at {server.url} (Ctrl-C to stop)", file=sys.stderr)
            try:
                while True:
                    time.sleep(3600)
            except (KeyboardInterrupt, Stopped):
                pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
