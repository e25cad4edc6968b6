"""`make load` shows progress while it runs: a line with time, users, requests, failures and
p95 (issue 11), instead of silence until the summary."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from harness.process_group import child_group
from harness.stack import Stack
from load.progress import progress_line
from tests.support import PROJECT

LINE = re.compile(r"^\d+/3 s · \d+ users · [\d,]+ requests · [\d,]+ failures · p95 \d+ ms$")


@dataclass
class Totals:
    num_requests: int
    num_failures: int
    p95: float | None

    @property
    def fail_ratio(self) -> float:
        return self.num_failures / self.num_requests if self.num_requests else 0.0

    def get_response_time_percentile(self, percent: float) -> float | None:
        return self.p95


def test_the_progress_line_says_time_users_requests_failures_and_p95() -> None:
    assert progress_line(12.4, 60, 50, Totals(12345, 2, 38.2)) == (
        "12/60 s · 50 users · 12,345 requests · 2 failures · p95 38 ms"
    )
    assert progress_line(3, None, 0, Totals(0, 0, None)) == (
        "3 s · 0 users · 0 requests · 0 failures · p95 0 ms"
    )


def test_a_load_run_prints_progress_while_it_runs(stack: Stack, tmp_path: Path) -> None:
    command = [
        *(sys.executable, "-m", "load.run", "--host", stack.url, "--users", "2"),
        *("--spawn-rate", "2", "--run-time", "3s", "--progress", "1"),
        *("--report", str(tmp_path / "load"), "--", "--min-requests", "0"),
    ]
    env = {**os.environ, "BETTER_AUTH_SECRET": stack.secret}
    with child_group(
        command, cwd=PROJECT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        _, err = process.communicate(timeout=90)
    assert process.returncode == 0, err
    lines = [line for line in err.splitlines() if LINE.match(line)]
    assert len(lines) >= 2, err
    assert (tmp_path / "load.html").exists()
