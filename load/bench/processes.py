"""What the server's processes use: peak resident memory, and CPU time per request.

CPU seconds per request are the benchmark's least noisy number on a shared machine: other
load slows the server down but does not make each request cost more CPU.
"""

from __future__ import annotations

import dataclasses
import threading
from pathlib import Path

import psutil

from load.bench.tools import Result

INTERVAL_SECONDS = 0.2


def tree(pid: int) -> list[psutil.Process]:
    root = psutil.Process(pid)
    return [root, *root.children(recursive=True)]


def postgres_root(data_dir: str) -> int | None:
    """The postmaster serving `data_dir` (its backends are its children), if it runs here."""
    wanted = str(Path(data_dir).resolve())
    for process in psutil.process_iter(["name", "cmdline"]):
        cmdline = process.info["cmdline"] or []
        if process.info["name"] == "postgres" and "-D" in cmdline:
            if cmdline[cmdline.index("-D") + 1] == wanted:
                return process.pid
    return None


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process and its children, living or reaped.

    PostgreSQL forks a backend per connection: the ones that exited count through the
    postmaster's `children_*` times.
    """
    root, *children = tree(pid)
    times = root.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for process in children:
        try:
            times = process.cpu_times()
            total += times.user + times.system
        except psutil.NoSuchProcess:
            continue
    return total


class PeakMemory:
    """The largest summed RSS of a process and its children seen while the block runs."""

    def __init__(self, pid: int) -> None:
        self._pid = pid
        self._stopped = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self.peak_bytes = 0
        self.processes = 0

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stopped.set()
        self._thread.join()

    @property
    def peak_mib(self) -> float:
        return self.peak_bytes / 2**20

    def _sample(self) -> None:
        while not self._stopped.wait(INTERVAL_SECONDS):
            total, count = 0, 0
            for process in tree(self._pid):
                try:
                    total += process.memory_info().rss
                    count += 1
                except psutil.NoSuchProcess:
                    continue
            if total > self.peak_bytes:
                self.peak_bytes, self.processes = total, count


class CpuMeter:
    """CPU milliseconds per request of the server's and the database's processes in a block."""

    def __init__(self, server: int | None, database: int | None) -> None:
        self._roots = {"server_cpu_ms": server, "database_cpu_ms": database}
        self._used: dict[str, float] = {}

    def _read(self) -> dict[str, float]:
        return {name: cpu_seconds(pid) for name, pid in self._roots.items() if pid is not None}

    def __enter__(self) -> CpuMeter:
        self._start = self._read()
        return self

    def __exit__(self, *exc: object) -> None:
        self._used = {name: used - self._start[name] for name, used in self._read().items()}

    def per_request(self, result: Result) -> Result:
        requests = max(result.requests, 1)
        spent = {name: round(used * 1000 / requests, 3) for name, used in self._used.items()}
        return dataclasses.replace(
            result,
            server_cpu_ms=spent.get("server_cpu_ms"),
            database_cpu_ms=spent.get("database_cpu_ms"),
        )
