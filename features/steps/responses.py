"""What the API answered, and what the users' data holds afterwards (Then).

A step is strict about the thing it names and tolerant of everything else: "the response
status is 201" checks the status; "the task is completed" first requires a successful answer
carrying a task (else the check is blocked: it cannot tell) and then checks `completed`.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from typing import Any

import httpx
from pytest_bdd import parsers, then

from features.evidence import (
    LIST_NOT_ARRAY,
    NO_UTC_OFFSET,
    NOT_A_TASK,
    NOT_ISO_8601,
    NOT_JSON,
    NOT_UTC,
    OMITTED_FIELDS_RESET,
    Blocked,
    Cause,
    CheckFailed,
    expect,
    require,
    status_cause,
)
from features.world import World, as_task, as_tasks, json_or_none, moment, quoted

EDITABLE = ("title", "description", "completed")
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
OTHERS_LISTED = Cause("list-shows-other-users-tasks", "lists show other users' tasks")


def status_in(world: World, response: httpx.Response, allowed: tuple[int, ...]) -> None:
    token = world.exchanges[-1].token if world.exchanges else "a token"
    wanted = " or ".join(str(status) for status in allowed)
    expect(
        response.status_code in allowed,
        f"status {wanted}",
        response.status_code,
        response=response,
        cause=status_cause(allowed, response, token),
    )


def body_of(response: httpx.Response) -> Any:
    body = json_or_none(response)
    expect(
        body is not None,
        "a JSON body",
        f"{response.text[:60]!r}",
        response=response,
        cause=NOT_JSON,
    )
    return body


def array_body(response: httpx.Response) -> list[Any]:
    """The answer's body, which must be a JSON array (the spec's list shape)."""
    body = body_of(response)
    expect(
        isinstance(body, list),
        "a JSON array",
        type(body).__name__,
        response=response,
        cause=LIST_NOT_ARRAY,
    )
    return list(body)


def answered_task(response: httpx.Response) -> dict[str, Any]:
    """The task a successful answer carries (tolerantly read); blocked if there is none."""
    task = as_task(json_or_none(response))
    if not response.is_success or task is None:
        raise Blocked(
            "a successful answer carrying the task", str(response.status_code), response=response
        )
    return task


def answered_tasks(response: httpx.Response) -> list[dict[str, Any]]:
    """The tasks a successful answer carries: a list (tolerantly read), or one task."""
    body = json_or_none(response)
    tasks = as_tasks(body)
    if tasks is None and (task := as_task(body)) is not None:
        tasks = [task]
    if not response.is_success or tasks is None:
        raise Blocked(
            "a successful answer carrying tasks", str(response.status_code), response=response
        )
    return tasks


def error_text(response: httpx.Response) -> str:
    """The text the frontend shows: `detail` (a string, or the messages of a list), else `error`."""
    body = json_or_none(response)
    if not isinstance(body, dict):
        return ""
    message = body.get("detail", body.get("error", body.get("message")))
    if isinstance(message, list):
        return " ".join(str(item.get("msg", "")) for item in message if isinstance(item, dict))
    return message.strip() if isinstance(message, str) else ""


def refused(world: World, response: httpx.Response) -> None:
    """The request was refused with a client error (4xx)."""
    token = world.exchanges[-1].token if world.exchanges else "a token"
    expect(
        400 <= response.status_code < 500,
        "a refusal (4xx)",
        response.status_code,
        response=response,
        cause=status_cause((400, 422), response, token),
    )


# Status


@then(parsers.parse("the response status is {status:d}"))
def status_is(world: World, response: httpx.Response, status: int) -> None:
    status_in(world, response, (status,))


@then(parsers.parse("the response status is {first:d} or {second:d}"))
def status_is_either(world: World, response: httpx.Response, first: int, second: int) -> None:
    status_in(world, response, (first, second))


@then(parsers.parse("the response status is one of {statuses}"))
def status_is_one_of(world: World, response: httpx.Response, statuses: str) -> None:
    status_in(world, response, tuple(int(s) for s in statuses.replace(",", " ").split()))


@then("the response is a success")
def is_success(world: World, response: httpx.Response) -> None:
    expect(
        response.is_success,
        "a 2xx answer",
        response.status_code,
        response=response,
        cause=status_cause((200,), response, world.exchanges[-1].token),
    )


@then("the endpoint is served at that path")
def served_at_path(world: World, response: httpx.Response) -> None:
    """Any answer but "no such route" (404, 405): whether it works is other checks' business."""
    expect(
        response.status_code not in (404, 405),
        "an answer from the endpoint (not 404 or 405)",
        response.status_code,
        response=response,
        cause=status_cause((200,), response, world.exchanges[-1].token),
    )


