"""Tasks survive a restart of the service (SC-004): a new server on the same database sees them."""

from __future__ import annotations

from harness.client import TodoClient
from harness.live import LiveServer
from harness.stack import settings_for
from harness.tokens import hs256_token


def test_tasks_survive_a_restart_of_the_service(fresh_database: str, user_id: str) -> None:
    settings = settings_for(fresh_database)
    token = hs256_token(user_id, settings.better_auth_secret.get_secret_value())

    with LiveServer(settings) as first:
        api = TodoClient(first.url, user_id, token)
        made = [api.create(title).json() for title in ("Buy groceries", "Call mum", "Pay rent")]
        made[1] = api.toggle(made[1]["id"]).json()
        assert api.delete(made[2]["id"]).status_code == 204
        before = api.list().json()
        api.close()

    with LiveServer(settings) as second:
        api = TodoClient(second.url, user_id, token)
        try:
            assert api.list().json() == before == made[:2]
            assert api.get(made[0]["id"]).json() == made[0]
            assert api.get(made[2]["id"]).status_code == 404
            newer = api.create("After the restart").json()
            assert newer["id"] > max(task["id"] for task in made)
            assert api.update(made[0]["id"], title="Edited later").status_code == 200
        finally:
            api.close()
