"""The leak scanner itself: it must catch each kind of leak, and not cry wolf."""

from __future__ import annotations

import pytest

from harness.client import TodoClient
from harness.leak_scan import LeakScanner, find_leaks, scanner

SECRET = "s3cr3t-" + "x" * 40
TOKEN = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1c2VyMTIzIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"


@pytest.mark.parametrize(
    "leak",
    [
        f'{{"detail": "bad secret {SECRET}"}}',
        f'{{"detail": "token {TOKEN} refused"}}',
        'Traceback (most recent call last):\n  File "/app/crud.py", line 3, in get',
        '{"detail": "(psycopg.errors.UndefinedTable) relation \\"tasks\\" does not exist"}',
        '{"detail": "[SQL: SELECT tasks.id FROM tasks WHERE tasks.user_id = %(user_id)s]"}',
        '{"detail": "connection to server at \\"db\\" (10.0.0.1), port 5432 failed"}',
        '{"detail": "OperationalError"}',
    ],
)
def test_each_kind_of_leak_is_found(leak: str) -> None:
    assert find_leaks(leak, {SECRET}, shown_to_client=True)


def test_a_token_the_suite_sent_is_found_whatever_its_shape() -> None:
    opaque = "opaque-session-token-0123456789"
    assert find_leaks(f"saw {opaque}!", set(), shown_to_client=False, tokens={opaque})


def test_clean_answers_and_log_lines_pass() -> None:
    clean = [
        '{"detail": "Service temporarily unavailable, please retry"}',
        '{"detail": "Invalid or malformed token"}',
        '{"id": 1, "title": "Select a venue", "description": "update the plan"}',
        '{"level": "WARNING", "message": "database unavailable", "error": "OperationalError"}',
    ]
    for index, text in enumerate(clean):
        assert not find_leaks(text, {SECRET}, shown_to_client=index < 3), text


def test_what_the_request_sent_is_not_held_against_the_echo() -> None:
    scanner = LeakScanner()
    body = b'{"title": "\'; DELETE FROM tasks; --"}'
    echo = '{"id": 7, "title": "\'; DELETE FROM tasks; --"}'
    scanner.response(201, {}, echo, body, "http://127.0.0.1/api/u/tasks")
    assert scanner.take() == []
    scanner.response(201, {}, echo, b'{"title": "other"}', "http://127.0.0.1/api/u/tasks")
    assert scanner.take()


def test_the_plugin_sees_this_runs_responses_and_tokens(client: TodoClient) -> None:
    """Loaded through `addopts`, it has wrapped the clients the suite uses."""
    seen = scanner.responses
    assert client.list().status_code == 200
    assert scanner.responses == seen + 1
    assert client.token is not None
    assert client.token.rsplit(".", 1)[1] in scanner.token_parts
    assert scanner.take() == []
