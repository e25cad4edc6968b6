"""First-run convenience: write `.env` with a fresh `BETTER_AUTH_SECRET` when none is set."""

from __future__ import annotations

import secrets
import sys
from pathlib import Path

from dotenv import set_key

from backend.settings import configured

EXAMPLE = Path(".env.example")
TARGET = Path(".env")


def ensure_secret() -> None:
    """Leave any configured secret alone; otherwise write one into `.env` and say so."""
    if configured("BETTER_AUTH_SECRET"):
        return
    if not TARGET.exists():
        TARGET.touch(mode=0o600)
        TARGET.write_text(EXAMPLE.read_text() if EXAMPLE.exists() else "")
    TARGET.chmod(0o600)  # before the secret is in it
    set_key(TARGET, "BETTER_AUTH_SECRET", secrets.token_urlsafe(48), quote_mode="never")
    print(
        f"Wrote a new BETTER_AUTH_SECRET to {TARGET}: give your frontend the same value.",
        file=sys.stderr,
    )
