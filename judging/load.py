"""Locust's results as the demo's load step leaves them: `load_stats.csv` and its history."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from pathlib import Path

LOAD_STATS = "load_stats.csv"
LOAD_HISTORY = "load_stats_history.csv"
LOAD_HTML = "load.html"
LOAD_FILES = (LOAD_STATS, LOAD_HISTORY, LOAD_HTML, "load_failures.csv", "load_exceptions.csv")
AGGREGATED = "Aggregated"


@dataclass(frozen=True)
class EndpointStats:
    """One row of `load_stats.csv` (times in milliseconds)."""

    method: str
    name: str
    requests: int
    failures: int
    median_ms: float
    p95_ms: float
    p99_ms: float
    max_ms: float
    requests_per_second: float


@dataclass(frozen=True)
class Sample:
    """One second of the history's aggregated row; percentiles may be unknown."""

    seconds: float
    users: int
    requests: int
    failures: int
    requests_per_second: float
    failures_per_second: float
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None


@dataclass(frozen=True)
class Load:
    endpoints: list[EndpointStats]
    total: EndpointStats
    history: list[Sample]
    has_html_report: bool


def read_load(reports: Path) -> Load | None:
    stats_path = reports / LOAD_STATS
    if not stats_path.exists():
        return None
    rows = [_endpoint(row) for row in _csv_rows(stats_path)]
    totals = [row for row in rows if row.name == AGGREGATED]
    return Load(
        endpoints=[row for row in rows if row.name != AGGREGATED],
        total=totals[0] if totals else _endpoint({"Name": AGGREGATED}),
        history=read_history(reports / LOAD_HISTORY),
        has_html_report=(reports / LOAD_HTML).exists(),
    )


def read_history(path: Path) -> list[Sample]:
    """The aggregated row of each second so far (Locust appends one while it runs)."""
    if not path.exists():
        return []
    aggregated = [row for row in _csv_rows(path) if row.get("Name") == AGGREGATED]
    if not aggregated:
        return []
    start = _number(aggregated[0].get("Timestamp")) or 0.0
    return [
        Sample(
            seconds=(_number(row.get("Timestamp")) or start) - start,
            users=int(_number(row.get("User Count")) or 0),
            requests=int(_number(row.get("Total Request Count")) or 0),
            failures=int(_number(row.get("Total Failure Count")) or 0),
            requests_per_second=_number(row.get("Requests/s")) or 0.0,
            failures_per_second=_number(row.get("Failures/s")) or 0.0,
            p50_ms=_percentile(row.get("50%")),
            p95_ms=_percentile(row.get("95%")),
            p99_ms=_percentile(row.get("99%")),
        )
        for row in aggregated
    ]


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


def _number(text: str | None) -> float | None:
    """Locust writes `N/A` for percentiles it has no data for."""
    try:
        value = float(text or "")
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _percentile(text: str | None) -> float | None:
    """A percentile of the last seconds; Locust writes 0 (or `N/A`) while it has none yet."""
    value = _number(text)
    return value if value else None


def _endpoint(row: dict[str, str]) -> EndpointStats:
    def number(column: str) -> float:
        return _number(row.get(column)) or 0.0

    return EndpointStats(
        method=row.get("Type", ""),
        name=row.get("Name", ""),
        requests=int(number("Request Count")),
        failures=int(number("Failure Count")),
        median_ms=number("Median Response Time"),
        p95_ms=number("95%"),
        p99_ms=number("99%"),
        max_ms=number("Max Response Time"),
        requests_per_second=number("Requests/s"),
    )
