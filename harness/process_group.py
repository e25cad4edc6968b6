"""Children in process groups of their own: stopped as Ctrl-C would stop them, or for sure."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

# Signals a child inherits as ignored when we were started with them ignored (`nohup`, `&`).
INHERITED_IGNORES = (signal.SIGINT, signal.SIGHUP, signal.SIGTERM)


def interrupt_group(process: subprocess.Popen[Any], timeout: float) -> None:
    """SIGINT the process's group; SIGKILL it if it has not exited after `timeout` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@contextmanager
def child_group(
    command: list[str], *, stop_timeout: float = 20, **popen: Any
) -> Iterator[subprocess.Popen[Any]]:
    """Run `command` in a session of its own until the block ends, however it ends.

    The child starts with the default action for SIGINT, SIGHUP and SIGTERM even when this
    process ignores them, so that a test can stop it with any of them. At the end whatever is
    left of its group gets SIGTERM, then SIGKILL after `stop_timeout` seconds.
    """
    with _children_start_with_default_signals():
        process = subprocess.Popen(command, start_new_session=True, **popen)
    try:
        yield process
    finally:
        _end_group(process, stop_timeout)
        for stream in (process.stdin, process.stdout, process.stderr):
            if stream is not None:
                stream.close()


def _end_group(process: subprocess.Popen[Any], timeout: float) -> None:
    if _signal_group(process, signal.SIGTERM):
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            pass
    _signal_group(process, signal.SIGKILL)  # whatever outlived the SIGTERM, grandchildren too
    process.wait()


def _signal_group(process: subprocess.Popen[Any], sig: int) -> bool:
    try:
        os.killpg(process.pid, sig)
    except ProcessLookupError:
        return False
    return True


@contextmanager
def _children_start_with_default_signals() -> Iterator[None]:
    """An ignored signal stays ignored in a child, a handled one is reset to the default: while
    a child starts, handle (and drop) the ones we ignore. Only the main thread can."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    ignored = [sig for sig in INHERITED_IGNORES if signal.getsignal(sig) == signal.SIG_IGN]
    for sig in ignored:
        signal.signal(sig, _drop)
    try:
        yield
    finally:
        for sig in ignored:
            signal.signal(sig, signal.SIG_IGN)


def _drop(signum: int, frame: FrameType | None) -> None:
    """Stands in for SIG_IGN while a child starts."""
