"""Pass/fail limits for a load run, checked against Locust's aggregated statistics."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


class Totals(Protocol):
    """What Locust's `environment.stats.total` offers."""

    num_requests: int
    num_failures: int

    @property
    def fail_ratio(self) -> float: ...

    def get_response_time_percentile(self, percent: float) -> float | None: ...


@dataclass(frozen=True)
class Thresholds:
    """A run passes when every limit holds (SC-006: p95 ≤ 500 ms; SC-007: no errors)."""

    max_fail_ratio: float = 0.0
    max_p95_ms: float = 500.0
    min_requests: int = 100

    def breaches(self, totals: Totals) -> list[str]:
        """One line per limit that does not hold; empty when the run passes."""
        found = []
        if totals.num_requests < self.min_requests:
            found.append(f"requests: {totals.num_requests} < minimum {self.min_requests}")
        if totals.fail_ratio > self.max_fail_ratio:
            found.append(
                f"failure ratio: {totals.fail_ratio:.2%} ({totals.num_failures} failures)"
                f" > maximum {self.max_fail_ratio:.2%}"
            )
        p95 = totals.get_response_time_percentile(0.95) or 0
        if p95 > self.max_p95_ms:
            found.append(f"p95: {p95:g} ms > maximum {self.max_p95_ms:g} ms")
        return found
