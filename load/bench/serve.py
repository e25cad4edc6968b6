"""`python -m load.bench.serve`: an app factory on a chosen server layer, for the benchmark."""

from __future__ import annotations

import argparse
import sys

from load.bench.layers import DEFAULT_LAYER, LAYERS, serve_on


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m load.bench.serve", description=__doc__)
    parser.add_argument("target", help="the app factory, module:function")
    parser.add_argument("--server", choices=LAYERS, default=DEFAULT_LAYER)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    serve_on(args.server, args.target, host="127.0.0.1", port=args.port, workers=args.workers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
