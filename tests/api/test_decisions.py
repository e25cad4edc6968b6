"""Behaviour the spec leaves open, as `docs/decisions.md` decides it: one test per decision."""

from __future__ import annotations

from collections.abc import Callable

import httpx
import psycopg
import pytest

from harness.client import TodoClient


def invalid_field(response: httpx.Response, *loc: str) -> None:
    assert response.status_code == 422, response.text
    assert [p["loc"] for p in response.json()["detail"]] == [list(loc)]


# --- task ids are written one way only ------------------------------------------------------


@pytest.mark.parametrize("written", ["0{id}", "+{id}", "{id}.0", " {id}", "{id} ", "1_{id}"])
def test_a_task_id_not_written_as_the_api_writes_it_is_422(
    client: TodoClient, written: str
) -> None:
    task_id = client.create("Ten").json()["id"]
    path = client.path() + "/" + written.format(id=task_id)
    for method in ("GET", "PUT", "DELETE"):
        response = client.http.request(method, path, json={"title": "x"}, headers=client.headers())
        invalid_field(response, "path", "task_id")
    invalid_field(
        client.http.patch(path + "/complete", headers=client.headers()), "path", "task_id"
    )
    assert client.get(task_id).json()["title"] == "Ten"


# --- titles are one visible line; descriptions may have lines and tabs ----------------------


@pytest.mark.parametrize(
    "title",
    ["\u200b", "\ufeff", "\u2060\u200b", "\u200b \ufeff", "\u00ad"],
    ids=["zero-width-space", "bom", "word-joiners", "mixed-invisible", "soft-hyphen"],
)
def test_a_title_of_invisible_characters_only_is_422(client: TodoClient, title: str) -> None:
    invalid_field(client.create(title), "body", "title")


@pytest.mark.parametrize(
    "title",
    ["tab\there", "two\nlines", "carriage\rreturn", "bell\x07", "escape\x1b[31m", "next\x85line"],
)
def test_a_title_with_control_characters_is_422(client: TodoClient, title: str) -> None:
    invalid_field(client.create(title), "body", "title")
    task_id = client.create("Kept").json()["id"]
    invalid_field(client.update(task_id, title=title), "body", "title")


@pytest.mark.parametrize(
    "title",
    ["👨\u200d👩\u200d👧", "caf\u0065\u0301", "ok\u200b", "\u05e9\u05dc\u05d5\u05dd", "x"],
    ids=["zwj-emoji", "combining-accent", "trailing-zero-width", "hebrew", "one-letter"],
)
def test_a_title_with_something_visible_is_kept_as_sent(client: TodoClient, title: str) -> None:
    response = client.create(title)
    assert response.status_code == 201, response.text
    assert response.json()["title"] == title


def test_a_description_keeps_its_lines_and_tabs(client: TodoClient) -> None:
    description = "Milk\n\tEggs\r\nBread"
    response = client.create("Shopping", description=description)
    assert response.status_code == 201
    assert client.get(response.json()["id"]).json()["description"] == description


@pytest.mark.parametrize("description", ["bell\x07", "escape\x1b[2J", "next\x85line", "del\x7f"])
def test_a_description_with_other_control_characters_is_422(
    client: TodoClient, description: str
) -> None:
    invalid_field(client.create("Title", description=description), "body", "description")


# --- no per-user quota ----------------------------------------------------------------------


def test_there_is_no_per_user_task_quota(
    client: TodoClient, database_url: str, sql: Callable[[str], psycopg.Connection]
) -> None:
    with sql(database_url) as conn:
        conn.execute(
            "INSERT INTO tasks (user_id, title) SELECT %s, 'Task ' || n"
            " FROM generate_series(1, 5000) AS n",
            [client.user_id],
        )
    assert client.create("One more").status_code == 201
    everything = client.list()
    assert everything.headers["x-total-count"] == "5001"
    assert len(everything.json()) == 5001
