"""The judges' page (`make demo`), rendered from a small recorded run (`tests/fixtures/demo/`)."""

from __future__ import annotations

import csv
import json
import re
import shutil
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest

from judging.acceptance import parse_acceptance, requirement_status
from judging.backend import LocalBackend
from judging.charts import Series, line_chart, tick_values
from judging.demo import Options, demo_target
from judging.page import write_page
from judging.progress import LoadProgress
from judging.run import read_run
from judging.scenarios import scenario_text
from judging.summary import summary_lines

RECORDED = Path(__file__).parent / "fixtures" / "demo"


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A copy of the recorded run's reports folder."""
    folder = tmp_path / "reports"
    shutil.copytree(RECORDED, folder, ignore=shutil.ignore_patterns("features"))
    return folder


def recorded(name: str) -> Any:
    return json.loads((RECORDED / name).read_text())


def render(reports: Path) -> str:
    return write_page(reports, RECORDED).read_text(encoding="utf-8")


def edit_json(path: Path, change: Callable[[Any], None]) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def row_status(html: str, requirement: str) -> str:
    match = re.search(rf'<tr id="req-{re.escape(requirement)}" class="req ([a-z-]+)"', html)
    assert match, requirement
    return match[1]


def test_every_requirement_has_a_chip_and_a_row_with_its_status(reports: Path) -> None:
    html = render(reports)
    expected = {item["id"]: item["status"] for item in recorded("acceptance.json")["requirements"]}
    expected["FR-018"] = "passed"  # not run over HTTP, passed on the features' own stack
    chips = re.findall(r'<a class="chip [a-z-]+" data-status="([a-z ]+)" href="#req-([^"]+)"', html)
    assert {requirement: status for status, requirement in chips} == expected
    for requirement, status in expected.items():
        assert row_status(html, requirement) == status.replace(" ", "-")
    assert {"passed", "failed", "blocked", "not run"} <= set(expected.values())


def test_the_own_stack_pass_completes_what_http_could_not_run(reports: Path) -> None:
    html = render(reports)
    assert row_status(html, "FR-018") == "passed" and "(own stack)" in html
    shutil.rmtree(reports / "own-stack")
    html = render(reports)
    assert row_status(html, "FR-018") == "not-run" and "needs the local stack" in html


def test_a_failed_check_shows_its_reason_and_evidence(reports: Path) -> None:
    html = render(reports)
    evidence = html[html.index('data-check="features/edge_cases.feature:5"') :]
    evidence = evidence[: evidence.index("</li>")]
    for text in (
        "a 201-character title was accepted (201, expected 422)",
        "Then the response status is 422",
        "<code>POST /api/user123-1a2b/tasks</code>",
        "valid HS256",
        "<code>content-type: application/json</code>",
        "EC-3: title over 200 chars",
    ):
        assert text in evidence, text


def test_a_blocked_check_says_which_precondition_failed(reports: Path) -> None:
    html = render(reports)
    assert row_status(html, "US3-1") == "blocked"
    assert "precondition failed: creating the task answered 500" in html
    assert 'class="evidence blocked"' in html


def test_root_causes_are_grouped_with_their_requirements(reports: Path) -> None:
    html = render(reports)
    section = html[html.index('id="root-causes"') : html.index('id="findings"')]
    assert "<b>titles over 200 characters are accepted</b>: 1 check" in section
    assert '<a href="#req-EC-3">' in section and '<a href="#req-FR-007">' in section


def test_hardening_has_its_own_section_and_never_changes_a_verdict(reports: Path) -> None:
    html = render(reports)
    hardening = html[html.index('id="hardening"') : html.index('id="bench"')]
    assert "A PUT with an empty body is refused" in hardening
    assert "the spec allows either" in hardening
    requirements = html[html.index('id="requirements"') : html.index('id="hardening"')]
    assert "A PUT with an empty body is refused" not in requirements


def test_findings_are_listed_once(reports: Path) -> None:
    html = render(reports)
    assert html.count("lists are returned newest first") == 1


def test_every_check_links_to_its_scenario_text(reports: Path) -> None:
    html = render(reports)
    targets = set(re.findall(r'href="#(scenario-[^"]+)"', html))
    assert targets and all(f'id="{anchor}"' in html for anchor in targets)
    assert html.count("Examples:") == 1 and "| tampered |" in html
    assert "A title over 200 characters &amp; a long description are refused" in html


def test_links_to_feature_files_resolve_from_the_reports_folder(reports: Path) -> None:
    links = re.findall(r'href="([^"#]+\.feature)"', render(reports))
    assert links
    for link in links:
        assert (reports / link).resolve().is_file(), link


