"""`/docs` and `/redoc` work without internet: their scripts come from our server (the
`fastapi-offline` package), not a CDN (issue 11). Headless Chromium loads them with every
request that leaves 127.0.0.1 refused, and Swagger UI's Authorize button signs a real call."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import pytest

from harness.stack import Stack

pytestmark = pytest.mark.browser
expect = pytest.importorskip("playwright.sync_api").expect

# The kinds of request a page needs to work; ReDoc's footer also shows Redocly's logo from its
# site, an image whose absence changes nothing.
NEEDED = {"document", "script", "stylesheet", "fetch", "xhr", "font"}


@dataclass
class OfflinePage:
    """A page on which every request off our server fails, as it would offline."""

    page: Any
    refused: list[tuple[str, str]] = field(default_factory=list)  # (resource type, url)


@pytest.fixture
def offline(browser: Any, stack: Stack) -> Iterator[OfflinePage]:
    context = browser.new_context()
    context.set_default_timeout(15_000)
    result = OfflinePage(context.new_page())

    def route(route: Any) -> None:
        request = route.request
        if request.url.startswith(stack.url + "/"):
            route.continue_()
        else:
            result.refused.append((request.resource_type, request.url))
            route.abort("internetdisconnected")

    result.page.route("**/*", route)
    yield result
    context.close()


def test_swagger_ui_works_offline_and_its_authorize_button_signs_calls(
    offline: OfflinePage, stack: Stack, user_id: str
) -> None:
    page, token = offline.page, stack.token(user_id)
    page.goto(f"{stack.url}/docs")
    page.get_by_role("button", name="Authorize").click()
    dialog = page.locator(".modal-ux")
    assert "HTTPBearer" in dialog.inner_text()
    dialog.locator("input").fill(token)
    dialog.locator("button.authorize").click()
    dialog.locator("button.btn-done").click()

    page.locator('.opblock-summary-path[data-path="/api/{user_id}/tasks"]').first.click()
    operation = page.locator(".opblock.is-open")
    operation.get_by_role("button", name="Try it out").click()
    operation.locator('input[placeholder="user_id"]').fill(user_id)
    operation.get_by_role("button", name="Execute").click()
    status = operation.locator(".live-responses-table tbody .response-col_status").first
    assert status.inner_text().strip() == "200"
    assert f"Authorization: Bearer {token}" in operation.locator(".curl").inner_text()
    assert offline.refused == []


def test_redoc_renders_offline(offline: OfflinePage, stack: Stack) -> None:
    page = offline.page
    page.goto(f"{stack.url}/redoc")
    assert page.locator("h1").first.inner_text().startswith("Todo Backend API")
    expect(page.get_by_role("heading", name="List Tasks")).to_be_visible()
    assert [kind for kind, _ in offline.refused if kind in NEEDED] == []
