"""Many requests at the same moment: one user racing themselves, or many users at once."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor
from statistics import quantiles
from typing import Any

import httpx
from pytest_bdd import parsers, then, when

from features.evidence import Blocked, Cause, expect
from features.world import World, as_task, as_tasks, json_or_none

SINGLE_TASK_ACTIONS = ("create", "read", "update", "toggle", "delete")
Timed = tuple[str, httpx.Response, float]


def at_once(world: World, count: int, call: Any) -> list[httpx.Response]:
    """`call(number, client)` `count` times at the same moment, each on its own connection."""

    def one(number: int) -> httpx.Response:
        with world.client(world.base_url) as http:
            response: httpx.Response = call(number, http)
            return response

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(one, range(count)))


@when(
    parsers.parse("{user:w} sends {count:d} different titles to task {number:d} at the same time")
)
def concurrent_updates(world: World, user: str, count: int, number: int) -> None:
    _, task_id = world.resolve(f"task {number}", user)
    world.sent = [f"Title number {n}" for n in range(count)]
    world.batch = at_once(
        world,
        count,
        lambda n, http: world.act(
            user, "update", task_id=task_id, body={"title": world.sent[n]}, http=http
        ),
    )


@when(parsers.parse("{user:w} toggles task {number:d} {count:d} times at the same time"))
def concurrent_toggles(world: World, user: str, number: int, count: int) -> None:
    _, task_id = world.resolve(f"task {number}", user)
    world.batch = at_once(
        world, count, lambda n, http: world.act(user, "toggle", task_id=task_id, http=http)
    )


@then("every one of those requests succeeded")
def all_succeeded(world: World) -> None:
    failures = [r for r in world.batch if not r.is_success]
    expect(
        bool(world.batch) and not failures,
        f"all {len(world.batch)} requests answered 2xx",
        f"{len(failures)} did not: " + ", ".join(sorted({str(r.status_code) for r in failures})),
        response=failures[0] if failures else None,
        cause=Cause("concurrent-requests-fail", "requests fail when several arrive at once"),
    )


@then(
    parsers.parse(
        "task {number:d} has exactly one of the titles sent and was not otherwise changed"
    )
)
def one_title_won(world: World, number: int) -> None:
    known = world.numbered(number)
    owner, before = known.owner, known.shown
    after = world.read_back(owner, before["id"]) or {}
    expect(after.get("title") in world.sent, "one of the titles sent", repr(after.get("title")))
    for name in ("id", "description", "completed", "created_at"):
        expect(after.get(name) == before.get(name), f"{name} unchanged", repr(after.get(name)))


def task_lifecycle(world: World, user: str, http: httpx.Client, title: str) -> list[Timed]:
    """`user` creates, reads, renames, toggles, lists and deletes a task; each call timed."""
    token = world.valid_token(user)

    def call(action: str, **options: Any) -> Timed:
        started = time.perf_counter()
        response = world.call(action, user, token=token, http=http, **options)
        return action, response, time.perf_counter() - started

    made = call("create", body={"title": title})
    task = as_task(json_or_none(made[1]))
    if task is None:
        raise Blocked(f"{user}'s task created", str(made[1].status_code), response=made[1])
    task_id = task["id"]
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
        with world.client(world.base_url) as http:
            return task_lifecycle(world, user, http, f"Task of {user}")

    with ThreadPoolExecutor(max_workers=count) as pool:
        world.sessions = dict(zip(range(count), pool.map(session, range(count)), strict=True))
    world.batch = [response for calls in world.sessions.values() for _, response, _ in calls]


@then("every user's list held their own task")
def saw_own_task(world: World) -> None:
    for number, calls in world.sessions.items():
        user_id = world.user_id(f"user{number:03d}")
        listed = next(response for action, response, _ in calls if action == "list")
        titles = [
            t.get("title")
            for t in as_tasks(json_or_none(listed)) or []
            if t.get("user_id") == user_id
        ]
        expect(
            titles == [f"Task of user{number:03d} (renamed)"],
            f"{user_id}'s list holds their renamed task",
            titles,
            response=listed,
            cause=Cause("concurrent-writes-lost", "writes get lost when many users work at once"),
        )


@then("the p95 latency of single-task operations is reported")
def report_p95(world: World, record_property: Any) -> None:
    seconds = [
        duration
        for calls in world.sessions.values()
        for action, _, duration in calls
        if action in SINGLE_TASK_ACTIONS
    ]
    if len(seconds) < 2:
        raise Blocked("timed single-task operations", f"{len(seconds)} timed")
    p95_ms = round(quantiles(seconds, n=100)[94] * 1000, 1)
    record_property(f"p95 of {len(seconds)} single-task operations (ms)", p95_ms)
    print(f"\n{len(seconds)} single-task operations, p95 {p95_ms} ms")
