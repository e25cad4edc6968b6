"""Tokens in whatever shape the backend under test expects, and every kind of bad one in that shape.

A judge points the features at another team's backend; that backend may read the user from
another claim, want extra claims, trust only Better Auth's JWKS, or accept only what its own
login hands out. The `JUDGE_*` variables (docs/judging.md) choose:

- the shape (`TokenShape`): which claims carry the user id, extra claims, the lifetime;
- who signs (`Minter`): HS256 with `BETTER_AUTH_SECRET`, the harness's own JWKS keys
  (EdDSA, ES256, RS256), a Better Auth session (a row in its `session` table), or a shell
  command that prints a token for a user id.

`BadTokenKit` makes the tokens a backend must refuse, in the same shape, so a refusal is about
the defect each one carries and not about a claim the backend does not read.
"""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jwt
from cryptography.hazmat.primitives import serialization

from harness import better_auth
from harness.tokens import DEFAULT_TTL_SECONDS, SigningKey, encode_segment, forge, jwks_of

JWKS_ALGORITHMS = ("EdDSA", "ES256", "RS256", "PS256")
USER_ID_PLACEHOLDER = "{user_id}"
COMMAND_TIMEOUT_SECONDS = 30


class TokenUnavailable(Exception):
    """This kind of token cannot be made in the run's token mode (the check is not run)."""


@dataclass(frozen=True)
class TokenShape:
    """The claims a token carries besides its signature.

    `user_claims`: the claims naming the user (default `sub`); `extra`: more claims, where the
    string `{user_id}` stands for the user's id; `lifetime`: seconds from `iat` to `exp`.
    """

    user_claims: tuple[str, ...] = ("sub",)
    extra: Mapping[str, Any] = field(default_factory=dict)
    lifetime: int = DEFAULT_TTL_SECONDS

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] = os.environ) -> TokenShape:
        claims = tuple(
            name.strip() for name in environ.get("JUDGE_USER_CLAIM", "sub").split(",") if name
        )
        extra = json.loads(environ.get("JUDGE_EXTRA_CLAIMS") or "{}")
        if not isinstance(extra, dict):
            raise ValueError("JUDGE_EXTRA_CLAIMS must be a JSON object")
        lifetime = int(environ.get("JUDGE_TOKEN_LIFETIME") or DEFAULT_TTL_SECONDS)
        return cls(user_claims=claims or ("sub",), extra=extra, lifetime=lifetime)

    def claims(
        self,
        user_id: str,
        *,
        issued_at: float | None = None,
        lifetime: int | None = None,
        base: Mapping[str, Any] | None = None,
    ) -> dict[str, Any]:
        """`base` (e.g. Better Auth's user fields), then iat/exp, the user claims, the extras."""
        issued = int(time.time() if issued_at is None else issued_at)
        claims: dict[str, Any] = {k: v for k, v in (base or {}).items() if k != "sub"}
        claims["iat"] = issued
        claims["exp"] = issued + (self.lifetime if lifetime is None else lifetime)
        claims.update(dict.fromkeys(self.user_claims, user_id))
        claims.update({k: _fill(v, user_id) for k, v in self.extra.items()})
        return claims

    def describe(self) -> str:
        parts = ["user in " + "/".join(self.user_claims)]
        if self.extra:
            parts.append("extra claims " + ", ".join(sorted(self.extra)))
        parts.append(f"{self.lifetime} s")
        return ", ".join(parts)


def _fill(value: Any, user_id: str) -> Any:
    return value.replace(USER_ID_PLACEHOLDER, user_id) if isinstance(value, str) else value


class Minter:
    """Mints valid tokens for any user; subclasses say how they are signed."""

    kind = "token"

    def __init__(self, shape: TokenShape) -> None:
        self.shape = shape

    @property
    def label(self) -> str:
        return f"{self.kind} ({self.shape.describe()})"

    def claims(
        self, user_id: str, *, issued_at: float | None = None, lifetime: int | None = None
    ) -> dict[str, Any]:
        return self.shape.claims(user_id, issued_at=issued_at, lifetime=lifetime)

    def token(
        self, user_id: str, *, issued_at: float | None = None, lifetime: int | None = None
    ) -> str:
        return self.sign(self.claims(user_id, issued_at=issued_at, lifetime=lifetime))

    def sign(self, claims: Mapping[str, Any]) -> str:
        """Sign any claims the way the backend trusts (for crafted tokens)."""
        return self.sign_raw(json.dumps(dict(claims)).encode())

    def sign_raw(self, payload: bytes) -> str:
        raise TokenUnavailable(f"{self.kind} tokens cannot be crafted by the harness")