@then("the request is refused")
def request_refused(world: World, response: httpx.Response) -> None:
    refused(world, response)


@then("the answer is no server error and reveals nothing internal")
def no_internals(response: httpx.Response) -> None:
    expect(
        response.status_code < 500,
        "a client error or a success, not a server error",
        response.status_code,
        response=response,
        cause=status_cause((400, 422), response, ""),
    )
    reveals_nothing(response)


@then("the response reveals nothing internal")
def reveals_nothing(response: httpx.Response) -> None:
    text = response.text.lower()
    shown = [word for word in INTERNALS if word in text]
    expect(
        not shown,
        "nothing internal (no trace, SQL, driver or address)",
        ", ".join(shown),
        response=response,
        cause=Cause("internals-exposed", "answers show internals (trace, SQL, driver names)"),
    )


# The task in the answer


@then(parsers.parse('the response is a task titled "{title}" owned by {user:w}'))
def is_task(world: World, response: httpx.Response, title: str, user: str) -> None:
    task = answered_task(response)
    expect(
        task.get("title") == title, f"title {title!r}", repr(task.get("title")), response=response
    )
    expect(
        task.get("user_id") == world.user_id(user),
        f"user_id {world.user_id(user)!r} (the token's user)",
        repr(task.get("user_id")),
        response=response,
        cause=Cause("owner-not-token-user", "a task is not owned by the token's user"),
    )


@then("the task has a generated id and both timestamps")
def has_id_and_timestamps(response: httpx.Response) -> None:
    has_fields(response, "id, created_at, updated_at")
    task = answered_task(response)
    expect(
        isinstance(task["id"], int) and task["id"] > 0,
        "a positive integer id",
        repr(task["id"]),
        response=response,
    )
    for name in ("created_at", "updated_at"):
        expect(
            moment(task[name]) is not None,
            f"{name} a timestamp",
            repr(task[name]),
            response=response,
            cause=NOT_ISO_8601,
        )


@then(parsers.parse("the task has every field: {fields}"))
def has_fields(response: httpx.Response, fields: str) -> None:
    """The body itself is the task (not wrapped), with every field named."""
    body = body_of(response)
    expect(
        isinstance(body, dict),
        "a task object",
        type(body).__name__,
        response=response,
        cause=NOT_A_TASK,
    )
    missing = [name.strip() for name in fields.split(",") if name.strip() not in body]
    expect(
        not missing,
        f"the fields {fields}",
        "missing " + ", ".join(missing),
        response=response,
        cause=NOT_A_TASK,
    )


@then("the task is completed")
def is_completed(response: httpx.Response) -> None:
    completed = answered_task(response).get("completed")
    expect(completed is True, "completed true", repr(completed), response=response)


@then("the task is not completed")
def is_not_completed(response: httpx.Response) -> None:
    completed = answered_task(response).get("completed")
    expect(completed is False, "completed false", repr(completed), response=response)


@then(parsers.parse('the task\'s description is "{description}"'))
def description_is(response: httpx.Response, description: str) -> None:
    value = answered_task(response).get("description")
    expect(value == description, f"description {description!r}", repr(value), response=response)


@then(parsers.parse("the task's {field:w} is {length:d} characters long"))
def field_length(response: httpx.Response, field: str, length: int) -> None:
    value = answered_task(response).get(field)
    got = len(value) if isinstance(value, str) else repr(value)
    expect(got == length, f"{field} of {length} characters", got, response=response)


