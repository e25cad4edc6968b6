"""The README's curl session works as written, also when its task is not the first: the ids
come from the POST's answer (issue 11)."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from harness.stack import Stack
from tests.support import PROJECT

README = PROJECT / "README.md"
README_API = "http://127.0.0.1:8000"


def curl_session() -> str:
    """The `Try it with curl` block without its first line (`make run`, terminal 1)."""
    text = README.read_text()
    block = re.search(r"### Try it with curl\n\n```bash\n(.*?)```", text, re.S)
    assert block is not None
    lines = block.group(1).splitlines()
    assert lines[0].startswith("make run")
    return "\n".join(lines[1:]) + "\n"


def test_the_readme_curl_session_runs_twice_against_a_real_server(
    stack: Stack, tmp_path: Path
) -> None:
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    (tmp_path / ".env").write_text(f"BETTER_AUTH_SECRET={stack.secret}\n")
    script = (
        curl_session().replace(README_API, stack.url).replace(".venv/bin/python", sys.executable)
    )
    # Run in a folder of its own (its `.env`, not the developer's), as if from the checkout's
    # root, where the README's commands run: `harness` is found there, it is not installed.
    env = {**os.environ, "PYTHONPATH": str(PROJECT)}
    ids = []
    for _ in range(2):
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr
        created, rest = done.stdout.split("\n", 1)
        task = json.loads(created)
        assert task["title"] == "Buy groceries" and task["user_id"] == "user123"
        assert f'"id":{task["id"]},' in rest and '"completed":true' in rest
        assert '"title":"Buy organic groceries"' in rest
        assert done.stdout.rstrip().endswith("204")
        ids.append(task["id"])
    assert ids[0] != ids[1]
