"""The judges' page, rendered from a small recorded run (`tests/fixtures/demo/`)."""

from __future__ import annotations

import csv
import json
import shutil
import struct
import time
import zlib
from pathlib import Path

import httpx
import pytest

from harness.demo import dom_check, screenshot_check
from harness.demo.local_backend import LocalBackend
from harness.demo.page import CHIP_PASSED, ORANGE, TEAL, write_page
from harness.demo.results import read_run
from harness.demo.scenarios import scenario_text
from harness.demo.summary import summary_lines
from harness.demo.svg import Series, line_chart, tick_values

RECORDED = Path(__file__).parent / "fixtures" / "demo"
SCREENSHOT = Path(__file__).parents[1] / "docs" / "judges-page.png"


@pytest.fixture
def reports(tmp_path: Path) -> Path:
    """A copy of the recorded run's reports folder."""
    folder = tmp_path / "reports"
    shutil.copytree(RECORDED, folder, ignore=shutil.ignore_patterns("features"))
    return folder


def recorded(name: str) -> dict:
    return json.loads((RECORDED / name).read_text())


def render(reports: Path) -> str:
    return write_page(reports, RECORDED).read_text(encoding="utf-8")


def edit_json(path: Path, change) -> None:
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data))


def test_the_page_passes_its_own_check(reports: Path) -> None:
    outline = dom_check.outline_of(render(reports))
    assert dom_check.problems(outline) == []


def test_the_matrix_has_a_chip_and_a_row_per_requirement(reports: Path) -> None:
    outline = dom_check.outline_of(render(reports))
    expected = {item["id"]: item["status"] for item in recorded("acceptance.json")["requirements"]}
    expected["FR-018"] = "passed"  # skipped over HTTP, passed on the features' own stack
    assert outline.chips == expected
    assert outline.rows == expected
    assert {"passed", "failed", "gap"} <= set(expected.values())


def test_the_own_stack_pass_completes_what_http_could_not_run(reports: Path) -> None:
    row = 'id="req-FR-018" class="req passed"'
    html = render(reports)
    assert row in html and "(pass, own stack)" in html
    shutil.rmtree(reports / "own-stack")
    html = render(reports)
    assert 'id="req-FR-018" class="req gap"' in html and "(skipped)" in html


def test_every_scenario_links_to_its_embedded_text(reports: Path) -> None:
    html = render(reports)
    outline = dom_check.outline_of(html)
    scenario_links = [link for link in outline.links if link.startswith("#scenario-")]
    scenarios = [s for r in recorded("acceptance.json")["requirements"] for s in r["scenarios"]]
    assert len(scenario_links) == len(scenarios)
    assert all(link[1:] in outline.ids for link in scenario_links)
    # the outline's text is embedded once, with its Examples table, escaped
    assert html.count("Examples:") == 1
    assert "| tampered |" in html
    assert "A title over 200 characters &amp; a long description are refused" in html


def test_links_to_feature_files_resolve_from_the_reports_folder(reports: Path) -> None:
    outline = dom_check.outline_of(render(reports))
    feature_links = [link for link in outline.links if ".feature" in link]
    assert feature_links
    for link in feature_links:
        assert (reports / link).resolve().is_file(), link


def test_both_charts_draw_one_point_per_second_of_history(reports: Path) -> None:
    outline = dom_check.outline_of(render(reports))
    with (RECORDED / "load_stats_history.csv").open(newline="") as handle:
        seconds = [row for row in csv.DictReader(handle) if row["Name"] == "Aggregated"]
    assert set(outline.lines["latency-chart"]) == {"p50", "p95", "p99"}
    assert set(outline.lines["rps-chart"]) == {"requests/s", "failures/s", "users"}
    assert outline.lines["rps-chart"]["requests/s"] == len(seconds)
    # the first second has no percentiles yet: the latency lines start later
    assert 2 <= outline.lines["latency-chart"]["p95"] < len(seconds)


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
    assert recorded("acceptance.json")["token_mode"] in html
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
    lines = summary_lines(read_run(reports), reports / "index.html")
    assert lines[0].endswith("FAILED")
    assert any("EC-3, FR-007" in line for line in lines)
    assert any("Acceptance features exited with 1" in line for line in lines)


def test_a_clean_run_passes(reports: Path) -> None:
    def all_passed(data: dict) -> None:
        for requirement in data["requirements"]:
            requirement["status"] = "passed" if requirement["scenarios"] else "gap"
            for scenario in requirement["scenarios"]:
                scenario["status"] = scenario["status"].replace("failed", "passed")

    def all_exited_zero(data: dict) -> None:
        for step in data["steps"]:
            step["exit_code"] = 0

    edit_json(reports / "acceptance.json", all_passed)
    edit_json(reports / "demo.json", all_exited_zero)
    assert 'class="verdict passed"' in render(reports)
    lines = summary_lines(read_run(reports), reports / "index.html")
    assert lines[0].endswith("PASSED")
    assert lines[-1] == f"Page: {(reports / 'index.html').resolve()}"


