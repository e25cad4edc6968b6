"""Why a check failed or was blocked, and what proves it: expected, got, request, response.

Steps never use a bare `assert`. They call `expect(...)`, which raises `CheckFailed` with the
evidence, or `require(...)`, which raises `Blocked` when a precondition (a set-up request, a
read-back of the data) did not hold, so the check cannot say anything about its requirement.
Each failure names a `Cause`; the report groups failures that share one.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import httpx

EXCERPT_CHARS = 300
TITLE_LIMIT = 200
# Token kinds that fail for one reason, grouped as one root cause.
TOKEN_FAMILIES = {"expired jwks token": "expired token"}
REQUEST_EXCERPT_CHARS = 200
SHOWN_HEADERS = (
    "content-type",
    "location",
    "www-authenticate",
    "retry-after",
    "access-control-allow-origin",
    "access-control-allow-credentials",
    "access-control-allow-methods",
    "connection",
)


@dataclass(frozen=True)
class Cause:
    """A root cause: a short key shared by failures with one cause, and its one-line summary."""

    key: str
    summary: str


NO_UTC_OFFSET = Cause("timestamp-no-utc-offset", "timestamps carry no UTC offset")
NOT_UTC = Cause("timestamp-not-utc", "timestamps are not in UTC")
NOT_ISO_8601 = Cause("timestamp-not-iso-8601", "timestamps are not ISO 8601")
LIST_NOT_ARRAY = Cause("list-not-array", "the list is not a JSON array")
NOT_A_TASK = Cause("task-not-object", "a task is not a JSON object with the task's fields")
NOT_JSON = Cause("body-not-json", "the body is not JSON")
TRANSPORT = Cause("transport-error", "the connection failed (no HTTP answer)")
OMITTED_FIELDS_RESET = Cause(
    "put-resets-omitted-fields", "a PUT changes fields the request did not name"
)


def slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")[:60]


def status_cause(expected: tuple[int, ...], response: httpx.Response, token: str) -> Cause:
    """One root cause per (expected, got) pair. Auth statuses also name the kind of token
    sent; a refused token or a refused input that was accepted is one cause, whatever 2xx
    came back, named after the token or the input."""
    got = response.status_code
    if got >= 500 and 500 not in expected and 503 not in expected:
        return Cause(f"server-error-{got}", f"answers {got} (a server error)")
    wanted = " or ".join(str(status) for status in expected)
    kind = TOKEN_FAMILIES.get(bare := re.sub(r" \(.*\)$", "", token), bare)
    accepted = 200 <= got < 300 and all(400 <= status < 500 for status in expected)
    if accepted and 401 in expected:
        return Cause(slug(f"accepts {kind}"), f"accepts {kind} (2xx where {wanted} is expected)")
    if accepted and 403 in expected:
        return Cause(
            "reaches-other-users-tasks",
            f"lets a user reach another user's tasks (2xx where {wanted} is expected)",
        )
    if accepted and (unusual := unusual_input(response.request)):
        return Cause(
            slug(f"accepts {unusual}"), f"accepts {unusual} (2xx where {wanted} is expected)"
        )
    situation = f" ({kind})" if {401, 403} & {*expected, got} else ""
    return Cause(
        slug(f"status {wanted} got {got} {situation}"),
        f"answers {got} where {wanted} is expected{situation}",
    )


def unusual_input(request: httpx.Request) -> str | None:
    """What is odd about a request's body, in words (to name a root cause)."""
    try:
        body = json.loads(request.content) if request.content else None
    except (ValueError, httpx.RequestNotRead):
        return "a body that is not JSON"
    if body is None:
        return None
    if not isinstance(body, dict):
        return "a body that is not a JSON object"
    odd = [
        f"a {name} of {len(value)} characters" if len(value) > TITLE_LIMIT else f"an empty {name}"
        for name, value in body.items()
        if isinstance(value, str) and (len(value) > TITLE_LIMIT or not value.strip())
    ]
    if request.method == "POST" and "title" not in body:
        odd.append("a task without a title")
    return " and ".join(odd) or None


class CheckFailed(Exception):
    """An expectation of the check did not hold: the check failed."""

    outcome = "failed"

    def __init__(
        self,
        expected: str,
        got: str,
        *,
        response: httpx.Response | None = None,
        cause: Cause | None = None,
    ) -> None:
        super().__init__(f"expected {expected}; got {got}")
        self.expected = expected
        self.got = got
        self.response = response
        self.cause = cause or Cause(slug(expected), f"fails: {expected}")


class Blocked(CheckFailed):
    """A precondition did not hold: the check could not test its requirement."""

    outcome = "blocked"


def expect(
    holds: bool,
    expected: str,
    got: object,
    *,
    response: httpx.Response | None = None,
    cause: Cause | None = None,
) -> None:
    """Fail the check with this evidence unless `holds`."""
    if not holds:
        raise CheckFailed(expected, str(got), response=response, cause=cause)


def require(
    holds: bool,
    expected: str,
    got: object,
    *,
    response: httpx.Response | None = None,
    cause: Cause | None = None,
) -> None:
    """Block the check with this evidence unless `holds`."""
    if not holds:
        raise Blocked(expected, str(got), response=response, cause=cause)


def excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = text.strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


def redact(text: str, secrets: set[str]) -> str:
    """Never copy a secret or a token into a report, even one a backend echoed back."""
    for secret in sorted((s for s in secrets if s and len(s) >= 8), key=len, reverse=True):
        text = text.replace(secret, "[redacted]")
    return text


def request_summary(request: httpx.Request, token: str, secrets: set[str]) -> dict[str, Any]:
    try:
        body = request.content.decode("utf-8", "replace")
    except httpx.RequestNotRead:
        body = ""
    path = request.url.raw_path.decode("ascii", "replace")
    return {
        "method": request.method,
        "path": path,
        "token": token,
        "body": excerpt(redact(body, secrets), REQUEST_EXCERPT_CHARS),
    }


def response_summary(response: httpx.Response, secrets: set[str]) -> dict[str, Any]:
    headers = {name: response.headers[name] for name in SHOWN_HEADERS if name in response.headers}
    summary: dict[str, Any] = {
        "status": response.status_code,
        "headers": headers,
        "body": excerpt(redact(response.text, secrets)),
    }
    if response.history:
        first = response.history[0]
        summary["redirected_from"] = f"{first.status_code} {first.request.url.path}"
    return summary