class Hs256Minter(Minter):
    """HS256 with the backend's `BETTER_AUTH_SECRET`, as most hackathon frontends sign."""

    kind = "HS256 (BETTER_AUTH_SECRET)"

    def __init__(self, secret: str, shape: TokenShape | None = None) -> None:
        super().__init__(shape or TokenShape())
        self.secret = secret

    def sign_raw(self, payload: bytes) -> str:
        return jwt.api_jws.encode(payload, self.secret, algorithm="HS256", headers={"typ": "JWT"})


class JwksMinter(Minter):
    """Better Auth's JWT plugin: an asymmetric key from a JWKS the backend trusts, `kid` in the
    header, `iss` and `aud` naming the Better Auth base URL, the user's fields as claims."""

    def __init__(self, key: SigningKey, issuer: str, shape: TokenShape | None = None) -> None:
        super().__init__(shape or TokenShape())
        self.key = key
        self.issuer = issuer
        self.kind = f"{key.alg} (JWKS, iss {issuer})"

    def claims(
        self, user_id: str, *, issued_at: float | None = None, lifetime: int | None = None
    ) -> dict[str, Any]:
        base = {
            "id": user_id,
            "name": "Test User",
            "email": f"{user_id}@example.com",
            "emailVerified": True,
            "iss": self.issuer,
            "aud": self.issuer,
        }
        return self.shape.claims(user_id, issued_at=issued_at, lifetime=lifetime, base=base)

    def sign_raw(self, payload: bytes) -> str:
        return jwt.api_jws.encode(
            payload,
            self.key.private_key,
            algorithm=self.key.alg,
            headers={"kid": self.key.kid, "typ": "JWT"},
        )


class SessionMinter(Minter):
    """Better Auth without the JWT plugin: a session row in its `session` table, in a database
    the backend reads, sent as the bearer plugin hands it out (`<token>.<HMAC signature>`).
    Claims do not apply; `issued_at` and `lifetime` set the session's start and length."""

    kind = "Better Auth session (its session table)"

    def __init__(self, database_url: str, secret: str, shape: TokenShape | None = None) -> None:
        super().__init__(shape or TokenShape())
        self.database_url = database_url
        self.secret = secret

    @property
    def label(self) -> str:
        return self.kind

    def token(
        self, user_id: str, *, issued_at: float | None = None, lifetime: int | None = None
    ) -> str:
        ttl = self.shape.lifetime if lifetime is None and issued_at is not None else lifetime
        raw = better_auth.insert_session(self.database_url, user_id, ttl=ttl, now=issued_at)
        return better_auth.bearer_value(raw, self.secret)


class CommandMinter(Minter):
    """A shell command prints the token for the user in `$JUDGE_USER_ID` (also `$1`): a
    team's own login, say. It cannot craft expired or odd tokens."""

    def __init__(self, command: str, shape: TokenShape | None = None) -> None:
        super().__init__(shape or TokenShape())
        self.command = command
        self._cache: dict[str, str] = {}

    @property
    def label(self) -> str:
        return f"command ({self.command})"

    def token(
        self, user_id: str, *, issued_at: float | None = None, lifetime: int | None = None
    ) -> str:
        if issued_at is not None or lifetime is not None:
            raise TokenUnavailable("the token command mints only fresh tokens")
        if user_id not in self._cache:
            self._cache[user_id] = self._run(user_id)
        return self._cache[user_id]

    def _run(self, user_id: str) -> str:
        environment = {
            **os.environ,
            "JUDGE_USER_ID": user_id,
            "JUDGE_TOKEN_LIFETIME": str(self.shape.lifetime),
        }
        done = subprocess.run(
            ["sh", "-c", self.command, "judge-token", user_id],
            env=environment,
            capture_output=True,
            text=True,
            timeout=COMMAND_TIMEOUT_SECONDS,
        )
        lines = [line.strip() for line in done.stdout.splitlines() if line.strip()]
        if done.returncode != 0 or not lines:
            raise TokenUnavailable(
                f"the token command exited {done.returncode} without printing a token"
            )
        return lines[-1]


