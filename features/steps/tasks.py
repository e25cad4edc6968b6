"""Users' tasks: the ones they already have (Given) and what they do with them (When).

Givens set the scene through the API with the owner's valid token; when that does not work,
the check is blocked (see `World.create_task`), never failed.
"""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
from pytest_bdd import given, parsers, when

from features.evidence import Blocked
from features.store import TaskStore
from features.world import World, json_body, quoted, with_users

REFERENCE = r"(?P<reference>the task|task \d+|\"[^\"]*\"|\w+'s task \"[^\"]*\")"
BULK_WORKERS = 8


# Given


@given(parsers.parse('{user:w} has a task "{title}"'))
def has_task(world: World, user: str, title: str) -> None:
    world.create_task(user, title)


@given(parsers.parse("{user:w} can create a task"))
def can_create(world: World, user: str) -> None:
    """A plain task can be made: what a check that varies one field takes for granted."""
    world.create_task(user, "Plain task")


@given(parsers.parse('{user:w} has a task "{title}" described as "{description}"'))
def has_task_described(world: World, user: str, title: str, description: str) -> None:
    world.create_task(user, title, description=description)


@given(parsers.parse('{user:w} has a completed task "{title}"'))
def has_completed_task(world: World, user: str, title: str) -> None:
    world.create_task(user, title, completed=True)


@given(parsers.parse('{user:w} has a completed task "{title}" described as "{description}"'))
def has_completed_described_task(world: World, user: str, title: str, description: str) -> None:
    world.create_task(user, title, completed=True, description=description)


@given(parsers.re(r'(?P<user>\w+) has task (?P<number>\d+) "(?P<title>[^"]*)"'))
def has_numbered_task(world: World, user: str, number: str, title: str) -> None:
    world.create_task(user, title, number=int(number))


@given(parsers.parse('{user:w} has task {number:d} "{title}" described as "{description}"'))
def has_described_task(world: World, user: str, number: int, title: str, description: str) -> None:
    world.create_task(user, title, number=number, description=description)


@given(parsers.parse("{user:w} has the tasks {titles}"))
def has_tasks(world: World, user: str, titles: str) -> None:
    for title in quoted(titles):
        world.create_task(user, title)


@given(parsers.parse("{user:w} has no task {number:d}"))
def has_no_such_task(world: World, user: str, number: int) -> None:
    world.missing_ids[number] = world.missing_id(user)


@given(parsers.parse("{user:w} has {count:d} tasks"))
def has_many_tasks(world: World, user: str, count: int) -> None:
    """Straight into our own database on the local stack; over HTTP anywhere else."""
    if world.target.stack is not None and world.target.control is not None:
        TaskStore(world.target.control.database_url).insert_tasks(world.user_id(user), count)
        return
    token = world.valid_token(user)

    def create(number: int) -> int:
        body = {"title": f"Task {number}"}
        return world.call("create", user, token=token, body=body, http=bulk).status_code

    with world.client(world.base_url) as bulk, ThreadPoolExecutor(BULK_WORKERS) as pool:
        statuses = set(pool.map(create, range(1, count + 1)))
    if not statuses <= set(range(200, 300)):
        raise Blocked(f"{count} tasks created", f"statuses {sorted(statuses)}")


# When


@when(parsers.parse('{user:w} creates a task "{title}"'), target_fixture="response")
def create_task(world: World, user: str, title: str) -> httpx.Response:
    return world.remember_created(user, world.act(user, "create", body={"title": title}))


@when(
    parsers.parse('{user:w} creates a task "{title}" in {owner:w}\'s list'),
    target_fixture="response",
)
def create_task_for(world: World, user: str, title: str, owner: str) -> httpx.Response:
    return world.act(user, "create", owner, body={"title": title})


@when(parsers.parse("{user:w} creates a task with:"), target_fixture="response")
def create_task_with(world: World, user: str, docstring: str) -> httpx.Response:
    return world.remember_created(user, world.act(user, "create", body=json_body(world, docstring)))


@when(parsers.parse("{user:w} creates a task in {owner:w}'s list with:"), target_fixture="response")
def create_task_for_with(world: World, user: str, owner: str, docstring: str) -> httpx.Response:
    return world.act(user, "create", owner, body=json_body(world, docstring))


