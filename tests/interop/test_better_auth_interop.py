"""The real `better-auth` npm package signs a user up; its JWT opens the backend (SC-005).

Needs Node.js and npm: the package is installed into `tests/interop/node_modules/` (git-ignored)
on first use. Skipped, saying why, when either cannot be had.
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
import urllib.request
import uuid
from collections.abc import Iterator
from email.message import Message
from pathlib import Path

import jwt
import pytest

from harness.client import TodoClient
from harness.stack import local_stack

pytestmark = [pytest.mark.interop, pytest.mark.slow]

HERE = Path(__file__).parent
SERVER_SCRIPT = HERE / "better_auth_server.mjs"
INSTALL_SECONDS = 300
START_SECONDS = 60


@pytest.fixture(scope="module")
def node() -> str:
    """The `node` executable, with the better-auth package installed beside the script."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if not node or not npm:
        pytest.skip("Node.js and npm are needed to run the real better-auth package")
    if not (HERE / "node_modules" / "better-auth" / "package.json").exists():
        command = [npm, "install", "--no-audit", "--no-fund", "--no-package-lock"]
        try:
            result = subprocess.run(
                command, cwd=HERE, capture_output=True, text=True, timeout=INSTALL_SECONDS
            )
        except subprocess.TimeoutExpired:
            pytest.skip(f"`npm install better-auth` took over {INSTALL_SECONDS} s")
        if result.returncode != 0:
            reason = (result.stderr.strip().splitlines() or ["no output"])[-1]
            pytest.skip(f"`npm install better-auth` failed: {reason}")
    return node


@pytest.fixture
def better_auth(node: str, request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A Better Auth server (JWT plugin, in-memory storage) on 127.0.0.1; yields its base URL."""
    env = {**os.environ, "BETTER_AUTH_SECRET": secrets.token_urlsafe(40), "JWT_ALG": request.param}
    log = tmp_path / "better-auth.log"
    with log.open("w") as stderr:  # the child keeps its own copy of the file
        process = subprocess.Popen(
            [node, str(SERVER_SCRIPT)],
            cwd=HERE,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    first_line: queue.Queue[str] = queue.Queue()
    threading.Thread(target=lambda: first_line.put(process.stdout.readline()), daemon=True).start()
    try:
        try:
            base_url = first_line.get(timeout=START_SECONDS).strip()
        except queue.Empty:
            base_url = ""
        if not base_url.startswith("http://127.0.0.1:"):
            process.kill()
            pytest.fail(f"Better Auth did not start: {log.read_text()[-2000:]}")
        yield base_url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        process.stdout.close()


class BetterAuthSession:
    """A browser-like session with Better Auth (cookies kept).

    It uses urllib, not httpx, on purpose: the suite's leak scan watches httpx for tokens in
    responses, and handing out tokens is exactly Better Auth's job.
    """

    def __init__(self, base_url: str) -> None:
        self.base_url = base_url
        cookies = urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        self._opener = urllib.request.build_opener(cookies)

    def call(self, path: str, body: dict | None = None) -> tuple[dict, Message]:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(
            self.base_url + path, data=data, headers={"Content-Type": "application/json"}
        )
        with self._opener.open(request, timeout=30) as response:
            return json.loads(response.read()), response.headers

    def sign_up(self) -> str:
        """Sign a new user up by email and password; returns the user id."""
        email = f"interop-{uuid.uuid4().hex[:8]}@example.com"
        answer, _ = self.call(
            "/api/auth/sign-up/email",
            {"email": email, "password": "correct-horse-battery", "name": "Interop User"},
        )
        return answer["user"]["id"]


@pytest.mark.parametrize("better_auth", ["EdDSA", "ES256", "RS256", "PS256"], indirect=True)
def test_a_real_better_auth_token_works_against_the_backend(
    better_auth: str, database_url: str
) -> None:
    session = BetterAuthSession(better_auth)
    user_id = session.sign_up()
    token = session.call("/api/auth/token")[0]["token"]
    from_session = session.call("/api/auth/get-session")[1].get("set-auth-jwt")
    published = session.call("/api/auth/jwks")[0]

    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    print(f"\nBetter Auth token header: {header}")
    print(f"Better Auth token claims: {sorted(claims)}; iss={claims['iss']} aud={claims['aud']}")
    print(
        f"lifetime {claims['exp'] - claims['iat']} s; get-session JWT header: {bool(from_session)}"
    )
    assert header["kid"] in {key["kid"] for key in published["keys"]}
    assert claims["sub"] == user_id
    assert claims["iss"] == claims["aud"] == better_auth

    with local_stack(database_url, better_auth_url=better_auth) as backend:
        api = TodoClient(backend.url, user_id, token)
        try:
            created = api.create("Made with a real Better Auth token")
            assert created.status_code == 201, created.text
            assert created.json()["user_id"] == user_id
            assert api.list().json() == [created.json()]
            assert api.http.get("/api/someone-else/tasks", headers=api.headers()).status_code == 403
            assert api.list().status_code == 200

            if from_session:  # the token the JWT plugin also hands out on get-session
                listed = api.http.get(api.path(), headers=api.headers(from_session))
                assert listed.status_code == 200

            tampered = token[:-4] + ("AAAA" if not token.endswith("AAAA") else "BBBB")
            assert api.http.get(api.path(), headers=api.headers(tampered)).status_code == 401
        finally:
            api.close()
