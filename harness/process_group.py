"""Stopping a child started in its own process group, as Ctrl-C would stop it."""

from __future__ import annotations

import os
import signal
import subprocess


def interrupt_group(process: subprocess.Popen[bytes], timeout: float) -> None:
    """SIGINT the process's group; SIGKILL it if it has not exited after `timeout` seconds."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGINT)
    try:
        process.wait(timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
