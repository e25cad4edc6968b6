"""Many clients at once on the same tasks (EC-6, SC-007): no lost toggle, no 500, no revival."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from harness.client import TodoClient
from harness.stack import Stack

WORKERS = 16


@pytest.fixture
def clients(stack: Stack, user_id: str) -> Iterator[list[TodoClient]]:
    """Several independent connections speaking for the same user."""
    made = [stack.client(user_id) for _ in range(WORKERS)]
    yield made
    for client in made:
        client.close()


def run_all(
    calls: list[Callable[[TodoClient], httpx.Response]], clients: list[TodoClient]
) -> list[httpx.Response]:
    """Run the calls in a shuffled order on all clients at once; return their responses."""
    calls = random.sample(calls, len(calls))
    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        futures = [pool.submit(call, clients[n % len(clients)]) for n, call in enumerate(calls)]
        return [future.result() for future in futures]


def toggler(task_id: int) -> Callable[[TodoClient], httpx.Response]:
    return lambda client: client.toggle(task_id)


def retitler(task_id: int, title: str) -> Callable[[TodoClient], httpx.Response]:
    return lambda client: client.update(task_id, title=title)


def test_concurrent_toggles_are_never_lost(clients: list[TodoClient]) -> None:
    ids = [clients[0].create(f"task {n}").json()["id"] for n in range(4)]
    flips = {task_id: 15 + n for n, task_id in enumerate(ids)}  # odd and even counts
    calls = [toggler(task_id) for task_id, count in flips.items() for _ in range(count)]
    responses = run_all(calls, clients)
    assert Counter(r.status_code for r in responses) == {200: len(calls)}
    for task_id, count in flips.items():
        seen = [r.json() for r in responses if r.json()["id"] == task_id]
        by_time = [t["completed"] for t in sorted(seen, key=lambda t: t["updated_at"])]
        assert by_time == [n % 2 == 0 for n in range(count)], "toggles interleaved or lost"
        assert clients[0].get(task_id).json()["completed"] is (count % 2 == 1)


def test_concurrent_updates_end_with_the_last_write(clients: list[TodoClient]) -> None:
    task_id = clients[0].create("original").json()["id"]
    titles = [f"title {n}" for n in range(48)]
    calls = [retitler(task_id, title) for title in titles]
    responses = run_all(calls, clients)
    assert Counter(r.status_code for r in responses) == {200: len(titles)}
    stamps = [r.json()["updated_at"] for r in responses]
    assert len(set(stamps)) == len(stamps), "two updates share one updated_at"
    last = max(responses, key=lambda r: r.json()["updated_at"]).json()
    final = clients[0].get(task_id).json()
    assert final["title"] == last["title"]
    assert final["updated_at"] == last["updated_at"]


def test_deleted_task_never_comes_back(clients: list[TodoClient]) -> None:
    task_id = clients[0].create("doomed").json()["id"]
    keeper = clients[0].create("keeper").json()["id"]
    calls: list[Callable[[TodoClient], httpx.Response]] = []
    calls += [lambda c: c.delete(task_id)] * 16
    calls += [lambda c: c.toggle(task_id)] * 16
    calls += [lambda c: c.update(task_id, title="revived")] * 16
    calls += [lambda c: c.toggle(keeper)] * 8
    responses = run_all(calls, clients)
    deletes = [r.status_code for r in responses if r.request.method == "DELETE"]
    assert sorted(deletes) == [204] + [404] * 15, "exactly one delete wins"
    assert {r.status_code for r in responses} <= {200, 204, 404}
    assert clients[0].get(task_id).status_code == 404
    assert clients[0].toggle(task_id).status_code == 404
    assert [t["id"] for t in clients[0].list().json()] == [keeper]
    assert clients[0].get(keeper).json()["completed"] is False  # 8 toggles


def test_many_users_at_once_each_see_exactly_their_own(stack: Stack, user_id: str) -> None:
    """SC-007: 50 users creating and listing concurrently."""
    users = [stack.client(f"{user_id}-{n}") for n in range(50)]
    try:
        calls = [(lambda c, n=n: c.create(f"task {n}")) for n in range(3) for _ in users]
        with ThreadPoolExecutor(max_workers=WORKERS) as pool:
            work = [pool.submit(calls[i], users[i % len(users)]) for i in range(len(calls))]
            assert {future.result().status_code for future in work} == {201}
            listed = list(pool.map(lambda c: c.list(), users))
        for client, response in zip(users, listed, strict=True):
            tasks = response.json()
            assert sorted(t["title"] for t in tasks) == ["task 0", "task 1", "task 2"]
            assert {t["user_id"] for t in tasks} == {client.user_id}
    finally:
        for client in users:
            client.close()
