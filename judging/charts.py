"""Line charts for the page: the geometry here, the SVG in `templates/macros.html.j2`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

Point = tuple[float, float | None]

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 52, 44
TICKS = 5


@dataclass(frozen=True)
class Series:
    """A named line; points whose y is None are gaps (the line breaks there)."""

    label: str
    points: Sequence[Point]
    color: str


@dataclass(frozen=True)
class Tick:
    at: float
    label: str


@dataclass(frozen=True)
class Line:
    label: str
    color: str
    points: str  # "x,y x,y ..." in pixels

    @property
    def count(self) -> int:
        return len(self.points.split())


@dataclass(frozen=True)
class LegendEntry:
    x: float
    label: str
    color: str


@dataclass(frozen=True)
class Chart:
    """Everything the template draws; `lines` is empty when there is no data."""

    id: str
    title: str
    x_label: str
    y_label: str
    width: int
    height: int
    y_ticks: list[Tick] = field(default_factory=list)
    x_ticks: list[Tick] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    legend: list[LegendEntry] = field(default_factory=list)

    @property
    def left(self) -> int:
        return MARGIN_LEFT

    @property
    def top(self) -> int:
        return MARGIN_TOP

    @property
    def right(self) -> int:
        return self.width - MARGIN_RIGHT

    @property
    def bottom(self) -> int:
        return self.height - MARGIN_BOTTOM


def nice_step(span: float, ticks: int = TICKS) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) that divides `span` into about `ticks` parts."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10.0 ** math.floor(math.log10(raw))
    for factor in (1, 2, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def tick_values(maximum: float, ticks: int = TICKS) -> list[float]:
    """0, step, 2·step … up to the first value at or above `maximum`."""
    step = nice_step(maximum, ticks)
    count = max(1, math.ceil(maximum / step - 1e-9))
    return [i * step for i in range(count + 1)]


def format_number(value: float) -> str:
    return f"{value:,.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def line_chart(
    series: Sequence[Series],
    *,
    chart_id: str,
    title: str,
    x_label: str,
    y_label: str,
    width: int = 560,
    height: int = 280,
) -> Chart:
    """The chart's geometry; y starts at 0, x spans the data."""
    chart = Chart(chart_id, title, x_label, y_label, width, height)
    xs = [x for s in series for x, y in s.points if y is not None]
    ys = [y for s in series for _, y in s.points if y is not None]
    if not ys:
        return chart
    plot_w, plot_h = chart.right - chart.left, chart.bottom - chart.top
    x_min, x_span = min(xs), (max(xs) - min(xs)) or 1.0
    y_values = tick_values(max(ys) or 1.0)
    y_top = y_values[-1]

    def px(x: float) -> float:
        return chart.left + (x - x_min) / x_span * plot_w

    def py(y: float) -> float:
        return chart.bottom - y / y_top * plot_h

    chart.y_ticks.extend(Tick(py(value), format_number(value)) for value in y_values)
    chart.x_ticks.extend(
        Tick(px(x_min + value), format_number(value))
        for value in tick_values(x_span)
        if value <= x_span + 1e-9
    )
    for s, points in _segments(series):
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        chart.lines.append(Line(s.label, s.color, coords))
    x = float(chart.right)
    for s in reversed(series):
        x -= 8 * len(s.label) + 28
        chart.legend.append(LegendEntry(x, s.label, s.color))
    return chart


def _segments(series: Sequence[Series]) -> list[tuple[Series, list[tuple[float, float]]]]:
    """Each series split at its gaps into runs of known points."""
    runs: list[tuple[Series, list[tuple[float, float]]]] = []
    for s in series:
        current: list[tuple[float, float]] = []
        for x, y in [*s.points, (math.nan, None)]:
            if y is None:
                if current:
                    runs.append((s, current))
                current = []
            else:
                current.append((x, y))
    return runs
