"""`make demo`: judge one backend (ours by default), put it under load, write one page."""

from __future__ import annotations

import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.launcher import LaunchError
from judging import context
from judging.backend import LocalBackend
from judging.files import RUN, write_json
from judging.load import LOAD_HISTORY
from judging.page import write_page
from judging.progress import LoadProgress
from judging.run import read_run
from judging.steps import run_step
from judging.summary import summary_lines
from judging.target import Target, clear, from_environment, opened, run_acceptance
from judging.verdict import problems


@dataclass(frozen=True)
class Options:
    root: Path
    reports: Path
    base_url: str | None = None
    users: int = 50
    spawn_rate: float = 10
    duration: str = "30s"
    workers: int = 2
    port: int | None = None


def demo_target(options: Options) -> Target:
    """`BASE_URL`'s deployment, or our backend started for the run."""
    if options.base_url:
        return Target(
            name="deployment",
            description="a running deployment (nothing started by the demo)",
            base_url=options.base_url,
            environment=from_environment(),
        )

    def start(log: Path) -> LocalBackend:
        return LocalBackend(log, workers=options.workers, port=options.port)

    return Target(
        name="reference",
        description=f"our backend, started for this run ({options.workers} workers)",
        start=start,
        own_stack=True,
        reference=True,
    )


def run_demo(options: Options) -> int:
    """The whole demo; 0 when every requirement and threshold held."""
    clear(options.reports)
    target = demo_target(options)
    record: dict[str, Any] = {
        "started_at": context.now(),
        "commit": context.commit(options.root),
        "machine": context.machine(),
        "target": target.description,
        "load": {
            "users": options.users,
            "spawn_rate": options.spawn_rate,
            "duration": options.duration,
        },
        "steps": [],
    }
    try:
        if target.start is not None:
            print("== Starting the backend (embedded PostgreSQL, throwaway data folder)")
        with opened(target, options.reports) as running:
            assert running.base_url is not None
            record["base_url"], record["database"] = running.base_url, running.database
            if target.start is not None:
                print(f"   ready at {running.base_url}", flush=True)
            run_acceptance(target, running, options.reports, record, root=options.root)
            command = _load_command(options, running.base_url)
            print(
                f"== Locust session: {options.users} simulated users for {options.duration} "
                "(a progress line every 5 s; a request is one HTTP call by a simulated user)",
                flush=True,
            )
            with LoadProgress(options.reports / LOAD_HISTORY, options.duration):
                run_step(
                    record,
                    "load",
                    "Locust session",
                    command,
                    cwd=options.root,
                    env=running.env,
                    announce=False,
                )
    except LaunchError as error:
        record["error"] = f"the backend did not start: {error}"
    except KeyboardInterrupt:
        record["interrupted"] = True
    finally:
        record["finished_at"] = context.now()
        write_json(options.reports / RUN, record)
    page = write_page(options.reports, options.root)
    run = read_run(options.reports)
    print("\n".join(summary_lines(run, page, options.reports)))
    if record.get("interrupted"):
        return 130
    return 1 if problems(run) else 0


def _load_command(options: Options, base_url: str) -> list[str]:
    """The load issue's runner, told to target `base_url` rather than start a server."""
    return [
        *(sys.executable, "-m", "load.run", "--host", base_url),
        *("--users", str(options.users), "--spawn-rate", str(options.spawn_rate)),
        *("--run-time", options.duration, "--report", str(options.reports / "load")),
    ]
