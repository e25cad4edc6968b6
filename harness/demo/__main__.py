"""`python -m harness.demo [run|render]`: what `make demo` calls."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from harness.demo.orchestrate import Options, run_demo
from harness.demo.page import write_page

ROOT = Path(__file__).resolve().parents[2]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_as_on_ctrl_c)  # so a killed demo still cleans up
    reports = args.reports.resolve()
    if args.command == "render":
        print(write_page(reports, ROOT))
        return 0
    if args.base_url and not os.environ.get("BETTER_AUTH_SECRET"):
        print("A BASE_URL run needs the deployment's BETTER_AUTH_SECRET to sign its tokens.")
        return 2
    options = Options(
        root=ROOT,
        reports=reports,
        base_url=args.base_url or None,
        users=args.users,
        spawn_rate=args.spawn_rate,
        duration=args.duration,
        workers=args.workers,
    )
    return run_demo(options)


def _stop_as_on_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m harness.demo", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        choices=["run", "render"],
        default="run",
        help="run: the whole demo (default); render: redraw the page from reports/",
    )
    parser.add_argument(
        "--base-url",
        default=os.environ.get("BASE_URL"),
        help="a running deployment to test instead of starting ours (default: BASE_URL)",
    )
    parser.add_argument("--users", type=int, default=50, help="Locust users (default 50)")
    parser.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    parser.add_argument("--duration", default="30s", help="Locust run time (default 30s)")
    parser.add_argument(
        "--workers", type=int, default=2, help="our backend's server processes (default 2)"
    )
    parser.add_argument("--reports", type=Path, default=ROOT / "reports")
    return parser


if __name__ == "__main__":
    sys.exit(main())
