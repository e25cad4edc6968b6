"""A stateful model of several users sharing the live API (SC-002: 100% isolation).

Hypothesis drives creates, lists, reads, updates, toggles and deletes by three users on task
ids of their own, of others and of deleted tasks; after every step each user's list must
equal the in-memory model exactly, and no id is ever handed out twice.
"""

from __future__ import annotations

import os
import uuid
from dataclasses import dataclass

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    initialize,
    invariant,
    rule,
    run_state_machine_as_test,
)

from harness.stack import Stack

USERS = 3
titles = st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=40)


@dataclass
class ModelTask:
    owner: int
    title: str
    completed: bool = False


class IsolationModel(RuleBasedStateMachine):
    """The API must behave exactly like a dict of tasks partitioned by owner."""

    stack: Stack  # set by the test before running
    task_ids = Bundle("task_ids")

    def __init__(self) -> None:
        super().__init__()
        run = uuid.uuid4().hex[:8]
        self.clients = [self.stack.client(f"model-{run}-{n}") for n in range(USERS)]
        self.tasks: dict[int, ModelTask] = {}
        self.ids_ever: set[int] = set()

    @initialize(target=task_ids, user=st.integers(0, USERS - 1), title=titles)
    def first_task(self, user: int, title: str) -> int:
        return self._create(user, title)

    @rule(target=task_ids, user=st.integers(0, USERS - 1), title=titles)
    def create(self, user: int, title: str) -> int:
        return self._create(user, title)

    def _create(self, user: int, title: str) -> int:
        response = self.clients[user].create(title)
        assert response.status_code == 201, response.text
        task = response.json()
        assert task["id"] not in self.ids_ever, "an id was handed out twice"
        assert (task["user_id"], task["title"], task["completed"]) == (
            self.clients[user].user_id,
            title,
            False,
        )
        self.ids_ever.add(task["id"])
        self.tasks[task["id"]] = ModelTask(user, title)
        task_id: int = task["id"]
        return task_id

    def _expect(self, user: int, task_id: int, response_status: int, ok: int = 200) -> bool:
        """Whether `user` may act on `task_id`; the status must say so, 404 otherwise."""
        task = self.tasks.get(task_id)
        mine = task is not None and task.owner == user
        assert response_status == (ok if mine else 404), (user, task_id, response_status)
        return mine

    @rule(user=st.integers(0, USERS - 1), task_id=task_ids)
    def get(self, user: int, task_id: int) -> None:
        response = self.clients[user].get(task_id)
        if self._expect(user, task_id, response.status_code):
            task = self.tasks[task_id]
            assert (response.json()["title"], response.json()["completed"]) == (
                task.title,
                task.completed,
            )

    @rule(user=st.integers(0, USERS - 1), task_id=task_ids, title=titles)
    def update(self, user: int, task_id: int, title: str) -> None:
        response = self.clients[user].update(task_id, title=title)
        if self._expect(user, task_id, response.status_code):
            self.tasks[task_id].title = title
            assert response.json()["title"] == title

    @rule(user=st.integers(0, USERS - 1), task_id=task_ids)
    def toggle(self, user: int, task_id: int) -> None:
        response = self.clients[user].toggle(task_id)
        if self._expect(user, task_id, response.status_code):
            task = self.tasks[task_id]
            task.completed = not task.completed
            assert response.json()["completed"] is task.completed

    @rule(user=st.integers(0, USERS - 1), task_id=task_ids)
    def delete(self, user: int, task_id: int) -> None:
        response = self.clients[user].delete(task_id)
        if self._expect(user, task_id, response.status_code, ok=204):
            del self.tasks[task_id]

    @rule(user=st.integers(0, USERS - 1), victim=st.integers(0, USERS - 1), task_id=task_ids)
    def reach_into_another_users_path(self, user: int, victim: int, task_id: int) -> None:
        """Own token, someone else's path: 403 before anything happens (EC-7)."""
        if user == victim:
            return
        client, path = self.clients[user], self.clients[victim].path(task_id)
        for method in ("GET", "PUT", "DELETE"):
            body = {"title": "stolen"} if method == "PUT" else None
            response = client.http.request(method, path, headers=client.headers(), json=body)
            assert response.status_code == 403
        other_list = client.http.get(self.clients[victim].path(), headers=client.headers())
        assert other_list.status_code == 403

    @invariant()
    def every_list_equals_the_model(self) -> None:
        for user, client in enumerate(self.clients):
            response = client.list()
            assert response.status_code == 200
            seen = [(t["id"], t["title"], t["completed"]) for t in response.json()]
            expected = [
                (task_id, task.title, task.completed)
                for task_id, task in sorted(self.tasks.items())
                if task.owner == user
            ]
            assert seen == expected

    def teardown(self) -> None:
        for client in self.clients:
            client.close()


def test_users_never_see_or_touch_each_others_tasks(stack: Stack) -> None:
    IsolationModel.stack = stack
    run_state_machine_as_test(
        IsolationModel,
        settings=settings(
            max_examples=int(os.environ.get("MODEL_EXAMPLES", "15")),
            stateful_step_count=int(os.environ.get("MODEL_STEPS", "25")),
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
