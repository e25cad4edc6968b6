"""`python -m backend [serve|migrate]`: what `make run` calls."""

from __future__ import annotations

import argparse
import os
import sys

from backend.envfile import ensure_secret
from backend.settings import Settings, SettingsError, load_settings, unknown_variable_warnings
from backend.signals import Stopped, stop_on_signals

EMBEDDED_DATABASE = "todo"
EXIT_DATABASE_UNREACHABLE = 1


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        with stop_on_signals():
            return _run(args)
    except Stopped as stopped:
        print(f"Stopped by {stopped.name} before serving.", file=sys.stderr)
        return 128 + stopped.signum
    except KeyboardInterrupt:
        print("Interrupted before serving.", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    for line in unknown_variable_warnings():
        print(line, file=sys.stderr)
    if args.command == "serve":
        ensure_secret()
    try:
        settings = load_settings()
    except SettingsError as error:
        print(error, file=sys.stderr)
        return 2
    database_url, where = _database(settings)
    from backend import connect_errors, migrate

    try:
        migrate.upgrade(settings, database_url)
    except connect_errors.CONNECT_FAILURES as error:
        timeout = settings.db_connect_timeout_seconds
        print(connect_errors.describe_failure(error, database_url, timeout), file=sys.stderr)
        return EXIT_DATABASE_UNREACHABLE
    print(f"Database {where}: migrations applied.", file=sys.stderr)
    if args.command == "serve":
        try:
            _serve(settings, args, database_url)
        except Stopped:
            pass  # the server has shut down on it, as on Ctrl-C
    return 0


def _database(settings: Settings) -> tuple[str, str]:
    """The URL to use and where it points (no password): `NEON_DATABASE_URL`, else the embedded
    server under `.data/`."""
    from backend.database_url import describe_target

    if settings.database_url is not None:
        url = settings.database_url.get_secret_value()
        return url, describe_target(url)
    from backend import embedded

    server_url = embedded.start_server(settings.embedded_db_dir)
    url = embedded.create_database(server_url, EMBEDDED_DATABASE)
    data = f"{settings.embedded_db_dir}/"
    return (
        url,
        f'"{EMBEDDED_DATABASE}" on the embedded PostgreSQL (no NEON_DATABASE_URL; data in {data})',
    )


def _serve(settings: Settings, args: argparse.Namespace, database_url: str) -> None:
    """Serve until a signal; workers without a configured database get the embedded one's URL."""
    from backend.logs import configure_logging
    from backend.server import serve

    configure_logging(settings.log_level, settings.log_format)
    serve(
        host=args.host,
        port=args.port,
        workers=args.workers,
        log_level=settings.log_level,
        log_format=settings.log_format,
        environment={} if settings.database_url else {"DATABASE_URL": database_url},
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
