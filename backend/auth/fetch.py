"""One bounded HTTP GET of a JSON document: a deadline for the whole exchange and a size cap.

Per-read socket timeouts let a server that trickles one byte at a time hold a request for as
long as it likes; here the whole exchange (connect, headers, body) must end within `deadline`.
The body is read raw (`Accept-Encoding: identity`), so the cap holds for what is decoded too.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx


class FetchFailed(Exception):
    """The document could not be had; `reason` says why (for the log)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def new_client() -> httpx.AsyncClient:
    """A client that follows a few redirects and ignores proxy variables of the environment."""
    return httpx.AsyncClient(follow_redirects=True, max_redirects=3, trust_env=False)


async def get_json(
    client: httpx.AsyncClient,
    url: str,
    *,
    deadline: float,
    max_bytes: int,
    headers: dict[str, str] | None = None,
) -> tuple[int, Any]:
    """The status and the parsed JSON body of `GET url`, or `FetchFailed`."""
    body = bytearray()
    try:
        async with asyncio.timeout(deadline):
            request_headers = {"Accept": "application/json", "Accept-Encoding": "identity"}
            async with client.stream(
                "GET", url, headers={**request_headers, **(headers or {})}
            ) as response:
                async for chunk in response.aiter_raw():
                    body += chunk
                    if len(body) > max_bytes:
                        raise FetchFailed("too_large")
                status = response.status_code
    except TimeoutError:
        raise FetchFailed("timeout") from None
    except httpx.HTTPError as error:
        raise FetchFailed(f"unreachable:{type(error).__name__}") from None
    try:
        return status, json.loads(body, parse_constant=_no_constants)
    except (ValueError, RecursionError):
        raise FetchFailed(f"not_json:status_{status}") from None


def _no_constants(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")
