"""The procedure path on the item page and the screen wall's truth, in a real browser, at the
desktop's and a phone's size, with screenshots."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_admin_ui import log_in
from tests.browser.test_screens import api
from tests.browser.test_screens import register
from tests.browser.test_screens import wait_state

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}
WHEN = re.compile(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}")


@contextmanager
def opened(browser: Browser, viewport: dict[str, int]) -> Iterator[Page]:
    """A page of a fresh browser context that fails the test on console errors."""
    context = browser.new_context(viewport=viewport, locale="zh-CN")  # type: ignore[arg-type]
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        yield page
    finally:
        context.close()
    assert not errors, f"browser console errors: {errors}"


def submitted_item(live: Live) -> int:
    """A 三重一大 item of the village's village affairs (the village-affairs procedure: the
    supervision committee reviews, the joint meeting decides, the committee seals), drafted and
    submitted by its editor."""
    token = live.cli("token", "create", "jiyi01_editor").strip()
    item: dict[str, Any] = api(
        live.base,
        token,
        "/api/v1/items",
        {
            "org": "JIYI-01",
            "title": "集义村2027年村级道路养护资金使用计划",
            "category": "village_affairs",
            "timing": "standing",
            "scope": "public",
            "major": True,
            "department": "村委会",
            "accountable_person": "王建国",
            "body": {"type": "text", "text": "2027年村级道路养护资金共计12万元，按季度拨付。"},
        },
    )
    api(live.base, token, f"/api/v1/items/{item['id']}/transitions", {"action": "submit"})
    return int(item["id"])


def step(page: Page, name: str) -> Any:
    return page.locator(f'#procedure-path [data-step="{name}"]')


def test_item_page_shows_the_procedure_as_a_path(
    browser: Browser, live: Live, screenshots: Path
) -> None:
    item = submitted_item(live)
    with opened(browser, DESKTOP) as page:
        log_in(page, live.base, "jiyi01_reviewer")
        page.goto(f"{live.base}/items/{item}")
        expect(step(page, "draft")).to_have_attribute("data-status", "done")
        expect(step(page, "draft").locator(".proc-who")).to_have_text("王小红（村报账员）")
        expect(step(page, "draft").locator(".proc-when")).to_have_text(WHEN)
        expect(page.locator('#procedure-path [aria-current="step"]')).to_have_attribute(
            "data-step", "review"
        )
        # 三重一大: the higher review will be needed, and the path says why.
        expect(step(page, "superior")).to_have_attribute("data-status", "to_come")
        expect(step(page, "superior").locator(".proc-why")).to_contain_text("三重一大")
        expect(page.locator("#procedure-next .proc-people")).to_contain_text(
            "刘长顺（村务监督委员会主任）"
        )
        # One row on a desktop: the six steps side by side.
        tops = {round(step(page, s).bounding_box()["y"]) for s in ("draft", "review", "publish")}
        assert len(tops) == 1, tops
        page.screenshot(path=screenshots / "path-item-submitted-1920.png", full_page=True)

        page.get_by_role("button", name="审核通过").click()
        expect(step(page, "review")).to_have_attribute("data-status", "done")
        expect(step(page, "review").locator(".proc-who")).to_have_text(
            "刘长顺（村务监督委员会主任）"
        )
        # Village affairs: no sign-off step; the joint meeting decides, then the seal.
        expect(step(page, "approve")).to_have_count(0)
        expect(step(page, "decide")).to_have_attribute("data-status", "current")
        expect(step(page, "seal")).to_have_attribute("data-status", "to_come")
        expect(page.locator("#procedure-next .proc-people")).to_contain_text(
            "王建国（村党支部书记）"
        )
        actors = page.locator(".audit-trail .audit-actor").all_inner_texts()
        assert actors[-1] == "刘长顺（村务监督委员会主任）"
        assert not any(a.startswith("jiyi") for a in actors), actors
        page.screenshot(path=screenshots / "path-item-reviewed-1920.png", full_page=True)

    with opened(browser, PHONE) as phone:
        log_in(phone, live.base, "jiyi01_approver")
        phone.goto(f"{live.base}/items/{item}")
        expect(step(phone, "decide")).to_have_attribute("data-status", "current")
        # On a phone the steps stand one under the other, inside the screen's width.
        boxes = [step(phone, s).bounding_box() for s in ("draft", "review", "decide", "seal")]
        assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"] < boxes[3]["y"]
        assert all(b["x"] + b["width"] <= PHONE["width"] for b in boxes)
        phone.screenshot(path=screenshots / "path-item-phone-390.png", full_page=True)
        # The secretary records the joint meeting on the phone: its form fits the screen.
        reviewed_on = step(phone, "review").locator(".proc-when").inner_text()[:10]
        form = phone.locator("#decide-form")
        box = form.bounding_box()
        assert box is not None and box["x"] + box["width"] <= PHONE["width"]
        form.get_by_label("联席会议日期").fill(reviewed_on)
        form.get_by_label("“两委”成员人数").fill("9")
        form.get_by_label("到会人数").fill("4")
        form.get_by_label("会议决议").fill("同意按审核稿公开")
        form.get_by_role("button", name="录入联席会议决定").click()
        # Four of nine is no quorum: refused, said why, nothing recorded.
        expect(phone.locator(".alert-danger")).to_contain_text("过半数成员到会")
        expect(step(phone, "decide")).to_have_attribute("data-status", "current")
        form = phone.locator("#decide-form")
        form.get_by_label("联席会议日期").fill(reviewed_on)
        form.get_by_label("“两委”成员人数").fill("9")
        form.get_by_label("到会人数").fill("7")
        form.get_by_label("会议决议").fill("同意按审核稿公开")
        form.get_by_role("button", name="录入联席会议决定").click()
        expect(step(phone, "decide")).to_have_attribute("data-status", "done")
        expect(step(phone, "seal")).to_have_attribute("data-status", "current")
        expect(phone.locator("#meeting")).to_contain_text("应到9人，实到7人")
        expect(phone.locator("#procedure-next .proc-people")).to_contain_text(
            "刘长顺（村务监督委员会主任）"
        )
        phone.screenshot(path=screenshots / "path-item-decided-phone-390.png", full_page=True)


def test_wall_offline_screen_reads_offline_and_updates_live(
    browser: Browser, live: Live, screenshots: Path
) -> None:
    screen = register(live, layout="landscape")
    tile_selector = f'.screen-card[data-screen="{screen["id"]}"]'
    with opened(browser, DESKTOP) as page:
        log_in(page, live.base, "jiyi01_operator")
        page.goto(live.base + "/screens")
        expect(page.locator("#wall-live")).to_have_text("实时")
        tile = page.locator(tile_selector)
        expect(tile).to_have_attribute("data-presence", "never")
        expect(tile.locator(".screen-showing-label")).not_to_have_text("正在显示")

        # The box is switched on: the tile turns online by itself and names what it shows.
        box_context = browser.new_context(viewport=DESKTOP, locale="zh-CN")  # type: ignore[arg-type]
        box = box_context.new_page()
        box.goto(screen["player_url"])
        state = wait_state(box, lambda s: s.get("mode") == "playing" and s.get("item"))
        expect(tile).to_have_attribute("data-presence", "online")
        expect(tile.locator(".screen-showing-label")).to_have_text("正在显示")
        expect(tile.locator(".screen-current")).not_to_have_text("—")
        expect(tile.locator(".screen-offline-since")).to_be_hidden()
        page.screenshot(path=screenshots / "path-wall-online-1920.png", full_page=True)

        # The box goes dark: the tile says it is offline, since when, and what it last showed.
        box_context.close()
        expect(tile).to_have_attribute("data-presence", "offline", timeout=15_000)
        expect(tile.locator(".screen-online")).to_have_text("离线")
        expect(tile.locator(".screen-showing-label")).not_to_have_text("正在显示")
        expect(tile.locator(".screen-current")).not_to_have_text("—")
        since = tile.locator(".screen-offline-since")
        expect(since).to_be_visible()
        expect(since).to_have_text(WHEN)
        live_text = since.inner_text()
        last_shown = tile.locator(".screen-current").inner_text()
        page.screenshot(path=screenshots / "path-wall-offline-1920.png", full_page=True)
        # What the live update wrote is what the server writes on a fresh load.
        page.reload()
        expect(tile).to_have_attribute("data-presence", "offline")
        assert since.inner_text() == live_text
        assert tile.locator(".screen-current").inner_text() == last_shown

        # The item it showed lists the screen, offline.
        page.goto(f"{live.base}/items/{state['item']}")
        listed = page.locator(f'#item-screens [data-screen="{screen["id"]}"]')
        expect(listed).to_have_attribute("data-presence", "offline")
        page.screenshot(path=screenshots / "path-item-screens-1920.png", full_page=True)

    with opened(browser, PHONE) as phone:
        log_in(phone, live.base, "jiyi01_operator")
        phone.goto(live.base + "/screens")
        tile = phone.locator(tile_selector)
        expect(tile).to_have_attribute("data-presence", "offline")
        tile.scroll_into_view_if_needed()
        phone.screenshot(path=screenshots / "path-wall-phone-390.png", full_page=True)
