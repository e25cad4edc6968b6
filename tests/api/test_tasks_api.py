"""The six task endpoints end to end: status codes, headers, bodies and timestamps (US1–US6)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy.engine import make_url

from harness.client import TodoClient
from harness.stack import Stack, local_stack
from tests.support import Connect

TASK_FIELDS = {"id", "user_id", "title", "description", "completed", "created_at", "updated_at"}


def moment(stamp: str) -> datetime:
    """An API timestamp, which must be ISO 8601 in UTC (`Z` or `+00:00`)."""
    assert stamp.endswith(("Z", "+00:00")), stamp
    parsed = datetime.fromisoformat(stamp)
    assert parsed.utcoffset() == timedelta(0)
    return parsed


def created(client: TodoClient, title: str = "Buy groceries", **fields: object) -> dict[str, Any]:
    response = client.create(title, **fields)
    assert response.status_code == 201, response.text
    task: dict[str, Any] = response.json()
    return task


def assert_invalid(response: httpx.Response, field: str) -> None:
    """FastAPI's 422 `detail` list naming `field` (SC-008)."""
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    assert any(entry["loc"][-1] == field or field in entry["loc"] for entry in detail), detail
    assert all({"loc", "msg", "type"} <= set(entry) for entry in detail)


# --- create (US1) -----------------------------------------------------------------------------


def test_create_returns_201_the_task_and_its_location(client: TodoClient) -> None:
    before = datetime.now(UTC)
    response = client.create("Buy groceries", description="Milk, eggs")

    assert response.status_code == 201
    task = response.json()
    assert set(task) == TASK_FIELDS
    assert isinstance(task["id"], int) and task["id"] >= 1
    assert task["user_id"] == client.user_id
    assert task["title"] == "Buy groceries"
    assert task["description"] == "Milk, eggs"
    assert task["completed"] is False
    assert moment(task["created_at"]) == moment(task["updated_at"])
    assert abs(moment(task["created_at"]) - before) < timedelta(minutes=1)
    assert response.headers["location"] == f"/api/{client.user_id}/tasks/{task['id']}"

    fetched = client.http.get(response.headers["location"], headers=client.headers())
    assert fetched.status_code == 200
    assert fetched.json() == task


@pytest.mark.parametrize(
    "user",
    ["ユーザー", "user with spaces", "a%2Fb", "alex@example.com", "u" * 255],
    ids=["non-ascii", "spaces", "percent", "email", "255-chars"],
)
def test_any_user_id_works_and_its_location_leads_back(stack: Stack, user: str) -> None:
    api = stack.client(user)
    encoded = f"/api/{quote(user, safe='')}/tasks"
    try:
        response = api.http.post(encoded, json={"title": "Mine"}, headers=api.headers())
        assert response.status_code == 201
        assert response.json()["user_id"] == user
        location = response.headers["location"]
        assert location == f"{encoded}/{response.json()['id']}"
        assert api.http.get(location, headers=api.headers()).json() == response.json()
        assert api.http.get(encoded, headers=api.headers()).json() == [response.json()]
    finally:
        api.close()


def test_each_task_gets_its_own_id(client: TodoClient) -> None:
    ids = [created(client, f"Task {n}")["id"] for n in range(3)]
    assert len(set(ids)) == 3


def test_description_is_optional_and_may_be_null(client: TodoClient) -> None:
    assert created(client, "No description")["description"] is None
    assert created(client, "Null description", description=None)["description"] is None


def test_a_task_may_be_created_completed(client: TodoClient) -> None:
    assert created(client, "Already done", completed=True)["completed"] is True


def test_read_only_fields_in_a_new_task_are_ignored(client: TodoClient) -> None:
    echoed = {
        "id": 999_999,
        "user_id": "intruder",
        "created_at": "2000-01-01T00:00:00Z",
        "updated_at": "2000-01-01T00:00:00Z",
    }
    task = created(client, "Echoed fields", **echoed)

    assert task["id"] != 999_999
    assert task["user_id"] == client.user_id
    assert moment(task["created_at"]).year >= 2025
    assert moment(task["updated_at"]).year >= 2025


