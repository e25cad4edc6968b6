"""Fixtures of the backend's module tests."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from backend.settings import Settings


@pytest.fixture
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No setting from the caller's environment or `.env`: each test states its own."""
    names = {name.upper() for name in Settings.model_fields} | {"NEON_DATABASE_URL"}
    for name in os.environ:
        if name.upper() in names:
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)
    return tmp_path
