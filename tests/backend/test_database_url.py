"""Database URLs as providers hand them out, and as libpq takes them."""

from __future__ import annotations

from psycopg.conninfo import conninfo_to_dict

from backend.database_url import libpq_url, normalise_database_url


def test_libpq_url_drops_the_driver_and_keeps_password_and_parameters() -> None:
    url = normalise_database_url("postgres://alex:p%40ss@ep-1.neon.tech/neondb?sslmode=require")
    assert url.startswith("postgresql+psycopg://")
    assert libpq_url(url) == "postgresql://alex:p%40ss@ep-1.neon.tech/neondb?sslmode=require"


def test_libpq_url_keeps_a_unix_socket_host() -> None:
    libpq = libpq_url("postgresql+psycopg://postgres:@/todo?host=/tmp/pg-socket")
    assert conninfo_to_dict(libpq) == {
        "user": "postgres",
        "dbname": "todo",
        "host": "/tmp/pg-socket",
    }