# --- titles and descriptions at their limits (FR-007, FR-008, EC-2, EC-3) ----------------------


@pytest.mark.parametrize(
    ("sent", "stored"),
    [
        ("  Buy milk  ", "Buy milk"),
        ("\tTabbed\n", "Tabbed"),
        ("x", "x"),
        ("x" * 200, "x" * 200),
        ("  " + "y" * 200 + "  ", "y" * 200),
        ("é" * 200, "é" * 200),
        ("😀" * 200, "😀" * 200),
        ("Ünïcödé ✓ 任务", "Ünïcödé ✓ 任务"),
    ],
    ids=[
        "spaces",
        "tab-newline",
        "one-char",
        "200",
        "200-padded",
        "200-accents",
        "200-emoji",
        "mix",
    ],
)
def test_titles_are_trimmed_and_accepted_up_to_200_characters(
    client: TodoClient, sent: str, stored: str
) -> None:
    task = created(client, sent)
    assert task["title"] == stored
    assert client.get(task["id"]).json()["title"] == stored


@pytest.mark.parametrize(
    "title",
    ["", "   ", "\t\n ", "x" * 201, "😀" * 201, "nul\x00byte", 123, True, ["a list"], None],
    ids=["empty", "spaces", "whitespace", "201", "201-emoji", "nul", "int", "bool", "list", "null"],
)
def test_bad_titles_are_422_naming_the_title(client: TodoClient, title: object) -> None:
    response = client.create(title)  # type: ignore[arg-type]
    assert_invalid(response, "title")


def test_a_missing_title_is_422_naming_the_title(client: TodoClient) -> None:
    response = client.http.post(client.path(), json={"description": "x"}, headers=client.headers())
    assert_invalid(response, "title")


@pytest.mark.parametrize(
    "description",
    ["", "d", "d" * 1000, " " + "d" * 998 + " ", "😀" * 1000],
    ids=["empty", "one", "1000", "1000-padded", "1000-emoji"],
)
def test_descriptions_up_to_1000_characters_are_kept_as_sent(
    client: TodoClient, description: str
) -> None:
    task = created(client, "Described", description=description)
    assert task["description"] == description
    assert client.get(task["id"]).json()["description"] == description


@pytest.mark.parametrize(
    "description",
    ["d" * 1001, "😀" * 1001, "nul\x00byte", 42, {"text": "x"}],
    ids=["1001", "1001-emoji", "nul", "int", "object"],
)
def test_bad_descriptions_are_422_naming_the_description(
    client: TodoClient, description: object
) -> None:
    assert_invalid(client.create("Title", description=description), "description")


def test_an_unpaired_surrogate_is_422_not_500(client: TodoClient) -> None:
    body = b'{"title": "broken \\ud800 text"}'
    response = client.http.post(
        client.path(),
        content=body,
        headers={**client.headers(), "Content-Type": "application/json"},
    )
    assert_invalid(response, "title")


def test_completed_must_be_a_boolean(client: TodoClient) -> None:
    assert_invalid(client.create("Flag", completed="yes"), "completed")


# --- read one (US6) ---------------------------------------------------------------------------


def test_get_returns_the_task_with_all_fields(client: TodoClient) -> None:
    task = created(client, "Read me", description="Carefully")
    response = client.get(task["id"])
    assert response.status_code == 200
    assert response.json() == task


@pytest.mark.parametrize("task_id", [2**31 - 1, 987_654_321])
def test_get_of_a_missing_task_is_404(client: TodoClient, task_id: int) -> None:
    response = client.get(task_id)
    assert response.status_code == 404
    assert response.json() == {"detail": "Task not found"}


@pytest.mark.parametrize(
    "task_id", ["0", "-1", str(2**31), "99999999999999999999999", "abc", "1.5"]
)
@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE", "PATCH"])
def test_task_ids_outside_int32_or_not_integers_are_422(
    client: TodoClient, method: str, task_id: str
) -> None:
    path = client.path() + f"/{task_id}" + ("/complete" if method == "PATCH" else "")
    body = {"title": "x"} if method == "PUT" else None
    response = client.http.request(method, path, headers=client.headers(), json=body)
    assert_invalid(response, "task_id")


