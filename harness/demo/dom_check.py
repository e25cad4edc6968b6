"""Check that a rendered page shows the matrix and both charts.

    python -m harness.demo.dom_check reports/index.dom.html   # a DOM dumped by Chromium

Used on the DOM headless Chromium dumps in `.ci/run`, and by the tests on the page itself.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path

CHARTS = ("latency-chart", "rps-chart")


@dataclass
class Outline:
    """What the page holds: ids, requirement chips and rows, chart lines, links, tag names."""

    ids: set[str] = field(default_factory=set)
    chips: dict[str, str] = field(default_factory=dict)  # requirement id → status
    rows: dict[str, str] = field(default_factory=dict)  # requirement id → status
    lines: dict[str, dict[str, int]] = field(default_factory=lambda: defaultdict(dict))
    links: list[str] = field(default_factory=list)
    tags: set[str] = field(default_factory=set)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.outline = Outline()
        self._chart: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        classes = attributes.get("class", "").split()
        outline = self.outline
        outline.tags.add(tag)
        if "id" in attributes:
            outline.ids.add(attributes["id"])
        if tag == "a" and "href" in attributes:
            outline.links.append(attributes["href"])
        if tag == "a" and "chip" in classes:
            outline.chips[attributes["href"].removeprefix("#req-")] = _status(classes)
        if tag == "tr" and "req" in classes:
            outline.rows[attributes.get("id", "").removeprefix("req-")] = _status(classes)
        if tag == "svg":
            self._chart = attributes.get("id")
        if tag == "polyline" and self._chart:
            points = len(attributes.get("points", "").split())
            series = attributes.get("data-series", "")
            lines = outline.lines[self._chart]
            lines[series] = lines.get(series, 0) + points

    def handle_endtag(self, tag: str) -> None:
        if tag == "svg":
            self._chart = None


def _status(classes: list[str]) -> str:
    return next((c for c in classes if c in ("passed", "failed", "gap", "skipped")), "")


def outline_of(html: str) -> Outline:
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.outline


def problems(outline: Outline) -> list[str]:
    """What the page fails to show; empty when the matrix and both charts are there."""
    found = []
    if "matrix" not in outline.ids or not outline.chips:
        found.append("no requirement matrix")
    if set(outline.chips) - set(outline.rows):
        found.append("matrix chips without a requirement row")
    for chart in CHARTS:
        drawn = {series: n for series, n in outline.lines.get(chart, {}).items() if n >= 2}
        if not drawn:
            found.append(f"chart {chart} is missing or has no line")
    if "context" not in outline.ids:
        found.append("no run context")
    dangling = [
        link for link in outline.links if link.startswith("#") and link[1:] not in outline.ids
    ]
    if dangling:
        found.append(f"links to nowhere: {', '.join(dangling[:5])}")
    return found


def main(argv: list[str] | None = None) -> int:
    paths = argv if argv is not None else sys.argv[1:]
    if len(paths) != 1:
        print(__doc__, file=sys.stderr)
        return 2
    outline = outline_of(Path(paths[0]).read_text(encoding="utf-8"))
    found = problems(outline)
    charts = ", ".join(f"{chart}: {len(outline.lines.get(chart, {}))} lines" for chart in CHARTS)
    print(f"Page check: {len(outline.chips)} requirements in the matrix, {charts}")
    for text in found:
        print(f"  ✗ {text}", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
