"""The box agent for real: a headless Chromium shows a screen's player with its debugging port
on 127.0.0.1, the real agent (player/agent.py, a separate process) attaches to it, reports the
box's health and uploads snapshots; the wall shows the latest one to an operator."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_admin_ui import log_in
from tests.conftest import ROOT
from tests.servers import free_port

pytestmark = pytest.mark.browser

AGENT = ROOT / "player" / "agent.py"


def get(base: str, token: str, path: str) -> Any:
    req = urllib.request.Request(base + path, headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(req, timeout=10) as response:
        return json.loads(response.read())


def wait_for(check: Any, timeout: float = 60.0, what: str = "") -> Any:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = check()
        if found:
            return found
        time.sleep(0.5)
    raise AssertionError(f"timed out waiting for {what}")


def stop(process: subprocess.Popen[bytes]) -> str:
    process.terminate()
    try:
        out, _ = process.communicate(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        out, _ = process.communicate()
    return out.decode("utf-8", "replace") if out else ""


class Kiosk:
    """A headless Chromium playing a screen's player with its debugging port on 127.0.0.1
    (as deploy/kiosk/signage-kiosk starts it), which a test may restart."""

    def __init__(self, url: str, profile: str) -> None:
        self.url = url
        self.profile = profile
        self.port = free_port()
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                "/usr/bin/chromium",
                "--headless=new",
                f"--remote-debugging-port={self.port}",
                "--remote-debugging-address=127.0.0.1",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--window-size=1280,720",
                f"--user-data-dir={self.profile}",
                self.url,
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )

    def stop(self) -> None:
        if self.process is not None:
            stop(self.process)
            self.process = None


def run_agent(port: int, state: Path, *, health_every: str = "2") -> subprocess.Popen[bytes]:
    """The real agent, as its own process, with short intervals."""
    return subprocess.Popen(
        [
            sys.executable,
            str(AGENT),
            "run",
            "--port",
            str(port),
            "--state-dir",
            str(state),
            "--health-every",
            health_every,
            "--snapshot-every",
            "3",
            "--first-snapshot-after",
            "2",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )


@pytest.fixture
def kiosk(live: Live, tmp_path: Path) -> Iterator[tuple[dict[str, Any], Kiosk]]:
    screen = json.loads(
        live.cli(
            "screen", "register", "集义村广场屏（代理）", "--org", "JIYI-01", "--audience", "public"
        )
    )
    box = Kiosk(screen["player_url"], str(tmp_path / "profile"))
    box.start()
    try:
        yield screen, box
    finally:
        box.stop()


def test_the_agent_uploads_snapshots_and_the_wall_shows_them(
    kiosk: tuple[dict[str, Any], Kiosk],
    live: Live,
    browser: Browser,
    tmp_path: Path,
    screenshots: Path,
) -> None:
    screen, box = kiosk
    port = box.port
    operator = live.cli("token", "create", "jiyi01_operator").strip()
    before = get(live.base, operator, f"/api/v1/screens/{screen['id']}")["fleet"]
    assert before["agent"] is False and before["latest_snapshot"] is None

    agent = run_agent(port, tmp_path / "agent")
    try:

        def snapshot_of_an_item() -> Any:
            fleet = get(live.base, operator, f"/api/v1/screens/{screen['id']}")["fleet"]
            shot = fleet["latest_snapshot"]
            return fleet if shot and shot["item"] else None

        fleet = wait_for(snapshot_of_an_item, 90, "a snapshot of an item on screen")
        assert fleet["agent"] is True
        assert fleet["health"]["agent_version"]
        assert fleet["health"]["browser_version"].startswith(("Chrome", "HeadlessChrome"))
        assert fleet["health"]["player_version"]
        assert fleet["health"]["disk_total"] > 0
        assert fleet["health"]["restart_reason"] == "first_start"
        shot = fleet["latest_snapshot"]
        assert shot["width"] == 1280 and shot["revision"]
        assert shot["audit_head"]["seq"] >= 1 and len(shot["audit_head"]["hash"]) == 64

        # The wall asks for a snapshot now: the player passes it to the agent's binding.
        import websocket

        target = next(
            t
            for t in json.loads(
                urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=5).read()
            )
            if t.get("type") == "page" and "/player/" in t.get("url", "")
        )
        ws = websocket.create_connection(target["webSocketDebuggerUrl"], suppress_origin=True)
        message = json.dumps({"type": "command", "id": 4242, "kind": "snapshot"})
        ws.send(
            json.dumps(
                {
                    "id": 1,
                    "method": "Runtime.evaluate",
                    "params": {"expression": f"window.signageAgent({json.dumps(message)})"},
                }
            )
        )
        ws.recv()
        ws.close()
        wait_for(
            lambda: (
                get(live.base, operator, f"/api/v1/screens/{screen['id']}")["fleet"][
                    "latest_snapshot"
                ]["reason"]
                == "command"
            ),
            30,
            "the snapshot the wall asked for",
        )
    finally:
        output = stop(agent)
    assert "snapshot" in output and "uploaded" in output, output

    # An administrator at the box's shell takes one now.
    command = [sys.executable, str(AGENT), "--port", str(port), "--state-dir"]
    taken = subprocess.run(
        [*command[:2], "snapshot", *command[2:], str(tmp_path / "agent")],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert taken.returncode == 0, taken.stdout + taken.stderr
    latest = get(live.base, operator, f"/api/v1/screens/{screen['id']}")["fleet"]
    assert latest["latest_snapshot"]["reason"] == "manual"
    assert json.loads(taken.stdout)["id"] == latest["latest_snapshot"]["id"]
    info = subprocess.run(
        [*command[:2], "info", *command[2:], str(tmp_path / "agent")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    assert json.loads(info.stdout)["screen"]["id"] == screen["id"]
    assert screen["token"] not in info.stdout, "the token is never printed whole"

    context = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = context.new_page()
    log_in(page, live.base, "jiyi01_operator")
    page.goto(live.base + "/screens?q=" + "代理")
    tile = page.locator(f'.screen-card[data-screen="{screen["id"]}"]')
    image = tile.locator(".fleet-snapshot img")
    expect(image).to_be_visible()
    page.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
    assert tile.locator(".fleet-no-agent").count() == 0
    tile.screenshot(path=str(screenshots / "wall-tile-snapshot.png"))
    page.screenshot(path=str(screenshots / "wall-snapshot.png"), full_page=True)
    # The wall is live: a new snapshot replaces the tile's at once, without a reload.
    expect(page.locator("#wall-live")).to_have_text("实时")
    again = subprocess.run(
        [*command[:2], "snapshot", *command[2:], str(tmp_path / "agent")],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    newest = json.loads(again.stdout)["id"]
    expect(image).to_have_attribute("src", re.compile(rf"/snapshots/{newest}\.jpg$"))
    # The box's disk fills up: the tile asks for attention, at once too.
    health = dict(fleet["health"]) | {"disk_used": int(fleet["health"]["disk_total"] * 0.95)}
    request = urllib.request.Request(
        live.base + "/api/v1/player/health",
        data=json.dumps(health).encode(),
        headers={"Authorization": f"Bearer {screen['token']}", "Content-Type": "application/json"},
    )
    urllib.request.urlopen(request, timeout=10).close()
    expect(tile.locator(".fleet-attention")).to_have_text("需要关注")
    expect(tile.locator(".fleet-reasons")).to_contain_text("磁盘使用超过 90％")
    tile.screenshot(path=str(screenshots / "wall-tile-attention.png"))
    page.goto(live.base + "/screens")
    expect(page.locator(".fleet-no-agent").first).to_have_text("无截屏代理")
    page.screenshot(path=str(screenshots / "wall-no-agent.png"), full_page=True)
    page.goto(live.base + f"/screens/{screen['id']}")
    expect(page.locator(".fleet-screen")).to_contain_text("首次启动")
    page.locator(".fleet-screen").screenshot(path=str(screenshots / "screen-health.png"))
    page.screenshot(path=str(screenshots / "screen-page.png"), full_page=True)
    context.close()


def test_the_agent_finds_the_browser_again_after_it_restarts(
    kiosk: tuple[dict[str, Any], Kiosk], live: Live, tmp_path: Path
) -> None:
    screen, box = kiosk
    operator = live.cli("token", "create", "jiyi01_operator").strip()

    def fleet() -> Any:
        return get(live.base, operator, f"/api/v1/screens/{screen['id']}")["fleet"]

    agent = run_agent(box.port, tmp_path / "agent", health_every="1")
    try:
        first = wait_for(lambda: fleet()["latest_snapshot"], 90, "a first snapshot")
        assert fleet()["health"]["restart_reason"] == "first_start"
        box.stop()
        box.start()
        restarted = wait_for(
            lambda: (f := fleet())["health"]["restart_reason"] == "browser_restart" and f,
            90,
            "the agent to find the new browser",
        )
        assert restarted["health"]["restart_count"] == 1
        assert restarted["restarts_24h"] == 1
        wait_for(
            lambda: fleet()["latest_snapshot"]["id"] > first["id"], 60, "a snapshot afterwards"
        )
    finally:
        output = stop(agent)
    assert "the browser restarted" in output, output
