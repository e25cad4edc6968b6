"""`python -m judging [run|render|compare]`: what `make demo` and `make compare` call."""

from __future__ import annotations

import argparse
import os
import signal
import sys
from pathlib import Path

from judging.compare import COMPARISON, reference_target, rerender, run_comparison
from judging.demo import Options, run_demo
from judging.page import write_page
from judging.targets import TargetError, targets_from_file, targets_from_flags, unique

ROOT = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    signal.signal(signal.SIGTERM, _stop_as_on_ctrl_c)  # so a killed run still cleans up
    reports = args.reports.resolve()
    if args.command == "render":
        comparison = (reports / COMPARISON).exists()
        print(rerender(reports) if comparison else write_page(reports, ROOT))
        return 0
    if args.command == "compare":
        return _compare(args, reports)
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
        port=args.port,
    )
    return run_demo(options)


def _compare(args: argparse.Namespace, reports: Path) -> int:
    try:
        targets = targets_from_flags(args.target, args.launch)
        for path in args.targets:
            targets += targets_from_file(path)
        targets = unique(targets)
    except TargetError as error:
        print(error, file=sys.stderr)
        return 2
    if not args.no_reference:
        targets.insert(0, reference_target())
    if not targets:
        print("Nothing to judge: give --target, --launch or --targets.", file=sys.stderr)
        return 2
    code, page = run_comparison(targets, reports=reports / "compare", root=ROOT, jobs=args.jobs)
    print(f"Comparison page: {page}")
    return code


def _stop_as_on_ctrl_c(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m judging", description=__doc__)
    parser.add_argument(
        "command",
        nargs="?",
        choices=["run", "render", "compare"],
        default="run",
        help="run: the demo (default); render: redraw the page of --reports (a demo's or a "
        "comparison's); compare: several backends",
    )
    parser.add_argument("--reports", type=Path, default=ROOT / "reports")
    demo = parser.add_argument_group("run (make demo)")
    demo.add_argument(
        "--base-url",
        default=os.environ.get("BASE_URL"),
        help="a running deployment to test instead of starting ours (default: BASE_URL)",
    )
    demo.add_argument("--users", type=int, default=50, help="Locust users (default 50)")
    demo.add_argument("--spawn-rate", type=float, default=10, help="users started per second")
    demo.add_argument("--duration", default="30s", help="Locust run time (default 30s)")
    demo.add_argument(
        "--workers", type=int, default=2, help="our backend's server processes (default 2)"
    )
    demo.add_argument(
        "--port", type=int, help="serve our backend on this port (default: a free one)"
    )
    compare = parser.add_argument_group("compare")
    compare.add_argument(
        "--target",
        action="append",
        default=[],
        metavar="NAME=URL",
        help="a running backend; token options from the environment (repeatable)",
    )
    compare.add_argument(
        "--launch",
        action="append",
        default=[],
        metavar="NAME=COMMAND",
        help="a backend the features start themselves, on a database they provide (repeatable)",
    )
    compare.add_argument(
        "--targets",
        action="append",
        type=Path,
        default=[],
        metavar="FILE.toml",
        help="targets with their own token options (docs/judging.md)",
    )
    compare.add_argument("--jobs", type=int, default=1, help="targets judged at once (default 1)")
    compare.add_argument(
        "--no-reference", action="store_true", help="leave out our reference (control) column"
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
