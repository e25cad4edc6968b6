"""A pytest plugin that scans every response and log line of the run for leaks (FR-016, FR-017).

Loaded for the whole suite with `-p harness.leak_scan` (see pyproject's `addopts`).
It wraps `httpx` and `requests` sending (so every client the suite uses is seen) and the
backend's log formatters, and fails the test during which a response body or header, or a
log line, shows the backend's secret, any token, a stack trace, SQL or a database driver's
message. What the request itself sent (a title that reads like SQL, say) is not held against
the response that echoes it.

It guards our own stack: when the acceptance features judge another team's backend they turn
it off (`scanner.active = False`), since what that backend shows is theirs to be judged on
(FR-016, FR-017 checks), not a failure of our suite.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Generator, Iterable, Set
from dataclasses import dataclass, field
from typing import Any

import httpx
import pytest
import requests
from sqlalchemy.engine import make_url

from backend import logs
from harness import live

JWT_SHAPE = re.compile(r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*")
# What the backend may never write anywhere: tracebacks, SQL, driver messages.
INTERNALS = re.compile(
    r"Traceback \(most recent call last\)|File \"[^\"]+\", line \d+"
    r"|\b(?:SELECT .+ FROM|INSERT INTO|UPDATE \w+ SET|DELETE FROM|RETURNING tasks)\b"
    r"|\[SQL: |\[parameters: |sqlalche\.me|Background on this error|SQLSTATE"
    r"|server closed the connection|connection to server at|could not connect to server"
    r"|Connection refused|password authentication failed|violates (?:check|not-null)"
    r"|duplicate key value|relation \"\w+\" does not exist|canceling statement due to",
)
# What may be logged (an exception's class name) but never shown to a client.
DRIVER_NAMES = re.compile(
    r"psycopg|sqlalchemy|asyncpg|OperationalError|InterfaceError|ProgrammingError"
    r"|IntegrityError|DataError|DBAPIError|PendingRollbackError|pg_catalog|postgresql://",
    re.IGNORECASE,
)
# Loggers whose records reach the root logger and belong to the service (not the harness).
SERVICE_LOGGERS = ("todo", "uvicorn", "backend", "sqlalchemy", "psycopg", "fastapi", "starlette")
URL_SAFE_RUN = re.compile(r"[A-Za-z0-9_-]{16,}")


def find_leaks(
    text: str, secrets: Iterable[str], *, shown_to_client: bool, tokens: Set[str] = frozenset()
) -> list[str]:
    """What in `text` must never be there: each finding names its kind, never its value.

    `secrets` are searched as substrings; `tokens` (many) as whole base64url runs.
    """
    found = [f"secret ({len(secret)} chars)" for secret in secrets if secret and secret in text]
    if tokens and not tokens.isdisjoint(URL_SAFE_RUN.findall(text)):
        found.append("a token the suite sent")
    if JWT_SHAPE.search(text):
        found.append("a token (JWT)")
    match = INTERNALS.search(text)
    if match:
        found.append(f"internals: {match.group(0)[:60]!r}")
    if shown_to_client:
        match = DRIVER_NAMES.search(text)
        if match:
            found.append(f"driver detail: {match.group(0)!r}")
    return found


def strings_sent(body: bytes | str | None, url: str) -> list[str]:
    """The strings a request carried, longest first (so echoes of them can be removed)."""
    sent = [url]
    if body:
        raw = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
        sent.append(raw)
        try:
            sent.extend(_json_strings(json.loads(raw)))
        except (ValueError, RecursionError):  # not JSON, or nested too deep to read
            pass
    # JSON-escaped forms too, as a response would carry them
    sent += [json.dumps(text)[1:-1] for text in sent]
    return sorted({text for text in sent if len(text) >= 3}, key=len, reverse=True)


def _json_strings(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield key
            yield from _json_strings(item)
    elif isinstance(value, list):
        for item in value:
            yield from _json_strings(item)


def _without(text: str, echoes: list[str]) -> str:
    for echo in echoes:
        text = text.replace(echo, " ")
    return text


@dataclass
class LeakScanner:
    """Collects findings while tests run; the report hook turns them into failures."""

    active: bool = True
    secrets: set[str] = field(default_factory=set)
    token_parts: set[str] = field(default_factory=set)
    findings: list[str] = field(default_factory=list)
    responses: int = 0
    log_lines: int = 0

    def response(
        self, status: int, headers: Any, text: str, body: bytes | str | None, url: str
    ) -> None:
        if not self.active:
            return
        self.responses += 1
        shown = " ".join(f"{k}: {v}" for k, v in headers.items()) + "\n" + text
        shown = _without(shown, strings_sent(body, url))
        found = find_leaks(shown, self.secrets, shown_to_client=True, tokens=self.token_parts)
        for leak in found:
            self.findings.append(f"response {status} to {url.split('?')[0]}: {leak}")

    def log_line(self, line: str) -> None:
        if not self.active:
            return
        self.log_lines += 1
        found = find_leaks(line, self.secrets, shown_to_client=False, tokens=self.token_parts)
        for leak in found:
            self.findings.append(f"log line: {leak}: {line[:200]}")

    def note_token(self, authorization: str | None) -> None:
        """Tokens the suite sends are secrets too, whatever their shape."""
        if authorization:
            token = authorization.partition(" ")[2].strip()
            self.token_parts.update(part for part in token.split(".") if len(part) >= 16)

    def take(self) -> list[str]:
        found, self.findings = self.findings, []
        return found


scanner = LeakScanner()


class _ServiceRecords(logging.Handler):
    """Formats the service's records that propagate to the root logger, tracebacks included."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.split(".")[0] in SERVICE_LOGGERS:
            scanner.log_line(logging.Formatter().format(record))


