"""The real `better-auth` npm package, on the backend's own PostgreSQL, opens the backend (SC-005).

Better Auth runs on 127.0.0.1 with its PostgreSQL adapter (`pg`) on the same server and the
same database as the backend, with the bearer and JWT plugins on, as a hackathon team that
gives both one Neon database would run it. Needs Node.js and npm: the pinned packages
(`package.json`, `package-lock.json`) are installed into `tests/interop/node_modules/`
(git-ignored) on first use. Skipped, saying why, when either cannot be had.
"""

from __future__ import annotations

import http.cookiejar
import json
import os
import queue
import secrets
import shutil
import subprocess
import threading
import time
import urllib.parse
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from email.message import Message
from pathlib import Path
from typing import Any

import jwt
import psycopg
import pytest
from sqlalchemy.engine import make_url

from backend.database_url import libpq_url
from harness.client import TodoClient
from harness.live import free_port
from harness.stack import Stack, local_stack, migrated_database
from tests.support import use_all_six_endpoints

pytestmark = [pytest.mark.interop, pytest.mark.slow]

HERE = Path(__file__).parent
SERVER_SCRIPT = HERE / "better_auth_server.mjs"
INSTALL_SECONDS = 300
START_SECONDS = 60
SIGN_OUT_BOUND = 1.0  # SESSION_CACHE_SECONDS of the backends below
EXPIRED = "Token has expired"


@pytest.fixture(scope="module")
def node() -> str:
    """The `node` executable, with the pinned packages installed beside the script."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Node.js and npm are needed to run the real better-auth package")
    installed = HERE / "node_modules" / ".package-lock.json"
    if (
        not installed.exists()
        or installed.stat().st_mtime < (HERE / "package-lock.json").stat().st_mtime
    ):
        command = [npm, "ci", "--no-audit", "--no-fund"]
        try:
            result = subprocess.run(
                command, cwd=HERE, capture_output=True, text=True, timeout=INSTALL_SECONDS
            )
        except subprocess.TimeoutExpired:
            pytest.skip(f"`npm ci` took over {INSTALL_SECONDS} s")
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"`npm ci` failed: {reason}")
    return node


@pytest.fixture(scope="module")
def shared_database(database_server: str) -> Iterator[str]:
    """One database for both: our migrations, then Better Auth's (run by the server script)."""
    with ExitStack() as resources:
        yield migrated_database(resources, database_server)


def postgres_environment(database_url: str) -> dict[str, str]:
    """libpq's variables, which node-postgres reads too (a socket directory works as PGHOST)."""
    url = make_url(database_url)
    host = url.query.get("host") or url.host or "127.0.0.1"
    variables = {
        "PGHOST": host if isinstance(host, str) else host[0],
        "PGUSER": url.username or "postgres",
        "PGDATABASE": url.database or "postgres",
        "PGPASSWORD": url.password or "",
    }
    if url.port:
        variables["PGPORT"] = str(url.port)
    return variables


class BetterAuthServer:
    """`better_auth_server.mjs` as a child process, restartable on the same port."""

    def __init__(self, node: str, database_url: str, log: Path, **environment: str) -> None:
        self.node = node
        self.log = log
        self.port = free_port()
        self.environment = {
            **os.environ,
            **postgres_environment(database_url),
            "BETTER_AUTH_SECRET": secrets.token_urlsafe(40),
            "PORT": str(self.port),
            **environment,
        }
        self.process: subprocess.Popen[str] | None = None
        self.base_url = f"http://127.0.0.1:{self.port}"

    @property
    def secret(self) -> str:
        return self.environment["BETTER_AUTH_SECRET"]

    def start(self, **environment: str) -> BetterAuthServer:
        with self.log.open("a") as stderr:  # the child keeps its own copy of the file
            self.process = subprocess.Popen(
                [self.node, str(SERVER_SCRIPT)],
                cwd=HERE,
                env={**self.environment, **environment},
                stdout=subprocess.PIPE,
                stderr=stderr,
                text=True,
            )
        first_line: queue.Queue[str] = queue.Queue()
        stdout = self.process.stdout
        assert stdout is not None
        threading.Thread(target=lambda: first_line.put(stdout.readline()), daemon=True).start()
        try:
            started = first_line.get(timeout=START_SECONDS).strip()
        except queue.Empty:
            started = ""
        if started != self.base_url:
            self.stop()
            pytest.fail(f"Better Auth did not start: {self.log.read_text()[-2000:]}")
        return self

    def stop(self) -> None:
        if self.process is None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        self.process = None

    def restart(self, **environment: str) -> None:
        self.stop()
        self.start(**environment)


