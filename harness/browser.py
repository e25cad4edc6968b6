"""Headless Chromium for tests: Debian's `chromium` driven by Playwright.

Playwright cannot download a browser of its own here, so it launches the system one;
`.ci/run` installs it on a fresh machine.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def chromium_path() -> str | None:
    """Debian's Chromium, if installed."""
    return shutil.which("/usr/bin/chromium") or shutil.which("chromium")


@contextmanager
def headless_chromium(executable: str) -> Iterator[Any]:
    """A Playwright `Browser` running `executable`, closed when the block ends."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
