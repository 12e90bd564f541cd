"""Fixtures for the web player tests: the fake server, Debian's chromium, a fresh browser context."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Callable
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page

from tests.conftest import ARTIFACTS
from tests.player.harness import Harness

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
#: The tests' "now" on the player's clock: Monday 23 November 2026, 09:00 in Shanghai.
NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)


@pytest.fixture(scope="module")
def server() -> Iterator[Harness]:
    harness = Harness()
    harness.start()
    yield harness
    harness.stop()


@pytest.fixture
def harness(server: Harness) -> Iterator[Harness]:
    """The fake server, running, with nothing left over from the previous test."""
    server.start()
    server.reset()
    yield server
    server.start()


@pytest.fixture
def new_page(browser: Browser) -> Iterator[Callable[..., Page]]:
    """Open pages in fresh contexts (own storage, own Service Worker) with the clock at NOW.

    Console errors and uncaught exceptions fail the test (CSP violations show up there).
    """
    contexts: list[BrowserContext] = []
    errors: list[str] = []

    def open_page(
        width: int = 1920, height: int = 1080, now: dt.datetime = NOW, **options: Any
    ) -> Page:
        context = browser.new_context(
            viewport={"width": width, "height": height},
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            **options,
        )
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.clock.install(time=now)
        return page

    yield open_page
    for context in contexts:
        context.close()
    unexpected = [e for e in errors if not expected_error(e)]
    assert not unexpected, f"browser console errors: {unexpected}"


def expected_error(text: str) -> bool:
    """Errors the browser itself logs when the test stops the server on purpose."""
    return any(
        marker in text
        for marker in (
            "ERR_CONNECTION_REFUSED",
            "ERR_CONNECTION_RESET",
            "ERR_EMPTY_RESPONSE",
            "Failed to load resource",
            "WebSocket connection to",
            "ERR_INTERNET_DISCONNECTED",
        )
    )


@pytest.fixture(scope="session")
def screenshots() -> Path:
    folder = ARTIFACTS / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
