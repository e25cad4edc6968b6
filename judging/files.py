"""The names of the files a judging run leaves in its reports folder, and reading them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

PAGE = "index.html"
RUN = "demo.json"
OWN_STACK = "own-stack"  # the features run on their own stack report in this subfolder
BACKEND_LOG = "backend.log"
BENCH = "bench.json"
FEATURES_XML = "features.xml"  # pytest's JUnit XML of a features pass
FEATURES_LOG = "features.log"


def read_json(path: Path) -> Any:
    """The file's JSON, or None when it does not exist."""
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else None


def write_json(path: Path, data: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
