"""Remote commands end to end: the operator issues 识别屏幕 from the screen page and the real
player shows the screen's name and code full screen; the command shows as done."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_admin_ui import log_in
from tests.browser.test_screens import wait_state

pytestmark = pytest.mark.browser


def test_operator_identifies_a_screen_and_the_player_shows_it(
    browser: Browser, live: Live, screenshots: Path
) -> None:
    screen = json.loads(
        live.cli(
            "screen", "register", "集义村村委会大屏", "--org", "JIYI-01", "--audience", "public"
        )
    )
    box_context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    box = box_context.new_page()
    box_errors: list[str] = []
    box.on("pageerror", lambda e: box_errors.append(str(e)))
    box.goto(screen["player_url"])
    wait_state(box, lambda s: s.get("mode") in ("playing", "idle") and s.get("online"))

    operator = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    page = operator.new_page()
    log_in(page, live.base, "jiyi01_operator")
    page.goto(f"{live.base}/screens/{screen['id']}")
    menu = page.locator("details.screen-commands")  # open on the screen's page
    # No box agent beside this browser: the agent-only commands are offered disabled.
    expect(menu.get_by_role("button", name="重启终端")).to_be_disabled()
    expect(menu.get_by_role("button", name="立即截屏")).to_be_disabled()
    menu.get_by_role("button", name="识别屏幕").click()
    expect(page.locator(".alert-success")).to_contain_text("指令已发送到屏幕")

    overlay = box.locator(".identify-overlay")
    expect(overlay).to_be_visible(timeout=10000)
    expect(overlay.locator(".identify-name")).to_have_text("集义村村委会大屏")
    code = overlay.locator(".identify-code").inner_text()
    assert len(code) >= 8
    box.screenshot(path=str(screenshots / "command-identify-player.png"))
    # A portrait screen: the code still fits across.
    box.set_viewport_size({"width": 1080, "height": 1920})
    width = box.evaluate("document.querySelector('.identify-code').getBoundingClientRect().width")
    assert width <= 1080
    box.screenshot(path=str(screenshots / "command-identify-portrait.png"))

    # The player answered: the command is done on the screen page.
    for _ in range(50):
        page.reload()
        if page.locator(".screen-command-list [data-state='done']").count():
            break
        page.wait_for_timeout(200)
    row = page.locator(".screen-command-list tbody tr").first
    expect(row).to_contain_text("识别屏幕")
    expect(row).to_contain_text("已完成")
    expect(row).to_contain_text("jiyi01_operator")
    page.screenshot(path=str(screenshots / "command-identify-operator.png"), full_page=True)

    page.goto(f"{live.base}/screens")
    page.locator(f"#screen-{screen['id']} details.screen-commands summary").click()
    page.locator(f"#screen-{screen['id']}").screenshot(
        path=str(screenshots / "command-wall-tile.png")
    )
    assert not box_errors, box_errors
    box_context.close()
    operator.close()
