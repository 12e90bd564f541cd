"""A live server (the real ``signage serve``) and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page

from tests.conftest import DEMO_PASSWORD
from tests.servers import SIGNAGE
from tests.servers import free_port
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
    for command in (["init-db"], ["seed-demo"]):
        subprocess.run([SIGNAGE, *command], env=env, check=True, capture_output=True, timeout=120)
    return env


@dataclass
class Live:
    base: str
    env: dict[str, str]

    def cli(self, *args: str) -> str:
        result = subprocess.run(
            [SIGNAGE, *args], env=self.env, check=True, capture_output=True, text=True, timeout=60
        )
        return result.stdout


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A freshly seeded demo county served on a free port (shared by the browser tests)."""
    port = free_port()
    env = installation(tmp_path_factory.mktemp("live"))
    # The CLI (``live.cli("screen", "register", …)``) prints player addresses on this base.
    env["SIGNAGE_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    with running(env, port=port) as server:
        yield Live(server.base, env)


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
