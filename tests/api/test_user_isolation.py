"""No user can read, change or delete another's tasks, or learn that they exist (SC-002, FR-013)."""

from __future__ import annotations

from typing import Any

import pytest

from harness.client import TodoClient

NOT_FOUND = {"detail": "Task not found"}


@pytest.fixture
def victim_task(client: TodoClient) -> dict[str, Any]:
    """A task of the first user, which the other user goes after."""
    response = client.create("Private", description="Only mine")
    assert response.status_code == 201
    task: dict[str, Any] = response.json()
    return task


@pytest.mark.parametrize("action", ["get", "update", "toggle", "delete"])
def test_another_users_task_id_is_404_like_a_missing_one(
    client: TodoClient, other_client: TodoClient, victim_task: dict[str, Any], action: str
) -> None:
    args = {"update": {"title": "Hijacked", "user_id": other_client.user_id}}.get(action, {})

    foreign = getattr(other_client, action)(victim_task["id"], **args)
    missing = getattr(other_client, action)(2**31 - 1, **args)

    assert foreign.status_code == missing.status_code == 404
    assert foreign.json() == missing.json() == NOT_FOUND
    assert client.get(victim_task["id"]).json() == victim_task


def test_the_other_users_list_never_shows_the_task(
    client: TodoClient, other_client: TodoClient, victim_task: dict[str, Any]
) -> None:
    other_client.create("Theirs")
    listed = other_client.list()
    assert victim_task["id"] not in [t["id"] for t in listed.json()]
    assert listed.headers["x-total-count"] == "1"
    assert [t["id"] for t in client.list().json()] == [victim_task["id"]]


@pytest.mark.parametrize(
    ("method", "suffix"),
    [
        ("GET", ""),
        ("POST", ""),
        ("GET", "/{id}"),
        ("PUT", "/{id}"),
        ("DELETE", "/{id}"),
        ("PATCH", "/{id}/complete"),
    ],
)
def test_the_other_user_on_the_owners_path_is_403_and_nothing_changes(
    client: TodoClient,
    other_client: TodoClient,
    victim_task: dict[str, Any],
    method: str,
    suffix: str,
) -> None:
    path = client.path() + suffix.format(id=victim_task["id"])
    body = {"title": "Hijacked"} if method in ("POST", "PUT") else None
    response = other_client.http.request(method, path, headers=other_client.headers(), json=body)

    assert response.status_code == 403
    assert client.list().json() == [victim_task]


def test_a_task_never_changes_owner(client: TodoClient, other_client: TodoClient) -> None:
    task = client.create("Mine", user_id=other_client.user_id).json()
    assert task["user_id"] == client.user_id

    moved = client.update(task["id"], title="Still mine", user_id=other_client.user_id)
    assert moved.json()["user_id"] == client.user_id
    assert other_client.get(task["id"]).status_code == 404
    assert other_client.list().json() == []


def test_the_same_title_for_two_users_makes_two_tasks(
    client: TodoClient, other_client: TodoClient
) -> None:
    mine = client.create("Buy groceries").json()
    theirs = other_client.create("Buy groceries").json()
    assert mine["id"] != theirs["id"]
    assert client.delete(mine["id"]).status_code == 204
    assert other_client.get(theirs["id"]).json() == theirs
