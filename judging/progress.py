"""A progress line every few seconds while Locust runs, read from the history it appends."""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from judging.load import Sample, read_history


def progress_line(sample: Sample, duration: str) -> str:
    p95 = f"{sample.p95_ms:,.0f} ms" if sample.p95_ms is not None else "–"
    return (
        f"   load {sample.seconds:3.0f} s of {duration}: {sample.users} users, "
        f"{sample.requests_per_second:,.0f} requests/s, {sample.requests:,} requests so far, "
        f"{sample.failures:,} failed, p95 {p95}"
    )


class LoadProgress:
    """While the block runs, prints `progress_line` for the newest second every `every` s."""

    def __init__(
        self,
        history: Path,
        duration: str,
        *,
        every: float = 5.0,
        say: Callable[[str], None] = lambda line: print(line, flush=True),
    ) -> None:
        self.history = history
        self.duration = duration
        self.every = every
        self.say = say
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)
        self._said: float | None = None

    def _watch(self) -> None:
        while not self._stop.wait(self.every):
            self.tick()

    def tick(self) -> None:
        """Print the newest second, if there is a new one."""
        try:
            samples = read_history(self.history)
        except (OSError, ValueError):  # read while Locust writes: try again next time
            return
        if samples and samples[-1].users and samples[-1].seconds != self._said:
            self._said = samples[-1].seconds
            self.say(progress_line(samples[-1], self.duration))

    def __enter__(self) -> LoadProgress:
        self._thread.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
