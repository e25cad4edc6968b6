"""Better Auth session tokens as bearer credentials: signed or not, in its table or via its API.

Two stores, both real: Better Auth's `session` table in the backend's own PostgreSQL (the
shared-database set-up), and the `get-session` endpoint of the harness's Better Auth stand-in
(`SESSION_LOOKUP=http`). `tests/interop/` does the same against the real `better-auth` package.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack
from typing import Any

import httpx
import psycopg
import pytest

from backend.database_url import libpq_url
from backend.settings import SettingsError, load_settings
from harness import better_auth
from harness.live import free_port
from harness.stack import Stack, local_stack, migrated_database
from harness.tokens import SESSION, BadTokens
from tests.support import Connect, RecordedEvents, use_all_six_endpoints

CACHE_SECONDS = 0.5
EXPIRED = "Token has expired"
UNAVAILABLE = "Service temporarily unavailable, please retry"


def get_tasks(stack: Stack, user_id: str, token: str) -> httpx.Response:
    headers = {"Authorization": f"Bearer {token}"}
    return httpx.get(f"{stack.url}/api/{user_id}/tasks", headers=headers, timeout=20)


@pytest.fixture(scope="module")
def table_stack(database_server: str) -> Iterator[Stack]:
    """Better Auth's tables in the backend's database; `SESSION_LOOKUP=auto` finds them."""
    with ExitStack() as resources:
        url = migrated_database(resources, database_server)
        running = resources.enter_context(
            local_stack(url, better_auth_tables=True, session_cache_seconds=CACHE_SECONDS)
        )
        yield running


@pytest.fixture(scope="module")
def http_stack(database_url: str) -> Iterator[Stack]:
    """No Better Auth tables here: `auto` asks Better Auth's (stand-in's) `get-session`."""
    with local_stack(database_url, session_cache_seconds=CACHE_SECONDS) as running:
        yield running


@pytest.fixture(params=["table", "http"])
def stack_of(request: pytest.FixtureRequest) -> Stack:
    chosen: Stack = request.getfixturevalue(f"{request.param}_stack")
    return chosen


def test_a_session_token_works_on_all_six_endpoints(stack_of: Stack, user_id: str) -> None:
    token = stack_of.token(user_id, SESSION)
    use_all_six_endpoints(stack_of.url, user_id, token, "Made with a Better Auth session")


@pytest.mark.parametrize(
    "form", ["signed", "unsigned", "url-encoded"], ids=["signed", "unsigned", "url-encoded"]
)
def test_every_form_the_bearer_plugin_accepts_is_accepted(
    stack_of: Stack, user_id: str, form: str
) -> None:
    token = stack_of.session_token(
        user_id, signed=form != "unsigned", url_encoded=form == "url-encoded"
    )
    assert get_tasks(stack_of, user_id, token).status_code == 200


def test_another_users_path_is_403(stack_of: Stack, user_id: str) -> None:
    token = stack_of.token(user_id, SESSION)
    assert get_tasks(stack_of, "someone-else", token).status_code == 403


def test_an_expired_session_row_says_it_expired(table_stack: Stack, user_id: str) -> None:
    token = table_stack.session_token(user_id, now=time.time() - 3600, ttl=60)
    response = get_tasks(table_stack, user_id, token)
    assert response.status_code == 401
    assert response.json()["detail"] == EXPIRED


def test_a_session_better_auth_calls_gone_is_401(http_stack: Stack, user_id: str) -> None:
    """Better Auth's `get-session` answers `null` for expired and unknown sessions alike: a
    session the backend never saw alive cannot be told apart (docs/better-auth.md)."""
    token = http_stack.session_token(user_id, now=time.time() - 3600, ttl=60)
    assert get_tasks(http_stack, user_id, token).status_code == 401


def test_a_session_that_expires_while_in_use_says_it_expired(stack_of: Stack, user_id: str) -> None:
    token = stack_of.session_token(user_id, ttl=1)
    assert get_tasks(stack_of, user_id, token).status_code == 200
    time.sleep(1.2)
    response = get_tasks(stack_of, user_id, token)
    assert response.status_code == 401
    assert response.json()["detail"] == EXPIRED


def test_a_signed_out_session_is_refused_within_the_cache_bound(
    stack_of: Stack, user_id: str
) -> None:
    token = stack_of.token(user_id, SESSION)
    assert get_tasks(stack_of, user_id, token).status_code == 200
    stack_of.sign_out(token)
    time.sleep(CACHE_SECONDS + 0.1)  # SESSION_CACHE_SECONDS: the documented bound
    assert get_tasks(stack_of, user_id, token).status_code == 401


def test_signatures_are_checked_before_any_lookup(http_stack: Stack, user_id: str) -> None:
    good = http_stack.token(user_id, SESSION)
    token, signature = good.split(".")
    other = better_auth.bearer_value(better_auth.new_token(), http_stack.secret)
    forged = {
        "wrong secret": better_auth.bearer_value(token, "not-the-secret-" + "x" * 32),
        "another token's signature": f"{token}.{other.split('.')[1]}",
        "flipped bit": f"{token}.{('B' if signature[0] == 'A' else 'A') + signature[1:]}",
        "not base64": f"{token}.{'!' * 43}=",
        "short": f"{token}.{signature[:20]}",
    }
    lookups = http_stack.jwks.session_requests
    for name, value in forged.items():
        response = get_tasks(http_stack, user_id, value)
        assert response.status_code == 401, name
    assert http_stack.jwks.session_requests == lookups


def test_unknown_sessions_are_401(stack_of: Stack, user_id: str) -> None:
    for token in (
        better_auth.bearer_value(better_auth.new_token(), stack_of.secret),
        better_auth.new_token(),
    ):
        response = get_tasks(stack_of, user_id, token)
        assert response.status_code == 401
        assert response.json()["detail"] == "Invalid or malformed token"


def test_a_jwt_is_never_looked_up_as_a_session(http_stack: Stack, user_id: str) -> None:
    """The shape decides: three segments are a JWT, checked as one only."""
    lookups = http_stack.jwks.session_requests
    bad = BadTokens(
        user_id, http_stack.secret, http_stack.keys["EdDSA"], base_url=http_stack.auth_base_url
    )
    for name, token in bad.all().items():
        assert get_tasks(http_stack, user_id, token).status_code == 401, name
    assert get_tasks(http_stack, user_id, http_stack.token(user_id)).status_code == 200
    assert http_stack.jwks.session_requests == lookups


def test_a_session_is_looked_up_once_while_it_is_remembered(
    database_url: str, user_id: str
) -> None:
    with local_stack(database_url, session_cache_seconds=60) as running:
        token = running.token(user_id, SESSION)
        for _ in range(10):
            assert get_tasks(running, user_id, token).status_code == 200
        assert running.jwks.session_requests == 1


def test_unsigned_tokens_are_refused_when_a_signature_is_required(
    database_url: str, user_id: str
) -> None:
    with local_stack(database_url, session_require_signature=True) as running:
        assert get_tasks(running, user_id, running.session_token(user_id)).status_code == 200
        unsigned = running.session_token(user_id, signed=False)
        assert get_tasks(running, user_id, unsigned).status_code == 401


def test_session_lookup_off_refuses_session_tokens(database_url: str, user_id: str) -> None:
    with local_stack(database_url, session_lookup="off") as running:
        assert get_tasks(running, user_id, running.token(user_id, SESSION)).status_code == 401
        assert running.jwks.session_requests == 0
        assert get_tasks(running, user_id, running.token(user_id)).status_code == 200


def test_renamed_table_and_columns_are_configurable(
    database_server: str, user_id: str, sql: Connect
) -> None:
    with ExitStack() as resources:
        url = migrated_database(resources, database_server)
        with sql(url) as conn:
            conn.execute("CREATE SCHEMA auth")
            conn.execute(
                "CREATE TABLE auth.sessions (token text UNIQUE NOT NULL, user_id text NOT NULL,"
                " expires_at timestamp NOT NULL)"
            )
            token = better_auth.new_token()
            in_an_hour = "now() at time zone 'utc' + interval '1 hour'"
            conn.execute(
                f"INSERT INTO auth.sessions VALUES (%s, %s, {in_an_hour})", [token, user_id]
            )
        names: dict[str, Any] = {
            "session_lookup": "database",
            "session_table": "auth.sessions",
            "session_token_column": "token",
            "session_user_id_column": "user_id",
            "session_expires_at_column": "expires_at",
        }
        with local_stack(url, **names) as running:
            signed = better_auth.bearer_value(token, running.secret)
            assert get_tasks(running, user_id, signed).status_code == 200


# --- a lookup that cannot be done is 503, never 401 or 500 ---------------------------------------


def assert_unavailable(response: httpx.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.json() == {"detail": UNAVAILABLE}
    assert int(response.headers["retry-after"]) > 0


def test_better_auth_unreachable_is_503(database_url: str, user_id: str) -> None:
    closed = f"http://127.0.0.1:{free_port()}/api/auth/get-session"
    with local_stack(
        database_url, session_lookup="http", better_auth_session_url=closed
    ) as running:
        assert_unavailable(get_tasks(running, user_id, running.session_token(user_id)))
        assert get_tasks(running, user_id, running.token(user_id)).status_code == 200


@pytest.mark.parametrize("answer", ["keys", "html"])
def test_better_auth_answering_nonsense_is_503(
    database_url: str, user_id: str, answer: str
) -> None:
    with local_stack(database_url, session_lookup="http") as running:
        if answer == "html":
            from harness.jwks_server import Answer

            running.jwks.answer = Answer.html()
        with local_stack(
            database_url, session_lookup="http", better_auth_session_url=running.jwks.url
        ) as pointed_at_jwks:
            token = pointed_at_jwks.session_token(user_id)
            assert_unavailable(get_tasks(pointed_at_jwks, user_id, token))


def test_the_database_unreachable_is_503(user_id: str) -> None:
    url = f"postgresql://todo:hunter2@127.0.0.1:{free_port()}/todo"
    with local_stack(url, session_lookup="database", db_connect_timeout_seconds=2) as running:
        assert_unavailable(get_tasks(running, user_id, running.session_token(user_id)))


def test_a_missing_session_table_is_503_and_logged(
    database_url: str, user_id: str, record_logs: Callable[[str], RecordedEvents]
) -> None:
    logs = record_logs("todo.app")
    with local_stack(database_url, session_lookup="database", session_table="nowhere") as running:
        token = better_auth.bearer_value(better_auth.new_token(), running.secret)
        assert_unavailable(get_tasks(running, user_id, token))
    assert any(entry.get("reason") == "UndefinedTable" for entry in logs.fields())


def test_auto_prefers_the_table_when_the_database_has_it(table_stack: Stack, user_id: str) -> None:
    token = table_stack.token(user_id, SESSION)
    assert get_tasks(table_stack, user_id, token).status_code == 200
    assert table_stack.jwks.session_requests == 0


def test_the_session_row_is_what_better_auth_would_write(table_stack: Stack, user_id: str) -> None:
    token = table_stack.token(user_id, SESSION).split(".")[0]
    with psycopg.connect(libpq_url(table_stack.database_url)) as conn:
        row = conn.execute(
            'SELECT s."userId", u."email" FROM "session" s JOIN "user" u ON u.id = s."userId"'
            ' WHERE s."token" = %s',
            [token],
        ).fetchone()
    assert row == (user_id, f"{user_id}@example.com")


# --- the settings ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("session_table", 'session"; DROP TABLE tasks; --'),
        ("session_table", "a.b.c"),
        ("session_user_id_column", "user id"),
        ("session_expires_at_column", ""),
        ("session_lookup", "sometimes"),
    ],
)
def test_bad_session_settings_stop_start_up_naming_the_variable(name: str, value: str) -> None:
    with pytest.raises(SettingsError) as raised:
        load_settings(_env_file=None, better_auth_secret="s" * 40, **{name: value})
    assert name.upper() in str(raised.value)
    if value:
        assert value not in str(raised.value)


def test_session_lookup_is_read_in_any_case() -> None:
    settings = load_settings(_env_file=None, better_auth_secret="s" * 40, session_lookup=" HTTP ")
    assert settings.session_lookup == "http"
    assert settings.session_url == "http://localhost:3000/api/auth/get-session"
