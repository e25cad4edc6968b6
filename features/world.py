"""One scenario's state: who is who, their tokens, the tasks they made, and the API calls.

Users keep the spec's names in feature files (user123, user456); each scenario maps them to
fresh ids, so scenarios never see each other's tasks, even on a shared deployment.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from features.store import TaskStore
from features.target import Target
from harness.live import LiveServer
from harness.tokens import BadTokens

ACTIONS = {
    "list": ("GET", ""),
    "create": ("POST", ""),
    "read": ("GET", "/{task}"),
    "update": ("PUT", "/{task}"),
    "toggle": ("PATCH", "/{task}/complete"),
    "delete": ("DELETE", "/{task}"),
}
BODIES = {"create": {"title": "Buy groceries"}, "update": {"title": "Buy organic groceries"}}
NO_TOKEN = None


@dataclass
class World:
    """What one scenario knows; steps read and change it, and call the API through it."""

    target: Target
    http: httpx.Client
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    tokens: dict[str, str | None] = field(default_factory=dict)
    tasks: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    numbered: dict[int, tuple[str, str]] = field(default_factory=dict)
    last_task: tuple[str, str] | None = None
    subject: tuple[str, str] | None = None
    minted: set[str] = field(default_factory=set)
    batch: list[httpx.Response] = field(default_factory=list)
    origin: str | None = None
    made: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    server: LiveServer | None = None
    logs: Any = None  # the log capture of `steps/platform.py`, once watched
    environment: dict[str, str] = field(default_factory=dict)
    startup_error: str | None = None
    previous_target: Target | None = None
    sent: list[str] = field(default_factory=list)
    sessions: dict[int, list[Any]] = field(default_factory=dict)

    def user_id(self, name: str) -> str:
        """The real id behind a spec name in this scenario."""
        return f"{name}-{self.run_id}"

    def valid_token(self, name: str) -> str:
        return self.keep(self.target.token(self.user_id(name)))

    def bad_tokens(self, name: str) -> BadTokens:
        return self.target.bad_tokens(self.user_id(name))

    def bad_token(self, name: str, kind: str) -> str:
        return self.keep(getattr(self.bad_tokens(name), kind)())

    def keep(self, token: str) -> str:
        """Remember every token minted, to check none of them leaks into logs or responses."""
        self.minted.add(token)
        return token

    def token(self, name: str) -> str | None:
        """The token `name` currently holds: a valid one unless a step gave them another."""
        return self.tokens[name] if name in self.tokens else self.valid_token(name)

    def headers(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def path(self, owner: str, suffix: str = "", task_id: int | None = None) -> str:
        return f"/api/{self.user_id(owner)}/tasks" + suffix.format(task=task_id)

    def call(
        self,
        action: str,
        owner: str,
        *,
        token: str | None,
        task_id: int | None = None,
        body: Any = None,
        **options: Any,
    ) -> httpx.Response:
        """One of the six endpoints, on `owner`'s tasks, with whatever token is given."""
        method, suffix = ACTIONS[action]
        if body is None and action in BODIES and "content" not in options:
            body = BODIES[action]
        headers = {**self.headers(token), **options.pop("headers", {})}
        http = options.pop("http", None) or self.http
        return http.request(
            method,
            self.path(owner, suffix, task_id),
            json=body,
            headers=headers,
            **options,
        )

    def act(
        self, caller: str, action: str, owner: str | None = None, **options: Any
    ) -> httpx.Response:
        """`caller` (with the token they hold) acts on `owner`'s tasks (their own by default)."""
        return self.call(action, owner or caller, token=self.token(caller), **options)

    # Set-up and checks, always with the owner's valid token.

    def create_task(self, owner: str, title: str, **fields: Any) -> dict[str, Any]:
        response = self.call(
            "create", owner, token=self.valid_token(owner), body={"title": title, **fields}
        )
        assert response.status_code == 201, f"could not create {title!r}: {response.text}"
        self.made.append((owner, response.json()))
        return self.remember(owner, response.json())

    def remember(self, owner: str, task: dict[str, Any]) -> dict[str, Any]:
        key = (owner, task["title"])
        self.tasks[key] = task
        self.last_task = key
        return task

    def remember_created(self, owner: str, response: httpx.Response) -> httpx.Response:
        if response.status_code == 201:
            self.remember(owner, response.json())
        return response

    def act_on(self, caller: str, action: str, reference: str, **options: Any) -> httpx.Response:
        """`caller` acts on a task by id under their own path, whoever owns it."""
        _, task_id = self.resolve(reference, caller)
        self.subject = next((k for k, t in self.tasks.items() if t["id"] == task_id), None)
        return self.act(caller, action, task_id=task_id, **options)

    def use_server(self, base_url: str) -> None:
        """Send this scenario's requests to another server from now on."""
        self.http.close()
        self.http = httpx.Client(base_url=base_url, timeout=self.http.timeout)

    @property
    def base_url(self) -> str:
        return str(self.http.base_url)

    @property
    def database(self) -> TaskStore:
        assert self.target.stack is not None, "the database is only reachable on the local stack"
        database_url = self.target.stack.settings.database_url
        assert database_url is not None
        return TaskStore(database_url.get_secret_value())

    def task(self, owner: str, title: str) -> dict[str, Any]:
        return self.tasks[(owner, title)]

    def fetch(self, owner: str, task_id: int) -> httpx.Response:
        return self.call("read", owner, token=self.valid_token(owner), task_id=task_id)

    def titles(self, owner: str) -> list[str]:
        response = self.call("list", owner, token=self.valid_token(owner))
        assert response.status_code == 200, response.text
        return [task["title"] for task in response.json()]

    def resolve(self, reference: str, caller: str) -> tuple[str, int]:
        """`the task`, `task 42`, `"Buy groceries"` or `user456's task "Walk the dog"`
        → (owner, id). A number nobody named in this scenario is used as it is."""
        if reference == "the task":
            assert self.last_task is not None, "no task was made in this scenario"
            return self.last_task[0], self.tasks[self.last_task]["id"]
        if match := re.fullmatch(r"task (\d+)", reference):
            number = int(match[1])
            if number in self.numbered:
                owner, title = self.numbered[number]
                return owner, self.tasks[(owner, title)]["id"]
            return caller, number
        if match := re.fullmatch(r"(?:(\w+)'s task )?\"(.*)\"", reference):
            owner = match[1] or caller
            return owner, self.tasks[(owner, match[2])]["id"]
        raise ValueError(f"cannot tell which task {reference!r} means")


def quoted(text: str) -> list[str]:
    """The "quoted" items of a step's list: `"A", "B" and "C"` → [A, B, C]."""
    return re.findall(r'"([^"]*)"', text)
