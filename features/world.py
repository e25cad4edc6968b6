"""One scenario's state: who is who, their tokens, the tasks they made, and every API call.

Users keep the spec's names in feature files (user123, user456); each scenario maps them to
fresh random ids, so scenarios never see each other's tasks, even on a shared deployment.
Every task a scenario knows of is one `KnownTask` in `World.tasks`; the ways a feature names
one ("the task", "task 42", `"Buy groceries"`) are all looked up there (`World.resolve`).

Set-up and read-back go through tolerant helpers (`create_task`, `read_back`, `list_back`):
they accept a task or a list wrapped in an envelope and raise `Blocked` when they cannot do
their job, so one broken endpoint blocks the checks that need it instead of failing them.
What a check is *about* is judged strictly by its Then steps (`features/steps/responses.py`).
"""

from __future__ import annotations

import json
import re
import time
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import httpx

from features.evidence import (
    TRANSPORT,
    Blocked,
    Cause,
    CheckFailed,
    request_summary,
    response_summary,
)
from features.findings import Findings
from features.target import Target

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
PAST_ANY_SEQUENCE = 2**31 - 1  # the contract's int32 maximum: no sequence gets there
RETRIED = (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError, httpx.ConnectError)
ENVELOPE_KEYS = ("tasks", "data", "items", "results", "task")
RETRY_PAUSE_SECONDS = 1.0
WHOLE_SECONDS = re.compile(r"T\d\d:\d\d:\d\d(?![.,]\d)")


