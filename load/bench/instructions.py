"""`python -m load.bench.instructions`: the app's CPU instructions per request, by kind.

The app runs in one process under valgrind's callgrind, called straight through ASGI (no HTTP
server, no load generator), on a throwaway embedded PostgreSQL seeded as `make bench` seeds it;
only the requests themselves are counted, kind by kind, once every user's token was verified
and each kind's statements prepared (as after `make bench`'s warm-up). Instruction counts
repeat within a fraction of a percent however busy the machine is, where requests/s and CPU
time move by 10-20% from one run to the next on a shared two-core box: run it in two checkouts
to compare a change (`docs/performance.md`). Needs valgrind (`apt-get install valgrind`).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import shutil
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path
from typing import IO, Any

from backend.signals import Stopped, stop_on_signals
from harness.database import throwaway_server
from harness.process_group import child_group
from harness.stack import migrated_database
from harness.tokens import hs256_token
from load.bench import seed

KINDS = ("list", "create", "toggle", "update", "get", "whoami")
MIX_WEIGHTS = {"list": 0.50, "create": 0.20, "toggle": 0.15, "update": 0.10, "get": 0.05}
"""The shares of `load/bench/wrk.lua`'s mix."""

SECRET = "instructions-benchmark-secret-of-40-chars"
CONTROL_TIMEOUT_SECONDS = 60
WARM_UP = 20
"""Requests of each kind before its count: psycopg prepares a statement at its fifth run."""
Request = tuple[str, str, list[tuple[bytes, bytes]], bytes]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.inner:
        asyncio.run(_count_inside(args))
        return 0
    valgrind = shutil.which("valgrind")
    if valgrind is None:
        print("valgrind is not installed: apt-get install valgrind", file=sys.stderr)
        return 1
    try:
        with stop_on_signals():  # SIGTERM or SIGHUP still stops valgrind and the database
            counts = count(valgrind, args)
    except Stopped as stopped:
        print(stopped, file=sys.stderr)
        return 1
    print(render(counts, args.requests))
    return 0


def count(valgrind: str, args: argparse.Namespace) -> dict[str, int]:
    """Instructions per request of each kind in `args.kinds`."""
    with ExitStack() as stack:
        database_url = migrated_database(stack, stack.enter_context(throwaway_server()))
        seed.reset(database_url, args.users, args.tasks)
        out = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="todo-callgrind-")))
        command = [
            valgrind,
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}/callgrind.out",
            sys.executable,
            "-m",
            "load.bench.instructions",
            "--inner",
            *("--requests", str(args.requests), "--users", str(args.users)),
            *("--tasks", str(args.tasks), "--database-url", database_url),
            *("--kinds", *args.kinds),
        ]
        log = stack.enter_context((out / "valgrind.log").open("w+"))
        pipes = {"stdin": subprocess.PIPE, "stdout": subprocess.PIPE, "stderr": log, "text": True}
        inner = stack.enter_context(child_group(command, stop_timeout=5, **pipes))
        counts = {}
        for kind in args.kinds:
            _expect(inner, f"ready {kind}", log)
            _callgrind(inner.pid, "--instr=on")
            _say(inner, "go")
            _expect(inner, f"done {kind}", log)  # and it waits until told `next`
            _callgrind(inner.pid, "--instr=off")
            _callgrind(inner.pid, "--dump")
            counts[kind] = _dumped(out) // args.requests
            _say(inner, "next")
    return counts


def render(counts: dict[str, int], requests: int) -> str:
    lines = ["| request | instructions/request |", "|---|---:|"]
    lines.extend(f"| {kind} | {value:,} |" for kind, value in counts.items())
    if all(kind in counts for kind in MIX_WEIGHTS):
        mix = sum(share * counts[kind] for kind, share in MIX_WEIGHTS.items())
        lines.append(f"| the mix (weighted as `wrk.lua`) | {mix:,.0f} |")
    return "\n".join(lines) + f"\n\n{requests} requests of each kind, after a warm-up.\n"


def _callgrind(pid: int, option: str) -> None:
    command = ["callgrind_control", option, str(pid)]
    subprocess.run(command, check=True, capture_output=True, timeout=CONTROL_TIMEOUT_SECONDS)


def _say(inner: subprocess.Popen[str], line: str) -> None:
    assert inner.stdin
    inner.stdin.write(line + "\n")
    inner.stdin.flush()


