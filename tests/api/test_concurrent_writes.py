"""Concurrent writes to one task stay consistent: toggles flip in SQL, none is lost (EC-6)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime

import httpx

from harness.client import TodoClient

CONCURRENT = 50


async def send_all(
    client: TodoClient, requests: Sequence[tuple[str, str, dict[str, str] | None]]
) -> list[httpx.Response]:
    """Send every request at once, each on its own connection."""
    limits = httpx.Limits(max_connections=len(requests))
    async with httpx.AsyncClient(
        base_url=str(client.http.base_url), limits=limits, timeout=60
    ) as http:
        return await asyncio.gather(
            *(
                http.request(method, path, json=body, headers=client.headers())
                for method, path, body in requests
            )
        )


def test_50_concurrent_toggles_leave_completed_as_parity_says(client: TodoClient) -> None:
    task = client.create("Toggled by many").json()
    toggle = ("PATCH", client.path(task["id"]) + "/complete", None)

    responses = asyncio.run(send_all(client, [toggle] * CONCURRENT))

    assert [r.status_code for r in responses] == [200] * CONCURRENT
    final = client.get(task["id"]).json()
    assert final["completed"] is (CONCURRENT % 2 == 1)
    seen = sorted(r.json()["completed"] for r in responses)
    assert seen.count(True) == seen.count(False) == CONCURRENT // 2  # each saw a distinct state
    stamps = {datetime.fromisoformat(r.json()["updated_at"]) for r in responses}
    assert len(stamps) == CONCURRENT
    assert datetime.fromisoformat(final["updated_at"]) == max(stamps)


def test_concurrent_updates_end_with_one_whole_write(client: TodoClient) -> None:
    task = client.create("Contended").json()
    bodies = [{"title": f"Writer {n}", "description": f"Body of writer {n}"} for n in range(20)]
    requests = [("PUT", client.path(task["id"]), body) for body in bodies]

    responses = asyncio.run(send_all(client, requests))

    assert [r.status_code for r in responses] == [200] * len(bodies)
    final = client.get(task["id"]).json()
    writer = final["title"].removeprefix("Writer ")
    assert final["description"] == f"Body of writer {writer}"  # never a mix of two writes


def test_concurrent_creates_get_distinct_ids_and_all_are_listed(client: TodoClient) -> None:
    requests = [("POST", client.path(), {"title": f"Task {n}"}) for n in range(CONCURRENT)]

    responses = asyncio.run(send_all(client, requests))

    assert [r.status_code for r in responses] == [201] * CONCURRENT
    ids = {r.json()["id"] for r in responses}
    assert len(ids) == CONCURRENT
    listed = client.list()
    assert {t["id"] for t in listed.json()} == ids
    assert listed.headers["x-total-count"] == str(CONCURRENT)
