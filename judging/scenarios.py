"""A scenario's Gherkin text, cut from its `.feature` file for the page to embed."""

from __future__ import annotations

import re
from pathlib import Path

# Lines that start the next block: its tags, or another scenario, rule, background or feature.
NEXT_BLOCK = re.compile(r"^\s*(@|(Scenario( Outline| Template)?|Example|Rule|Background|Feature):)")


def anchor(file: str, line: int) -> str:
    """An HTML id for the scenario at `file:line`."""
    return "scenario-" + re.sub(r"[^A-Za-z0-9]+", "-", f"{file}-{line}").strip("-")


def scenario_text(root: Path, file: str, line: int) -> str | None:
    """The scenario starting at `line` (1-based) with its tags, through its Examples tables."""
    path = (root / file).resolve()
    if not path.is_relative_to(root.resolve()) or not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8", errors="replace").splitlines()
    if not 1 <= line <= len(lines):
        return None
    start = line - 1
    while start > 0 and lines[start - 1].lstrip().startswith("@"):
        start -= 1
    end = line
    while end < len(lines) and not NEXT_BLOCK.match(lines[end]):
        end += 1
    block = lines[start:end]
    while block and not block[-1].strip():
        block.pop()
    indent = min((len(text) - len(text.lstrip()) for text in block if text.strip()), default=0)
    return "\n".join(text[indent:] for text in block)
