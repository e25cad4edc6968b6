"""A real browser at the frontend's origin (http://localhost:3000) calls the API (FR-019, SC-005).

Headless Chromium (Debian's `chromium`, driven by Playwright, never `playwright install`)
loads a page from http://localhost:3000, which also serves the JWKS as Better Auth does, and
fetches with `credentials: "include"` and a Bearer token, as axios' `withCredentials` does.
The same page from another origin must be refused by CORS.
"""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import httpx
import pytest

from harness.stack import Stack, local_stack

FRONTEND_ORIGIN = "http://localhost:3000"
PAGE = b"""<!doctype html>
<html><head><meta charset="utf-8"><title>Todo</title></head>
<body><ul id="tasks"></ul>
<script>
async function call(api, method, path, token, body) {
  const response = await fetch(api + path, {
    method,
    credentials: "include",
    headers: {"Authorization": "Bearer " + token, "Content-Type": "application/json"},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return {status: response.status, body: await response.json()};
}
window.createAndList = async (api, user, token, title) => {
  try {
    const created = await call(api, "POST", `/api/${user}/tasks`, token, {title});
    const listed = await call(api, "GET", `/api/${user}/tasks`, token);
    document.getElementById("tasks").innerHTML =
      listed.body.map((task) => `<li>${task.title}</li>`).join("");
    return {created, listed};
  } catch (error) {
    return {error: error.name + ": " + error.message};
  }
};
</script></body></html>
"""


class FrontendServer:
    """Serves the page at `/` and Better Auth's JWKS at `/api/auth/jwks`."""

    def __init__(self, port: int) -> None:
        self.jwks: dict[str, Any] = {"keys": []}
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # http.server's name for it
                if self.path == "/api/auth/jwks":
                    body, kind = json.dumps(owner.jwks).encode(), "application/json"
                else:
                    body, kind = PAGE, "text/html; charset=utf-8"
                self.send_response(200)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.port = self._server.server_address[1]
        threading.Thread(target=self._server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


@pytest.fixture(scope="module")
def frontend() -> Iterator[FrontendServer]:
    if not _port_free(3000):
        pytest.skip("port 3000 (the frontend origin) is in use")
    server = FrontendServer(3000)
    yield server
    server.stop()


@pytest.fixture(scope="module")
def browser_stack(database_url: str, frontend: FrontendServer) -> Iterator[Stack]:
    """A backend configured as for the real frontend: BETTER_AUTH_URL=http://localhost:3000."""
    with local_stack(database_url, better_auth_url=FRONTEND_ORIGIN) as running:
        frontend.jwks = running.jwks.document
        yield running


def _create_and_list(
    browser: Any, origin: str, stack: Stack, user: str, alg: str
) -> dict[str, Any]:
    page = browser.new_page()
    try:
        page.goto(origin + "/")
        listed: dict[str, Any] = page.evaluate(
            "([api, user, token]) => window.createAndList(api, user, token, 'From the browser')",
            [stack.url, user, stack.token(user, alg)],
        )
        return listed | {"shown": page.locator("#tasks li").all_inner_texts()}
    finally:
        page.close()


@pytest.mark.slow
@pytest.mark.browser
@pytest.mark.parametrize("alg", ["HS256", "EdDSA"])
def test_frontend_origin_creates_and_lists_tasks(
    browser: Any, browser_stack: Stack, user_id: str, alg: str
) -> None:
    result = _create_and_list(browser, FRONTEND_ORIGIN, browser_stack, user_id, alg)
    assert result.get("error") is None, result
    assert result["created"]["status"] == 201
    assert result["listed"]["status"] == 200
    assert [task["title"] for task in result["listed"]["body"]] == ["From the browser"]
    assert result["shown"] == ["From the browser"]
    preflight = httpx.options(
        f"{browser_stack.url}/api/{user_id}/tasks",
        headers={"Origin": FRONTEND_ORIGIN, "Access-Control-Request-Method": "POST"},
    )
    assert preflight.headers["access-control-allow-origin"] == FRONTEND_ORIGIN
    assert preflight.headers["access-control-allow-credentials"] == "true"


@pytest.mark.slow
@pytest.mark.browser
def test_another_origin_is_refused_by_cors(
    browser: Any, browser_stack: Stack, frontend: FrontendServer, user_id: str
) -> None:
    other = FrontendServer(0)  # http://127.0.0.1:<port> is another origin than localhost:3000
    try:
        result = _create_and_list(
            browser, f"http://127.0.0.1:{other.port}", browser_stack, user_id, "HS256"
        )
    finally:
        other.stop()
    assert result.get("error", "").startswith("TypeError"), result
    preflight = httpx.options(
        f"{browser_stack.url}/api/{user_id}/tasks",
        headers={
            "Origin": f"http://127.0.0.1:{other.port}",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert "access-control-allow-origin" not in preflight.headers
    assert browser_stack.client(user_id).list().json() == [], "the refused request still ran"
