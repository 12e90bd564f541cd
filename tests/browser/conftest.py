"""A live server (the real ``signage serve``) and Debian's chromium driven by Playwright."""

from __future__ import annotations

import contextlib
import functools
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page

from tests.conftest import DEMO_PASSWORD
from tests.servers import Installation
from tests.servers import free_port
from tests.servers import installed
from tests.servers import running


def installation(data_dir: Path) -> dict[str, str]:
    """Return the environment of a freshly seeded demo installation in ``data_dir``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")} | {
        "SIGNAGE_DATA_DIR": str(data_dir),
        "SIGNAGE_DEMO_PASSWORD": DEMO_PASSWORD,
        "SIGNAGE_ARGON2_TIME_COST": "1",
        "SIGNAGE_ARGON2_MEMORY_COST": "1024",
        "SIGNAGE_ARGON2_PARALLELISM": "1",
        # Every browser test logs in from 127.0.0.1 (the limit itself is tested over HTTP).
        "SIGNAGE_LOGIN_RATE_LIMIT": "1000 per minute",
    }
    with installed(env) as setup:
        setup.cli("init-db")
        setup.cli("seed-demo")
    return env


@dataclass
class Live:
    """A served installation: its address, the environment of its server process, and its
    ``signage`` commands (run in this process, see :class:`~tests.servers.Installation`)."""

    base: str
    env: dict[str, str]

    @functools.cached_property
    def installation(self) -> Installation:
        return Installation(self.env)

    def cli(self, *args: str) -> str:
        return self.installation.cli(*args)

    def close(self) -> None:
        if "installation" in self.__dict__:
            self.installation.close()


@contextlib.contextmanager
def served_demo(data_dir: Path) -> Iterator[Live]:
    """Serve a freshly seeded demo county from ``data_dir`` on a free port."""
    port = free_port()
    env = installation(data_dir)
    # The CLI (``live.cli("screen", "register", …)``) prints player addresses on this base.
    env["SIGNAGE_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    with running(env, port=port) as server:
        served = Live(server.base, env)
        yield served
        served.close()


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A freshly seeded demo county served on a free port (shared by the browser tests)."""
    with served_demo(tmp_path_factory.mktemp("live")) as served:
        yield served


@pytest.fixture(scope="session")
def live_server(live: Live) -> str:
    return live.base


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"browser console errors (CSP violations, missing files ...): {errors}"


@pytest.fixture(scope="session")
def screenshots(artifacts: Path) -> Path:
    folder = artifacts / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    return folder