@then("the task's updated_at has advanced and its created_at has not changed")
def updated_at_advanced(world: World, response: httpx.Response) -> None:
    if world.subject is None:
        raise ValueError("no task was acted on")
    before, after = world.subject.shown, answered_task(response)
    earlier, later = moment(before.get("updated_at")), moment(after.get("updated_at"))
    expect(
        earlier is not None and later is not None and later > earlier,
        f"updated_at later than {before.get('updated_at')}",
        repr(after.get("updated_at")),
        response=response,
        cause=Cause("updated-at-not-advanced", "updated_at does not move forward on a change"),
    )
    expect(
        moment(after.get("created_at")) == moment(before.get("created_at")),
        f"created_at still {before.get('created_at')}",
        repr(after.get("created_at")),
        response=response,
        cause=Cause("created-at-changed", "created_at changes when a task changes"),
    )


@then("only the fields sent have changed")
def only_sent_fields_changed(world: World, response: httpx.Response) -> None:
    if world.subject is None:
        raise ValueError("no task was acted on")
    before, after = world.subject.shown, answered_task(response)
    sent = world.sent_body
    for name in EDITABLE:
        wanted = sent[name] if name in sent else before.get(name)
        expect(
            after.get(name) == wanted,
            f"{name} {wanted!r} ({'sent' if name in sent else 'not sent: kept'})",
            repr(after.get(name)),
            response=response,
            cause=OMITTED_FIELDS_RESET if name not in sent else None,
        )


@then("the response's timestamps are UTC ISO 8601 with an offset")
def timestamps_utc(response: httpx.Response) -> None:
    for task in answered_tasks(response):
        for name in ("created_at", "updated_at"):
            value = task.get(name)
            parsed = iso_8601(value)
            if parsed is None:
                raise CheckFailed(
                    f"{name} in ISO 8601", repr(value), response=response, cause=NOT_ISO_8601
                )
            expect(
                parsed.tzinfo is not None,
                f"{name} with its UTC offset (Z or +00:00)",
                repr(value),
                response=response,
                cause=NO_UTC_OFFSET,
            )
            expect(
                parsed.utcoffset() == timedelta(0),
                f"{name} in UTC",
                repr(value),
                response=response,
                cause=NOT_UTC,
            )


def iso_8601(value: Any) -> datetime | None:
    """A timestamp read strictly: as written, offset or not."""
    try:
        return datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


# Lists


def list_cause(tasks: list[Any]) -> Cause | None:
    """A list that is wrong because it shows several users' tasks has that for its cause."""
    owners = {task.get("user_id") for task in tasks if isinstance(task, dict)}
    return OTHERS_LISTED if len(owners) > 1 else None


@then(parsers.parse("the response is a JSON array of exactly {titles}"))
def array_of(response: httpx.Response, titles: str) -> None:
    body = array_body(response)
    got = sorted(str(task.get("title")) if isinstance(task, dict) else repr(task) for task in body)
    expect(
        got == sorted(quoted(titles)),
        f"exactly {titles}",
        got,
        response=response,
        cause=list_cause(body),
    )


@then(parsers.parse("the response is a JSON array including {titles}"))
def array_including(response: httpx.Response, titles: str) -> None:
    body = array_body(response)
    got = {str(task.get("title")) for task in body if isinstance(task, dict)}
    missing = [title for title in quoted(titles) if title not in got]
    expect(not missing, f"an array including {titles}", f"missing {missing}", response=response)


@then("the response is an empty JSON array")
def empty_array(response: httpx.Response) -> None:
    body = body_of(response)
    expect(
        body == [],
        "[]",
        response.text[:80],
        response=response,
        cause=list_cause(body) if isinstance(body, list) else LIST_NOT_ARRAY,
    )


@then(parsers.parse("the response lists exactly {titles}"))
def response_lists(response: httpx.Response, titles: str) -> None:
    tasks = answered_tasks(response)
    got = sorted(str(task.get("title")) for task in tasks)
    expect(
        got == sorted(quoted(titles)),
        f"exactly {titles}",
        got,
        response=response,
        cause=list_cause(tasks),
    )


@then(parsers.parse("the response holds all {count:d} of {user:w}'s tasks, each once"))
def holds_many(world: World, response: httpx.Response, count: int, user: str) -> None:
    mine = [t for t in answered_tasks(response) if t.get("user_id") == world.user_id(user)]
    expect(len(mine) == count, f"{count} of {user}'s tasks", len(mine), response=response)
    ids = {task.get("id") for task in mine}
    expect(len(ids) == count, f"{count} different ids", len(ids), response=response)


