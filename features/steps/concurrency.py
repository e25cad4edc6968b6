"""Many requests at the same moment: one user racing themselves, or many users at once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from statistics import quantiles
from typing import Any

import httpx
from pytest_bdd import parsers, then, when

from features.world import World

SINGLE_TASK_ACTIONS = ("create", "read", "update", "toggle", "delete")


def timed(call: Any) -> tuple[httpx.Response, float]:
    started = time.perf_counter()
    response = call()
    return response, time.perf_counter() - started


@when(
    parsers.parse("{user:w} sends {count:d} different titles to task {number:d} at the same time")
)
def concurrent_updates(world: World, user: str, count: int, number: int) -> None:
    _, task_id = world.resolve(f"task {number}", user)
    world.sent = [f"Title number {n}" for n in range(count)]

    def update(title: str) -> httpx.Response:
        with httpx.Client(base_url=world.base_url, timeout=30) as http:
            return world.act(user, "update", task_id=task_id, body={"title": title}, http=http)

    with ThreadPoolExecutor(max_workers=count) as pool:
        world.batch = list(pool.map(update, world.sent))


@when(parsers.parse("{user:w} toggles task {number:d} {count:d} times at the same time"))
def concurrent_toggles(world: World, user: str, number: int, count: int) -> None:
    _, task_id = world.resolve(f"task {number}", user)

    def toggle(_: int) -> httpx.Response:
        with httpx.Client(base_url=world.base_url, timeout=30) as http:
            return world.act(user, "toggle", task_id=task_id, http=http)

    with ThreadPoolExecutor(max_workers=count) as pool:
        world.batch = list(pool.map(toggle, range(count)))


@then("every one of those requests succeeded")
def all_succeeded(world: World) -> None:
    failures = [(r.status_code, r.text) for r in world.batch if not r.is_success]
    assert world.batch and not failures, failures


@then(
    parsers.parse(
        "task {number:d} has exactly one of the titles sent and was not otherwise changed"
    )
)
def one_title_won(world: World, number: int) -> None:
    owner, title = world.numbered[number]
    before = world.task(owner, title)
    after = world.fetch(owner, before["id"]).json()
    assert after["title"] in world.sent
    assert {k: after[k] for k in ("id", "description", "completed", "created_at")} == {
        k: before[k] for k in ("id", "description", "completed", "created_at")
    }


Timed = tuple[str, httpx.Response, float]


def task_lifecycle(world: World, user: str, http: httpx.Client, title: str) -> list[Timed]:
    """`user` creates, reads, renames, toggles, lists and deletes a task; each call timed."""
    token = world.valid_token(user)

    def call(action: str, **options: Any) -> Timed:
        response, seconds = timed(
            lambda: world.call(action, user, token=token, http=http, **options)
        )
        return action, response, seconds

    made = call("create", body={"title": title})
    task_id = made[1].json()["id"]
    return [
        made,
        call("read", task_id=task_id),
        call("update", task_id=task_id, body={"title": f"{title} (renamed)"}),
        call("toggle", task_id=task_id),
        call("list"),
        call("delete", task_id=task_id),
    ]


@when(
    parsers.parse(
        "{user:w} creates, reads, renames, toggles, lists and deletes {count:d} tasks"
        " one after another"
    )
)
def one_after_another(world: World, user: str, count: int) -> None:
    calls = [
        timed_call
        for number in range(count)
        for timed_call in task_lifecycle(world, user, world.http, f"Task {number}")
    ]
    world.sessions = {0: calls}
    world.batch = [response for _, response, _ in calls]


@when(
    parsers.parse(
        "{count:d} users each create, read, rename, toggle, list and delete their own task at once"
    )
)
def many_users(world: World, count: int) -> None:
    def session(number: int) -> list[Timed]:
        user = f"user{number:03d}"
        with httpx.Client(base_url=world.base_url, timeout=30) as http:
            return task_lifecycle(world, user, http, f"Task of {user}")

    with ThreadPoolExecutor(max_workers=count) as pool:
        world.sessions = dict(zip(range(count), pool.map(session, range(count)), strict=True))
    world.batch = [response for calls in world.sessions.values() for _, response, _ in calls]


@then("every user only ever saw their own task")
def saw_own_only(world: World) -> None:
    for number, calls in world.sessions.items():
        user_id = world.user_id(f"user{number:03d}")
        listed = next(response for action, response, _ in calls if action == "list")
        assert [task["user_id"] for task in listed.json()] == [user_id]


@then("the p95 latency of single-task operations is reported")
def report_p95(world: World, record_property: Any) -> None:
    seconds = [
        duration
        for calls in world.sessions.values()
        for action, _, duration in calls
        if action in SINGLE_TASK_ACTIONS
    ]
    assert len(seconds) >= len(world.sessions) * len(SINGLE_TASK_ACTIONS) > 0
    p95_ms = round(quantiles(seconds, n=100)[94] * 1000, 1)
    record_property(f"p95 of {len(seconds)} single-task operations (ms)", p95_ms)
    print(f"\n{len(seconds)} single-task operations, p95 {p95_ms} ms")
