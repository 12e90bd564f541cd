"""定时开关屏 in the browser: the operator sets a screen's power schedule in its form, the
player blanks the screen inside the off window (and tells a box agent), the wall says
"按计划关屏 至 …", and the player comes back on at the on time by its own clock."""

from __future__ import annotations

import datetime as dt
import json
import zoneinfo
from pathlib import Path
from typing import Any

from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_admin_ui import log_in
from tests.browser.test_screens import wait_state

SH = zoneinfo.ZoneInfo("Asia/Shanghai")


def hhmm(moment: dt.datetime) -> str:
    return moment.strftime("%H:%M")


def test_the_player_blanks_off_schedule_and_the_wall_says_so(
    browser: Browser, live: Live, page: Page, screenshots: Path
) -> None:
    # A village the other browser tests publish no urgent notice to (one would wake the screen).
    screen = json.loads(
        live.cli(
            "screen", "register", "巴彦嘎查广场屏", "--org", "BAYAN-01", "--audience", "public"
        )
    )
    # Off now on the server's real clock: on from in 1 hour for 2 hours, every day and holiday.
    now = dt.datetime.now(SH).replace(second=0, microsecond=0)
    on, off = now + dt.timedelta(hours=1), now + dt.timedelta(hours=3)
    window = f"{hhmm(on)}-{hhmm(off)}"
    log_in(page, live.base, "bayan01_operator")
    page.goto(f"{live.base}/screens/{screen['id']}/power")
    for day in ("星期一", "星期二", "星期三", "星期四", "星期五", "星期六", "星期日"):
        page.get_by_label(day, exact=True).fill(window)
    page.get_by_label("屏幕功率（瓦）").fill("150")
    page.screenshot(path=screenshots / "power-form.png", full_page=True)
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".alert-success")).to_contain_text("已保存")
    expect(page.locator(".power-state")).to_contain_text(f"按计划关屏 至 {hhmm(on)}")

    # A box comes on line while it is off time, then goes away (a timer socket cuts it): the
    # live wall says "off by schedule", never "offline".
    page.goto(f"{live.base}/screens")
    expect(page.locator("#wall-live")).to_have_text("实时")
    tile = page.locator(f'article[data-screen="{screen["id"]}"]')
    first = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    first.new_page().goto(screen["player_url"])
    expect(tile).to_have_attribute("data-presence", "online")
    expect(tile.locator(".screen-online")).to_have_text("在线")
    expect(tile.locator(".screen-power")).to_have_text(f"按计划关屏 至 {hhmm(on)}")
    first.pages[0].goto("about:blank")  # its socket closes
    expect(tile).to_have_attribute("data-presence", "offline")
    expect(tile.locator(".screen-online")).to_be_hidden()
    expect(tile.locator(".screen-power")).to_have_text(f"按计划关屏 至 {hhmm(on)}")
    tile.screenshot(path=screenshots / "power-wall-tile-gone.png")
    first.close()

    box = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    player = box.new_page()
    messages: list[Any] = []
    player.expose_function("signageAgent", lambda text: messages.append(text))
    player.clock.install(time=dt.datetime.now(dt.UTC))
    player.goto(screen["player_url"])
    state = wait_state(player, lambda s: s.get("power") == "off" and s.get("version"))
    assert state["item"] is None, "nothing plays while blank"
    expect(player.locator("#power-blank")).to_be_visible()
    player.screenshot(path=screenshots / "power-player-blank.png")
    assert '{"type":"power","on":false}' in messages

    page.goto(f"{live.base}/screens")
    tile = page.locator(f'article[data-screen="{screen["id"]}"]')
    expect(tile.locator(".screen-power")).to_have_text(f"按计划关屏 至 {hhmm(on)}")
    tile.screenshot(path=screenshots / "power-wall-tile.png")
    page.goto(f"{live.base}/screens/{screen['id']}")
    expect(page.locator("#power-card")).to_contain_text("每月节省时长")
    page.locator("#power-card").screenshot(path=screenshots / "power-screen-card.png")

    # The on time comes by the player's own clock: it plays again and says so.
    player.clock.fast_forward(int((on - now).total_seconds() * 1000) + 5_000)
    wait_state(player, lambda s: s.get("power") == "on" and s.get("mode") == "playing")
    expect(player.locator("#power-blank")).to_be_hidden()
    assert messages[-1] == '{"type":"power","on":true}'
    player.screenshot(path=screenshots / "power-player-on.png")

    box.close()
