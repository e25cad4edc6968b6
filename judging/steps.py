"""The steps of a judging run: child commands in their own process group, timed and recorded.

Several targets may be judged at once, each in a thread: `cancel()` (on Ctrl-C) interrupts
every running child once and keeps new ones from starting.
"""

from __future__ import annotations

import shlex
import subprocess
import threading
import time
from pathlib import Path
from typing import IO, Any

from harness.process_group import interrupt_group

CHILD_STOP_SECONDS = 30
_running: set[subprocess.Popen[bytes]] = set()
_lock = threading.Lock()
_cancelled = threading.Event()


def run_step(
    record: dict[str, Any],
    name: str,
    title: str,
    command: list[str],
    *,
    cwd: Path,
    env: dict[str, str],
    output: IO[bytes] | None = None,
    announce: bool = True,
) -> int:
    """Run `command`, recording its exit code and duration under `record["steps"]`."""
    if announce:
        print(f"== {title}: {shlex.join(command[1:])}", flush=True)
    started = time.monotonic()
    step: dict[str, Any] = {"name": name, "title": title, "command": shlex.join(command[1:])}
    step["exit_code"] = None
    record.setdefault("steps", []).append(step)
    step["exit_code"] = run_child(command, cwd=cwd, env=env, output=output)
    step["seconds"] = round(time.monotonic() - started, 1)
    return int(step["exit_code"])


def run_child(
    command: list[str], *, cwd: Path, env: dict[str, str], output: IO[bytes] | None = None
) -> int:
    """Run `command` in its own process group; on Ctrl-C pass it one SIGINT and let it clean up.

    Its own group, so that a Ctrl-C in the terminal reaches only us and the child gets exactly
    one interrupt (a second one would cut short its clean-up, e.g. stopping its database).
    """
    with _lock:
        if _cancelled.is_set():
            raise KeyboardInterrupt
        process = subprocess.Popen(
            command,
            cwd=cwd,
            env=env,
            process_group=0,
            stdout=output,
            stderr=subprocess.STDOUT if output is not None else None,
        )
        _running.add(process)
    try:
        code = process.wait()
    except KeyboardInterrupt:
        cancel()
        raise
    finally:
        with _lock:
            _running.discard(process)
    if _cancelled.is_set():
        raise KeyboardInterrupt
    return code


def cancel() -> None:
    """Interrupt every running child (each its own process group) and start no new one."""
    with _lock:
        _cancelled.set()
        children = list(_running)
    for process in children:
        interrupt_group(process, CHILD_STOP_SECONDS)
