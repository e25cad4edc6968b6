"""Turn the database URL a provider hands out into one SQLAlchemy's psycopg 3 driver takes."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

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
