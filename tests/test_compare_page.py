"""Several backends, one page: the targets a comparison takes, and the page it writes."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path
from typing import Any

import pytest

from judging.__main__ import main
from judging.compare import Judged, reference_target, render_comparison
from judging.run import read_run
from judging.target import Target, clean_environment, opened
from judging.targets import TargetError, targets_from_file, targets_from_flags, unique

RECORDED = Path(__file__).parent / "fixtures" / "demo"


def judged_run(tmp_path: Path, name: str, change: Any = None, **target: Any) -> Judged:
    folder = tmp_path / name
    shutil.copytree(RECORDED, folder, ignore=shutil.ignore_patterns("features", "load*"))
    if change is not None:
        path = folder / "acceptance.json"
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))
    return Judged(Target(name=name, **target), name, read_run(folder))


def all_passed(data: dict[str, Any]) -> None:
    for check in data["checks"]:
        check.update(status="passed", reason="", root_cause=None, evidence=None)
    for requirement in data["requirements"]:
        requirement.update(status="passed", reason="")
    data["root_causes"] = []


RECORD = {"started_at": "2026-12-01T10:00:00+00:00", "commit": "abc1234", "machine": "2 cores"}


@pytest.fixture
def page(tmp_path: Path) -> str:
    judged = [
        judged_run(tmp_path, "team-a", base_url="http://127.0.0.1:9001"),
        judged_run(tmp_path, "reference", all_passed, reference=True, own_stack=True),
    ]
    html = render_comparison(judged, RECORD)
    (tmp_path / "index.html").write_text(html)
    return html


def cells(html: str, backend: str) -> dict[str, str]:
    found = re.findall(
        rf'<tr data-requirement="([^"]+)">.*?data-backend="{backend}" data-status="([a-z ]+)"',
        html,
        flags=re.S,
    )
    return dict(found)


def test_one_row_per_requirement_and_one_column_per_backend(page: str) -> None:
    requirements = json.loads((RECORDED / "acceptance.json").read_text())["requirements"]
    assert page.count("<tr data-requirement=") == len(requirements)
    assert page.count('<td class="cell') == 2 * len(requirements)


def test_the_reference_is_the_first_column_the_control(page: str) -> None:
    headers = re.findall(r'<th class="backend( control)?" data-backend="([^"]+)"', page)
    assert headers == [(" control", "reference"), ("", "team-a")]
    assert set(cells(page, "reference").values()) <= {"passed", "not run"}


def test_cells_carry_the_spec_tier_status_and_link_to_the_backends_report(page: str) -> None:
    team = cells(page, "team-a")
    assert team["EC-3"] == "failed" and team["US3-1"] == "blocked"
    assert team["FR-018"] == "passed"  # completed by the own-stack pass
    assert 'href="team-a/index.html#req-EC-3"' in page
    assert "a 201-character title was accepted" in page  # the reason, in the cell's title


def test_root_causes_are_listed_per_backend(page: str) -> None:
    section = page[page.index('id="root-causes"') : page.index('id="backends"')]
    team = section[section.index('id="causes-team-a"') :]
    assert "<b>titles over 200 characters are accepted</b>: 1 check" in team
    reference = section[section.index('id="causes-reference"') : section.index("causes-team-a")]
    assert "No failure with a root cause" in reference


def test_each_backend_links_its_full_reports(page: str) -> None:
    for name in ("reference", "team-a"):
        for file in ("index.html", "acceptance.html", "acceptance.md", "acceptance.json"):
            assert f'href="{name}/{file}"' in page


def test_hardening_is_counted_apart(page: str) -> None:
    row = page[page.index('<tr class="hardening">') :]
    assert "0 / 1" in row[: row.index("</tr>")]


def test_a_backend_that_could_not_be_judged_says_why(tmp_path: Path) -> None:
    empty = tmp_path / "team-b"
    empty.mkdir()
    (empty / "demo.json").write_text(json.dumps({"error": "the backend did not start: exited"}))
    judged = [
        judged_run(tmp_path, "reference", all_passed, reference=True),
        Judged(Target(name="team-b", base_url="http://x"), "team-b", read_run(empty)),
    ]
    html = render_comparison(judged, RECORD)
    assert "the backend did not start: exited" in html
    assert set(cells(html, "team-b").values()) == {"not run"}


def test_targets_from_a_toml_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TEAM_A_SECRET", "s3cret")
    path = tmp_path / "judging.toml"
    path.write_text(
        """
