"""`python -m load.bench.instructions` counts the app's instructions per request under callgrind:
the same count again on a second run, and more for a request that reaches the database."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from harness.process_group import child_group
from tests.support import PROJECT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed"),
]

ROW = re.compile(r"^\| (\w+) \| ([\d,]+) \|$", re.MULTILINE)


def _count() -> dict[str, int]:
    command = [sys.executable, "-m", "load.bench.instructions", "--requests", "100"]
    command += ["--users", "20", "--kinds", "get", "whoami"]
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    with child_group(command, cwd=PROJECT, **pipes) as tool:  # stopped by SIGTERM if too slow
        out, err = tool.communicate(timeout=600)
    assert tool.returncode == 0, err[-2000:]
    return {kind: int(value.replace(",", "")) for kind, value in ROW.findall(out)}


def test_counts_repeat_and_a_database_round_trip_costs_more_than_none() -> None:
    first, second = _count(), _count()

    assert set(first) == {"get", "whoami"}
    assert 100_000 < first["whoami"] < first["get"]
    for kind, value in first.items():
        assert abs(second[kind] - value) / value < 0.02, (kind, value, second[kind])
