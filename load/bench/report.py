"""The benchmark's table: printed, and written to `reports/bench.md` and `reports/bench.json`."""

from __future__ import annotations

import json
import os
import platform
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from load.bench.tools import Result


def machine() -> dict[str, Any]:
    """What the numbers ran on, and how busy it was."""
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return {
        "cpu": model,
        "cores": os.cpu_count(),
        "python": platform.python_version(),
        "system": f"{platform.system()} {platform.release()}",
        "load_average_at_start": [round(x, 2) for x in os.getloadavg()],
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def render(
    results: list[Result], extras: dict[str, Any], ratios: dict[str, float], about: dict[str, Any]
) -> str:
    lines = [
        "| workload | connections | requests/s | p50 ms | p95 ms | p99 ms | errors"
        " | server CPU ms/request | database CPU ms/request |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        lines.append(
            f"| {r.name} | {r.connections} | {r.per_second:,.0f} | {r.p50_ms:.1f}"
            f" | {r.p95_ms:.1f} | {r.p99_ms:.1f} | {r.errors}"
            f" | {_cpu(r.server_cpu_ms)} | {_cpu(r.database_cpu_ms)} |"
        )
    lines.append("")
    lines.extend(f"- {name}: **{value:.2f}**" for name, value in ratios.items())
    lines.extend(f"- {name}: {value}" for name, value in extras.items())
    lines.append("")
    lines.append(
        f"Server layer: {about.get('server_layer', '?')}. Machine: {about['cpu']},"
        f" {about['cores']} cores, {about['system']}, Python"
        f" {about['python']}; load average at start {about['load_average_at_start']};"
        f" {about['date']}."
    )
    return "\n".join(lines) + "\n"


def _cpu(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def write(
    prefix: Path,
    results: list[Result],
    extras: dict[str, Any],
    ratios: dict[str, float],
    about: dict[str, Any],
) -> str:
    """Write PREFIX.md and PREFIX.json; return the Markdown table."""
    about = {**about, "load_average_at_end": [round(x, 2) for x in os.getloadavg()]}
    table = render(results, extras, ratios, about)
    prefix.parent.mkdir(parents=True, exist_ok=True)
    prefix.with_suffix(".md").write_text("# Benchmark\n\n" + table)
    document = {
        "machine": about,
        "results": [r.as_dict() for r in results],
        "ratios": ratios,
        "extras": extras,
    }
    prefix.with_suffix(".json").write_text(json.dumps(document, indent=2) + "\n")
    return table
