"""Serve our backend with one defect of `tests/panel/defects.py` applied at start-up.

    python -m tests.panel.serve DEFECT --port 8123

Test-only: the defect wraps the app (or alters the schema after the migrations) in this
process; nothing of it is shipped. One worker, so the patched factory is the one served.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sqlalchemy import create_engine, pool, text

import backend.main
import backend.migrate
from backend.__main__ import main as serve_backend
from backend.database_url import normalise_database_url
from tests.panel.defects import DEFECTS, Defect, Wrapped


def apply(defect: Defect) -> None:
    """Patch the app factory (and the migrations) that `python -m backend serve` uses."""
    create_app = backend.main.create_app
    upgrade = backend.migrate.upgrade

    def broken_app(*args: Any, **kwargs: Any) -> Wrapped:
        return Wrapped(create_app(*args, **kwargs), defect)

    def upgrade_then_alter(settings: Any, database_url: str) -> None:
        upgrade(settings, database_url)
        engine = create_engine(normalise_database_url(database_url), poolclass=pool.NullPool)
        with engine.begin() as connection:
            connection.execute(text(defect.after_migrations))
        engine.dispose()

    # The server only needs an ASGI app: the wrapper stands in for FastAPI's.
    backend.main.create_app = broken_app  # type: ignore[assignment]
    if defect.after_migrations:
        backend.migrate.upgrade = upgrade_then_alter


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.panel.serve", description=__doc__)
    parser.add_argument("defect", choices=sorted(DEFECTS))
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args(argv)
    apply(DEFECTS[args.defect])
    return serve_backend(
        ["serve", "--host", "127.0.0.1", "--port", str(args.port), "--workers", "1"]
    )


if __name__ == "__main__":
    sys.exit(main())
