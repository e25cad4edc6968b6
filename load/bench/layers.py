"""The server layers the benchmark can run the app on (`--server`), to compare them on one box.

`granian` is production's (`backend/server.py`). The others are what it was measured against
(`docs/performance.md`): uvicorn as it served before (httptools, no header cap, no header
timeout), uvicorn with h11 and its incomplete-event limit, and uvicorn with httptools behind
our own cap; both capped uvicorn layers also get the same header deadline as granian.
"""

from __future__ import annotations

import asyncio
from typing import Any

from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from backend.server import HEADER_BUFFER_BYTES, HEADER_READ_TIMEOUT_SECONDS, serve

LAYERS = ("granian", "uvicorn", "uvicorn-h11", "uvicorn-capped")
DEFAULT_LAYER = "granian"
TOO_LARGE = b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-length: 0\r\n"


class _HeaderDeadline:
    """Closes a connection whose next request's headers are not complete in time."""

    loop: asyncio.AbstractEventLoop
    transport: asyncio.Transport
    _deadline: asyncio.TimerHandle | None = None

    def _arm(self) -> None:
        self._disarm()
        self._deadline = self.loop.call_later(HEADER_READ_TIMEOUT_SECONDS, self.transport.close)

    def _disarm(self) -> None:
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None


class DeadlineH11Protocol(_HeaderDeadline, H11Protocol):
    """h11 (its incomplete-event limit caps the headers) with the header deadline."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def handle_events(self) -> None:
        waiting = self.cycle
        super().handle_events()
        if self.cycle is not waiting:
            self._disarm()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


class CappedHttpToolsProtocol(_HeaderDeadline, HttpToolsProtocol):
    """httptools with our own header cap (431, then close) and the header deadline."""

    _header_bytes = 0
    _in_headers = True

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._arm()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if self._in_headers and not self.transport.is_closing():
            self._header_bytes += len(data)
            if self._header_bytes > HEADER_BUFFER_BYTES:
                self.transport.write(TOO_LARGE + b"connection: close\r\n\r\n")
                self.transport.close()

    def on_headers_complete(self) -> None:
        self._in_headers, self._header_bytes = False, 0
        self._disarm()
        super().on_headers_complete()

    def on_message_complete(self) -> None:
        self._in_headers = True
        super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._arm()

    def connection_lost(self, exc: Exception | None) -> None:
        self._disarm()
        super().connection_lost(exc)


def _uvicorn_options(layer: str) -> dict[str, Any]:
    if layer == "uvicorn-h11":
        return {
            "http": f"{__name__}:DeadlineH11Protocol",
            "h11_max_incomplete_event_size": HEADER_BUFFER_BYTES,
        }
    if layer == "uvicorn-capped":
        return {"http": f"{__name__}:CappedHttpToolsProtocol"}
    return {"http": "httptools"}


def serve_on(layer: str, target: str, *, host: str, port: int, workers: int) -> None:
    """Serve the app factory `target` on `layer` until a signal."""
    if layer == "granian":
        serve(host=host, port=port, workers=workers, target=target)
        return
    import uvicorn

    uvicorn.run(
        target,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_config=None,
        access_log=False,
        server_header=False,
        **_uvicorn_options(layer),
    )
