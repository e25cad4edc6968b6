"""How the features talk to a backend they judge (features/world.py): redirects followed and
reported once, a dropped connection retried on a new one, evidence without secrets."""

from __future__ import annotations

import socketserver
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

from features.evidence import request_summary, response_summary
from features.findings import Findings
from features.target import Target
from features.world import World, as_task, as_tasks
from harness.judge_tokens import Hs256Minter

SECRET = "judge-world-secret-" + "x" * 20


class Answers(socketserver.StreamRequestHandler):
    """Answers `answers` requests of a connection, then hangs up on the next one unanswered
    (as a server dropping keep-alive connections does); redirects `/old` to `/new`."""

    answers = 100

    def handle(self) -> None:
        for number in range(self.answers + 1):
            request_line = self.rfile.readline().decode()
            while self.rfile.readline() not in (b"\r\n", b""):
                pass
            if number == self.answers or not request_line:
                return
            if request_line.split()[1] == "/old":
                self.wfile.write(b"HTTP/1.1 307 Temporary Redirect\r\nLocation: /new\r\n")
                self.wfile.write(b"Content-Length: 0\r\n\r\n")
            else:
                body = b'{"tasks": [{"id": 1, "title": "Buy groceries"}]}'
                self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n")
                self.wfile.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))
            self.wfile.flush()


class OneAnswer(Answers):
    answers = 1


@contextmanager
def world_on(handler: type[Answers]) -> Iterator[World]:
    with socketserver.ThreadingTCPServer(("127.0.0.1", 0), handler) as tcp:
        threading.Thread(target=tcp.serve_forever, daemon=True).start()
        url = f"http://127.0.0.1:{tcp.server_address[1]}"
        target = Target(mode="base-url", label="t", base_url=url, minter=Hs256Minter(SECRET))
        state = World(target=target, findings=Findings())
        yield state
        state.close()
        tcp.shutdown()


@pytest.fixture
def world() -> Iterator[World]:
    with world_on(Answers) as state:
        yield state


def test_a_dropped_connection_is_retried_on_a_new_one() -> None:
    with world_on(OneAnswer) as world:
        token = world.valid_token("user123")
        assert world.send("GET", "/tasks", token=token).status_code == 200
        assert world.send("GET", "/tasks", token=token).status_code == 200
    assert [f["key"] for f in world.findings.entries()] == ["dropped-connection"]


def test_redirects_are_followed_and_reported_once(world: World) -> None:
    for _ in range(3):
        assert world.send("GET", "/old", token=None).status_code == 200
    (finding,) = world.findings.entries()
    assert finding["key"] == "redirect" and finding["count"] == 3
    assert finding["detail"].startswith("GET /old → 307 to /new")
    assert world.evidence(None)["response"]["redirected_from"] == "307 /old"


def test_evidence_names_the_token_and_never_shows_it(world: World) -> None:
    token = world.bad_token("user123", "expired")
    response = world.send("POST", "/tasks", token=token, json={"title": token, "note": SECRET})
    request = request_summary(response.request, world.token_kind(token), world.secrets)
    assert request["token"] == "expired token (user123)"
    assert token not in request["body"] and SECRET not in request["body"]
    assert response_summary(response, world.secrets)["headers"] == {
        "content-type": "application/json"
    }


def test_set_up_reads_tasks_out_of_an_envelope() -> None:
    task = {"id": 1, "title": "Buy groceries"}
    assert as_task({"task": task}) == task and as_task({"data": {"task": task}}) == task
    assert as_tasks({"tasks": [task], "total": 1}) == [task]
    assert as_tasks({"items": [task]}) == [task] and as_tasks([task]) == [task]
    assert as_tasks({"count": 1}) is None and as_task([task]) is None


def test_every_way_a_feature_names_a_task_finds_the_one_known_task(world: World) -> None:
    groceries = world.remember(
        "user123", {"id": 7, "title": "Buy groceries"}, set_up=True, number=42
    )
    dog = world.remember("user456", {"id": 9, "title": "Walk the dog"})
    world.missing_ids[43] = 11
    assert world.resolve("task 42", "user456") == ("user123", 7)
    assert world.resolve('"Buy groceries"', "user123") == ("user123", 7)
    assert world.resolve('user456\'s task "Walk the dog"', "user123") == ("user456", 9)
    assert world.resolve("the task", "user123") == ("user456", 9)
    assert world.resolve("task 43", "user123") == ("user123", 11)
    assert world.numbered(42) is groceries and world.task("user456", "Walk the dog") is dog
    assert world.set_up_tasks("user123") == [groceries] and world.set_up_tasks("user456") == []
    world.about(7)
    assert world.subject is groceries
