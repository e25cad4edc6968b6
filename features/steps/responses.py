"""What the API answered, and what the users' lists hold afterwards (Then)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from pytest_bdd import parsers, then

from features.world import World, quoted

TASK_FIELDS = ("id", "user_id", "title", "description", "completed", "created_at", "updated_at")
INTERNALS = (
    "traceback",
    "sqlalchemy",
    "psycopg",
    "asyncpg",
    "postgres",
    "select ",
    "insert into",
    'file "',
    "exception",
    "hunter2",
    "127.0.0.1:",
)
VALIDATION_WORDS = ("signature", "payload", "claim", "decode", "padding", "base64", "admin", "alg")


def moment(value: str) -> datetime:
    parsed = datetime.fromisoformat(value)
    assert parsed.tzinfo is not None, f"{value} has no time zone"
    return parsed


def error_message(response: httpx.Response) -> str:
    """The text the frontend shows: `detail`, else `error`."""
    body = response.json()
    message = body.get("detail", body.get("error")) if isinstance(body, dict) else None
    assert isinstance(message, str) and message.strip(), f"no error message in {response.text}"
    return message


def problems(response: httpx.Response) -> list[dict[str, Any]]:
    detail = response.json().get("detail")
    assert isinstance(detail, list) and detail, f"no field-level detail in {response.text}"
    return detail


# Status and body


@then(parsers.parse("the response status is {status:d}"))
def status_is(response: httpx.Response, status: int) -> None:
    assert response.status_code == status, f"{response.status_code}: {response.text}"


@then(parsers.parse("the response status is {first:d} or {second:d}"))
def status_is_either(response: httpx.Response, first: int, second: int) -> None:
    assert response.status_code in (first, second), f"{response.status_code}: {response.text}"


@then(parsers.parse("the response status is one of {statuses}"))
def status_is_one_of(response: httpx.Response, statuses: str) -> None:
    allowed = {int(status) for status in statuses.replace(",", " ").split()}
    assert response.status_code in allowed, f"{response.status_code}: {response.text}"


@then(parsers.parse('the response is a task titled "{title}" owned by {user:w}'))
def is_task(world: World, response: httpx.Response, title: str, user: str) -> None:
    task = response.json()
    assert task["title"] == title
    assert task["user_id"] == world.user_id(user)


@then("the task has a generated id and both timestamps")
def has_id_and_timestamps(response: httpx.Response) -> None:
    task = response.json()
    assert isinstance(task["id"], int) and task["id"] > 0
    assert moment(task["created_at"]) <= moment(task["updated_at"])


@then("the task was created just now")
def created_just_now(response: httpx.Response) -> None:
    age = datetime.now(UTC) - moment(response.json()["created_at"])
    assert abs(age) < timedelta(hours=1), f"created_at is {age} old"


@then(parsers.parse("the task has every field: {fields}"))
def has_fields(response: httpx.Response, fields: str) -> None:
    expected = [name.strip() for name in fields.split(",")]
    assert set(expected) <= set(response.json()), response.text


@then("the task's timestamps are UTC ISO 8601")
def timestamps_utc(response: httpx.Response) -> None:
    task = response.json()
    for name in ("created_at", "updated_at"):
        assert moment(task[name]).utcoffset() == timedelta(0), task[name]


@then("the task is completed")
def is_completed(response: httpx.Response) -> None:
    assert response.json()["completed"] is True


@then("the task is not completed")
def is_not_completed(response: httpx.Response) -> None:
    assert response.json()["completed"] is False


@then(parsers.parse('the task\'s description is "{description}"'))
def description_is(response: httpx.Response, description: str) -> None:
    assert response.json()["description"] == description


@then(parsers.parse("the task's {field:w} is {length:d} characters long"))
def field_length(response: httpx.Response, field: str, length: int) -> None:
    assert len(response.json()[field]) == length


@then("the task's updated_at has advanced and its created_at has not changed")
def updated_at_advanced(world: World, response: httpx.Response) -> None:
    assert world.subject is not None
    before, after = world.tasks[world.subject], response.json()
    assert moment(after["updated_at"]) > moment(before["updated_at"])
    assert moment(after["created_at"]) == moment(before["created_at"])


@then(parsers.parse("the response lists exactly {titles}"))
def response_lists(response: httpx.Response, titles: str) -> None:
    assert sorted(task["title"] for task in response.json()) == sorted(quoted(titles))


@then("the response is an empty list")
def empty_list(response: httpx.Response) -> None:
    assert response.json() == []


@then(parsers.parse("the response holds {count:d} tasks, each once, all owned by {user:w}"))
def holds_many(world: World, response: httpx.Response, count: int, user: str) -> None:
    tasks = response.json()
    assert len(tasks) == count
    assert len({task["id"] for task in tasks}) == count
    assert {task["user_id"] for task in tasks} == {world.user_id(user)}


@then(parsers.parse('the response does not mention "{text}"'))
def does_not_mention(response: httpx.Response, text: str) -> None:
    assert text not in response.text


@then(parsers.parse("the response does not contain {user:w}'s token"))
def does_not_echo_token(world: World, response: httpx.Response, user: str) -> None:
    token = world.token(user)
    assert token and token not in response.text
    assert token.split(".")[-1] not in response.text  # a JWT's signature, a session's too


# Errors


@then(parsers.parse('the error message mentions "{text}"'))
def message_mentions(response: httpx.Response, text: str) -> None:
    assert text.lower() in error_message(response).lower()


@then("the error message is a useful sentence")
def useful_message(response: httpx.Response) -> None:
    assert len(error_message(response).split()) >= 2


@then("the error message gives no validation detail")
def no_validation_detail(response: httpx.Response) -> None:
    message = error_message(response).lower()
    assert not [word for word in VALIDATION_WORDS if word in message], message


@then(parsers.parse('the error names the field "{field}"'))
def names_field(response: httpx.Response, field: str) -> None:
    assert any(field in problem.get("loc", []) for problem in problems(response)), response.text


@then("the error is a list of problems with readable messages")
def readable_problems(response: httpx.Response) -> None:
    for problem in problems(response):
        assert isinstance(problem.get("loc"), list)
        assert isinstance(problem.get("msg"), str) and problem["msg"].strip()


@then("the response reveals nothing internal")
def reveals_nothing(response: httpx.Response) -> None:
    assert response.status_code != 500, response.text
    text = response.text.lower()
    assert not [word for word in INTERNALS if word in text], response.text


# The users' lists and tasks afterwards (read with the owner's own valid token)


@then(parsers.parse("{user:w}'s list holds exactly {titles}"))
def list_holds(world: World, user: str, titles: str) -> None:
    if titles == "one task":
        assert len(world.titles(user)) == 1
    else:
        assert sorted(world.titles(user)) == sorted(quoted(titles))


@then(parsers.parse("{user:w} has no tasks"))
def has_no_tasks(world: World, user: str) -> None:
    assert world.titles(user) == []


@then(parsers.parse("the tasks of {user:w} all have different ids"))
def distinct_ids(world: World, user: str) -> None:
    response = world.call("list", user, token=world.valid_token(user))
    ids = [task["id"] for task in response.json()]
    made = [task["id"] for owner, task in world.made if owner == user]
    assert sorted(ids) == sorted(made) and len(set(ids)) == len(made) > 1


@then(parsers.parse('{user:w} can no longer read "{title}"'))
def cannot_read(world: World, user: str, title: str) -> None:
    assert world.fetch(user, world.task(user, title)["id"]).status_code == 404


@then(parsers.parse('{user:w}\'s task "{title}" is unchanged'))
def unchanged(world: World, user: str, title: str) -> None:
    before = world.task(user, title)
    response = world.fetch(user, before["id"])
    assert response.status_code == 200, f"the task is gone: {response.status_code}"
    assert response.json() == before


@then(parsers.parse("task {number:d} is exactly as it was before the restart"))
def same_after_restart(world: World, number: int) -> None:
    owner, title = world.numbered[number]
    before = world.task(owner, title)
    assert world.fetch(owner, before["id"]).json() == before


@then(parsers.parse("task {number:d} is completed"))
def numbered_completed(world: World, number: int) -> None:
    owner, title = world.numbered[number]
    assert world.fetch(owner, world.task(owner, title)["id"]).json()["completed"] is True
