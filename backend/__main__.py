"""`python -m backend [serve|migrate]`: what `make run` calls."""

from __future__ import annotations

import argparse
import os
import sys

from backend.envfile import ensure_secret
from backend.settings import Settings, SettingsError, load_settings

EMBEDDED_DATABASE = "todo"


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "serve":
        ensure_secret()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    database_url = _database_url(settings)
    from backend import migrate

    migrate.upgrade(settings, database_url)
    print("Migrations applied.", file=sys.stderr)
    if args.command == "serve":
        _serve(settings, args)
    return 0


def _database_url(settings: Settings) -> str:
    """`NEON_DATABASE_URL` when set, else the embedded server under `.data/`."""
    if settings.database_url is not None:
        return settings.database_url.get_secret_value()
    from backend import embedded

    server_url = embedded.start_server(settings.embedded_db_dir)
    url = embedded.create_database(server_url, EMBEDDED_DATABASE)
    print(
        f"No NEON_DATABASE_URL: using the embedded PostgreSQL, data in {settings.embedded_db_dir}/",
        file=sys.stderr,
    )
    os.environ["DATABASE_URL"] = url  # the server's workers read their settings anew
    return url


def _serve(settings: Settings, args: argparse.Namespace) -> None:
    from backend.logs import configure_logging
    from backend.server import serve

    configure_logging(settings.log_level, settings.log_format)
    serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        log_format=settings.log_format,
    )


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m backend", description=__doc__)
    parser.add_argument("command", nargs="?", choices=["serve", "migrate"], default="serve")
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--workers",
        type=int,
        default=int(os.environ.get("WEB_CONCURRENCY", "1")),
        help="server processes (default: WEB_CONCURRENCY or 1)",
    )
    return parser


if __name__ == "__main__":
    sys.exit(main())
