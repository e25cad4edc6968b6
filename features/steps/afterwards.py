"""What the users' data holds afterwards, read back with the owner's own valid token (Then).

The read-backs are tolerant (`World.read_back`, `World.list_back`) and block the check when
they cannot read at all; what they find is then judged strictly.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
from pytest_bdd import parsers, then

from features.evidence import (
    NOT_ISO_8601,
    OMITTED_FIELDS_RESET,
    Cause,
    CheckFailed,
    expect,
    require,
)
from features.steps.responses import EDITABLE
from features.world import World, moment, quoted

CREATED_JUST_NOW = timedelta(minutes=10)


@then(parsers.parse("{user:w}'s list holds a single task"))
def list_holds_one(world: World, user: str) -> None:
    got = world.titles(user)
    expect(len(got) == 1, f"one task in {user}'s list", got)


@then(parsers.parse("{user:w}'s list holds exactly {titles}"))
def list_holds(world: World, user: str, titles: str) -> None:
    got = world.titles(user)
    expect(got == sorted(quoted(titles)), f"{user}'s list: exactly {titles}", got)


@then(parsers.parse("{user:w} has no tasks"))
def has_no_tasks(world: World, user: str) -> None:
    got = world.titles(user)
    expect(
        got == [],
        f"{user} has no tasks",
        got,
        cause=Cause("refused-request-stored", "a refused request still stored a task"),
    )


@then(parsers.parse("{user:w}'s tasks are as they were"))
def tasks_as_they_were(world: World, user: str) -> None:
    """Nothing created, changed or deleted in `user`'s list by the refused request."""
    kept = {known.id: known.shown for known in world.set_up_tasks(user)}
    now = {task.get("id"): task for task in world.list_back(user)}
    cause = Cause("refused-request-had-effect", "a refused request still changed data")
    expect(
        set(now) == set(kept),
        f"{user}'s tasks {sorted(kept, key=str)}",
        sorted(now, key=str),
        cause=cause,
    )
    for task_id, before in kept.items():
        after = world.read_back(user, task_id)
        expect(after == before, f"task {task_id} unchanged", after, cause=cause)


@then(parsers.parse("the tasks of {user:w} all have different integer ids"))
def distinct_ids(world: World, user: str) -> None:
    ids = [known.shown.get("id") for known in world.set_up_tasks(user)]
    expect(
        all(isinstance(i, int) and not isinstance(i, bool) for i in ids)
        and len(set(ids)) == len(ids),
        "a different integer id for each task",
        ids,
        cause=Cause("ids-not-unique-integers", "task ids are not unique integers"),
    )


@then(parsers.parse("the new task is owned by {user:w}"))
def new_task_owner(world: World, user: str) -> None:
    task = world.latest.shown if world.latest else {}
    expect(
        task.get("user_id") == world.user_id(user),
        f"user_id {world.user_id(user)!r} (the token's user)",
        repr(task.get("user_id")),
        cause=Cause("owner-not-token-user", "a task is not owned by the token's user"),
    )


@then("the task's created_at is the time it was created")
def created_now(world: World) -> None:
    task = world.latest.shown if world.latest else {}
    created = moment(task.get("created_at"))
    if created is None:
        raise CheckFailed(
            "created_at a timestamp", repr(task.get("created_at")), cause=NOT_ISO_8601
        )
    age = datetime.now(UTC) - created
    expect(
        abs(age) < CREATED_JUST_NOW,
        "created_at within minutes of now",
        f"{task.get('created_at')} ({age} ago)",
    )


@then(parsers.parse('{user:w} can no longer read "{title}"'))
def cannot_read(world: World, user: str, title: str) -> None:
    task = world.task(user, title).shown
    expect(
        world.read_back(user, task["id"]) is None, "404 when reading it again", "it is still there"
    )


@then(parsers.parse('{user:w}\'s task "{title}" is unchanged'))
def unchanged(world: World, user: str, title: str) -> None:
    before = world.task(user, title).shown
    after = world.read_back(user, before["id"])
    expect(
        after == before,
        f"task {before['id']} as it was",
        after,
        cause=Cause("task-changed", "a refused request changed the task"),
    )


@then(parsers.parse('the refused update left {user:w}\'s task "{title}" unchanged'))
def refusal_left_task(world: World, response: httpx.Response, user: str, title: str) -> None:
    """Whether it is refused is FR-008's business; if it was, nothing may have been written."""
    require(
        400 <= response.status_code < 500,
        "the update refused (4xx)",
        response.status_code,
        response=response,
    )
    unchanged(world, user, title)


@then(parsers.parse('{user:w}\'s task "{title}" still has its title, description and completion'))
def kept_fields(world: World, user: str, title: str) -> None:
    before = world.task(user, title).shown
    after = world.read_back(user, before["id"]) or {}
    changed = [name for name in EDITABLE if after.get(name) != before.get(name)]
    expect(
        not changed,
        "title, description and completed as they were",
        "changed: " + ", ".join(changed),
        cause=OMITTED_FIELDS_RESET,
    )


@then(parsers.parse("task {number:d} is exactly as it was before the restart"))
def same_after_restart(world: World, number: int) -> None:
    known = world.numbered(number)
    owner, before = known.owner, known.shown
    after = world.read_back(owner, before["id"])
    expect(after == before, f"task {before['id']} as before", after)


@then(parsers.parse("task {number:d} is completed"))
def numbered_completed(world: World, number: int) -> None:
    known = world.numbered(number)
    after = world.read_back(known.owner, known.id) or {}
    expect(after.get("completed") is True, "completed true", repr(after.get("completed")))


@then(parsers.parse("task {number:d} is still one consistent task"))
def numbered_consistent(world: World, number: int) -> None:
    known = world.numbered(number)
    owner, before = known.owner, known.shown
    after = world.read_back(owner, before["id"]) or {}
    expect(
        isinstance(after.get("completed"), bool),
        "completed true or false",
        repr(after.get("completed")),
    )
    for name in ("id", "title", "description", "user_id", "created_at"):
        expect(after.get(name) == before.get(name), f"{name} unchanged", repr(after.get(name)))
