"""The pages as a judge sees them: opened in headless Chromium, checked, screenshotted.

    python -m judging.browser reports/index.html --screenshot reports/index.png
    python -m judging.browser reports/compare/index.html --screenshot docs/judges-compare.png

Playwright drives Debian's Chromium (`/usr/bin/chromium`; Playwright's own browser download
is never used). The checks read what the browser rendered: visible sections, the colours
the status chips and cells are painted in, chart lines with points, and in-page links that
lead somewhere.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from harness.browser import chromium_path, headless_chromium

COLOURS = {  # the status colours of `templates/style.css`, as the browser reports them
    "passed": "rgb(22, 163, 74)",
    "failed": "rgb(220, 38, 38)",
    "blocked": "rgb(217, 119, 6)",
    "not run": "rgb(156, 163, 175)",
}
CHARTS = ("latency-chart", "rps-chart")
WIDTH = 1280


@contextmanager
def opened(page_path: Path, width: int = WIDTH) -> Iterator[Any]:
    """The page loaded from disk in a fresh headless Chromium (a Playwright `Page`)."""
    executable = chromium_path()
    if executable is None:
        raise RuntimeError("Debian's chromium is not installed (.ci/run installs it)")
    with headless_chromium(executable) as browser:
        page = browser.new_page(viewport={"width": width, "height": 900})
        page.goto(page_path.resolve().as_uri())
        yield page


STATUS_PAINT = """
(selector) => [...document.querySelectorAll(selector)].map((element) => {
  const box = element.getBoundingClientRect();
  const painted = getComputedStyle(element.matches('a') ? element : element.querySelector('a'));
  return {status: element.dataset.status, colour: painted.backgroundColor,
          visible: box.width > 0 && box.height > 0, text: element.textContent.trim()};
})
"""
LINE_POINTS = """
(id) => [...document.querySelectorAll(`#${id} polyline`)].map(
  (line) => ({series: line.dataset.series, points: line.points.numberOfItems,
              width: line.getBoundingClientRect().width}))
"""
DANGLING = """
() => [...document.querySelectorAll('a[href^="#"]')]
  .map((a) => a.getAttribute('href').slice(1))
  .filter((id) => id && !document.getElementById(id))
"""
OVERFLOW = "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"


def paint_problems(page: Any, selector: str) -> list[str]:
    """Elements whose painted colour is not their status's colour, or that are not visible."""
    found = []
    painted = page.evaluate(STATUS_PAINT, selector)
    if not painted:
        found.append(f"nothing matches {selector}")
    for item in painted:
        expected = COLOURS.get(item["status"])
        if not item["visible"]:
            found.append(f"{selector} {item['text']!r} is not visible")
        elif item["colour"] != expected:
            found.append(
                f"{selector} {item['text']!r} ({item['status']}) painted {item['colour']}, "
                f"not {expected}"
            )
    return found


def report_problems(page: Any, *, with_load: bool = True) -> list[str]:
    """What a one-backend page (`make demo`'s) fails to show; empty when all is there."""
    found = paint_problems(page, "a.chip")
    for section in ("matrix", "requirements", "hardening", "context"):
        if not page.locator(f"#{section}").is_visible():
            found.append(f"section #{section} is not visible")
    chips = page.locator("a.chip").count()
    rows = page.locator("tr.req").count()
    if chips != rows:
        found.append(f"{chips} chips in the matrix but {rows} requirement rows")
    if with_load:
        for chart in CHARTS:
            lines = [line for line in page.evaluate(LINE_POINTS, chart) if line["points"] >= 2]
            if not lines or not any(line["width"] > 0 for line in lines):
                found.append(f"chart {chart} is missing or has no line")
    return found + layout_problems(page)


def comparison_problems(page: Any) -> list[str]:
    """What the comparison page fails to show: the matrix, painted, with a control column."""
    found = paint_problems(page, "td.cell")
    if not page.locator("#comparison-table").is_visible():
        found.append("the comparison table is not visible")
    if page.locator("th.backend.control").count() != 1:
        found.append("no control column (our reference)")
    backends = page.locator("th.backend").count()
    rows = page.locator("tr[data-requirement]").count()
    cells = page.locator("td.cell").count()
    if cells != backends * rows:
        found.append(f"{cells} cells for {rows} requirements × {backends} backends")
    return found + layout_problems(page)


def layout_problems(page: Any) -> list[str]:
    found = []
    dangling = page.evaluate(DANGLING)
    if dangling:
        found.append(f"links to nowhere: {', '.join(dangling[:5])}")
    overflow = page.evaluate(OVERFLOW)
    if overflow > 0:
        found.append(f"the page is {overflow} px wider than the window")
    return found


def check(page_path: Path, screenshot: Path | None = None, height: int | None = None) -> list[str]:
    """Open the page (a comparison page if it has the table), check it, screenshot it
    (the whole page, or its top `height` pixels)."""
    with opened(page_path) as page:
        if page.locator("#comparison-table").count():
            found = comparison_problems(page)
        else:
            found = report_problems(page, with_load=page.locator("#load").count() > 0)
        if screenshot is not None:
            screenshot.parent.mkdir(parents=True, exist_ok=True)
            clip = {"x": 0, "y": 0, "width": WIDTH, "height": height} if height else None
            page.screenshot(path=str(screenshot), full_page=True, clip=clip)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m judging.browser", description=__doc__)
    parser.add_argument("page", type=Path)
    parser.add_argument("--screenshot", type=Path, help="write a full-page PNG here")
    parser.add_argument("--height", type=int, help="only the top HEIGHT pixels in the PNG")
    args = parser.parse_args(argv)
    found = check(args.page, args.screenshot, args.height)
    print(f"Page check in Chromium: {args.page}: {'ok' if not found else 'problems'}")
    for text in found:
        print(f"  ✗ {text}", file=sys.stderr)
    if args.screenshot:
        print(f"Screenshot: {args.screenshot}")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
