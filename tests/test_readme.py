"""The README and docs/ stay true: the configuration table is the settings model's, every link
and every file they name exists, and the README stays a five-minute read (issue 13)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from pydantic_core import PydanticUndefined

from backend.settings import Settings, known_variables, variable_names

PROJECT = Path(__file__).resolve().parent.parent
README = PROJECT / "README.md"
DOCS = sorted((PROJECT / "docs").glob("*.md"))
PAGES = [README, *DOCS]
COMMAND_LINE = {"HOST", "PORT", "WEB_CONCURRENCY"}  # read by `python -m backend serve`
README_MAX_BYTES = 15_000
TOP_LEVEL = ("backend", "harness", "features", "judging", "load", "tests", "docs", ".ci")
REPO_PATH = re.compile(rf"`((?:{'|'.join(re.escape(d) for d in TOP_LEVEL)})/[\w./*-]*)")
LINK = re.compile(r"\]\(([^)\s]+)\)")
WRITTEN_BY_USERS = {"backend/.env"}


def configuration_rows() -> dict[str, str]:
    """Each variable of the README's Configuration table → its default cell."""
    section = README.read_text().split("## Configuration", 1)[1].split("\n## ", 1)[0]
    rows: dict[str, str] = {}
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip("|").split("|")]
        if len(cells) != 3 or not cells[0].startswith("`"):
            continue
        names = re.findall(r"`([A-Z_]+)`", cells[0])
        defaults = re.findall(r"`([^`]*)`", cells[1]) or [cells[1]]
        for number, name in enumerate(names):
            rows[name] = defaults[min(number, len(defaults) - 1)]
    return rows


def written(default: object) -> str:
    if isinstance(default, bool):
        return str(default).lower()
    if isinstance(default, float) and default.is_integer():
        return str(int(default))
    return str(default)


def test_the_configuration_table_lists_every_setting_and_nothing_else() -> None:
    rows = configuration_rows()
    assert set(known_variables()) - set(rows) == set(), "settings missing from the README"
    assert set(rows) - set(known_variables()) - COMMAND_LINE == set(), "not settings"


def test_the_configuration_table_gives_each_settings_default() -> None:
    rows = configuration_rows()
    for field, info in Settings.model_fields.items():
        default = info.get_default(call_default_factory=True)
        if default is None or default is PydanticUndefined or default == []:
            continue
        for name in variable_names(field, info):
            assert rows[name] == written(default), name


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_link_leads_to_a_file_and_heading_that_exist(page: Path) -> None:
    for target in LINK.findall(page.read_text()):
        if target.startswith(("http://", "https://")):
            continue
        path, _, anchor = target.partition("#")
        linked = (page.parent / path).resolve() if path else page
        assert linked.exists(), f"{page.name}: {target}"
        if anchor and linked.suffix == ".md":
            headings = re.findall(r"^#+ (.+)$", linked.read_text(), re.M)
            slugs = {re.sub(r"[^\w -]", "", h).strip().lower().replace(" ", "-") for h in headings}
            assert anchor in slugs, f"{page.name}: {target}"


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.name)
def test_every_file_named_exists(page: Path) -> None:
    for named in REPO_PATH.findall(page.read_text()):
        path = re.split(r"::|:", named)[0].rstrip(".")
        if path in WRITTEN_BY_USERS:
            continue
        if "*" in path:
            assert list(PROJECT.glob(path)), f"{page.name}: {named}"
        else:
            assert (PROJECT / path).exists(), f"{page.name}: {named}"


def test_the_readme_stays_a_five_minute_read() -> None:
    size = len(README.read_bytes())
    assert size < README_MAX_BYTES, f"README.md is {size} bytes: move depth into docs/"