def test_both_charts_draw_one_point_per_second_of_history(reports: Path) -> None:
    run = read_run(reports)
    assert run.load is not None
    with (RECORDED / "load_stats_history.csv").open(newline="") as handle:
        seconds = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    html = render(reports)
    rps = html[html.index('id="rps-chart"') : html.index("</svg>", html.index('id="rps-chart"'))]
    points = re.search(r'data-series="requests/s"[^>]*points="([^"]+)"', rps)
    assert points and len(points[1].split()) == len(seconds)
    # the first second has no percentiles yet: the latency lines start later
    assert 2 <= len(run.load.history) - 1 < len(seconds)


def test_load_figures_come_from_locusts_totals(reports: Path) -> None:
    html = render(reports)
    with (RECORDED / "load_stats.csv").open(newline="") as handle:
        total = next(row for row in csv.DictReader(handle) if row["Name"] == "Aggregated")
    assert f"<b>{int(total['Request Count']):,}</b><span>requests served under load" in html
    assert f"<b>{total['95%']} ms</b><span>p95 latency" in html
    assert '<a href="load.html" id="locust-report">' in html


def test_the_page_shows_the_run_context_and_the_benchmark(reports: Path) -> None:
    html = render(reports)
    context = recorded("demo.json")
    for value in (context["commit"], context["machine"], context["database"]):
        assert value in html
    assert "HS256 (BETTER_AUTH_SECRET)" in html
    bench = recorded("bench.json")
    table = html[html.index('id="bench-table"') : html.index("</table>", html.index("bench-table"))]
    assert table.count("<tr>") == len(bench["results"]) + 1
    for row in bench["results"]:
        assert f"<td>{row['per_second']:,.0f}</td>" in table
    for name in bench["ratios"]:
        assert f"<li>{name}: <b>{bench['ratios'][name]:.2f}</b></li>" in html


def test_without_a_benchmark_the_page_has_no_bench_section(reports: Path) -> None:
    (reports / "bench.json").unlink()
    assert 'id="bench"' not in render(reports)


def test_a_failed_requirement_or_step_fails_the_run(reports: Path) -> None:
    html = render(reports)
    assert 'class="verdict failed"' in html
    lines = summary_lines(read_run(reports), reports / "index.html", reports)
    assert lines[0].endswith("FAILED")
    assert any("failed: EC-3, FR-007" in line for line in lines)
    assert any("blocked: US3-1, FR-011" in line for line in lines)
    assert any("1 hardening check(s) failed" in line for line in lines)
    assert any("Acceptance features exited with 1" in line for line in lines)


def all_passed(data: dict[str, Any]) -> None:
    for check in data["checks"]:
        check.update(status="passed", reason="", root_cause=None, evidence=None)
    for requirement in data["requirements"]:
        requirement.update(status="passed", reason="")
    data["root_causes"] = []


def test_a_clean_run_passes(reports: Path) -> None:
    def all_exited_zero(data: dict[str, Any]) -> None:
        for step in data["steps"]:
            step["exit_code"] = 0

    edit_json(reports / "acceptance.json", all_passed)
    edit_json(reports / "demo.json", all_exited_zero)
    html = render(reports)
    assert 'class="verdict passed"' in html and 'id="root-causes"' not in html
    lines = summary_lines(read_run(reports), reports / "index.html", reports)
    assert lines[0].endswith("PASSED")
    assert lines[-1] == f"Page: {(reports / 'index.html').resolve()}"


def test_the_summary_explains_its_counts(reports: Path) -> None:
    (reports / "features.xml").write_text(
        '<testsuites><testsuite tests="147" failures="0" errors="0" skipped="12"/></testsuites>'
    )
    (reports / "own-stack" / "features.xml").write_text(
        '<testsuites><testsuite tests="12" failures="0" errors="0" skipped="0"/></testsuites>'
    )
    text = "\n".join(summary_lines(read_run(reports), reports / "index.html", reports))
    assert "pytest counted 147 tests over HTTP, 12 of them skipped there" in text
    assert "the own-stack pass ran 12 of its 12" in text and "each Examples row is one test" in text
    assert "hardening never changes a requirement's verdict" in text
    assert "from Locust's CSV" in text


def test_text_from_the_reports_is_escaped(reports: Path) -> None:
    def inject(data: dict[str, Any]) -> None:
        data["requirements"][0]["title"] = '<script>alert("x")</script>'
        data["checks"][0]["name"] = "<img src=x onerror=alert(1)>"
        data["checks"][3]["evidence"]["response"]["body"] = "</pre><script>bad()</script>"

    edit_json(reports / "acceptance.json", inject)
    html = render(reports)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_the_page_needs_no_network(reports: Path) -> None:
    html = render(reports)
    assert not re.search(r"<(script|link|img|iframe)\b", html)
    assert not re.search(r'(href|src)="[a-z]+://', html)
    assert "url(" not in html and "@import" not in html