def _expect(inner: subprocess.Popen[str], line: str, log: IO[str]) -> None:
    """The counted process's next line must be `line`; else its error, from valgrind's log."""
    assert inner.stdout
    got = inner.stdout.readline().strip()
    if got != line:
        inner.kill()  # child_group then stops what is left of its group
        inner.wait()
        log.seek(0)
        tail = "".join(log.readlines()[-20:])
        raise RuntimeError(f"the counted process said {got!r}, not {line!r}:\n{tail}")


def _dumped(out: Path) -> int:
    """The instructions of the newest dump, which is then removed (each dump holds the counts
    since the previous one). Its `totals:` line is the one to read: with instrumentation
    switched on late, the `summary:` line at the top says 0."""
    dump = max(out.glob("callgrind.out.*"), key=lambda path: path.stat().st_mtime_ns)
    totals = [line for line in dump.read_text().splitlines() if line.startswith("totals:")]
    if not totals:
        raise RuntimeError(f"no totals in {dump.name}")
    dump.unlink()
    return int(totals[-1].split()[1])


async def _count_inside(args: argparse.Namespace) -> None:
    """The counted process: the app with its production settings on the seeded database, then,
    for each kind, one line `ready KIND`, a wait for `go`, the requests, `done KIND` and a wait
    for `next` (so that nothing after the requests runs while the count is still on)."""
    from backend.main import create_app
    from backend.settings import Settings
    from load.bench.ceiling import router

    settings = Settings(
        better_auth_secret=SECRET,
        database_url=args.database_url,
        log_level="WARNING",
        _env_file=None,
    )
    app = create_app(settings)
    app.include_router(router)
    chooser = random.Random(1)
    tokens = [hs256_token(str(seed.FIRST_USER + n), SECRET, ttl=3600) for n in range(args.users)]
    async with app.router.lifespan_context(app):
        for number in range(args.users):  # each user's token verified once, as under wrk
            await _call(app, *_request("whoami", chooser, tokens, args.tasks, number))
        for kind in args.kinds:
            requests = [_request(kind, chooser, tokens, args.tasks) for _ in range(args.requests)]
            for request in requests[:WARM_UP]:  # the statements prepared, not counted
                await _call(app, *request)
            print(f"ready {kind}", flush=True)
            sys.stdin.readline()
            for request in requests:
                await _call(app, *request)
            print(f"done {kind}", flush=True)
            sys.stdin.readline()


def _request(
    kind: str, chooser: random.Random, tokens: list[str], tasks: int, number: int | None = None
) -> Request:
    """One request of `kind` for seeded user `number` (default: a random one) with that user's
    token, as `wrk.lua` sends it."""
    number = chooser.randrange(len(tokens)) if number is None else number
    user = str(seed.FIRST_USER + number)
    headers = [(b"host", b"127.0.0.1"), (b"authorization", f"Bearer {tokens[number]}".encode())]
    json_headers = [*headers, (b"content-type", b"application/json")]
    base = f"/api/{user}/tasks"
    one = f"{base}/{number * tasks + chooser.randint(1, tasks)}"
    return {
        "list": ("GET", base, headers, b""),
        "create": ("POST", base, json_headers, b'{"title":"Benchmark task","description":"x"}'),
        "toggle": ("PATCH", f"{one}/complete", headers, b""),
        "update": ("PUT", one, json_headers, b'{"title":"Renamed"}'),
        "get": ("GET", one, headers, b""),
        "whoami": ("GET", f"/api/{user}/whoami", headers, b""),
    }[kind]


async def _call(app: Any, method: str, path: str, headers: list[Any], body: bytes) -> None:
    """One request straight through the ASGI app; anything but 2xx is an error."""
    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [*headers, (b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 40000),
        "server": ("127.0.0.1", 8000),
    }
    messages = [{"type": "http.request", "body": body, "more_body": False}]
    status = 0

    async def receive() -> dict[str, Any]:
        if messages:
            return messages.pop()
        await asyncio.Event().wait()  # the client never disconnects
        raise AssertionError

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]

    await app(scope, receive, send)
    if not 200 <= status < 300:
        raise RuntimeError(f"{method} {path} answered {status}")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m load.bench.instructions", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--requests", type=int, default=300, help="of each kind (default 300)")
    parser.add_argument("--kinds", nargs="+", choices=KINDS, default=list(KINDS))
    parser.add_argument("--users", type=int, default=200, help="seeded users (default 200)")
    parser.add_argument("--tasks", type=int, default=20, help="tasks per user (default 20)")
    parser.add_argument("--inner", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--database-url", help=argparse.SUPPRESS)
    return parser


if __name__ == "__main__":
    sys.exit(main())
