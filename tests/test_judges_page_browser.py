"""The judges' pages in headless Chromium: what a judge sees, painted, not just written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from harness.browser import chromium_path
from judging import browser
from judging.compare import Judged, render_comparison
from judging.page import write_page
from judging.run import read_run
from judging.target import Target

pytestmark = pytest.mark.browser

RECORDED = Path(__file__).parent / "fixtures" / "demo"
ROOT = Path(__file__).parents[1]


@pytest.fixture(autouse=True)
def chromium() -> None:
    if chromium_path() is None:
        pytest.skip("Debian's chromium is not installed (.ci/run installs it)")


@pytest.fixture
def demo_page(tmp_path: Path) -> Path:
    folder = tmp_path / "reports"
    shutil.copytree(RECORDED, folder, ignore=shutil.ignore_patterns("features"))
    return write_page(folder, RECORDED)


def test_the_demo_page_shows_its_matrix_sections_and_charts(demo_page: Path) -> None:
    screenshot = demo_page.with_suffix(".png")
    assert browser.check(demo_page, screenshot) == []
    assert screenshot.read_bytes().startswith(b"\x89PNG")


def test_a_status_painted_in_the_wrong_colour_is_caught(demo_page: Path) -> None:
    html = demo_page.read_text().replace("--failed:#dc2626", "--failed:#16a34a")
    demo_page.write_text(html)
    found = browser.check(demo_page)
    assert any("EC-3" in text and "(failed) painted rgb(22, 163, 74)" in text for text in found)


def test_a_chart_without_lines_is_caught(demo_page: Path) -> None:
    html = demo_page.read_text().replace('class="line"', 'class="line" points="" data-x')
    demo_page.write_text(html.replace("<polyline", "<desc"))
    assert any("chart latency-chart" in text for text in browser.check(demo_page))


def test_the_comparison_page_shows_every_backend_painted(tmp_path: Path) -> None:
    judged = []
    for name in ("reference", "team-a", "team-b"):
        folder = tmp_path / name
        shutil.copytree(RECORDED, folder, ignore=shutil.ignore_patterns("features", "load*"))
        judged.append(
            Judged(Target(name=name, reference=name == "reference"), name, read_run(folder))
        )
    page = tmp_path / "index.html"
    page.write_text(render_comparison(judged, {"started_at": "now", "commit": "c", "machine": "m"}))
    assert browser.check(page) == []


def test_the_readmes_screenshots_are_there() -> None:
    readme = (ROOT / "README.md").read_text()
    for name in ("docs/judges-page.png", "docs/judges-compare.png"):
        assert name in readme
        assert (ROOT / name).read_bytes().startswith(b"\x89PNG")
