"""Things worth a judge's attention that are no check's verdict: a redirect that was followed,
a connection the backend dropped. Each is reported once, with how often it happened."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class Finding:
    key: str
    summary: str
    detail: str
    count: int = 1

    def entry(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "summary": self.summary,
            "detail": self.detail,
            "count": self.count,
        }


@dataclass
class Findings:
    """The run's findings by key; the first occurrence gives the detail."""

    found: dict[str, Finding] = field(default_factory=dict)

    def note(self, key: str, summary: str, detail: str) -> None:
        if key in self.found:
            self.found[key].count += 1
        else:
            self.found[key] = Finding(key, summary, detail)

    def entries(self) -> list[dict[str, Any]]:
        return [finding.entry() for finding in self.found.values()]