def test_missing_reports_are_said_not_hidden(tmp_path: Path) -> None:
    html = render(tmp_path)
    assert "No acceptance report" in html and "No Locust results" in html
    assert 'class="verdict failed"' in html


def test_a_requirement_counts_spec_checks_only() -> None:
    def check(status: str, tier: str = "spec") -> dict[str, Any]:
        return {"id": f"{status}-{tier}", "tier": tier, "status": status, "reason": status}

    def status_of(*checks: dict[str, Any]) -> tuple[str, str]:
        parsed = parse_acceptance({"schema_version": 2, "checks": list(checks)})
        return requirement_status(parsed.checks)

    assert status_of(check("passed"), check("failed", "hardening")) == ("passed", "")
    assert status_of(check("passed"), check("blocked"), check("failed")) == ("failed", "failed")
    assert status_of(check("passed"), check("blocked")) == ("blocked", "blocked")
    assert status_of(check("not run")) == ("not run", "not run")
    assert status_of()[0] == "not run"


def test_chart_ticks_are_round_and_cover_the_data() -> None:
    assert tick_values(47) == [0, 10, 20, 30, 40, 50]
    assert tick_values(0.8) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])
    assert tick_values(1234)[-1] >= 1234


def test_a_chart_breaks_its_line_where_values_are_unknown() -> None:
    chart = line_chart(
        [Series("p95", [(0, 5.0), (1, 6.0), (2, None), (3, 7.0), (4, 8.0)], "#000")],
        chart_id="c",
        title="t",
        x_label="x",
        y_label="y",
    )
    assert [line.count for line in chart.lines] == [2, 2]
    empty = line_chart(
        [Series("p95", [(0, None)], "#000")], chart_id="c", title="t", x_label="", y_label=""
    )
    assert empty.lines == []


def test_load_progress_prints_the_newest_second(tmp_path: Path) -> None:
    history = tmp_path / "load_stats_history.csv"
    said: list[str] = []
    progress = LoadProgress(history, "12s", say=said.append)
    progress.tick()
    assert said == []  # no file yet
    shutil.copy(RECORDED / "load_stats_history.csv", history)
    progress.tick()
    progress.tick()
    assert len(said) == 1
    assert re.match(
        r"   load +\d+ s of 12s: 10 users, [\d,]+ requests/s, [\d,]+ requests so far", said[0]
    )
    assert "0 failed" in said[0]


def test_scenario_text_stays_inside_the_features_folder() -> None:
    assert scenario_text(RECORDED, "../test_demo_page.py", 1) is None
    assert scenario_text(RECORDED, "features/create_task.feature", 999) is None
    text = scenario_text(RECORDED, "features/edge_cases.feature", 12)
    assert text is not None
    assert text.splitlines()[0] == "@EC-7 @FR-003 @SC-002"
    assert text.splitlines()[-1] == "  Then the response status is 403"


def test_the_demo_backend_ignores_the_users_database_and_cleans_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("NEON_DATABASE_URL", "postgresql://nobody@127.0.0.1:1/users-own")
    with LocalBackend(tmp_path / "backend.log") as backend:
        assert httpx.get(f"{backend.url}/health/ready", timeout=5).status_code == 200
        assert backend.data_dir.is_relative_to(backend.scratch)
        assert backend.database_version()
        postmaster = (backend.data_dir / "postmaster.pid").read_text().split()[0]
    assert not backend.scratch.exists()
    assert not running(int(postmaster))


def running(pid: int, patience: float = 10) -> bool:
    """Whether `pid` still runs after up to `patience` seconds (a zombie does not count)."""
    deadline = time.monotonic() + patience
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (FileNotFoundError, IndexError):
            return False
        if state == "Z":
            return False
        time.sleep(0.1)
    return True


def test_the_demo_can_serve_our_backend_on_a_chosen_port(tmp_path: Path) -> None:
    target = demo_target(Options(root=RECORDED, reports=tmp_path, port=8123, workers=2))
    assert target.start is not None and target.own_stack
    backend = target.start(tmp_path / "backend.log")
    try:
        assert backend.url == "http://127.0.0.1:8123"
        assert backend.command.endswith("--port 8123 --workers 2")
    finally:
        backend.stop()
    assert not backend.scratch.exists()
