"""A live server (the real ``signage serve``) and Debian's chromium driven by Playwright."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import sync_playwright

from tests.conftest import DEMO_PASSWORD
from tests.conftest import chromium_problem
from tests.conftest import need_service
from tests.servers import SIGNAGE
from tests.servers import running

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """Serve a freshly seeded demo county on a free port; return its base URL."""
    data_dir = tmp_path_factory.mktemp("live")
    env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")} | {
        "SIGNAGE_DATA_DIR": str(data_dir),
        "SIGNAGE_DEMO_PASSWORD": DEMO_PASSWORD,
        "SIGNAGE_ARGON2_TIME_COST": "1",
        "SIGNAGE_ARGON2_MEMORY_COST": "1024",
        "SIGNAGE_ARGON2_PARALLELISM": "1",
    }
    for command in (["init-db"], ["seed-demo"]):
        subprocess.run([SIGNAGE, *command], env=env, check=True, capture_output=True, timeout=120)
    with running(env) as server:
        yield server.base


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    need_service("Chromium", chromium_problem())
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        yield instance
        instance.close()


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
