"""Tokens for simulated users: HS256 with `BETTER_AUTH_SECRET`, Better Auth's JWKS-signed kind,
or a Better Auth session (a row in its `session` table, in the database the backend shares).

For the JWKS mode the private key travels in a small JSON key file (`save_key`), so Locust
workers on other processes or machines sign with the key the backend's JWKS server publishes.
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import serialization

from harness import better_auth
from harness.tokens import DEFAULT_TTL_SECONDS, SigningKey, hs256_token

RENEW_BEFORE_SECONDS = 60


def save_key(key: SigningKey, issuer: str, path: Path) -> None:
    """Write the key (private: mode 0600) and the Better Auth base URL tokens must name."""
    pem = key.private_key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )
    path.write_text(
        json.dumps({"alg": key.alg, "kid": key.kid, "issuer": issuer, "pem": pem.decode()})
    )
    os.chmod(path, 0o600)


@dataclass(frozen=True)
class TokenSource:
    """Mints a token for any user: a session when `session_database_url` is set (signed with
    `secret`), else HS256 when `secret` is set, else signed by `key` for `issuer`."""

    secret: str | None = None
    key: SigningKey | None = None
    issuer: str | None = None
    ttl: int = DEFAULT_TTL_SECONDS
    session_database_url: str | None = None

    @classmethod
    def from_key_file(cls, path: str | Path) -> TokenSource:
        saved = json.loads(Path(path).read_text())
        private = serialization.load_pem_private_key(saved["pem"].encode(), password=None)
        return cls(key=SigningKey(saved["alg"], private, saved["kid"]), issuer=saved["issuer"])

    def mint(self, user_id: str) -> tuple[str, float]:
        """A fresh token and the moment (epoch seconds) it should be replaced."""
        renew_at = time.time() + self.ttl - RENEW_BEFORE_SECONDS
        if self.session_database_url is not None and self.secret is not None:
            raw = better_auth.insert_session(self.session_database_url, user_id, ttl=self.ttl)
            return better_auth.bearer_value(raw, self.secret), renew_at
        if self.secret is not None:
            return hs256_token(user_id, self.secret, ttl=self.ttl), renew_at
        if self.key is None:
            raise ValueError("no BETTER_AUTH_SECRET and no signing key: nothing to sign with")
        token = self.key.token(user_id, issuer=self.issuer, audience=self.issuer, ttl=self.ttl)
        return token, renew_at
