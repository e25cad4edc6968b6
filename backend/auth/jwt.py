"""Verify a Better Auth JWT: token (and its key) in, the user id out, or a typed `AuthError`.

Two kinds of JWT are accepted (SC-005):
- HS256, signed with `BETTER_AUTH_SECRET` (what most hackathon frontends mint);
- Better Auth JWT-plugin tokens signed with an asymmetric key (EdDSA by default) whose public
  key is published in the JWKS, with `iss` and `aud` set to the Better Auth base URL.

The time claims (`exp`, `nbf`, `iat`) must be whole numbers of seconds in years 1970-9999:
floats, booleans, strings, NaN and absurd magnitudes are refused before any library sees them.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import jwt

if TYPE_CHECKING:  # annotations only: older PyJWT releases have no `jwt.types`
    from jwt.types import Options

SHARED_SECRET_ALGORITHM = "HS256"
ASYMMETRIC_ALGORITHMS = frozenset(
    {"EdDSA", "ES256", "ES384", "ES512", "RS256", "RS384", "RS512", "PS256", "PS384", "PS512"}
)
USER_CLAIMS = ("sub", "user_id", "id")
MAX_USER_ID_LENGTH = 255
MAX_TOKEN_LENGTH = 8192
TIME_CLAIMS = ("exp", "nbf", "iat")
LAST_TIMESTAMP = 253_402_300_799  # 9999-12-31T23:59:59Z

MISSING_MESSAGE = "Missing authorization token"
INVALID_MESSAGE = "Invalid or malformed token"
EXPIRED_MESSAGE = "Token has expired"


class AuthError(Exception):
    """Why a token was refused: `reason` is for the security log, `message` for the client."""

    def __init__(self, reason: str, message: str = INVALID_MESSAGE) -> None:
        super().__init__(reason)
        self.reason = reason
        self.message = message


@dataclass(frozen=True)
class VerifiedToken:
    """A token that passed every check: whose it is, and until when (epoch seconds)."""

    user_id: str
    expires_at: float


@dataclass(frozen=True)
class VerifierConfig:
    """What a token must satisfy."""

    secret: str
    issuer: str
    audience: str
    leeway_seconds: float = 10
    check_shared_secret_issuer: bool = False


def read_header(token: str) -> dict[str, Any]:
    """The token's header, checked for shape; raises `AuthError` when it is not a JWT."""
    if len(token) > MAX_TOKEN_LENGTH or token.count(".") != 2:
        raise AuthError("malformed")
    header_segment, payload_segment, _ = token.split(".")
    header = _decode_segment(header_segment)
    _check_time_claims(_decode_segment(payload_segment))
    alg = header.get("alg")
    if not isinstance(alg, str):
        raise AuthError("malformed")
    if alg != SHARED_SECRET_ALGORITHM and alg not in ASYMMETRIC_ALGORITHMS:
        raise AuthError("algorithm_not_allowed")
    return header


def is_asymmetric(header: dict[str, Any]) -> bool:
    """True for tokens whose key comes from the JWKS (their check may fetch it)."""
    return header["alg"] in ASYMMETRIC_ALGORITHMS


def key_id(header: dict[str, Any]) -> str:
    """The `kid` of an asymmetric token's header (without one, no key can be found)."""
    kid = header.get("kid")
    if not isinstance(kid, str) or not kid:
        raise AuthError("unknown_key")
    return kid


def verify_token(
    token: str,
    config: VerifierConfig,
    key: jwt.PyJWK | None = None,
    header: dict[str, Any] | None = None,
) -> VerifiedToken:
    """Check a token (asymmetric ones against `key`, their JWKS key); raise `AuthError` if bad."""
    header = header if header is not None else read_header(token)
    if is_asymmetric(header):
        claims = _verify_with_key(token, header, config, key)
    else:
        claims = _decode(
            token,
            config.secret,
            [SHARED_SECRET_ALGORITHM],
            config,
            check_issuer=config.check_shared_secret_issuer,
        )
    return VerifiedToken(user_id_from(claims), float(claims["exp"]))


def user_id_from(claims: dict[str, Any]) -> str:
    """`sub`, else `user_id`, else `id`; claims naming two different users are refused."""
    named = [claims[name] for name in USER_CLAIMS if claims.get(name) is not None]
    if not named:
        raise AuthError("no_user_claim")
    if any(not isinstance(value, str) for value in named):
        raise AuthError("user_claim_not_string")
    if len(set(named)) > 1:
        raise AuthError("conflicting_user_claims")
    return checked_user_id(named[0])


def checked_user_id(user_id: str) -> str:
    """A user id fit for the path check: non-blank, at most 255 characters, no NUL."""
    if not user_id.strip() or len(user_id) > MAX_USER_ID_LENGTH or "\x00" in user_id:
        raise AuthError("bad_user_claim")
    return user_id


def _check_time_claims(claims: dict[str, Any]) -> None:
    for name in TIME_CLAIMS:
        if name not in claims:
            continue
        value = claims[name]
        if type(value) is not int or not 0 <= value <= LAST_TIMESTAMP:
            raise AuthError("bad_time_claim")


def _verify_with_key(
    token: str, header: dict[str, Any], config: VerifierConfig, key: jwt.PyJWK | None
) -> dict[str, Any]:
    if key is None:
        raise AuthError("unknown_key")
    alg = header["alg"]
    if not _key_fits(key, alg):
        raise AuthError("algorithm_mismatch")
    return _decode(token, key.key, [alg], config, check_issuer=True)


def _key_fits(key: jwt.PyJWK, alg: str) -> bool:
    """The JWK's own `alg` when it states one; else any algorithm of its key type (RSA: RS*/PS*)."""
    if key.algorithm_name == alg:
        return True
    stated = key._jwk_data.get("alg")
    return not stated and key.key_type == "RSA" and alg[:2] in ("RS", "PS")


def _decode(
    token: str, key: Any, algorithms: list[str], config: VerifierConfig, *, check_issuer: bool
) -> dict[str, Any]:
    options: Options = {"require": ["exp"], "verify_aud": check_issuer}
    try:
        return jwt.decode(
            token,
            key,
            algorithms=algorithms,
            audience=config.audience if check_issuer else None,
            issuer=config.issuer if check_issuer else None,
            leeway=config.leeway_seconds,
            options=options,
        )
    except jwt.ExpiredSignatureError:
        raise AuthError("expired", EXPIRED_MESSAGE) from None
    except jwt.ImmatureSignatureError:
        raise AuthError("not_yet_valid") from None
    except jwt.InvalidSignatureError:
        raise AuthError("bad_signature") from None
    except (jwt.InvalidIssuerError, jwt.InvalidAudienceError):
        raise AuthError("wrong_issuer_or_audience") from None
    except jwt.MissingRequiredClaimError:
        raise AuthError("missing_claim") from None
    except jwt.InvalidTokenError:
        raise AuthError("invalid") from None


def _decode_segment(segment: str) -> dict[str, Any]:
    """Base64url-decode one JSON segment, refusing non-objects and duplicate member names."""
    try:
        raw = base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4))
        value = json.loads(raw, object_pairs_hook=_unique_members, parse_constant=_no_constant)
    except (ValueError, RecursionError):
        raise AuthError("malformed") from None
    if not isinstance(value, dict):
        raise AuthError("malformed")
    return value


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _unique_members(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    names = [name for name, _ in pairs]
    if len(names) != len(set(names)):
        raise ValueError("duplicate member name")
    return dict(pairs)
