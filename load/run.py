"""`make load`: start the backend as production does, run Locust headless, judge the thresholds.

    python -m load.run                          # 50 users, 60 s, on a throwaway embedded database
    python -m load.run --users 20 --run-time 20s
    python -m load.run --auth jwks              # Better Auth JWKS-signed tokens (EdDSA)
    python -m load.run --auth session           # Better Auth sessions in its session table
    python -m load.run --host http://127.0.0.1:8000   # an already running server: start nothing
    python -m load.run --port 8100              # the backend on a fixed port (LOAD_PORT too)
    python -m load.run -- --max-p95-ms 200      # anything after `--` goes to Locust

Shows a progress line while it runs (rewritten in place on a terminal, one line every 10 s in a
log or CI). Writes `reports/load.html` and `reports/load_*.csv`; exits with Locust's code (1 on a
breach).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from contextlib import ExitStack
from pathlib import Path

from harness import better_auth
from harness.jwks_server import JwksServer
from harness.stack import migrated_database
from harness.tokens import SigningKey
from load.auth import save_key
from load.server import PROJECT_ROOT, running_server

LOCUSTFILE = PROJECT_ROOT / "load" / "locustfile.py"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "LOAD_AUTH": args.auth}
    if args.host:
        return run_locust(args, args.host, env)
    with ExitStack() as stack:
        print("Starting PostgreSQL and the backend ...", file=sys.stderr)
        database_url = migrated_database(stack)
        auth_url = None
        if args.auth == "jwks":
            key = SigningKey.generate("EdDSA")
            jwks = stack.enter_context(JwksServer(key.jwks()))
            key_file = Path(stack.enter_context(tempfile.TemporaryDirectory())) / "key.json"
            save_key(key, jwks.base_url, key_file)
            auth_url, env["LOAD_SIGNING_KEY"] = jwks.base_url, str(key_file)
        if args.auth == "session":
            better_auth.create_tables(database_url)
            env["LOAD_SESSION_DATABASE_URL"] = database_url
        server = stack.enter_context(
            running_server(database_url, workers=args.workers, auth_url=auth_url, port=args.port)
        )
        env["BETTER_AUTH_SECRET"] = server.secret
        print(f"Backend ready at {server.url} ({args.workers} workers)", file=sys.stderr)
        return run_locust(args, server.url, env)


def run_locust(args: argparse.Namespace, host: str, env: dict[str, str]) -> int:
    command = [
        *(sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless"),
        *("--host", host, "--users", str(args.users), "--spawn-rate", str(args.spawn_rate)),
        *("--run-time", args.run_time, "--stop-timeout", "10", "--only-summary"),
        *("--html", f"{args.report}.html", "--csv", args.report, "--csv-full-history"),
        *("--progress-seconds", str(_progress_seconds(args))),
        *args.locust_args,
    ]
    return subprocess.run(command, cwd=PROJECT_ROOT, env=env).returncode


def _progress_seconds(args: argparse.Namespace) -> float:
    """As asked; else every second on a terminal (the line is rewritten), every 10 s in a log."""
    if args.progress is not None:
        return float(args.progress)
    return 1 if sys.stderr.isatty() else 10


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m load.run", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50, help="simulated users (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--run-time", default="60s", help="how long, e.g. 90s or 5m (default 60s)")
    parser.add_argument("--host", help="test this running server instead of starting one")
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("LOAD_PORT", "0")),
        help="the started backend's port (default: LOAD_PORT, else a free one)",
    )
    parser.add_argument(
        "--progress",
        type=float,
        metavar="SECONDS",
        help="a progress line every SECONDS; 0: none (default: 1 on a terminal, else 10)",
    )
    parser.add_argument("--auth", choices=["hs256", "jwks", "session"], default="hs256")
    parser.add_argument(
        "--report", default="reports/load", help="report prefix: PREFIX.html, PREFIX_stats.csv, ..."
    )
    parser.add_argument("locust_args", nargs="*", help="after `--`: more Locust options")
    return parser


if __name__ == "__main__":
    sys.exit(main())