# --- update (US3) -----------------------------------------------------------------------------


def test_put_changes_the_title_and_advances_updated_at(client: TodoClient) -> None:
    task = created(client, "Old title", description="Kept")
    response = client.update(task["id"], title="  New title ")

    assert response.status_code == 200
    updated = response.json()
    assert updated["title"] == "New title"
    assert updated["description"] == "Kept"
    assert updated["completed"] is False
    assert updated["created_at"] == task["created_at"]
    assert moment(updated["updated_at"]) > moment(task["updated_at"])
    assert client.get(task["id"]).json() == updated


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"description": "New words"}, {"description": "New words"}),
        ({"description": None}, {"description": None}),
        ({"completed": True}, {"completed": True}),
        (
            {"title": "T", "description": "D", "completed": True},
            {"title": "T", "description": "D", "completed": True},
        ),
        ({"title": None, "description": "Only this"}, {"description": "Only this"}),
    ],
    ids=["description", "clear-description", "completed", "all-three", "null-title-kept"],
)
def test_put_changes_exactly_the_fields_sent(
    client: TodoClient, changes: dict[str, Any], expected: dict[str, Any]
) -> None:
    task = created(client, "Original", description="Before")
    response = client.update(task["id"], **changes)

    assert response.status_code == 200
    updated = response.json()
    assert moment(updated.pop("updated_at")) > moment(task.pop("updated_at"))
    assert updated == task | expected


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"title": None},
        {"completed": None},
        {"id": 5, "user_id": "x", "created_at": "2000-01-01"},
    ],
    ids=["empty", "null-title", "null-completed", "read-only-only"],
)
def test_put_without_anything_to_change_is_422(client: TodoClient, body: dict[str, Any]) -> None:
    task = created(client)
    response = client.update(task["id"], **body)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert client.get(task["id"]).json() == task


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"title": "   "}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"description": "d" * 1001}, "description"),
        ({"completed": "true"}, "completed"),
    ],
    ids=["blank-title", "long-title", "long-description", "string-completed"],
)
def test_put_with_invalid_values_is_422_and_changes_nothing(
    client: TodoClient, changes: dict[str, Any], field: str
) -> None:
    task = created(client)
    assert_invalid(client.update(task["id"], **changes), field)
    assert client.get(task["id"]).json() == task


def test_put_ignores_read_only_fields(client: TodoClient) -> None:
    task = created(client, "Mine")
    response = client.update(
        task["id"],
        title="Still mine",
        id=task["id"] + 1000,
        user_id="intruder",
        created_at="2000-01-01T00:00:00Z",
        updated_at="2000-01-01T00:00:00Z",
    )
    assert response.status_code == 200
    updated = response.json()
    assert updated["id"] == task["id"]
    assert updated["user_id"] == client.user_id
    assert updated["created_at"] == task["created_at"]
    assert moment(updated["updated_at"]) > moment(task["updated_at"])


def test_put_of_a_missing_task_is_404(client: TodoClient) -> None:
    response = client.update(2**31 - 1, title="Nothing here")
    assert response.status_code == 404
    assert response.json() == {"detail": "Task not found"}


def test_updated_at_strictly_advances_on_every_change(client: TodoClient) -> None:
    task = created(client)
    stamps = [moment(task["updated_at"])]
    for _ in range(5):
        stamps.append(moment(client.update(task["id"], title="Same title").json()["updated_at"]))
        stamps.append(moment(client.toggle(task["id"]).json()["updated_at"]))
    assert all(earlier < later for earlier, later in zip(stamps, stamps[1:], strict=False))


# --- toggle (US4) -----------------------------------------------------------------------------