@dataclass
class JudgeKeys:
    """The harness's own JWKS keys, one per algorithm, kept in a file (private: mode 0600) so
    a backend started before the run, or a previous run, trusts the same keys."""

    keys: dict[str, SigningKey]

    @classmethod
    def load_or_create(cls, path: Path) -> JudgeKeys:
        """The keys saved in `path`, with a new one for any algorithm it lacks (then saved)."""
        saved = json.loads(path.read_text())["keys"] if path.exists() else []
        keys = {item["alg"]: _load_key(item) for item in saved}
        if set(JWKS_ALGORITHMS) <= set(keys):
            return cls(keys)
        keys.update({alg: SigningKey.generate(alg) for alg in JWKS_ALGORITHMS if alg not in keys})
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"keys": [_dump_key(key) for key in keys.values()]}))
        os.chmod(path, 0o600)
        return cls(keys)

    def jwks(self) -> dict[str, Any]:
        return jwks_of(*self.keys.values())


def _dump_key(key: SigningKey) -> dict[str, str]:
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return {"alg": key.alg, "kid": key.kid, "pem": pem.decode()}


def _load_key(item: Mapping[str, str]) -> SigningKey:
    private = serialization.load_pem_private_key(item["pem"].encode(), password=None)
    return SigningKey(item["alg"], private, item["kid"])


