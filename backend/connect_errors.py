"""Why a database could not be reached, in one line for the person starting the server.

The driver's message is matched against the phrases libpq and psycopg use for each cause; the
line names the database, its host and the cause, never the password.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import psycopg
from sqlalchemy import exc
from sqlalchemy.engine import make_url

from backend.database_url import describe_target

VARIABLE = "NEON_DATABASE_URL"


@dataclass(frozen=True)
class Cause:
    """One reason a connection fails: what the driver says, and what to tell the user."""

    pattern: re.Pattern[str]
    advice: str


CAUSES = (
    Cause(
        re.compile(r"failed to resolve host|could not translate host name", re.I),
        "host not found (DNS); check the host name in {variable} and that this machine is online",
    ),
    Cause(
        re.compile(r"connection refused", re.I),
        "connection refused; nothing listens on that port: is PostgreSQL running there?",
    ),
    Cause(
        re.compile(r"timeout expired|timed out", re.I),
        "timeout; no answer within DB_CONNECT_TIMEOUT_SECONDS ({timeout} s):"
        " check the host, the port and any firewall",
    ),
    Cause(
        re.compile(r"network is unreachable|no route to host", re.I),
        "network unreachable; check the host in {variable} and this machine's network",
    ),
    Cause(
        re.compile(r'database "[^"]*" does not exist', re.I),
        "no such database; create it, or correct the database name in {variable}",
    ),
    Cause(
        re.compile(
            r'role "[^"]*" does not exist|password authentication failed|no pg_hba\.conf entry'
            r"|authentication failed|no password supplied",
            re.I,
        ),
        'authentication failed for user "{user}"; check the user name and password in {variable}',
    ),
    Cause(
        re.compile(r"ssl|tls|certificate|channel binding|insecure", re.I),
        "TLS failed ({detail}); check sslmode in {variable} (Neon needs sslmode=require)",
    ),
)


# What a failure to reach or log in to the database raises (SQLAlchemy wraps psycopg's).
CONNECT_FAILURES = (exc.OperationalError, exc.InterfaceError, psycopg.OperationalError)


def describe_failure(error: BaseException, database_url: str, timeout: float) -> str:
    """`Cannot connect to database "neondb" on host:5432: <cause>; <what to check>`."""
    original = getattr(error, "orig", None) or error
    url = make_url(database_url)
    detail = _first_line(str(original), url.password)
    for cause in CAUSES:
        if cause.pattern.search(detail):
            words = {"detail": detail, "timeout": f"{timeout:g}", "user": url.username}
            advice = cause.advice.format(variable=VARIABLE, **words)
            break
    else:
        advice = f"{detail}; check {VARIABLE}"
    return f"Cannot connect to database {describe_target(database_url)}: {advice}"


def _first_line(message: str, password: str | None) -> str:
    """The driver's words without its 'connection to server at … failed:' preamble."""
    line = message.strip().splitlines()[0] if message.strip() else "no reason given"
    line = re.sub(r"^connection failed: ", "", line)
    line = re.sub(r'^connection to server at "[^"]*"(?: \([^)]*\))?, port \d+ failed: ', "", line)
    line = re.sub(r"^(FATAL|ERROR):\s+", "", line)
    return line.replace(password, "***") if password else line
