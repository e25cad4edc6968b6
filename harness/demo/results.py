"""Read what a run left in `reports/`: the acceptance report, Locust's CSVs, the benchmark."""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ACCEPTANCE = "acceptance.json"
OWN_STACK = "own-stack"  # the features that need their own stack report in this subfolder
LOAD_STATS = "load_stats.csv"
LOAD_HISTORY = "load_stats_history.csv"
LOAD_HTML = "load.html"
BENCH = "bench.json"
RUN = "demo.json"
AGGREGATED = "Aggregated"


@dataclass(frozen=True)
class Scenario:
    name: str
    feature: str
    file: str
    line: int
    status: str
    where: str = ""


@dataclass(frozen=True)
class Requirement:
    id: str
    group: str
    title: str
    status: str
    scenarios: list[Scenario]


@dataclass(frozen=True)
class Acceptance:
    """`reports/acceptance.json` as the features write it."""

    generated_at: str
    base_url: str
    token_mode: str
    requirements: list[Requirement]

    def count(self, status: str) -> int:
        return sum(1 for requirement in self.requirements if requirement.status == status)

    def scenarios_run(self) -> int:
        """Distinct scenarios that ran (passed or failed) for any requirement."""
        return len(
            {
                (s.file, s.line, s.where)
                for r in self.requirements
                for s in r.scenarios
                if s.status in ("passed", "failed")
            }
        )


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
    """One second of `load_stats_history.csv`'s aggregated row; percentiles may be unknown."""

    seconds: float
    users: int
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


@dataclass(frozen=True)
class Run:
    """Everything the page shows; any part may be missing when its step did not run."""

    acceptance: Acceptance | None
    load: Load | None
    bench: Any
    context: dict[str, Any] = field(default_factory=dict)


def read_run(reports: Path) -> Run:
    return Run(
        acceptance=combine(
            read_acceptance(reports / ACCEPTANCE), read_acceptance(reports / OWN_STACK / ACCEPTANCE)
        ),
        load=read_load(reports),
        bench=read_json(reports / BENCH),
        context=read_json(reports / RUN) or {},
    )


def read_json(path: Path) -> Any:
    return json.loads(path.read_text()) if path.exists() else None


def read_acceptance(path: Path) -> Acceptance | None:
    data = read_json(path)
    if data is None:
        return None
    if data.get("schema_version") == 2:
        return _from_checks(data)
    return Acceptance(
        generated_at=str(data.get("generated_at", "")),
        base_url=str(data.get("base_url", "")),
        token_mode=str(data.get("token_mode", "")),
        requirements=[
            Requirement(
                id=str(item["id"]),
                group=str(item["group"]),
                title=str(item.get("title", "")),
                status=str(item["status"]),
                scenarios=[_scenario(scenario) for scenario in item.get("scenarios", [])],
            )
            for item in data.get("requirements", [])
        ],
    )


# The acceptance report's schema 2 (docs/acceptance-report.md) in this page's older terms:
# a blocked requirement is not proven (failed here), a check not run is skipped, and a
# requirement without a passing or failing check is a gap.
_REQUIREMENT_STATUS = {"passed": "passed", "failed": "failed", "blocked": "failed"}
_CHECK_STATUS = {"passed": "passed", "failed": "failed", "blocked": "failed"}


def _from_checks(data: dict[str, Any]) -> Acceptance:
    checks = {check["id"]: check for check in data.get("checks", [])}
    target = data.get("target", {})
    return Acceptance(
        generated_at=str(data.get("generated_at", "")),
        base_url=str(target.get("base_url", "")),
        token_mode=str(target.get("token_mode", "")),
        requirements=[
            Requirement(
                id=str(item["id"]),
                group=str(item["group"]),
                title=str(item.get("title", "")),
                status=_REQUIREMENT_STATUS.get(item["status"], "gap"),
                scenarios=[
                    _scenario(
                        {**checks[i], "status": _CHECK_STATUS.get(checks[i]["status"], "skipped")}
                    )
                    for i in item.get("checks", [])
                ],
            )
            for item in data.get("requirements", [])
        ],
    )


def _scenario(item: dict[str, Any]) -> Scenario:
    return Scenario(
        name=str(item["name"]),
        feature=str(item.get("feature", "")),
        file=str(item.get("file", "")),
        line=int(item.get("line", 0)),
        status=str(item["status"]),
    )


def combine(over_http: Acceptance | None, own_stack: Acceptance | None) -> Acceptance | None:
    """The run over HTTP, completed by the scenarios only the features' own stack can run.

    Scenarios skipped over HTTP (a server restart, a database outage, the server's logs) ran
    in the second pass; each requirement takes the results of both, marked by where they ran.
    """
    if over_http is None or own_stack is None:
        return over_http
    extra = {r.id: r.scenarios for r in own_stack.requirements}
    requirements = []
    for requirement in over_http.requirements:
        ran = [s for s in requirement.scenarios if s.status != "skipped"]
        ran += [
            replace(s, where="own stack")
            for s in extra.get(requirement.id, [])
            if s.status != "skipped"
        ]
        statuses = {s.status for s in ran}
        status = "failed" if "failed" in statuses else "passed" if ran else "gap"
        requirements.append(
            replace(requirement, status=status, scenarios=ran or requirement.scenarios)
        )
    modes = dict.fromkeys([over_http.token_mode, own_stack.token_mode])
    return replace(over_http, token_mode=" + ".join(modes), requirements=requirements)


def read_load(reports: Path) -> Load | None:
    stats_path = reports / LOAD_STATS
    if not stats_path.exists():
        return None
    rows = [_endpoint(row) for row in _csv_rows(stats_path)]
    totals = [row for row in rows if row.name == AGGREGATED]
    history_path = reports / LOAD_HISTORY
    history = _history(_csv_rows(history_path)) if history_path.exists() else []
    return Load(
        endpoints=[row for row in rows if row.name != AGGREGATED],
        total=totals[0] if totals else _endpoint({"Name": AGGREGATED}),
        history=history,
        has_html_report=(reports / LOAD_HTML).exists(),
    )


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


def _history(rows: list[dict[str, str]]) -> list[Sample]:
    aggregated = [row for row in rows if row.get("Name") == AGGREGATED]
    if not aggregated:
        return []
    start = _number(aggregated[0]["Timestamp"]) or 0.0
    return [
        Sample(
            seconds=(_number(row["Timestamp"]) or start) - start,
            users=int(_number(row.get("User Count")) or 0),
            requests_per_second=_number(row.get("Requests/s")) or 0.0,
            failures_per_second=_number(row.get("Failures/s")) or 0.0,
            p50_ms=_percentile(row.get("50%")),
            p95_ms=_percentile(row.get("95%")),
            p99_ms=_percentile(row.get("99%")),
        )
        for row in aggregated
    ]