class BadTokenKit:
    """The tokens a backend must refuse, for one user, in the run's shape.

    `trusted` is the asymmetric key the backend trusts (the local stack's, or the harness's
    JWKS key) and `issuer` the Better Auth base URL its tokens name, when there is one; kinds
    that need it, or need crafting, raise `TokenUnavailable` in modes that cannot make them.
    """

    KINDS = (
        *("expired", "tampered", "wrong_secret", "wrong_key", "alg_none", "hs256_with_public_key"),
        *("unknown_kid", "embedded_jwk", "kid_path", "garbage", "payload_not_object"),
        *("expired_jwks", "not_yet_valid", "issued_in_future", "missing_exp", "missing_sub"),
        *("empty_sub", "non_string_sub", "conflicting_user_claims", "duplicate_claims"),
        *("wrong_issuer", "wrong_audience"),
    )

    def __init__(
        self,
        minter: Minter,
        user_id: str,
        trusted: SigningKey | None = None,
        issuer: str | None = None,
    ) -> None:
        self.minter = minter
        self.user_id = user_id
        self.trusted = trusted
        self.issuer = issuer or getattr(minter, "issuer", None)

    def make(self, kind: str) -> str:
        """The bad token called `kind` ("expired", "wrong secret", ...)."""
        name = kind.replace(" ", "_")
        if name not in self.KINDS:
            raise ValueError(f"no bad token called {kind!r}")
        token: str = getattr(self, name)()
        return token

    def _claims(self, **options: Any) -> dict[str, Any]:
        return self.minter.claims(self.user_id, **options)

    def _stranger(self, alg: str | None = None) -> SigningKey:
        """A key the backend does not trust, posing as the trusted one (same `kid`)."""
        kid = self.trusted.kid if self.trusted else None
        return SigningKey.generate(alg or (self.trusted.alg if self.trusted else "EdDSA"), kid)

    def _trusted(self) -> tuple[SigningKey, str]:
        if self.trusted is None or self.issuer is None:
            raise TokenUnavailable("needs a JWKS key the backend trusts (JUDGE_TOKEN_MODE=jwks)")
        return self.trusted, self.issuer

    # What the spec requires to be refused (FR-004: missing, expired, invalid, malformed)

    def expired(self) -> str:
        return self.minter.token(self.user_id, issued_at=time.time() - 3600, lifetime=60)

    def tampered(self) -> str:
        """A valid token whose payload now names someone else; the signature is kept."""
        valid = self.minter.token(self.user_id)
        parts = valid.split(".")
        if len(parts) != 3:
            middle = len(valid) // 2
            return valid[:middle] + ("A" if valid[middle] != "A" else "B") + valid[middle + 1 :]
        claims = self._claims()
        claims.update(dict.fromkeys(self.minter.shape.user_claims, "admin"))
        return f"{parts[0]}.{encode_segment(claims)}.{parts[2]}"

    def wrong_secret(self) -> str:
        return Hs256Minter("not-the-secret-" + secrets.token_urlsafe(24)).sign(self._claims())

    def wrong_key(self) -> str:
        return self._stranger().sign(self._claims())

    def alg_none(self) -> str:
        return forge({"alg": "none", "typ": "JWT"}, self._claims())

    def hs256_with_public_key(self) -> str:
        """HMAC keyed with the published public key (key confusion)."""
        key = self.trusted or self._stranger()
        header = {"alg": "HS256", "typ": "JWT", "kid": key.kid}
        return forge(header, self._claims(), key.public_pem())

    def unknown_kid(self) -> str:
        return SigningKey.generate(self.trusted.alg if self.trusted else "EdDSA").sign(
            self._claims(), kid="no-such-key"
        )

    def embedded_jwk(self) -> str:
        attacker = self._stranger()
        return attacker.sign(self._claims(), jwk=attacker.public_jwk())

    def kid_path(self) -> str:
        return forge(
            {"alg": "HS256", "typ": "JWT", "kid": "../../../../dev/null"}, self._claims(), b""
        )

    def garbage(self) -> str:
        return "this-is-not-a-jwt"

    def payload_not_object(self) -> str:
        return forge({"alg": "HS256", "typ": "JWT"}, [self.user_id], secrets.token_bytes(32))

    def expired_jwks(self) -> str:
        key, issuer = self._trusted()
        return JwksMinter(key, issuer, self.minter.shape).token(
            self.user_id, issued_at=time.time() - 3600, lifetime=60
        )

    # Beyond the spec: refused by our reference (hardening), signed the way the backend trusts

    def not_yet_valid(self) -> str:
        return self.minter.sign({**self._claims(), "nbf": int(time.time()) + 3600})

    def issued_in_future(self) -> str:
        return self.minter.sign(self._claims(issued_at=time.time() + 3600))

    def missing_exp(self) -> str:
        return self.minter.sign({k: v for k, v in self._claims().items() if k != "exp"})

    def missing_sub(self) -> str:
        """No claim names the user at all."""
        user_claims = {*self.minter.shape.user_claims, "sub", "user_id", "id"}
        return self.minter.sign({k: v for k, v in self._claims().items() if k not in user_claims})

    def empty_sub(self) -> str:
        return self.minter.sign(self._with_user(""))

    def non_string_sub(self) -> str:
        return self.minter.sign(self._with_user(12345))

    def conflicting_user_claims(self) -> str:
        other = "user_id" if "sub" in self.minter.shape.user_claims else "sub"
        return self.minter.sign({**self._claims(), other: "someone-else"})

    def duplicate_claims(self) -> str:
        """The user claim twice: parsers disagree on which one wins."""
        claim = self.minter.shape.user_claims[0]
        body = json.dumps({k: v for k, v in self._claims().items() if k != claim})
        duplicated = f'{{"{claim}":"{self.user_id}","{claim}":"admin",{body[1:]}'
        return self.minter.sign_raw(duplicated.encode())

    def wrong_issuer(self) -> str:
        return self._signed_by_trusted(iss="https://evil.example")

    def wrong_audience(self) -> str:
        return self._signed_by_trusted(aud="https://evil.example")

    def _with_user(self, value: Any) -> dict[str, Any]:
        return {**self._claims(), **dict.fromkeys(self.minter.shape.user_claims, value)}

    def _signed_by_trusted(self, **claims: str) -> str:
        key, issuer = self._trusted()
        minter = JwksMinter(key, issuer, self.minter.shape)
        return minter.sign({**minter.claims(self.user_id), **claims})
