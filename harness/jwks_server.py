"""A stand-in for Better Auth's key and session endpoints on 127.0.0.1, under the test's control.

It serves `/api/auth/jwks` exactly where Better Auth publishes its keys, and
`/api/auth/get-session` for the sessions a test registers (`null` for any other token, as
Better Auth answers). A test can make the JWKS misbehave with an `Answer`: slow, trickling one
byte at a time, cut off, HTML, deeply nested, huge, or any status.
"""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import unquote

JWKS_PATH = "/api/auth/jwks"
SESSION_PATH = "/api/auth/get-session"


@dataclass(frozen=True)
class Answer:
    """A fixed JWKS answer: `delay` seconds before it, then the body, `trickle` seconds a byte.

    `cut` closes the connection without a word once the request is read.
    """

    body: bytes = b""
    status: int = 200
    content_type: str = "application/json"
    delay: float = 0.0
    trickle: float | None = None
    cut: bool = False

    @classmethod
    def html(cls) -> Answer:
        return cls(b"<!doctype html><html><body>Not found</body></html>", 200, "text/html")

    @classmethod
    def nested(cls, depth: int = 100_000) -> Answer:
        return cls(b'{"keys": ' + b"[" * depth + b"]" * depth + b"}")

    @classmethod
    def huge(cls, size: int = 5 * 1024 * 1024) -> Answer:
        return cls(b'{"keys": [], "padding": "' + b"x" * size + b'"}')

    @classmethod
    def of_json(cls, document: Any, **options: Any) -> Answer:
        return cls(json.dumps(document).encode(), **options)


@dataclass(frozen=True)
class StoredSession:
    user_id: str
    expires_at: datetime


class JwksServer:
    """Serves `document` as the JWKS (replace it to rotate keys) unless `answer` overrides it.

    Use as a context manager; `url` is the JWKS URL, `base_url` the Better Auth base URL.
    `requests` counts the JWKS fetches, `session_requests` the session lookups.
    """

    def __init__(self, document: dict[str, Any], port: int = 0) -> None:
        self.document = document
        self.answer: Answer | None = None
        self.sessions: dict[str, StoredSession] = {}
        self.requests = 0
        self.session_requests = 0
        owner = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                path = self.path.split("?")[0]
                if path == JWKS_PATH:
                    owner.requests += 1
                    owner._answer_jwks(self)
                elif path == SESSION_PATH:
                    owner.session_requests += 1
                    owner._answer_session(self)
                else:
                    self.send_error(404)

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def url(self) -> str:
        return self.base_url + JWKS_PATH

    def add_session(self, token: str, user_id: str, expires_at: datetime) -> None:
        """Register a session as Better Auth would hold it (`token` without its signature)."""
        self.sessions[token] = StoredSession(user_id, expires_at)

    def start(self) -> JwksServer:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> JwksServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def _answer_jwks(self, handler: BaseHTTPRequestHandler) -> None:
        answer = self.answer or Answer.of_json(self.document)
        if answer.cut:
            handler.close_connection = True
            return
        time.sleep(answer.delay)
        try:
            handler.send_response(answer.status)
            handler.send_header("Content-Type", answer.content_type)
            handler.send_header("Content-Length", str(len(answer.body)))
            handler.end_headers()
            if answer.trickle is None:
                handler.wfile.write(answer.body)
                return
            for byte in answer.body:
                handler.wfile.write(bytes([byte]))
                handler.wfile.flush()
                time.sleep(answer.trickle)
        except OSError:  # the client gave up, as it should
            pass

    def _answer_session(self, handler: BaseHTTPRequestHandler) -> None:
        bearer = handler.headers.get("Authorization", "").removeprefix("Bearer ").strip()
        stored = self.sessions.get(unquote(bearer).split(".")[0])
        body: Any = None
        if stored is not None and stored.expires_at > datetime.now(UTC):
            when = stored.expires_at.isoformat().replace("+00:00", "Z")
            body = {
                "session": {"userId": stored.user_id, "expiresAt": when},
                "user": {"id": stored.user_id},
            }
        raw = json.dumps(body).encode()
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(raw)))
        handler.end_headers()
        handler.wfile.write(raw)
