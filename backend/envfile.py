"""First-run convenience: write `.env` with a fresh `BETTER_AUTH_SECRET` when none is set."""

from __future__ import annotations

import os
import re
import secrets
import sys
from pathlib import Path

from dotenv import dotenv_values

from backend.settings import ENV_FILES

EXAMPLE = Path(".env.example")
TARGET = Path(".env")
SECRET_LINE = re.compile(r"^BETTER_AUTH_SECRET=.*$", re.MULTILINE)


def ensure_secret() -> None:
    """Leave any configured secret alone; otherwise write one into `.env` and say so."""
    if os.environ.get("BETTER_AUTH_SECRET"):
        return
    for path in map(Path, ENV_FILES):
        if path.exists() and dotenv_values(path).get("BETTER_AUTH_SECRET"):
            return
    secret_line = f"BETTER_AUTH_SECRET={secrets.token_urlsafe(48)}"
    if TARGET.exists():
        text = TARGET.read_text()
    else:
        text = EXAMPLE.read_text() if EXAMPLE.exists() else ""
    if SECRET_LINE.search(text):
        text = SECRET_LINE.sub(secret_line, text, count=1)
    else:
        text = f"{text.rstrip()}\n{secret_line}\n".lstrip()
    TARGET.write_text(text)
    TARGET.chmod(0o600)
    print(
        f"Wrote a new BETTER_AUTH_SECRET to {TARGET}: give your frontend the same value.",
        file=sys.stderr,
    )