@contextmanager
def running_better_auth(
    node: str, database_url: str, tmp_path: Path, **environment: str
) -> Iterator[BetterAuthServer]:
    """A fresh server: its signing keys are new (they are encrypted with its own secret)."""
    server = BetterAuthServer(node, database_url, tmp_path / "better-auth.log", **environment)
    try:
        yield server.start(FRESH_KEYS="1")
    finally:
        server.stop()


class BetterAuthSession:
    """A browser-like session with Better Auth (cookies kept).

    It uses urllib, not httpx, on purpose: the suite's leak scan watches httpx for tokens in
    responses, and handing out tokens is exactly Better Auth's job.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self._opener = urllib.request.build_opener(cookies)
        self.email = f"interop-{uuid.uuid4().hex[:8]}@example.com"

    def call(
        self, path: str, body: dict[str, Any] | None = None, bearer: str | None = None
    ) -> tuple[Any, Message]:
        data = json.dumps(body).encode() if body is not None else None
        headers = {"Content-Type": "application/json", "Origin": self.base_url}
        if bearer:
            headers["Authorization"] = f"Bearer {bearer}"
        request = urllib.request.Request(self.base_url + path, data=data, headers=headers)
        with self._opener.open(request, timeout=30) as response:
            return json.loads(response.read()), response.headers

    def sign_up(self) -> str:
        """Sign a new user up by email and password; returns the user id."""
        answer, _ = self.call(
            "/api/auth/sign-up/email",
            {"email": self.email, "password": "correct-horse-battery", "name": "Interop User"},
        )
        user_id: str = answer["user"]["id"]
        return user_id

    def sign_in(self) -> str:
        """Sign in again: returns the bearer plugin's `set-auth-token` value."""
        _, headers = self.call(
            "/api/auth/sign-in/email", {"email": self.email, "password": "correct-horse-battery"}
        )
        token = headers.get("set-auth-token")
        assert token, "the bearer plugin sent no set-auth-token header"
        return token

    def jwt(self) -> str:
        token: str = self.call("/api/auth/token")[0]["token"]
        return token


def backend_for(better_auth: BetterAuthServer, database_url: str, **settings: Any) -> Any:
    return local_stack(
        database_url,
        better_auth_url=better_auth.base_url,
        better_auth_secret=better_auth.secret,
        session_cache_seconds=SIGN_OUT_BOUND,
        **settings,
    )


def list_status(backend: Stack, user_id: str, token: str) -> tuple[int, str]:
    api = TodoClient(backend.url, user_id, token)
    try:
        response = api.list()
        return response.status_code, response.json().get(
            "detail", ""
        ) if response.status_code != 200 else ""
    finally:
        api.close()


