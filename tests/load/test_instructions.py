"""`python -m load.bench.instructions` counts the app's instructions per request under callgrind:
the same count again on a second run, and more for a request that reaches the database."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys

import pytest

from tests.support import PROJECT

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("valgrind") is None, reason="valgrind is not installed"),
]

ROW = re.compile(r"^\| (\w+) \| ([\d,]+) \|$", re.MULTILINE)


def _count() -> dict[str, int]:
    command = [sys.executable, "-m", "load.bench.instructions", "--requests", "100"]
    command += ["--users", "20", "--kinds", "get", "whoami"]
    done = subprocess.run(command, cwd=PROJECT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-2000:]
    return {kind: int(value.replace(",", "")) for kind, value in ROW.findall(done.stdout)}


def test_counts_repeat_and_a_database_round_trip_costs_more_than_none() -> None:
    first, second = _count(), _count()

    assert set(first) == {"get", "whoami"}
    assert 100_000 < first["whoami"] < first["get"]
    for kind, value in first.items():
        assert abs(second[kind] - value) / value < 0.02, (kind, value, second[kind])