@when(parsers.parse('{user:w} creates a task with the raw body "{raw}"'), target_fixture="response")
def create_task_raw(world: World, user: str, raw: str) -> httpx.Response:
    headers = {"Content-Type": "application/json"}
    return world.act(user, "create", content=raw.encode(), headers=headers)


@when(
    parsers.parse("{user:w} creates a task whose {field:w} is {length:d} characters long"),
    target_fixture="response",
)
def create_task_sized(world: World, user: str, field: str, length: int) -> httpx.Response:
    body = {"title": "Buy groceries", field: "x" * length}
    return world.remember_created(user, world.act(user, "create", body=body))


@when(parsers.parse("{user:w} lists their tasks"), target_fixture="response")
def list_tasks(world: World, user: str) -> httpx.Response:
    return world.act(user, "list")


@when(parsers.parse("{user:w} lists {owner:w}'s tasks"), target_fixture="response")
def list_tasks_of(world: World, user: str, owner: str) -> httpx.Response:
    return world.act(user, "list", owner)


@when(parsers.parse('{user:w} lists their tasks with "{query}"'), target_fixture="response")
def list_tasks_query(world: World, user: str, query: str) -> httpx.Response:
    return world.act(user, "list", params=httpx.QueryParams(query))


@when(
    parsers.parse('{user:w} lists their tasks sending the Authorization header "{header}"'),
    target_fixture="response",
)
def list_tasks_header(world: World, user: str, header: str) -> httpx.Response:
    return world.call("list", user, token=None, headers={"Authorization": header})


@when(parsers.re(rf"(?P<user>\w+) reads {REFERENCE}"), target_fixture="response")
def read_task(world: World, user: str, reference: str) -> httpx.Response:
    return world.act_on(user, "read", reference)


@when(parsers.re(rf"(?P<user>\w+) toggles {REFERENCE}"), target_fixture="response")
def toggle_task(world: World, user: str, reference: str) -> httpx.Response:
    return world.act_on(user, "toggle", reference)


@when(parsers.re(rf"(?P<user>\w+) deletes {REFERENCE}"), target_fixture="response")
def delete_task(world: World, user: str, reference: str) -> httpx.Response:
    return world.act_on(user, "delete", reference)


@when(parsers.re(rf"(?P<user>\w+) updates {REFERENCE} with:"), target_fixture="response")
def update_task(world: World, user: str, reference: str, docstring: str) -> httpx.Response:
    world.sent_body = json_body(world, docstring)
    return world.act_on(user, "update", reference, body=world.sent_body)


@when(
    parsers.re(
        rf"(?P<user>\w+) sets the (?P<field>title|description) of {REFERENCE}"
        r" to (?P<length>\d+) characters"
    ),
    target_fixture="response",
)
def set_sized_field(
    world: World, user: str, field: str, reference: str, length: str
) -> httpx.Response:
    return world.act_on(user, "update", reference, body={field: "x" * int(length)})


@when(
    parsers.re(
        rf"(?P<user>\w+) sends a new title and a description of (?P<length>\d+) characters"
        rf" to {REFERENCE}"
    ),
    target_fixture="response",
)
def update_half_valid(world: World, user: str, length: str, reference: str) -> httpx.Response:
    body = {"title": "Buy organic groceries", "description": "x" * int(length)}
    return world.act_on(user, "update", reference, body=body)


@when(
    parsers.parse("{user:w} tries to {action:w} task {number:d} of {owner:w}"),
    target_fixture="response",
)
def try_action(world: World, user: str, action: str, number: int, owner: str) -> httpx.Response:
    _, task_id = world.resolve(f"task {number}", owner)
    world.about(task_id)
    return world.act(user, action, owner, task_id=task_id)


@when(parsers.parse('{user:w} sends "{method:w}" to "{path}"'), target_fixture="response")
def send(world: World, user: str, method: str, path: str) -> httpx.Response:
    return world.send(method, with_users(world, path), token=world.token(user))


@when(
    parsers.parse('{user:w} sends "{method:w}" to "{path}" with the body:'),
    target_fixture="response",
)
def send_with_body(
    world: World, user: str, method: str, path: str, docstring: str
) -> httpx.Response:
    body: Any = json.loads(docstring)
    return world.send(method, with_users(world, path), token=world.token(user), json=body)