def test_patch_complete_flips_completed_back_and_forth(client: TodoClient) -> None:
    task = created(client)

    done = client.toggle(task["id"])
    assert done.status_code == 200
    assert done.json()["completed"] is True
    assert moment(done.json()["updated_at"]) > moment(task["updated_at"])

    undone = client.toggle(task["id"])
    assert undone.status_code == 200
    assert undone.json()["completed"] is False
    assert moment(undone.json()["updated_at"]) > moment(done.json()["updated_at"])
    assert {k: undone.json()[k] for k in ("id", "title", "created_at", "user_id")} == {
        k: task[k] for k in ("id", "title", "created_at", "user_id")
    }


def test_patch_complete_of_a_missing_task_is_404(client: TodoClient) -> None:
    assert client.toggle(2**31 - 1).status_code == 404


def test_patch_complete_ignores_any_body(client: TodoClient) -> None:
    task = created(client)
    response = client.http.patch(
        client.path(task["id"]) + "/complete", json={"completed": False}, headers=client.headers()
    )
    assert response.status_code == 200
    assert response.json()["completed"] is True


# --- delete (US5) -----------------------------------------------------------------------------


def test_delete_is_204_with_no_body_and_the_task_is_gone(client: TodoClient) -> None:
    keep = created(client, "Keep")
    task = created(client, "Delete me")

    response = client.delete(task["id"])
    assert response.status_code == 204
    assert response.content == b""

    assert client.get(task["id"]).status_code == 404
    assert client.update(task["id"], title="Back?").status_code == 404
    assert client.toggle(task["id"]).status_code == 404
    assert client.delete(task["id"]).status_code == 404
    assert [t["id"] for t in client.list().json()] == [keep["id"]]


def test_delete_of_a_missing_task_is_404(client: TodoClient) -> None:
    response = client.delete(2**31 - 1)
    assert response.status_code == 404
    assert response.json() == {"detail": "Task not found"}


# --- list (US2) -------------------------------------------------------------------------------


def test_a_user_with_no_tasks_gets_an_empty_array(client: TodoClient) -> None:
    response = client.list()
    assert response.status_code == 200
    assert response.json() == []
    assert response.headers["x-total-count"] == "0"


def test_list_returns_exactly_the_users_tasks_oldest_first(client: TodoClient) -> None:
    tasks = [created(client, title) for title in ("Buy groceries", "Call mum", "Answer mail")]
    response = client.list()

    assert response.status_code == 200
    assert response.json() == tasks
    assert response.headers["x-total-count"] == "3"


def test_a_created_task_shows_in_the_list_at_once(client: TodoClient) -> None:
    task = created(client, "Visible")
    assert task in client.list().json()


@pytest.mark.parametrize(
    ("status", "expected"),
    [("all", ["a", "b", "c"]), ("pending", ["a", "c"]), ("completed", ["b"])],
)
def test_list_filters_by_status(client: TodoClient, status: str, expected: list[str]) -> None:
    for title in ("a", "b", "c"):
        task = created(client, title)
        if title == "b":
            client.toggle(task["id"])
    response = client.list(status=status)
    assert [t["title"] for t in response.json()] == expected
    assert response.headers["x-total-count"] == str(len(expected))


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("created", ["pear", "Apple", "fig"]),
        ("-created", ["fig", "Apple", "pear"]),
        ("updated", ["Apple", "fig", "pear"]),
        ("-updated", ["pear", "fig", "Apple"]),
    ],
)
def test_list_sorts_by_creation_and_update_time(
    client: TodoClient, sort: str, expected: list[str]
) -> None:
    tasks = {title: created(client, title) for title in ("pear", "Apple", "fig")}
    client.toggle(tasks["Apple"]["id"])
    client.toggle(tasks["fig"]["id"])
    client.update(tasks["pear"]["id"], description="touched last")
    assert [t["title"] for t in client.list(sort=sort).json()] == expected


@pytest.mark.parametrize("sort", ["title", "-title"])
def test_list_sorts_by_title_with_ties_broken_by_id(client: TodoClient, sort: str) -> None:
    ids: dict[str, list[int]] = {}
    for title in ("beta", "alpha", "beta", "gamma"):
        ids.setdefault(title, []).append(created(client, title)["id"])
    listed = [(t["title"], t["id"]) for t in client.list(sort=sort).json()]
    ascending = [(title, i) for title in sorted(ids) for i in sorted(ids[title])]
    assert listed == (ascending if sort == "title" else ascending[::-1])


