"""`python -m load.bench.compare`: server layers side by side, interleaved (A, B, C, A, B, C).

Each round runs `python -m load.bench --server LAYER --only mix bare` once per layer, so
every layer sees the same machine minute by minute; the table gives each run and then, per
layer, the median of the rounds and its ratio to the first layer's. Writes
`reports/layers/LAYER-rN.{md,json}` and `reports/layers.md` (apart from `make compare`'s
`reports/compare/`, which judges backends).

    python -m load.bench.compare                                  # all layers, 2 rounds of 10 s
    python -m load.bench.compare --servers granian uvicorn --rounds 3 --seconds 15
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path
from typing import Any

from load.bench.__main__ import BARE, MIX
from load.bench.layers import LAYERS

COLUMNS = ("requests/s", "p99 ms", "server CPU ms/request", "ours / bare FastAPI")


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    folder = Path(args.out)
    runs: list[tuple[str, int, dict[int, dict[str, float]]]] = []
    for round_ in range(1, args.rounds + 1):
        for layer in args.servers:
            prefix = folder / f"{layer}-r{round_}"
            print(f"== round {round_}: {layer}", file=sys.stderr, flush=True)
            subprocess.run(
                [
                    *(sys.executable, "-m", "load.bench", "--server", layer),
                    *("--only", "mix", "bare", "--seconds", f"{args.seconds:g}"),
                    *("--connections", *map(str, args.connections)),
                    *("--workers", str(args.workers), "--out", str(prefix)),
                ],
                check=True,
            )
            document = json.loads(prefix.with_suffix(".json").read_text())
            runs.append((layer, round_, _by_connections(document["results"])))
    table = _render(runs, args.servers, args.connections)
    folder.with_suffix(".md").write_text("# Server layers, interleaved\n\n" + table)
    print("\n" + table)
    return 0


def _by_connections(results: list[dict[str, Any]]) -> dict[int, dict[str, float]]:
    """Per connection count: the mix's numbers and its ratio to bare FastAPI."""
    mixes = {r["connections"]: r for r in results if r["name"] == MIX}
    bares = {r["connections"]: r for r in results if r["name"] == BARE}
    return {
        c: {
            "requests/s": mix["per_second"],
            "p99 ms": mix["p99_ms"],
            "server CPU ms/request": mix["server_cpu_ms"],
            "ours / bare FastAPI": mix["per_second"] / bares[c]["per_second"],
            "errors": mix["errors"],
        }
        for c, mix in mixes.items()
        if c in bares
    }


def _render(
    runs: list[tuple[str, int, dict[int, dict[str, float]]]],
    layers: list[str],
    connections: list[int],
) -> str:
    header = "| layer | round | connections | " + " | ".join(COLUMNS) + " | errors |"
    lines = [header, "|---|---:|---:|" + "---:|" * (len(COLUMNS) + 1)]
    for layer, round_, numbers in runs:
        for c in connections:
            row = numbers[c]
            cells = " | ".join(_cell(row[name]) for name in COLUMNS)
            lines.append(f"| {layer} | {round_} | {c} | {cells} | {row['errors']:.0f} |")
    lines += ["", "Median of the rounds, and its ratio to the first layer's:", ""]
    lines += [
        "| layer | connections | " + " | ".join(COLUMNS) + " |",
        "|---|---:|" + "---:|" * len(COLUMNS),
    ]
    medians = {
        (layer, c): {
            name: statistics.median(n[c][name] for lay, _, n in runs if lay == layer)
            for name in COLUMNS
        }
        for layer in layers
        for c in connections
    }
    for layer in layers:
        for c in connections:
            first, mine = medians[(layers[0], c)], medians[(layer, c)]
            cells = " | ".join(
                f"{_cell(mine[name])} (×{mine[name] / first[name]:.2f})" for name in COLUMNS
            )
            lines.append(f"| {layer} | {c} | {cells} |")
    return "\n".join(lines) + "\n"


def _cell(value: float) -> str:
    return f"{value:,.0f}" if value >= 100 else f"{value:.2f}"


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m load.bench.compare", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--servers", nargs="+", choices=LAYERS, default=list(LAYERS))
    parser.add_argument("--rounds", type=int, default=2, help="default 2")
    parser.add_argument("--seconds", type=float, default=10, help="each measurement (default 10)")
    parser.add_argument("--connections", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--workers", type=int, default=2, help="server processes (default 2)")
    parser.add_argument("--out", default="reports/layers", help="folder of the runs")
    return parser


if __name__ == "__main__":
    sys.exit(main())