@pytest.mark.parametrize("alg", ["EdDSA", "ES256", "RS256", "PS256"])
def test_a_real_better_auth_jwt_works_against_the_backend(
    node: str, shared_database: str, tmp_path: Path, alg: str
) -> None:
    with running_better_auth(node, shared_database, tmp_path, JWT_ALG=alg) as better_auth:
        session = BetterAuthSession(better_auth.base_url)
        user_id = session.sign_up()
        token = session.jwt()
        from_session = session.call("/api/auth/get-session")[1].get("set-auth-jwt")
        published = session.call("/api/auth/jwks")[0]

        header = jwt.get_unverified_header(token)
        claims = jwt.decode(token, options={"verify_signature": False})
        print(f"\nBetter Auth {alg} token header: {header}; claims: {sorted(claims)}")
        assert header["alg"] == alg
        assert header["kid"] in {key["kid"] for key in published["keys"]}
        assert claims["sub"] == user_id
        assert claims["iss"] == claims["aud"] == better_auth.base_url

        with backend_for(better_auth, shared_database) as backend:
            use_all_six_endpoints(
                backend.url, user_id, token, "Made with a real Better Auth credential"
            )
            if from_session:  # the token the JWT plugin also hands out on get-session
                assert list_status(backend, user_id, from_session)[0] == 200
            tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
            assert list_status(backend, user_id, tampered)[0] == 401


@pytest.mark.parametrize("lookup", ["auto", "http"])
def test_the_bearer_session_token_works_and_sign_out_ends_it(
    node: str, shared_database: str, tmp_path: Path, lookup: str
) -> None:
    """`auto` finds Better Auth's tables in the shared database; `http` asks its get-session."""
    with running_better_auth(node, shared_database, tmp_path) as better_auth:
        session = BetterAuthSession(better_auth.base_url)
        user_id = session.sign_up()
        token = session.sign_in()
        print(f"\nset-auth-token: {len(token)} characters, signed: {'.' in token}")
        with backend_for(better_auth, shared_database, session_lookup=lookup) as backend:
            use_all_six_endpoints(
                backend.url, user_id, token, "Made with a real Better Auth credential"
            )
            assert list_status(backend, user_id, urllib.parse.quote(token, safe=""))[0] == 200
            assert list_status(backend, user_id, token.split(".")[0])[0] == 200  # unsigned

            session.call("/api/auth/sign-out", {}, bearer=token)
            time.sleep(SIGN_OUT_BOUND + 0.2)
            assert list_status(backend, user_id, token)[0] == 401


def test_a_restarted_auth_server_with_new_keys_is_picked_up_on_the_first_request(
    node: str, shared_database: str, tmp_path: Path
) -> None:
    with running_better_auth(node, shared_database, tmp_path) as better_auth:
        session = BetterAuthSession(better_auth.base_url)
        user_id = session.sign_up()
        with backend_for(better_auth, shared_database) as backend:
            kids = set()
            for _ in range(3):
                token = session.jwt()
                kids.add(jwt.get_unverified_header(token)["kid"])
                assert list_status(backend, user_id, token)[0] == 200
                better_auth.restart(FRESH_KEYS="1")
            token = session.jwt()
            kids.add(jwt.get_unverified_header(token)["kid"])
            assert list_status(backend, user_id, token)[0] == 200
            assert len(kids) == 4  # a new key after each restart


def test_expired_credentials_get_the_expired_message(
    node: str, shared_database: str, tmp_path: Path
) -> None:
    with running_better_auth(node, shared_database, tmp_path, JWT_EXPIRES="1s") as better_auth:
        session = BetterAuthSession(better_auth.base_url)
        user_id = session.sign_up()
        short_lived = session.jwt()
        bearer = session.sign_in()
        with backend_for(better_auth, shared_database, jwt_leeway_seconds=0) as backend:
            assert list_status(backend, user_id, bearer)[0] == 200
            with psycopg.connect(libpq_url(shared_database)) as conn:
                conn.execute(
                    'UPDATE "session" SET "expiresAt" = now() - interval \'1 minute\''
                    ' WHERE "token" = %s',
                    [bearer.split(".")[0]],
                )
            time.sleep(max(SIGN_OUT_BOUND, 1.0) + 0.5)
            assert list_status(backend, user_id, short_lived) == (401, EXPIRED)
            assert list_status(backend, user_id, bearer) == (401, EXPIRED)