def test_text_from_the_reports_is_escaped(reports: Path) -> None:
    def inject(data: dict) -> None:
        data["requirements"][0]["title"] = '<script>alert("x")</script>'
        data["requirements"][0]["scenarios"][0]["name"] = "<img src=x onerror=alert(1)>"

    edit_json(reports / "acceptance.json", inject)
    html = render(reports)
    assert "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in html


def test_the_page_needs_no_network(reports: Path) -> None:
    html = render(reports)
    outline = dom_check.outline_of(html)
    assert not {"script", "link", "img", "iframe"} & outline.tags
    assert all("://" not in link for link in outline.links)
    assert "url(" not in html and "@import" not in html


def test_missing_reports_are_said_not_hidden(tmp_path: Path) -> None:
    html = render(tmp_path)
    assert "No acceptance report" in html and "No Locust results" in html
    assert 'class="verdict failed"' in html
    assert "chart" in " ".join(dom_check.problems(dom_check.outline_of(html)))


def test_chart_ticks_are_round_and_cover_the_data() -> None:
    assert tick_values(47) == [0, 10, 20, 30, 40, 50]
    assert tick_values(0.8) == pytest.approx([0, 0.2, 0.4, 0.6, 0.8])
    assert tick_values(1234)[-1] >= 1234


def test_a_chart_breaks_its_line_where_values_are_unknown() -> None:
    svg = line_chart(
        [Series("p95", [(0, 5.0), (1, 6.0), (2, None), (3, 7.0), (4, 8.0)], "#000")],
        chart_id="c",
        title="t",
        x_label="x",
        y_label="y",
    )
    assert svg.count("<polyline") == 2
    empty = line_chart(
        [Series("p95", [(0, None)], "#000")], chart_id="c", title="t", x_label="", y_label=""
    )
    assert "no data" in empty and "<polyline" not in empty


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


def test_the_readmes_screenshot_shows_the_matrix_and_both_charts() -> None:
    """docs/judges-page.png is headless Chromium's screenshot of a real `make demo` page."""
    assert screenshot_check.main([str(SCREENSHOT)]) == 0


def png(pixel_rows: list[list[str]], filters: list[int]) -> bytes:
    """An RGB PNG of the given colours, each row stored with the given PNG filter."""

    def predictor(kind: int, left: int, up: int, up_left: int) -> int:
        estimate = left + up - up_left
        paeth = min((abs(estimate - left), 0, left), (abs(estimate - up), 1, up))
        paeth = min(paeth, (abs(estimate - up_left), 2, up_left))[2]
        return [0, left, up, (left + up) // 2, paeth][kind]

    data, above = bytearray(), bytes(len(pixel_rows[0]) * 3)
    for colours, kind in zip(pixel_rows, filters, strict=True):
        row = b"".join(bytes.fromhex(colour.removeprefix("#")) for colour in colours)
        data.append(kind)
        for i, value in enumerate(row):
            left, up_left = (row[i - 3], above[i - 3]) if i >= 3 else (0, 0)
            data.append((value - predictor(kind, left, above[i], up_left)) % 256)
        above = row

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", len(pixel_rows[0]), len(pixel_rows), 8, 2, 0, 0, 0)
    return (
        screenshot_check.SIGNATURE
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(bytes(data)))
        + chunk(b"IEND", b"")
    )


def test_screenshot_rows_decode_under_every_png_filter() -> None:
    colours = [[CHIP_PASSED, ORANGE, TEAL, "#ffffff"], [TEAL, "#123456", TEAL, ORANGE]] * 3
    image = png(colours[:5], filters=[0, 1, 2, 3, 4])
    expected = [b"".join(bytes.fromhex(c[1:]) for c in row) for row in colours[:5]]
    assert list(screenshot_check.rows(image)) == expected
    assert screenshot_check.colour_counts(image) == {
        "matrix": 3,
        "latency chart": 5,
        "requests/s chart": 7,
    }


def test_a_screenshot_without_the_charts_fails_the_check(tmp_path: Path) -> None:
    matrix_only = tmp_path / "matrix-only.png"
    matrix_only.write_bytes(png([[CHIP_PASSED] * 40] * 20, filters=[1] * 20))
    assert screenshot_check.main([str(matrix_only)]) == 1
