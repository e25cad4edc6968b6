"""Write `acceptance.json` and render `acceptance.md` and `acceptance.html` from it (Jinja2)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

TEMPLATES = Path(__file__).parent / "templates"
ICONS = {"passed": "✅", "failed": "❌", "blocked": "⛔", "not run": "⚪"}
MARKS = {"passed": "✓", "failed": "✗", "blocked": "⊘", "not run": "○"}  # in any font (HTML)
GROUPS = {
    "US": "User stories",
    "EC": "Edge cases",
    "FR": "Functional requirements",
    "SC": "Success criteria",
}


def cell(text: object) -> str:
    """A Markdown table cell: no line breaks, no bare pipes."""
    return " ".join(str(text).split()).replace("|", "\\|")


def environment(template_kind: str) -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["cell"] = cell
    env.globals.update(icons=MARKS if template_kind == "html" else ICONS, groups=GROUPS)
    return env


def context(report: dict[str, Any]) -> dict[str, Any]:
    """The report plus the lookups the templates need."""
    checks = report["checks"]
    return {
        **report,
        "by_id": {check["id"]: check for check in checks},
        "spec_problems": [
            c for c in checks if c["tier"] == "spec" and c["status"] in ("failed", "blocked")
        ],
        "hardening": [c for c in checks if c["tier"] == "hardening"],
        "not_run": [c for c in checks if c["status"] == "not run"],
    }


def render(report: dict[str, Any], template: str) -> str:
    kind = "html" if template.endswith(".html.j2") else "md"
    return environment(kind).get_template(template).render(context(report))


def write_reports(report: dict[str, Any], directory: Path) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "acceptance.json").write_text(json.dumps(report, indent=2) + "\n")
    (directory / "acceptance.md").write_text(render(report, "acceptance.md.j2"))
    (directory / "acceptance.html").write_text(render(report, "acceptance.html.j2"))
