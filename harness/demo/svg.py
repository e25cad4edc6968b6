"""A small line chart drawn as inline SVG: axes, grid, ticks, one polyline per series, a legend."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

Point = tuple[float, float | None]

MARGIN_LEFT, MARGIN_RIGHT, MARGIN_TOP, MARGIN_BOTTOM = 56, 16, 52, 44
TICKS = 5


@dataclass(frozen=True)
class Series:
    """A named line; points whose y is None are gaps (the line breaks there)."""

    label: str
    points: Sequence[Point]
    color: str


def nice_step(span: float, ticks: int = TICKS) -> float:
    """A round step (1, 2 or 5 × 10ⁿ) that divides `span` into about `ticks` parts."""
    if span <= 0:
        return 1.0
    raw = span / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
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
) -> str:
    """The chart as an `<svg>` element; y starts at 0, x spans the data."""
    plot_w = width - MARGIN_LEFT - MARGIN_RIGHT
    plot_h = height - MARGIN_TOP - MARGIN_BOTTOM
    xs = [x for s in series for x, y in s.points if y is not None]
    ys = [y for s in series for _, y in s.points if y is not None]
    parts = [
        f'<svg id="{escape(chart_id)}" class="chart" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" role="img" aria-label="{escape(title)}" '
        'xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
        f'<text x="{MARGIN_LEFT}" y="20" class="chart-title">{escape(title)}</text>',
    ]
    if not ys:
        parts.append(f'<text x="{width / 2}" y="{height / 2}" text-anchor="middle">no data</text>')
        return "\n".join([*parts, "</svg>"])

    x_min, x_max = min(xs), max(xs)
    x_span = (x_max - x_min) or 1.0
    y_ticks = tick_values(max(ys) or 1.0)
    y_top = y_ticks[-1]

    def px(x: float) -> float:
        return MARGIN_LEFT + (x - x_min) / x_span * plot_w

    def py(y: float) -> float:
        return MARGIN_TOP + plot_h - y / y_top * plot_h

    for value in y_ticks:
        y = py(value)
        parts.append(
            f'<line class="grid" x1="{MARGIN_LEFT}" y1="{y:.1f}" '
            f'x2="{MARGIN_LEFT + plot_w}" y2="{y:.1f}"/>'
        )
        parts.append(
            f'<text x="{MARGIN_LEFT - 6}" y="{y + 4:.1f}" text-anchor="end">'
            f"{format_number(value)}</text>"
        )
    for value in tick_values(x_span):
        if value > x_span + 1e-9:
            break
        x = px(x_min + value)
        parts.append(
            f'<text x="{x:.1f}" y="{MARGIN_TOP + plot_h + 16}" text-anchor="middle">'
            f"{format_number(value)}</text>"
        )
    parts.append(
        f'<path class="axis" d="M{MARGIN_LEFT},{MARGIN_TOP}V{MARGIN_TOP + plot_h}'
        f'H{MARGIN_LEFT + plot_w}"/>'
    )
    parts.append(
        f'<text x="{MARGIN_LEFT + plot_w / 2}" y="{height - 6}" text-anchor="middle">'
        f"{escape(x_label)}</text>"
    )
    parts.append(
        f'<text transform="translate(14 {MARGIN_TOP + plot_h / 2}) rotate(-90)" '
        f'text-anchor="middle">{escape(y_label)}</text>'
    )
    for s, points in _segments(series):
        coords = " ".join(f"{px(x):.1f},{py(y):.1f}" for x, y in points)
        parts.append(
            f'<polyline class="line" data-series="{escape(s.label)}" fill="none" '
            f'stroke="{escape(s.color)}" stroke-width="2" points="{coords}"/>'
        )
    parts.extend(_legend(series, MARGIN_LEFT + plot_w))
    parts.append("</svg>")
    return "\n".join(parts)


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


def _legend(series: Sequence[Series], right: float) -> list[str]:
    parts = []
    x = right
    for s in reversed(series):
        x -= 8 * len(s.label) + 28
        parts.append(
            f'<rect x="{x:.0f}" y="32" width="14" height="4" fill="{escape(s.color)}"/>'
            f'<text x="{x + 18:.0f}" y="38" class="legend">{escape(s.label)}</text>'
        )
    return parts
