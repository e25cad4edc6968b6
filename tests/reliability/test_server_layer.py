"""Below HTTP parsing, on the real server as `make run` starts it (`python -m backend serve`,
`backend/server.py`), in a subprocess, over raw sockets: header caps and read timeouts bound
what one connection can hold, and the server keeps answering everybody else (issue 12)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from urllib.parse import urlsplit

import httpx
import psutil
import pytest

from backend.middleware import BODY_TIMEOUT_SECONDS
from backend.server import HEADER_BUFFER_BYTES, HEADER_READ_TIMEOUT_SECONDS
from harness.tokens import hs256_token
from load.server import RunningServer, running_server

MIB = 2**20
MEMORY_BUDGET = 16 * MIB
WORKERS = 2
CHUNK = b"a" * 65536


@pytest.fixture(scope="module")
def server(database_url: str) -> Iterator[RunningServer]:
    with running_server(database_url, workers=WORKERS) as running:
        yield running


def address(server: RunningServer) -> tuple[str, int]:
    url = urlsplit(server.url)
    return url.hostname or "127.0.0.1", url.port or 80


def rss(server: RunningServer) -> int:
    """The resident memory of the server and all its processes."""
    root = psutil.Process(server.pid)
    return sum(p.memory_info().rss for p in [root, *root.children(recursive=True)])


def open_request(server: RunningServer, head: bytes) -> socket.socket:
    sock = socket.create_connection(address(server), timeout=5)
    sock.sendall(head)
    return sock


def stream_header(sock: socket.socket, limit: int) -> int:
    """Send up to `limit` bytes of one header's value; how many the server took."""
    sent = 0
    try:
        while sent < limit:
            sock.sendall(CHUNK)
            sent += len(CHUNK)
    except OSError:  # refused and closed, or no longer read from (the send timed out)
        pass
    return sent


def answer(sock: socket.socket) -> bytes:
    """What the server sent before closing (b"" when it closed without a word)."""
    received = b""
    try:
        while chunk := sock.recv(65536):
            received += chunk
    except OSError:
        pass
    return received


def assert_serving(server: RunningServer) -> None:
    assert httpx.get(server.url + "/health", timeout=5).status_code == 200


def test_the_server_runs_the_configured_number_of_workers(server: RunningServer) -> None:
    assert len(psutil.Process(server.pid).children()) == WORKERS


def test_a_header_well_under_the_cap_is_served(server: RunningServer) -> None:
    cookie = "c" * (HEADER_BUFFER_BYTES // 2)
    response = httpx.get(server.url + "/health", headers={"Cookie": cookie}, timeout=5)
    assert response.status_code == 200


def test_an_unfinished_128_mib_header_is_cut_off_and_memory_stays_bounded(
    server: RunningServer,
) -> None:
    before = rss(server)
    with open_request(server, b"GET /health HTTP/1.1\r\nHost: t\r\nX-Big: ") as sock:
        sent = stream_header(sock, 128 * MIB)
        assert_serving(server)
        grown = rss(server) - before
        reply = answer(sock)
    assert grown < MEMORY_BUDGET, f"grew {grown / MIB:.1f} MiB"
    assert sent < 8 * MIB, "the server kept reading the header"
    assert reply == b"" or reply.startswith(b"HTTP/1.1 431"), reply[:80]


def test_eight_16_mib_headers_at_once_leave_memory_bounded(server: RunningServer) -> None:
    before = rss(server)
    sockets = [
        open_request(server, b"GET /health HTTP/1.1\r\nHost: t\r\nX-Big: ") for _ in range(8)
    ]
    sent: list[int] = []
    threads = [
        threading.Thread(target=lambda s=sock: sent.append(stream_header(s, 16 * MIB)))
        for sock in sockets
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert_serving(server)
    grown = rss(server) - before
    for sock in sockets:
        sock.close()
    assert grown < MEMORY_BUDGET, f"grew {grown / MIB:.1f} MiB"
    assert max(sent) < 8 * MIB


def test_head_sends_no_body_on_the_wire_and_keeps_the_connection(server: RunningServer) -> None:
    with socket.create_connection(address(server), timeout=5) as sock:
        sock.sendall(
            b"HEAD /health HTTP/1.1\r\nHost: t\r\n\r\nGET /health HTTP/1.1\r\nHost: t\r\n\r\n"
        )
        time.sleep(0.5)
        received = sock.recv(65536)
    head, _, rest = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert rest.startswith(b"HTTP/1.1 200"), "HEAD's answer carried a body"
    assert rest.endswith(b"}")


@pytest.mark.slow
def test_a_never_finished_header_loses_its_connection_after_the_timeout(
    server: RunningServer,
) -> None:
    started = time.monotonic()
    with open_request(server, b"GET /health HTTP/1.1\r\nHost: t\r\nX-Slow: ") as sock:
        sock.settimeout(HEADER_READ_TIMEOUT_SECONDS + 10)
        assert_serving(server)
        reply = answer(sock)
    waited = time.monotonic() - started
    assert reply == b"" or reply.startswith(b"HTTP/1.1 408"), reply[:80]
    assert HEADER_READ_TIMEOUT_SECONDS - 1 <= waited < HEADER_READ_TIMEOUT_SECONDS + 10


@pytest.mark.slow
def test_a_never_finished_body_is_408_after_the_timeout(server: RunningServer) -> None:
    token = hs256_token("u", server.secret)
    head = (
        f"POST /api/u/tasks HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer {token}\r\n"
        "Content-Type: application/json\r\nContent-Length: 100\r\n\r\n"
    ).encode()
    started = time.monotonic()
    with open_request(server, head + b'{"title": ') as sock:
        sock.settimeout(BODY_TIMEOUT_SECONDS + 10)
        assert_serving(server)
        reply = answer(sock)
    waited = time.monotonic() - started
    assert reply.startswith(b"HTTP/1.1 408"), reply[:80]
    assert b"not received within" in reply
    assert BODY_TIMEOUT_SECONDS - 1 <= waited < BODY_TIMEOUT_SECONDS + 10
