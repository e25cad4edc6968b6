"""`make bench`: our backend against the limits of this machine, in one unattended run.

1. the frontend-like mix (50% list of ~20 tasks, 20% create, 15% toggle, 10% update, 5% get)
   over 200 users, with wrk at 50 and at 200 connections; then the same mix at the first
   connection count with Better Auth session tokens (looked up in its `session` table);
2. the ceilings: bare FastAPI (one trivial route, no middleware, no database) at the same
   connection counts, an authenticated route with no database work (framework + token check),
   our bare `/health`, and pgbench running the mix's statements straight on the database;
3. the server processes' peak memory, and list latency for a user with 10,000 tasks.

The app runs with its production settings on a throwaway embedded PostgreSQL, on the server
layer `--server` names (default: production's, granian; `load/bench/layers.py`); wrk and pgbench
are pinned to one core. Prints, from the same run, ours / bare FastAPI and the server's CPU time
per request at each connection count. Writes `reports/bench.md` and `.json`.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy.engine import make_url

from harness import better_auth
from harness.database import throwaway_server
from harness.stack import migrated_database
from harness.tokens import hs256_token
from load.bench import processes, report, seed
from load.bench.ceiling import BARE_APP, CEILING_APP
from load.bench.layers import DEFAULT_LAYER, LAYERS
from load.bench.processes import CpuMeter, PeakMemory
from load.bench.tools import Result, ToolMissing, run_pgbench, run_wrk, wrk_path
from load.server import RunningServer, running_server

WARM_UP_SECONDS = 3
SCENARIOS = ("mix", "session-mix", "health", "big-list", "ceiling", "bare", "pgbench")
MIX = "our API, frontend mix"
SESSION_MIX = "our API, frontend mix, Better Auth sessions"
CEILING = "authenticated route, no database"
BARE = "bare FastAPI, one trivial route"
PGBENCH = "pgbench, same statements"
LIST_SAMPLES = 30


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        wrk_path()
    except ToolMissing as missing:
        print(missing, file=sys.stderr)
        return 1
    about = report.machine()
    results: list[Result] = []
    baseline = args.connections[0]
    extras: dict[str, Any] = {}
    with ExitStack() as stack:
        database_url = migrated_database(stack, stack.enter_context(throwaway_server()))
        better_auth.create_tables(database_url)  # before the server: it then reads them
        scratch = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="todo-bench-")))
        users_file = scratch / "users.txt"
        env = {
            "BENCH_USERS": str(users_file),
            "BENCH_TASKS_PER_USER": str(args.tasks),
            "PATH": "/usr/bin:/bin",
        }

        socket_dir = make_url(database_url).query.get("host")  # the embedded server's folder
        postgres = processes.postgres_root(socket_dir) if isinstance(socket_dir, str) else None

        def wrk(name: str, server: RunningServer, mode: str, connections: int) -> None:
            def measure(label: str, seconds: float) -> Result:
                return run_wrk(
                    label, server.url, mode=mode, connections=connections, seconds=seconds, env=env
                )

            measure("warm-up", WARM_UP_SECONDS)
            with CpuMeter(server.pid, postgres) as cpu:
                result = measure(name, args.seconds)
            results.append(cpu.per_request(result))
            print(_line(results[-1]), file=sys.stderr)

        serving = {"workers": args.workers, "layer": args.server}
        with running_server(database_url, **serving) as server:
            seed.write_users(users_file, server.secret, args.users, args.tasks)
            with PeakMemory(server.pid) as memory:
                for connections in args.connections if "mix" in args.only else []:
                    seed.reset(database_url, args.users, args.tasks)
                    wrk(MIX, server, "mix", connections)
                if "session-mix" in args.only:
                    seed.write_session_users(
                        users_file, database_url, server.secret, args.users, args.tasks
                    )
                    seed.reset(database_url, args.users, args.tasks)
                    wrk(SESSION_MIX, server, "mix", baseline)
                if "health" in args.only:
                    wrk("bare /health (no auth, no database)", server, "health", baseline)
                if "big-list" in args.only:
                    seed.add_big_user(database_url, args.big_list)
                    extras.update(_big_list(server.url, server.secret, args.big_list))
            extras["server peak memory"] = (
                f"{memory.peak_mib:.0f} MiB RSS over {memory.processes} processes"
                f" ({args.workers} workers + supervisor)"
            )
        if "ceiling" in args.only:
            with running_server(database_url, target=CEILING_APP, **serving) as ceiling:
                seed.write_users(users_file, ceiling.secret, args.users, args.tasks)
                wrk(CEILING, ceiling, "whoami", baseline)
        if "bare" in args.only:
            with running_server(database_url, target=BARE_APP, **serving) as bare:
                for connections in args.connections:
                    wrk(BARE, bare, "health", connections)
        if "pgbench" in args.only:
            seed.reset(database_url, args.users, args.tasks)
            results.append(_pgbench(database_url, postgres, args))
            print(_line(results[-1]), file=sys.stderr)
    about["server_layer"] = args.server
    extras = {**_headline(results), **cpu_bound(results, about["cores"] or 1), **extras}
    table = report.write(Path(args.out), results, extras, _ratios(results), about)
    print("\n" + table)
    return 0


def _pgbench(database_url: str, postgres: int | None, args: argparse.Namespace) -> Result:
    with CpuMeter(None, postgres) as cpu:
        database = run_pgbench(
            PGBENCH,
            database_url,
            clients=args.pgbench_clients,
            seconds=args.seconds,
            users=args.users,
            tasks=args.tasks,
            first_user=seed.FIRST_USER,
        )
    return cpu.per_request(database)


def _ratios(results: list[Result]) -> dict[str, float]:
    """Ours against bare FastAPI at each connection count, and at the first connection count
    against the other ceilings that were measured."""
    by_name = {r.name: r for r in reversed(results)}
    ours = by_name.get(MIX)
    ratios = {
        f"ours / bare FastAPI at {c} connections (requests/s)": mix.per_second / bare.per_second
        for c, mix, bare in _pairs(results, BARE)
    }
    if ours and SESSION_MIX in by_name:
        ratios["session mode / HS256 mode (requests/s)"] = (
            by_name[SESSION_MIX].per_second / ours.per_second
        )
    for label, name in (("framework+auth ceiling", CEILING), ("database ceiling", PGBENCH)):
        if ours and name in by_name:
            ratios[f"ours / {label} (requests/s)"] = ours.per_second / by_name[name].per_second
    return ratios


def _pairs(results: list[Result], ceiling: str) -> list[tuple[int, Result, Result]]:
    """(connections, the mix, the ceiling) for each connection count both were measured at."""
    mixes = {r.connections: r for r in results if r.name == MIX}
    ceilings = {r.connections: r for r in results if r.name == ceiling}
    return [(c, mixes[c], ceilings[c]) for c in mixes if c in ceilings]


def _headline(results: list[Result]) -> dict[str, str]:
    """One line per connection count: throughput, its ratio to bare FastAPI, p99, CPU."""
    return {
        f"at {c} connections": (
            f"{mix.per_second:,.0f} requests/s = {mix.per_second / bare.per_second:.2f} of bare"
            f" FastAPI ({bare.per_second:,.0f}/s); p99 {mix.p99_ms:.0f} ms; {mix.errors} errors;"
            f" server CPU {mix.server_cpu_ms} ms/request (bare FastAPI {bare.server_cpu_ms})"
        )
        for c, mix, bare in _pairs(results, BARE)
    }


def cpu_bound(results: list[Result], cores: int) -> dict[str, str]:
    """For each mix measured: the most requests/s this machine's cores allow at the CPU time per
    request that the server and the database spent in it (the load generator's own CPU left
    out, so a bound from above). Throughput near it means the machine, not waiting, limits."""
    bounds = {}
    for mix in (r for r in results if r.name == MIX):
        if mix.server_cpu_ms is None or mix.database_cpu_ms is None:
            continue
        per_request = mix.server_cpu_ms + mix.database_cpu_ms
        if per_request <= 0:
            continue
        most = cores * 1000 / per_request
        bounds[f"CPU bound at {mix.connections} connections"] = (
            f"{cores} cores / ({mix.server_cpu_ms:.2f} ms server + {mix.database_cpu_ms:.2f} ms"
            f" database) = at most {most:,.0f} requests/s; measured {mix.per_second:,.0f}"
            f" ({mix.per_second / most:.0%} of it)"
        )
    return bounds


def _big_list(url: str, secret: str, tasks: int) -> dict[str, Any]:
    """Sequential `GET /api/{user}/tasks` for a user with `tasks` tasks: latency and size."""
    token = hs256_token(seed.BIG_USER, secret)
    timings: list[float] = []
    with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as client:
        for _ in range(LIST_SAMPLES):
            started = time.perf_counter()
            response = client.get(f"/api/{seed.BIG_USER}/tasks")
            timings.append((time.perf_counter() - started) * 1000)
            if response.status_code != 200 or len(response.json()) != tasks:
                raise RuntimeError(f"the {tasks}-task list failed: {response.status_code}")
    timings.sort()
    return {
        f"list of {tasks:,} tasks": (
            f"median {statistics.median(timings):.0f} ms, worst {timings[-1]:.0f} ms"
            f" of {LIST_SAMPLES} sequential requests, {len(response.content) / 2**20:.1f} MiB each"
        )
    }


def _line(result: Result) -> str:
    return (
        f"{result.name} @ {result.connections}: {result.per_second:,.0f}/s,"
        f" p50 {result.p50_ms:.1f} ms, p99 {result.p99_ms:.1f} ms, {result.errors} errors,"
        f" CPU/request: server {result.server_cpu_ms} ms, database {result.database_cpu_ms} ms"
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m load.bench", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--seconds", type=float, default=15, help="each measurement (default 15)")
    parser.add_argument(
        "--connections", type=int, nargs="+", default=[50, 200], help="wrk connections for the mix"
    )
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument(
        "--server", choices=LAYERS, default=DEFAULT_LAYER, help="server layer (default granian)"
    )
    parser.add_argument("--users", type=int, default=200, help="users in the mix (default 200)")
    parser.add_argument("--tasks", type=int, default=20, help="tasks per user (default 20)")
    parser.add_argument("--big-list", type=int, default=10_000, help="the big user's tasks")
    parser.add_argument("--pgbench-clients", type=int, default=20, help="default 20 (the pools)")
    parser.add_argument(
        "--only", nargs="+", choices=SCENARIOS, default=SCENARIOS, help="run only these parts"
    )
    parser.add_argument("--out", default="reports/bench", help="writes OUT.md and OUT.json")
    return parser


if __name__ == "__main__":
    sys.exit(main())
