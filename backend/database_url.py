"""Database URLs: the one a provider hands out made into one psycopg 3 takes, and described."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from sqlalchemy.engine import make_url

DRIVER_SCHEME = "postgresql+psycopg"
ACCEPTED_SCHEMES = ("postgres", "postgresql", "postgresql+psycopg", "postgresql+psycopg2")


def normalise_database_url(url: str) -> str:
    """Accept `postgres://` and `postgresql://` URLs as pasted (Neon's too), TLS parameters kept."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme not in ACCEPTED_SCHEMES:
        raise ValueError("must be a PostgreSQL URL (postgresql://user:password@host/db)")
    if not parts.netloc and "host=" not in parts.query:
        raise ValueError("must name a host (postgresql://user:password@host/db)")
    query = urlencode(parse_qsl(parts.query, keep_blank_values=True))
    return urlunsplit((DRIVER_SCHEME, parts.netloc, parts.path, query, parts.fragment))


def libpq_url(url: str) -> str:
    """The URL as libpq spells it (psycopg.connect, psql, pgbench): no `+driver`, password kept."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def describe_target(url: str) -> str:
    """Where `url` points, without its password: `"neondb" on ep-….neon.tech:5432`."""
    parts = make_url(url)
    host = parts.host or str(parts.query.get("host") or "localhost")
    if host.startswith("/"):
        return f'"{parts.database}" on the Unix socket in {host}'
    port = parts.port or parts.query.get("port") or 5432
    return f'"{parts.database}" on {host}:{port}'