@then(parsers.parse("the list holds exactly {titles}"))
def listed_exactly(response: httpx.Response, titles: str) -> None:
    response_lists(response, titles)


@then(parsers.parse("the list includes {titles}"))
def list_includes(response: httpx.Response, titles: str) -> None:
    got = {str(task.get("title")) for task in answered_tasks(response)}
    missing = [title for title in quoted(titles) if title not in got]
    expect(not missing, f"the list includes {titles}", f"missing {missing}", response=response)


@then(parsers.parse('the response does not mention "{text}"'))
def does_not_mention(response: httpx.Response, text: str) -> None:
    expect(
        text not in response.text,
        f"no mention of {text!r}",
        "it is there",
        response=response,
        cause=Cause("leaks-other-users-task", "answers show another user's task"),
    )


@then(parsers.parse("the response does not contain {user:w}'s token"))
def does_not_echo_token(world: World, response: httpx.Response, user: str) -> None:
    token = world.token(user) or ""
    signature = token.split(".")[-1]
    expect(
        token not in response.text and signature not in response.text,
        "no trace of the token",
        "the token is echoed",
        response=response,
        cause=Cause("token-echoed", "answers echo the token back"),
    )


# Errors


@then(parsers.parse('the error message mentions "{text}"'))
def message_mentions(response: httpx.Response, text: str) -> None:
    message = error_text(response)
    expect(
        text.lower() in message.lower(),
        f"a message mentioning {text!r}",
        repr(message),
        response=response,
    )


@then("the request is refused with a message")
def refused_with_message(world: World, response: httpx.Response) -> None:
    refused(world, response)
    carries_message(response)


@then("the answer carries an error message")
def carries_message(response: httpx.Response) -> None:
    expect(
        bool(error_text(response)),
        "a message in `detail` or `error`",
        response.text[:80],
        response=response,
        cause=Cause("error-without-message", "errors carry no message for the user"),
    )


@then("the error message gives no validation detail")
def no_validation_detail(response: httpx.Response) -> None:
    message = error_text(response).lower()
    shown = [word for word in VALIDATION_WORDS if word in message]
    expect(
        not shown,
        "a message without token validation detail",
        repr(message),
        response=response,
        cause=Cause("validation-detail-shown", "401 messages reveal how the token was checked"),
    )


@then(parsers.parse('the error names the field "{field}"'))
def names_field(response: httpx.Response, field: str) -> None:
    body = json_or_none(response)
    detail = body.get("detail") if isinstance(body, dict) else None
    in_loc = isinstance(detail, list) and any(
        isinstance(p, dict) and field in (p.get("loc") or []) for p in detail
    )
    in_text = re.search(rf"\b{re.escape(field)}\b", error_text(response) + " " + str(detail or ""))
    expect(
        in_loc or bool(in_text),
        f"an error naming the field {field!r}",
        response.text[:120],
        response=response,
        cause=Cause("error-does-not-name-field", "validation errors do not name the field"),
    )


@then("the error is a list of problems with readable messages")
def readable_problems(response: httpx.Response) -> None:
    """The seed contract's ValidationErrorResponse: `detail` is a list of {loc, msg}."""
    require(
        400 <= response.status_code < 500,
        "a refusal (4xx)",
        response.status_code,
        response=response,
    )
    body = json_or_none(response)
    detail = body.get("detail") if isinstance(body, dict) else None
    cause = Cause("validation-error-unstructured", "validation errors are not a list of {loc, msg}")
    if not isinstance(detail, list) or not detail:
        raise CheckFailed(
            "detail: a list of problems", response.text[:120], response=response, cause=cause
        )
    for problem in detail:
        expect(
            isinstance(problem, dict)
            and isinstance(problem.get("loc"), list)
            and isinstance(problem.get("msg"), str)
            and bool(problem["msg"].strip()),
            "each problem with a loc list and a msg",
            repr(problem)[:120],
            response=response,
            cause=cause,
        )