@pytest.mark.parametrize("sort", ["created", "-created"])
def test_tasks_created_at_the_same_moment_are_ordered_by_id(
    client: TodoClient, database_url: str, sql: Connect, sort: str
) -> None:
    same_moment = datetime(2026, 1, 6, 10, 0, tzinfo=UTC)
    with sql(database_url) as conn:
        ids = [
            conn.execute(
                "INSERT INTO tasks (user_id, title, completed, created_at, updated_at)"
                " VALUES (%s, %s, false, %s, %s) RETURNING id",
                [client.user_id, f"tie {n}", same_moment, same_moment],
            ).fetchall()[0][0]
            for n in range(4)
        ]
    listed = [t["id"] for t in client.list(sort=sort).json()]
    assert listed == (sorted(ids) if sort == "created" else sorted(ids, reverse=True))


def test_a_user_with_thousands_of_tasks_gets_them_all(
    client: TodoClient, database_url: str, sql: Connect
) -> None:
    with sql(database_url) as conn:
        conn.execute(
            "INSERT INTO tasks (user_id, title, completed)"
            " SELECT %s, 'Task ' || n, n %% 3 = 0 FROM generate_series(1, 3000) AS n",
            [client.user_id],
        )
    everything = client.list()
    assert everything.status_code == 200
    assert len(everything.json()) == 3000
    assert everything.headers["x-total-count"] == "3000"
    assert len(client.list(status="completed").json()) == 1000
    assert [t["title"] for t in client.list(limit=2, offset=2998).json()] == [
        "Task 2999",
        "Task 3000",
    ]


def test_limit_and_offset_page_through_with_the_total_in_a_header(client: TodoClient) -> None:
    tasks = [created(client, f"Task {n}")["id"] for n in range(5)]

    pages = [client.list(limit=2, offset=offset) for offset in (0, 2, 4, 6)]

    assert [[t["id"] for t in page.json()] for page in pages] == [
        tasks[0:2],
        tasks[2:4],
        tasks[4:5],
        [],
    ]
    assert {page.headers["x-total-count"] for page in pages} == {"5"}
    assert client.list(status="pending", limit=1, offset=9).headers["x-total-count"] == "5"


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"status": "done"}, "status"),
        ({"sort": "due_date"}, "sort"),
        ({"sort": "id; DROP TABLE tasks"}, "sort"),
        ({"limit": 0}, "limit"),
        ({"limit": -1}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": -1}, "offset"),
        ({"offset": 2**63}, "offset"),
    ],
)
def test_bad_list_parameters_are_422(
    client: TodoClient, params: dict[str, Any], field: str
) -> None:
    assert_invalid(client.list(**params), field)


def test_timestamps_are_utc_iso_8601(client: TodoClient) -> None:
    task = created(client)
    for stamp in (task["created_at"], task["updated_at"]):
        assert "T" in stamp
        moment(stamp)
    for listed in client.list().json():
        moment(listed["created_at"])
        moment(listed["updated_at"])


def test_timestamps_are_utc_whatever_the_database_time_zone(
    fresh_database: str, user_id: str, sql: Connect
) -> None:
    """Rows are written to JSON without validation: a session in another zone must still give Z."""
    name = make_url(fresh_database).database
    with sql(fresh_database) as conn:
        conn.execute(f"ALTER DATABASE \"{name}\" SET timezone TO 'Asia/Kolkata'")  # +05:30
    before = datetime.now(UTC)
    with local_stack(fresh_database) as running:
        api = running.client(user_id)
        try:
            task = created(api, "Namaste")
            replies = [api.get(task["id"]).json(), api.toggle(task["id"]).json()]
            replies += api.list().json()
        finally:
            api.close()
    for reply in [task, *replies]:
        for field in ("created_at", "updated_at"):
            assert reply[field].endswith("Z"), reply
            assert abs(moment(reply[field]) - before) < timedelta(minutes=1)