def json_or_none(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def as_task(body: Any) -> dict[str, Any] | None:
    """A task object, also out of a one-key envelope such as `{"task": {...}}`."""
    if isinstance(body, dict) and "id" in body:
        return body
    if isinstance(body, dict) and len(body) == 1:
        return as_task(next(iter(body.values())))
    return None


def as_tasks(body: Any) -> list[dict[str, Any]] | None:
    """A list of tasks, also out of an envelope such as `{"tasks": [...], "total": 3}`."""
    if isinstance(body, list):
        return [task for task in body if isinstance(task, dict)]
    if isinstance(body, dict):
        for key in ENVELOPE_KEYS:
            if isinstance(body.get(key), list):
                return as_tasks(body[key])
        lists = [value for value in body.values() if isinstance(value, list)]
        if len(lists) == 1:
            return as_tasks(lists[0])
    return None


def moment(value: Any) -> datetime | None:
    """A timestamp read leniently (no offset is taken as UTC); None if it is not one."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


@dataclass
class Exchange:
    """One request as the step sent it, and what came back (or the transport error)."""

    request: httpx.Request
    token: str
    response: httpx.Response | None = None
    error: str | None = None


@dataclass
class KnownTask:
    """A task the scenario knows of: whose it is, its title, and the task as the API last
    showed it. `set_up` tasks are the scene's (made by Given steps), not the request under
    test's; `number` is the one the feature text gives it ("task 42")."""

    owner: str
    title: str
    shown: dict[str, Any]
    set_up: bool = False
    number: int | None = None

    @property
    def id(self) -> Any:
        return self.shown["id"]


def setup_cause(what: str, response: httpx.Response) -> Cause:
    return Cause(
        f"setup-{what.replace(' ', '-')}-{response.status_code}",
        f"{what} answers {response.status_code}, so checks that need it are blocked",
    )


@dataclass
class World:
    """What one scenario knows; steps read and change it, and call the API through it."""

    target: Target
    findings: Findings
    http: httpx.Client = field(init=False)
    run_id: str = field(default_factory=lambda: uuid.uuid4().hex[:12])
    tokens: dict[str, str | None] = field(default_factory=dict)
    token_kinds: dict[str, str] = field(default_factory=dict)
    tasks: list[KnownTask] = field(default_factory=list)
    subject: KnownTask | None = None
    missing_ids: dict[int, int] = field(default_factory=dict)
    batch: list[httpx.Response] = field(default_factory=list)
    origin: str | None = None
    exchanges: list[Exchange] = field(default_factory=list)
    coarse_clock: bool = False
    logs: Any = None
    configured: Any = None
    sent: list[str] = field(default_factory=list)
    sent_body: dict[str, Any] = field(default_factory=dict)
    logged: list[bool] = field(default_factory=list)
    startup_error: str | None = None
    sessions: dict[int, list[Any]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.http = self.client(self.target.base_url)

    @staticmethod
    def client(base_url: str) -> httpx.Client:
        return httpx.Client(base_url=base_url, timeout=30, follow_redirects=True)

    def close(self) -> None:
        self.http.close()

    # Users and tokens

    def user_id(self, name: str) -> str:
        """The real id behind a spec name in this scenario."""
        return f"{name}-{self.run_id}"

    def keep(self, token: str, kind: str) -> str:
        """Remember a token and what it is (for evidence; never printed itself)."""
        self.token_kinds[token] = kind
        return token

    def valid_token(self, name: str) -> str:
        token = self.target.token(self.user_id(name))
        return self.keep(token, f"valid token ({name})")

    def bad_token(self, name: str, kind: str) -> str:
        token = self.target.bad_tokens(self.user_id(name)).make(kind)
        return self.keep(token, f"{kind.replace('_', ' ')} token ({name})")

    def token(self, name: str) -> str | None:
        """The token `name` currently holds: a valid one unless a step gave them another."""
        return self.tokens[name] if name in self.tokens else self.valid_token(name)

    def token_kind(self, token: str | None) -> str:
        return "no token" if not token else self.token_kinds.get(token, "a token")

    @property
    def secrets(self) -> set[str]:
        """Every token of the scenario and the secrets tokens are signed with."""
        keys = {self.target.secret, getattr(self.target.minter, "secret", None)}
        return {*self.token_kinds, *(key for key in keys if key)}

    # Requests

    def headers(self, token: str | None) -> dict[str, str]:
        return {"Authorization": f"Bearer {token}"} if token else {}

    def path(self, owner: str, suffix: str = "", task_id: int | None = None) -> str:
        return f"/api/{self.user_id(owner)}/tasks" + suffix.format(task=task_id)

    def send(
        self,
        method: str,
        path: str,
        *,
        token: str | None,
        http: httpx.Client | None = None,
        **options: Any,
    ) -> httpx.Response:
        """One request, recorded. A connection the backend dropped is retried once on a fresh
        one; redirects are followed and reported (once) as a finding."""
        headers = {**self.headers(token), **options.pop("headers", {})}
        kind = self.token_kind(token)
        if not token and "Authorization" in headers:
            kind = f"the Authorization header {headers['Authorization'][:24]!r}"
        for attempt in (1, 2):
            client = http or self.http
            try:
                response = client.request(method, path, headers=headers, **options)
            except RETRIED as error:
                if attempt == 1 and http is None:
                    self.findings.note(
                        "dropped-connection",
                        "the backend dropped a connection; the request was sent again on a new one",
                        f"{method} {path}: {type(error).__name__}",
                    )
                    self.fresh_connection()
                    continue
                raise self.transport_failure(error, kind) from error
            except httpx.TransportError as error:
                raise self.transport_failure(error, kind) from error
            break
        sent = response.history[0].request if response.history else response.request
        self.exchanges.append(Exchange(sent, kind, response))
        if response.history:
            first = response.history[0]
            target = first.headers.get("location")
            self.findings.note(
                "redirect",
                f"{first.status_code} redirects, followed (the spec names the paths to answer)",
                f"{method} {sent.url.path} → {first.status_code} to {target}",
            )
        if http is None and (
            response.status_code >= 500 or response.headers.get("connection", "") == "close"
        ):
            self.fresh_connection()
        return response

    def transport_failure(self, error: httpx.TransportError, kind: str) -> CheckFailed:
        try:
            self.exchanges.append(Exchange(error.request, kind, error=str(error)))
        except RuntimeError:
            pass
        return CheckFailed("an HTTP answer", f"{type(error).__name__}: {error}", cause=TRANSPORT)

    def fresh_connection(self) -> None:
        self.http.close()
        self.http = self.client(str(self.http.base_url))

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
        if body is not None:
            options["json"] = body
        return self.send(method, self.path(owner, suffix, task_id), token=token, **options)

    def act(
        self, caller: str, action: str, owner: str | None = None, **options: Any
    ) -> httpx.Response:
        """`caller` (with the token they hold) acts on `owner`'s tasks (their own by default)."""
        if action in ("update", "toggle"):
            self.before_change()
        return self.call(action, owner or caller, token=self.token(caller), **options)

    def act_on(self, caller: str, action: str, reference: str, **options: Any) -> httpx.Response:
        """`caller` acts on a task by id under their own path, whoever owns it."""
        _, task_id = self.resolve(reference, caller)
        self.about(task_id)
        return self.act(caller, action, task_id=task_id, **options)

    def use_server(self, base_url: str) -> None:
        """Send this scenario's requests to another server from now on."""
        self.http.close()
        self.http = self.client(base_url)

    @property
    def base_url(self) -> str:
        return str(self.http.base_url)

    # Evidence

    def evidence(self, response: httpx.Response | None) -> dict[str, Any]:
        """The request and response behind a failure (the last exchange if none is named)."""
        exchange = next(
            (
                e
                for e in reversed(self.exchanges)
                if response is not None and e.response is response
            ),
            self.exchanges[-1] if self.exchanges else None,
        )
        if response is not None and (exchange is None or exchange.response is not response):
            exchange = Exchange(response.request, "a token", response)
        if exchange is None:
            return {}
        found: dict[str, Any] = {
            "request": request_summary(exchange.request, exchange.token, self.secrets)
        }
        if exchange.response is not None:
            found["response"] = response_summary(exchange.response, self.secrets)
        if exchange.error:
            found["response"] = {"error": exchange.error}
        return found

    # Set-up and read-back (tolerant; Blocked when they cannot do their job)

    def note_clock(self, task: dict[str, Any]) -> None:
        """Timestamps in whole seconds: a change within the same second would not show."""
        if isinstance(task.get("updated_at"), str) and WHOLE_SECONDS.search(task["updated_at"]):
            self.coarse_clock = True

    def before_change(self) -> None:
        if self.coarse_clock:
            time.sleep(1.05)

    def set_up(self, action: str, owner: str, **options: Any) -> httpx.Response:
        """A set-up or read-back call with the owner's valid token; a 503 (the backend's
        database busy or away for a moment) is tried once more after a pause."""
        token = self.valid_token(owner)
        response = self.call(action, owner, token=token, **options)
        if response.status_code == 503:
            time.sleep(RETRY_PAUSE_SECONDS)
            response = self.call(action, owner, token=token, **options)
        return response

    def create_task(
        self,
        owner: str,
        title: str,
        *,
        completed: bool = False,
        number: int | None = None,
        **fields: Any,
    ) -> KnownTask:
        """`owner`'s new task for the scene, open unless `completed`: created so, else set by
        PUT, else by toggling, whichever works (a wrong default is FR-012's business, not the
        scene's)."""
        body = {"title": title, **fields, **({"completed": True} if completed else {})}
        response = self.set_up("create", owner, body=body)
        task = as_task(json_or_none(response))
        if not response.is_success or task is None:
            raise Blocked(
                f"{owner}'s task {title!r} created (2xx with the task)",
                f"{response.status_code}",
                response=response,
                cause=setup_cause("creating a task", response),
            )
        self.note_clock(task)
        if task.get("completed") is not completed:
            task = self.set_completion(owner, task, completed)
        return self.remember(owner, task, set_up=True, number=number)

    def set_completion(self, owner: str, task: dict[str, Any], completed: bool) -> dict[str, Any]:
        token = self.valid_token(owner)
        for action, body in (("update", {"completed": completed}), ("toggle", None)):
            response = self.call(action, owner, token=token, task_id=task["id"], body=body)
            task = as_task(json_or_none(response)) or task
            if task.get("completed") is completed:
                return task
        raise Blocked(f"{owner}'s task {task.get('title')!r} completed={completed}", "it is not")

    def missing_id(self, owner: str) -> int:
        """An id no task has: a fresh one, deleted (or past any sequence if that fails)."""
        token = self.valid_token(owner)
        made = self.call("create", owner, token=token, body={"title": "Placeholder"})
        task = as_task(json_or_none(made))
        if made.is_success and task is not None:
            gone = self.call("delete", owner, token=token, task_id=task["id"])
            if gone.is_success:
                return int(task["id"])
        return PAST_ANY_SEQUENCE

    def remember(
        self, owner: str, task: dict[str, Any], *, set_up: bool = False, number: int | None = None
    ) -> KnownTask:
        known = KnownTask(owner, str(task.get("title", "")), task, set_up, number)
        self.tasks.append(known)
        return known

    def remember_created(self, owner: str, response: httpx.Response) -> httpx.Response:
        """The request under test created a task: remember it (not as part of the scene)."""
        task = as_task(json_or_none(response))
        if response.is_success and task is not None:
            self.remember(owner, task)
        return response

    @property
    def latest(self) -> KnownTask | None:
        """The task the scenario learnt of last ("the task")."""
        return self.tasks[-1] if self.tasks else None

    def task(self, owner: str, title: str) -> KnownTask:
        """`owner`'s task of that title (the latest, should there be two)."""
        for known in reversed(self.tasks):
            if known.owner == owner and known.title == title:
                return known
        raise ValueError(f"{owner} has no task {title!r} in this scenario")

    def numbered(self, number: int) -> KnownTask:
        """The task the feature calls `task <number>`."""
        known = self._numbered(number)
        if known is None:
            raise ValueError(f"no task {number} was made in this scenario")
        return known

    def _numbered(self, number: int) -> KnownTask | None:
        return next((known for known in self.tasks if known.number == number), None)

    def about(self, task_id: int) -> None:
        """The request under test acts on this task (`subject`), if the scenario knows it."""
        self.subject = next((known for known in self.tasks if known.id == task_id), None)

    def set_up_tasks(self, owner: str) -> list[KnownTask]:
        """The tasks the scene gave `owner`, in the order they were made."""
        return [known for known in self.tasks if known.set_up and known.owner == owner]

    def read_back(self, owner: str, task_id: int) -> dict[str, Any] | None:
        """The task as its owner reads it now; None if it is gone (404)."""
        response = self.set_up("read", owner, task_id=task_id)
        if response.status_code == 404:
            return None
        task = as_task(json_or_none(response))
        if response.status_code != 200 or task is None:
            raise Blocked(
                f"{owner}'s task read back (200 with the task)",
                f"{response.status_code}",
                response=response,
                cause=setup_cause("reading a task", response),
            )
        return task

    def list_back(self, owner: str) -> list[dict[str, Any]]:
        """The tasks of `owner` their list shows now, read with their own valid token (a list
        that also shows others' tasks is judged by the scoping checks, not here)."""
        response = self.set_up("list", owner)
        tasks = as_tasks(json_or_none(response))
        if response.status_code != 200 or tasks is None:
            raise Blocked(
                f"{owner}'s list read back (200 with the tasks)",
                f"{response.status_code}",
                response=response,
                cause=setup_cause("listing tasks", response),
            )
        user_id = self.user_id(owner)
        return [task for task in tasks if task.get("user_id", user_id) == user_id]

    def titles(self, owner: str) -> list[str]:
        return sorted(str(task.get("title")) for task in self.list_back(owner))

    def resolve(self, reference: str, caller: str) -> tuple[str, int]:
        """`the task`, `task 42`, `"Buy groceries"` or `user456's task "Walk the dog"`
        → (owner, id). A number set aside by "has no task N" is an id no task has."""
        if reference == "the task":
            if self.latest is None:
                raise ValueError("no task was made in this scenario")
            return self.latest.owner, self.latest.id
        if match := re.fullmatch(r"task (\d+)", reference):
            number = int(match[1])
            known = self._numbered(number)
            if known is None:
                return caller, self.missing_ids.get(number, number)
            return known.owner, known.id
        if match := re.fullmatch(r"(?:(\w+)'s task )?\"(.*)\"", reference):
            known = self.task(match[1] or caller, match[2])
            return known.owner, known.id
        raise ValueError(f"cannot tell which task {reference!r} means")


def quoted(text: str) -> list[str]:
    """The "quoted" items of a step's list: `"A", "B" and "C"` → [A, B, C]."""
    return re.findall(r'"([^"]*)"', text)


def with_users(world: World, text: str) -> str:
    """Replace `{user456}` in a path or body by the id user456 has in this scenario."""
    return re.sub(r"\{(user\w*)\}", lambda match: world.user_id(match[1]), text)


def json_body(world: World, docstring: str) -> Any:
    return json.loads(with_users(world, docstring))