[defaults]
better_auth_url = "http://localhost:3000"

[[target]]
name = "team-a"
base_url = "http://127.0.0.1:9001"
better_auth_secret_env = "TEAM_A_SECRET"
user_claim = "user_id"
extra_claims = {role = "member"}

[[target]]
name = "team-b"
command = "uvicorn main:app --port $PORT"
cwd = "team-b"
port = 9002
database_variable = "DATABASE_URL"
database_scheme = "postgresql+asyncpg"
token_mode = "jwks"
"""
    )
    team_a, team_b = targets_from_file(path)
    assert team_a.mode == "base-url" and team_a.base_url == "http://127.0.0.1:9001"
    assert team_a.environment == {
        "BETTER_AUTH_URL": "http://localhost:3000",
        "BETTER_AUTH_SECRET": "s3cret",
        "JUDGE_USER_CLAIM": "user_id",
        "JUDGE_EXTRA_CLAIMS": '{"role": "member"}',
    }
    assert team_b.mode == "launched" and team_b.command == "uvicorn main:app --port $PORT"
    assert team_b.environment["JUDGE_BACKEND_CWD"] == str(tmp_path / "team-b")
    assert team_b.environment["JUDGE_BACKEND_PORT"] == "9002"
    assert team_b.environment["JUDGE_DATABASE_SCHEME"] == "postgresql+asyncpg"
    assert team_b.environment["JUDGE_TOKEN_MODE"] == "jwks"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('[[target]]\nname = "a"\nbase_url = "http://x"\ncolour = "red"', "unknown key 'colour'"),
        ('[[target]]\nname = "a"', "exactly one of base_url and command"),
        ('[[target]]\nname = "reference"\nbase_url = "http://x"', "our own backend's column"),
        ('[[target]]\nname = "a b"\nbase_url = "http://x"', "a name is 1-40 letters"),
        (
            '[[target]]\nname = "a"\nbase_url = "http://x"\nbetter_auth_secret_env = "NOPE_X"',
            "NOPE_X, which is not set",
        ),
        ("name = ", "judging.toml"),
        ("", "no [[target]] table"),
    ],
)
def test_a_wrong_target_file_says_what_is_wrong(tmp_path: Path, body: str, message: str) -> None:
    path = tmp_path / "judging.toml"
    path.write_text(body)
    with pytest.raises(TargetError, match=re.escape(message)):
        targets_from_file(path)


def test_targets_from_flags_take_token_options_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("BETTER_AUTH_SECRET", "shared")
    monkeypatch.setenv("JUDGE_USER_CLAIM", "uid")
    team_a, team_b = targets_from_flags(["team-a=http://127.0.0.1:9001"], ["team-b=./run.sh"])
    assert team_a.base_url == "http://127.0.0.1:9001" and team_b.command == "./run.sh"
    assert team_a.environment["BETTER_AUTH_SECRET"] == "shared"
    assert team_b.environment["JUDGE_USER_CLAIM"] == "uid"
    with pytest.raises(TargetError, match="expected NAME=URL"):
        targets_from_flags(["http://127.0.0.1:9001"], [])
    with pytest.raises(TargetError, match="repeated: a"):
        unique([team_a, Target(name="a"), Target(name="a")])


def test_one_targets_options_never_reach_another(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BASE_URL", "http://elsewhere")
    monkeypatch.setenv("JUDGE_TOKEN_MODE", "jwks")
    assert not {"BASE_URL", "JUDGE_TOKEN_MODE"} & set(clean_environment())
    target = Target(name="t", command="./serve", environment={"JUDGE_BACKEND_PORT": "9"})
    with opened(target, Path(".")) as running:
        assert running.base_url is None
        assert running.env["JUDGE_BACKEND_COMMAND"] == "./serve"
        assert "BASE_URL" not in running.env and "JUDGE_TOKEN_MODE" not in running.env


def test_the_reference_is_our_backend_started_here() -> None:
    reference = reference_target()
    assert reference.reference and reference.own_stack and reference.mode == "started"


def test_the_compare_command_refuses_a_bad_target_before_judging(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "teams.toml"
    path.write_text('[[target]]\nname = "a"\n')
    assert main(["compare", "--targets", str(path), "--reports", str(tmp_path)]) == 2
    assert "exactly one of base_url and command" in capsys.readouterr().err
    assert not (tmp_path / "compare").exists()
