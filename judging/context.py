"""The run's context for the page: commit, date, machine, database, target."""

from __future__ import annotations

import os
import platform
import subprocess
from datetime import UTC, datetime
from pathlib import Path

import psutil


def commit(repository: Path) -> str:
    """The short commit id, marked when the working tree has changes; "unknown" outside git."""
    try:
        head = _git(repository, "rev-parse", "--short", "HEAD")
        changes = _git(repository, "status", "--porcelain", "--untracked-files=no")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"
    return f"{head} (with uncommitted changes)" if changes else head


def _git(repository: Path, *args: str) -> str:
    result = subprocess.run(
        ["git", *args], cwd=repository, capture_output=True, text=True, check=True, timeout=10
    )
    return result.stdout.strip()


def machine() -> str:
    """CPU model and count, memory, operating system, Python."""
    return ", ".join(
        part
        for part in (
            _cpu_model(),
            f"{os.cpu_count()} cores",
            _memory(),
            platform.platform(terse=True),
            f"Python {platform.python_version()}",
        )
        if part
    )


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def _memory() -> str:
    return f"{psutil.virtual_memory().total / 1024**3:.0f} GiB RAM"


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")
