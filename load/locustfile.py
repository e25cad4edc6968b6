"""Simulated frontend sessions against the task API, with pass/fail thresholds.

Each simulated user is a distinct user id with its own token. It does what the Next.js
frontend does in a session (load the list, create, toggle, edit, delete, reload, with think
time between clicks), keeps a model of its own tasks, and checks every answer against it: a
wrong owner, a missing field, or a write of its own that is not visible is a Locust failure
just like a non-2xx status (SC-002, SC-007).

    locust -f load/locustfile.py --host http://127.0.0.1:8000            # web UI on :8089
    locust -f load/locustfile.py --host URL --headless -u 50 -r 10 -t 1m  # CI style
    python -m load.run                                                    # `make load`

The thresholds (`--max-fail-ratio`, `--max-p95-ms`, `--min-requests`, or the `LOAD_*`
variables) are checked when Locust quits; a breach prints its line and exits 1.
"""

from __future__ import annotations

import logging
import random
import time
import uuid
from collections.abc import Callable
from datetime import datetime
from typing import Any

from faker import Faker
from locust import FastHttpUser, events, task
from locust.env import Environment
from locust.runners import WorkerRunner

from load.auth import TokenSource
from load.progress import Progress
from load.thresholds import Thresholds

FIELDS = frozenset(
    {"id", "user_id", "title", "description", "completed", "created_at", "updated_at"}
)
LIST = "/api/[user]/tasks"
ONE = "/api/[user]/tasks/[id]"
TOGGLE = "/api/[user]/tasks/[id]/complete"

fake = Faker()
log = logging.getLogger("load")


@events.init_command_line_parser.add_listener
def _options(parser: Any) -> None:
    parser.add_argument(
        "--auth",
        choices=["hs256", "jwks", "session"],
        default="hs256",
        env_var="LOAD_AUTH",
        help="token kind: HS256 with the secret, JWKS-signed with --signing-key, or a Better Auth"
        " session created in --session-database",
    )
    parser.add_argument(
        "--session-database",
        default="",
        env_var="LOAD_SESSION_DATABASE_URL",
        is_secret=True,
        help="session mode: the database holding Better Auth's session table (the backend's)",
    )
    parser.add_argument(
        "--secret",
        default="",
        env_var="BETTER_AUTH_SECRET",
        is_secret=True,
        help="the backend's BETTER_AUTH_SECRET (default: the environment, then .env)",
    )
    parser.add_argument(
        "--signing-key",
        default="",
        env_var="LOAD_SIGNING_KEY",
        help="JWKS mode: key file written by `python -m load.run --auth jwks`",
    )
    parser.add_argument("--think-min", type=float, default=0.5, env_var="LOAD_THINK_MIN")
    parser.add_argument("--think-max", type=float, default=2.0, env_var="LOAD_THINK_MAX")
    parser.add_argument("--max-fail-ratio", type=float, default=0.0, env_var="LOAD_MAX_FAIL_RATIO")
    parser.add_argument("--max-p95-ms", type=float, default=500.0, env_var="LOAD_MAX_P95_MS")
    parser.add_argument("--min-requests", type=int, default=100, env_var="LOAD_MIN_REQUESTS")
    parser.add_argument(
        "--progress-seconds",
        type=float,
        default=0,
        env_var="LOAD_PROGRESS_SECONDS",
        help="headless: a progress line (requests, failures, p95) every N seconds; 0: none",
    )


def token_source(options: Any) -> TokenSource:
    if options.auth == "jwks":
        return TokenSource.from_key_file(options.signing_key)
    if options.auth == "session":
        return TokenSource(secret=options.secret, session_database_url=options.session_database)
    from backend.settings import configured  # the backend's own reading of env and .env

    return TokenSource(secret=options.secret or configured("BETTER_AUTH_SECRET"))


class Breach(Exception):
    """An answer that contradicts what this user knows about its own tasks."""


