"""The HTTP server layer: granian, with bounded memory and time per connection.

Why granian, and the measurements behind the limits: `docs/performance.md`.
"""

from __future__ import annotations

import os
import signal
from collections.abc import Mapping

HEADER_BUFFER_BYTES = 32 * 1024
"""The most a connection buffers of a request line and headers; beyond it the answer is 431."""

HEADER_READ_TIMEOUT_SECONDS = 10
"""A request whose headers are not complete by then loses its connection."""

APP_FACTORY = "backend.main:create_app"


def serve(
    *,
    host: str,
    port: int,
    workers: int,
    target: str = APP_FACTORY,
    log_level: str = "INFO",
    log_format: str = "json",
    environment: Mapping[str, str] | None = None,
) -> None:
    """Serve the ASGI app that the factory `target` ("module:function") builds, until a signal;
    the server's own log lines in the app's format (`LOG_LEVEL`, `LOG_FORMAT`).

    Each worker is a process of its own that imports `target` and calls it without arguments,
    so the app reads its settings there, from the environment and `.env`: granian has no way
    to hand a worker anything else. `environment` (variables the caller worked out, such as the
    embedded database's URL) is therefore added to this process's environment, which the
    workers inherit, just before they start.

    HTTP/1.1 only: granian's HTTP/2 would accept header blocks of up to 16 MiB.
    """
    from granian import Granian
    from granian.constants import HTTPModes, Interfaces
    from granian.http import HTTP1Settings
    from granian.log import LogLevels

    from backend.logs import server_log_config

    server = Granian(
        target,
        address=host,
        port=port,
        interface=Interfaces.ASGI,
        factory=True,
        workers=workers,
        http=HTTPModes.http1,
        websockets=False,
        http1_settings=HTTP1Settings(
            header_read_timeout=HEADER_READ_TIMEOUT_SECONDS * 1000,
            max_buffer_size=HEADER_BUFFER_BYTES,
        ),
        log_level=LogLevels(log_level.lower()),
        log_dictconfig=server_log_config(log_format),
    )
    hangup_ignored = signal.getsignal(signal.SIGHUP) == signal.SIG_IGN
    os.environ.update(environment or {})

    @server.on_startup
    def _hangup_stops() -> None:
        """granian reloads its workers on SIGHUP; a closed terminal stops it instead, as Ctrl-C
        does (and under `nohup` a hangup stays ignored)."""
        handler = signal.SIG_IGN if hangup_ignored else server.signal_handler_interrupt
        signal.signal(signal.SIGHUP, handler)

    server.serve()
