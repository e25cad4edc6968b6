"""A small API client speaking for one user, as the frontend does."""

from __future__ import annotations

import time
from typing import Any

import httpx

ENDPOINTS = (
    ("GET", ""),
    ("POST", ""),
    ("GET", "/1"),
    ("PUT", "/1"),
    ("DELETE", "/1"),
    ("PATCH", "/1/complete"),
)
"""The six locked endpoints: (method, path after `/api/{user_id}/tasks`), naming task 1."""


class TodoClient:
    """Calls `/api/{user_id}/tasks` with a Bearer token (or none, or another user's path)."""

    def __init__(self, base_url: str, user_id: str, token: str | None, **client_options: Any):
        self.user_id = user_id
        self.token = token
        self.http = httpx.Client(base_url=base_url, timeout=30, **client_options)

    def headers(self, token: str | None = None) -> dict[str, str]:
        token = token if token is not None else self.token
        return {"Authorization": f"Bearer {token}"} if token else {}

    def path(self, task_id: int | None = None, user_id: str | None = None) -> str:
        base = f"/api/{user_id or self.user_id}/tasks"
        return base if task_id is None else f"{base}/{task_id}"

    def list(self, **params: Any) -> httpx.Response:
        return self.http.get(self.path(), params=params, headers=self.headers())

    def create(self, title: str = "Buy groceries", **fields: Any) -> httpx.Response:
        return self.http.post(self.path(), json={"title": title, **fields}, headers=self.headers())

    def get(self, task_id: int) -> httpx.Response:
        return self.http.get(self.path(task_id), headers=self.headers())

    def update(self, task_id: int, **fields: Any) -> httpx.Response:
        return self.http.put(self.path(task_id), json=fields, headers=self.headers())

    def toggle(self, task_id: int) -> httpx.Response:
        return self.http.patch(self.path(task_id) + "/complete", headers=self.headers())

    def delete(self, task_id: int) -> httpx.Response:
        return self.http.delete(self.path(task_id), headers=self.headers())

    def close(self) -> None:
        self.http.close()


def statuses_until(
    url: str, headers: dict[str, str], wanted: int, *, attempts: int = 40, pause: float = 0.05
) -> list[int]:
    """GET `url` until it answers `wanted` (at most `attempts` times); every status seen.

    For changes the backend applies in the background (a JWKS refresh): the test asserts the
    last status, never how long it took.
    """
    seen: list[int] = []
    for _ in range(attempts):
        seen.append(httpx.get(url, headers=headers, timeout=10).status_code)
        if seen[-1] == wanted:
            break
        time.sleep(pause)
    return seen