class FrontendUser(FastHttpUser):
    """One person using the Todo app in a browser."""

    tokens: TokenSource | None = None

    def wait_time(self) -> float:
        options = self.environment.parsed_options
        return random.uniform(options.think_min, options.think_max)

    def on_start(self) -> None:
        if FrontendUser.tokens is None:
            FrontendUser.tokens = token_source(self.environment.parsed_options)
        self.user_id = f"load-{uuid.uuid4().hex[:12]}"
        self.token, self.renew_at = FrontendUser.tokens.mint(self.user_id)
        self.known: dict[int, dict[str, Any]] = {}
        self.stale = False  # after a failure, the next list is believed, not checked
        self.list_tasks()

    @task(10)
    def list_tasks(self) -> None:
        """Page load or refresh: exactly my tasks, as I last saw them, oldest first."""
        tasks = self._call("GET", "", LIST, 200, self._check_list)
        if tasks is not None:
            self.known = {item["id"]: item for item in tasks}
            self.stale = False

    @task(4)
    def create_task(self) -> None:
        sent = {"title": fake.sentence(nb_words=5).rstrip(".")}
        if random.random() < 0.5:
            sent["description"] = fake.paragraph(nb_sentences=2)[:1000]

        def check(created: Any) -> None:
            self._check_fields(created, **{"description": None, **sent, "completed": False})
            if created["id"] in self.known:
                raise Breach("create: reused an id I already own")

        created = self._call("POST", "", LIST, 201, check, json=sent)
        if created is not None:
            self.known[created["id"]] = created

    @task(3)
    def toggle_task(self) -> None:
        before = self._pick()
        if before is None:
            return self.create_task()
        flipped = {"completed": not before["completed"]}
        self._write("PATCH", f"/{before['id']}/complete", TOGGLE, before, flipped)

    @task(2)
    def edit_task(self) -> None:
        before = self._pick()
        if before is None:
            return self.create_task()
        sent = {"title": fake.sentence(nb_words=4).rstrip("."), "description": fake.sentence()}
        self._write("PUT", f"/{before['id']}", ONE, before, sent, json=sent)

    @task(1)
    def open_task(self) -> None:
        before = self._pick()
        if before is None:
            return self.create_task()
        self._call(
            "GET", f"/{before['id']}", ONE, 200, lambda seen: self._check_fields(seen, **before)
        )

    @task(2)
    def delete_task(self) -> None:
        victim = self._pick()
        if victim is None:
            return self.create_task()
        if self._call("DELETE", f"/{victim['id']}", ONE, 204, lambda _: None) is not None:
            del self.known[victim["id"]]

    def _pick(self) -> dict[str, Any] | None:
        return random.choice(list(self.known.values())) if self.known else None

    def _write(
        self,
        method: str,
        suffix: str,
        name: str,
        before: dict[str, Any],
        changed: dict[str, Any],
        json: Any = None,
    ) -> None:
        """The write took effect, nothing else moved, and `updated_at` advanced (FR-011)."""

        def check(after: Any) -> None:
            unchanged = {k: v for k, v in before.items() if k not in changed and k != "updated_at"}
            self._check_fields(after, **unchanged, **changed)
            if datetime.fromisoformat(after["updated_at"]) <= datetime.fromisoformat(
                before["updated_at"]
            ):
                raise Breach("updated_at did not advance")

        after = self._call(method, suffix, name, 200, check, json=json)
        if after is not None:
            self.known[before["id"]] = after

    def _call(
        self,
        method: str,
        suffix: str,
        name: str,
        expected: int,
        check: Callable[[Any], None],
        json: Any = None,
    ) -> Any:
        """One request as the frontend sends it; its checked body, or None after a failure."""
        if time.time() >= self.renew_at:
            self.token, self.renew_at = FrontendUser.tokens.mint(self.user_id)  # type: ignore[union-attr]
        with self.client.request(
            method,
            f"/api/{self.user_id}/tasks{suffix}",
            name=name,
            headers={"Authorization": f"Bearer {self.token}"},
            json=json,
            catch_response=True,
        ) as response:
            try:
                if response.status_code != expected:
                    raise Breach(f"expected {expected}, got {response.status_code}")
                body = {} if expected == 204 else response.json()
                check(body)
                return body
            except Exception as error:  # a bad body breaks a check: that is a failure too
                response.failure(f"{type(error).__name__}: {error}")
                self.stale = True
                return None

    def _check_list(self, tasks: Any) -> None:
        if not isinstance(tasks, list):
            raise Breach("list: not a JSON array")
        for item in tasks:
            self._check_task(item)
        ids = [item["id"] for item in tasks]
        if ids != [t["id"] for t in sorted(tasks, key=lambda t: (t["created_at"], t["id"]))]:
            raise Breach("list: not in creation order")
        if self.stale:
            return
        if sorted(ids) != sorted(self.known):
            raise Breach(f"list: ids {sorted(ids)} are not mine {sorted(self.known)}")
        for item in tasks:
            if item != self.known[item["id"]]:
                raise Breach(f"list: task {item['id']} is not as I last saw it")

    def _check_task(self, item: Any) -> None:
        """Right owner, exactly the public fields, with the right types."""
        if not isinstance(item, dict) or set(item) != FIELDS:
            raise Breach(f"fields: {sorted(item) if isinstance(item, dict) else type(item)}")
        if item["user_id"] != self.user_id:
            raise Breach(f"isolation: got a task of {item['user_id']!r}")
        if not isinstance(item["id"], int) or not isinstance(item["completed"], bool):
            raise Breach("types: id or completed")
        for stamp in ("created_at", "updated_at"):
            if datetime.fromisoformat(item[stamp]).utcoffset() is None:
                raise Breach(f"{stamp} has no time zone")

    def _check_fields(self, item: Any, **expected: Any) -> None:
        self._check_task(item)
        wrong = sorted(k for k, v in expected.items() if item[k] != v)
        if wrong:
            raise Breach(f"{wrong} differ from what I sent or last saw")


_progress: list[Progress] = []


@events.test_start.add_listener
def _report_progress(environment: Environment, **_: Any) -> None:
    every = environment.parsed_options.progress_seconds if environment.parsed_options else 0
    if every > 0 and not isinstance(environment.runner, WorkerRunner):
        _progress.append(Progress(environment, every))


@events.test_stop.add_listener
def _stop_progress(environment: Environment, **_: Any) -> None:
    while _progress:
        _progress.pop().stop()


@events.quitting.add_listener
def _judge(environment: Environment, **_: Any) -> None:
    """Set the exit code from the thresholds, naming each one that failed."""
    if isinstance(environment.runner, WorkerRunner) or environment.parsed_options is None:
        return
    options = environment.parsed_options
    thresholds = Thresholds(options.max_fail_ratio, options.max_p95_ms, options.min_requests)
    breaches = thresholds.breaches(environment.stats.total)
    for line in breaches:
        log.error("Threshold failed: %s", line)
    if not breaches:
        log.info("All thresholds held: %s", thresholds)
    environment.process_exit_code = 1 if breaches else 0
