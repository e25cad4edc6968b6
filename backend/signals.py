"""SIGTERM and SIGHUP end a command the way Ctrl-C does, so its clean-up runs.

`timeout`, systemd, Docker and CI stop a process with SIGTERM, a closed terminal with SIGHUP;
Python's default for both is to die on the spot, skipping the clean-up that stops the embedded
PostgreSQL. Inside `stop_on_signals()` they raise `Stopped` instead. Once serving, the server
(`backend/server.py`) handles them itself with a graceful shutdown. A signal that was ignored
when the process started (`nohup`) stays ignored.
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

STOP_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Stopped(BaseException):
    """A stop signal arrived; like `KeyboardInterrupt`, not caught by `except Exception`."""

    def __init__(self, signum: int) -> None:
        self.signum = signum
        self.name = signal.Signals(signum).name
        super().__init__(f"stopped by {self.name}")


def _stop(signum: int, frame: FrameType | None) -> None:
    raise Stopped(signum)


@contextmanager
def stop_on_signals() -> Iterator[None]:
    """Within the block, SIGTERM and SIGHUP raise `Stopped` (in the main thread)."""
    previous = {
        signum: signal.signal(signum, _stop)
        for signum in STOP_SIGNALS
        if signal.getsignal(signum) != signal.SIG_IGN
    }
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
