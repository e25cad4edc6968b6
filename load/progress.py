"""A one-line progress report while Locust runs: time, users, requests, failures, p95.

On a terminal the line is rewritten in place (a log line clears it first, and it is drawn again
below); elsewhere (a log, CI) one line is printed per interval. Locust's own stats tables stay
off (`--only-summary`).
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

import gevent

from load.thresholds import Totals


def progress_line(elapsed: float, run_time: float | None, users: int, totals: Totals) -> str:
    """`12/60 s · 50 users · 1,234 requests · 0 failures · p95 38 ms`."""
    p95 = totals.get_response_time_percentile(0.95) or 0
    clock = f"{elapsed:.0f}/{run_time:.0f} s" if run_time else f"{elapsed:.0f} s"
    return (
        f"{clock} · {users} users · {totals.num_requests:,} requests"
        f" · {totals.num_failures:,} failures · p95 {p95:.0f} ms"
    )


class Progress:
    """Reports on `environment` every `every` seconds from a greenlet, until `stop()`."""

    def __init__(self, environment: Any, every: float, stream: TextIO = sys.stderr) -> None:
        self.environment = environment
        self.every = every
        self.stream = stream
        self.in_place = stream.isatty()
        self._started = time.monotonic()
        self._log_handlers = [
            handler
            for handler in logging.getLogger().handlers
            if isinstance(handler, logging.StreamHandler) and self.in_place
        ]
        for handler in self._log_handlers:
            handler.addFilter(self._clear_line)
        self._greenlet = gevent.spawn(self._run)

    def _clear_line(self, record: logging.LogRecord) -> bool:
        self.stream.write("\r\x1b[K")
        return True

    def _run(self) -> None:
        while True:
            gevent.sleep(self.every)
            self._write()

    def _write(self) -> None:
        options, runner = self.environment.parsed_options, self.environment.runner
        line = progress_line(
            time.monotonic() - self._started,
            options.run_time,
            runner.user_count,
            self.environment.stats.total,
        )
        self.stream.write(f"\r\x1b[K{line}" if self.in_place else f"{line}\n")
        self.stream.flush()

    def stop(self) -> None:
        self._greenlet.kill()
        for handler in self._log_handlers:
            handler.removeFilter(self._clear_line)
        self._write()
        if self.in_place:
            self.stream.write("\n")
            self.stream.flush()