def _install() -> None:
    original_httpx_send = httpx.Client.send
    original_async_send = httpx.AsyncClient.send
    original_requests_send = requests.Session.send

    def httpx_seen(response: httpx.Response) -> None:
        if not response.is_stream_consumed and not response.is_closed:
            return  # a streamed response the caller reads itself
        request = response.request
        try:
            body: bytes | None = request.content
        except httpx.RequestNotRead:
            body = None
        scanner.response(
            response.status_code, response.headers, response.text, body, str(request.url)
        )

    def httpx_send(self: httpx.Client, request: httpx.Request, **kwargs: Any) -> httpx.Response:
        response = original_httpx_send(self, request, **kwargs)
        scanner.note_token(request.headers.get("authorization"))
        httpx_seen(response)
        return response

    async def async_send(
        self: httpx.AsyncClient, request: httpx.Request, **kwargs: Any
    ) -> httpx.Response:
        response = await original_async_send(self, request, **kwargs)
        scanner.note_token(request.headers.get("authorization"))
        httpx_seen(response)
        return response

    def requests_send(self: requests.Session, request: Any, **kwargs: Any) -> requests.Response:
        response = original_requests_send(self, request, **kwargs)
        scanner.note_token(request.headers.get("Authorization"))
        if "event-stream" not in response.headers.get("content-type", ""):
            scanner.response(
                response.status_code, response.headers, response.text, request.body, request.url
            )
        return response

    # The scan wraps the clients' own methods, which mypy does not let a module reassign.
    httpx.Client.send = httpx_send  # type: ignore[method-assign]
    httpx.AsyncClient.send = async_send  # type: ignore[method-assign]
    requests.Session.send = requests_send  # type: ignore[method-assign]

    for formatter in (logs.JsonFormatter, logs.TextFormatter):
        _scan_output_of(formatter)
    logging.getLogger().addHandler(_ServiceRecords())

    original_server_init = live.LiveServer.__init__

    def server_init(self: live.LiveServer, settings: Any, *args: Any, **kwargs: Any) -> None:
        scanner.secrets.add(settings.better_auth_secret.get_secret_value())
        if settings.database_url is not None:
            password = make_url(settings.database_url.get_secret_value()).password
            if password and len(password) >= 8:
                scanner.secrets.add(password)
        original_server_init(self, settings, *args, **kwargs)

    live.LiveServer.__init__ = server_init  # type: ignore[method-assign]  # wrapped, as above


def _scan_output_of(formatter: type[logging.Formatter]) -> None:
    original = formatter.format

    def format_and_scan(self: logging.Formatter, record: logging.LogRecord) -> str:
        line = original(self, record)
        scanner.log_line(line)
        return line

    formatter.format = format_and_scan  # type: ignore[method-assign]  # wrapped, as above


def pytest_configure(config: pytest.Config) -> None:
    _install()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    report = yield
    found = scanner.take()
    if found:
        summary = "Leak scan found:\n  " + "\n  ".join(dict.fromkeys(found))
        if report.failed:
            report.sections.append(("leak scan", summary))
        else:
            report.outcome = "failed"
            report.longrepr = summary
    return report


def pytest_terminal_summary(terminalreporter: Any) -> None:
    terminalreporter.write_line(
        f"leak scan: {scanner.responses} responses and {scanner.log_lines} log lines checked"
    )
