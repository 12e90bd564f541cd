"""Playlists as an operator meets them: entries reordered with the keyboard (↑ ↓ buttons) and by
dragging, rows added and removed, a time slot, the 预览 of the screen's rotation (with what is
kept because it cannot be dropped), then the confirmed save; and the same form without script.

New texts of this page may still be English in the test catalog: the test goes by ids and
data attributes, and by texts the catalog already has.
"""

from __future__ import annotations

import json
import urllib.request
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Locator
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_admin_ui import log_in

pytestmark = pytest.mark.browser

#: Demo items of 集义村 (none a major matter nor a notice), by a part of their title.
TWO_COMMITTEES = "“两委”成员分工"
THREE_MEETINGS = "“三会一课”制度"
INTEGRITY = "党风廉政建设责任制"


def option(page: Page, text: str) -> str:
    """Return the value of the first row's option whose label holds ``text``."""
    value: str = page.eval_on_selector(
        "#pl-entries select",
        "(s, text) => [...s.options].find(o => o.textContent.includes(text)).value",
        text,
    )
    return value


def rows(page: Page) -> Locator:
    return page.locator("#pl-entries > li.pl-entry")


def choices(page: Page) -> list[str]:
    """Return the rows' choices top to bottom (once the page has loaded in full)."""
    page.wait_for_load_state()
    return [row.locator("select").input_value() for row in rows(page).all()]


def order(page: Page) -> list[str]:
    """Return the rows' choices top to bottom, checking that order numbers follow them."""
    page.wait_for_load_state()
    found = []
    for n, row in enumerate(rows(page).all(), start=1):
        expect(row.locator(".pl-order")).to_have_value(str(n))
        found.append(row.locator("select").input_value())
    return found


def player_manifest(base: str, token: str) -> Any:
    request = urllib.request.Request(
        base + "/api/v1/player/manifest", headers={"Authorization": f"Bearer {token}"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def test_operator_reorders_previews_and_saves_a_playlist(
    browser: Browser, page: Page, live: Live, screenshots: Path
) -> None:
    screen = json.loads(
        live.cli("screen", "register", "集义村图书室屏", "--org", "JIYI-01", "--audience", "public")
    )
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, live.base, "jiyi01_operator")
    page.goto(live.base + "/playlists")
    page.locator("#new-org").select_option("JIYI-01")
    page.get_by_role("button", name="新建播放列表").click()
    page.get_by_label("名称").fill("村务专题")
    a, b, c = (option(page, t) for t in (TWO_COMMITTEES, THREE_MEETINGS, INTEGRITY))

    # Rows are added in place; the new row's choice gets the keyboard.
    rows(page).nth(0).locator("select").select_option(a)
    for value in (b, c):
        page.locator("[data-add='entry']").click()
        expect(rows(page).last.locator("select")).to_be_focused()
        rows(page).last.locator("select").select_option(value)
    assert order(page) == [a, b, c]

    # With the keyboard: ↑ on the third row, twice. The focus stays with the row; at the top
    # (where ↑ is disabled) it goes to the row's ↓.
    rows(page).nth(2).locator(".pl-up").focus()
    page.keyboard.press("Enter")
    assert order(page) == [a, c, b]
    expect(rows(page).nth(1).locator(".pl-up")).to_be_focused()
    page.keyboard.press("Space")
    assert order(page) == [c, a, b]
    expect(rows(page).nth(0).locator(".pl-up")).to_be_disabled()
    expect(rows(page).nth(0).locator(".pl-down")).to_be_focused()
    expect(page.locator("#pl-status")).to_contain_text("1")

    # By dragging the handle: the first row to below the last.
    last = rows(page).nth(2)
    box = last.bounding_box()
    assert box is not None
    rows(page).nth(0).locator(".pl-handle").drag_to(
        last, target_position={"x": 40, "y": box["height"] - 4}
    )
    assert order(page) == [a, b, c]

    # A row added by mistake goes again; a time slot: working days, office hours.
    page.locator("[data-add='entry']").click()
    expect(rows(page)).to_have_count(4)
    rows(page).nth(3).locator(".pl-remove").click()
    expect(rows(page)).to_have_count(3)
    page.locator("[data-add='daypart']").click()
    expect(page.locator("#pl-dayparts fieldset")).to_have_count(1)
    page.get_by_label("集义村图书室屏").check()
    page.screenshot(path=screenshots / "playlist-form-1920.png", full_page=True)

    # 预览: nothing saved yet; the screen's rotation in the time slot is the three entries in
    # this order, then what no playlist may drop (三重一大, the running 任前公示), marked kept.
    page.locator("#pl-preview-button").click()
    card = page.locator(f"article.pl-preview-screen[data-screen='{screen['id']}']")
    expect(card).to_have_attribute("data-change", "joins")
    ours = card.locator(".pl-rotation[data-by-this='yes']").first
    items = [int(v[5:]) for v in (a, b, c)]
    slots = [
        int(i)
        for i in ours.locator("li[data-item]").evaluate_all("lis => lis.map(li => li.dataset.item)")
    ]
    assert slots[:3] == items
    kept = ours.locator("li[data-kept='yes']")
    assert kept.count() >= 1 and len(slots) == 3 + kept.count()
    expect(ours.locator(".pl-kept-note")).to_be_visible()
    # Outside the time slot the screen plays its default rotation.
    expect(card.locator(".pl-rotation[data-by-this='no']").first).to_be_visible()
    assert order(page) == [a, b, c]
    page.screenshot(path=screenshots / "playlist-preview-1920.png", full_page=True)
    schedule = player_manifest(live.base, screen["token"])["schedule"]
    assert all([s["item"] for s in seg["sequence"][:3]] != items for seg in schedule), (
        "the preview saved nothing"
    )

    # A change after the preview: it must be previewed again before saving.
    rows(page).nth(0).locator("input[type='number'][name$='-duration']").fill("20")
    expect(page.locator("#pl-confirm")).to_be_disabled()
    page.locator("#pl-preview-button").click()
    expect(page.locator("#pl-confirm")).to_be_enabled()
    page.locator("#pl-confirm").click()
    expect(page.locator(".alert-success")).to_contain_text("一秒内")
    assert order(page)[:3] == [a, b, c]
    schedule = player_manifest(live.base, screen["token"])["schedule"]
    assert any(
        [s["item"] for s in seg["sequence"][:3]] == items and seg["sequence"][0]["duration_s"] == 20
        for seg in schedule
    )

    # On a phone: the saved playlist, previewed again.
    phone = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    small = phone.new_page()
    log_in(small, live.base, "jiyi01_operator")
    small.goto(page.url)
    small.screenshot(path=screenshots / "playlist-form-390.png", full_page=True)
    small.locator("#pl-preview-button").click()
    expect(small.locator(f"article[data-screen='{screen['id']}']")).to_have_attribute(
        "data-change", "stays"
    )
    small.screenshot(path=screenshots / "playlist-preview-390.png", full_page=True)
    phone.close()


def test_without_script_the_order_numbers_and_buttons_still_work(
    browser: Browser, live: Live
) -> None:
    context = browser.new_context(
        viewport={"width": 1366, "height": 900}, locale="zh-CN", java_script_enabled=False
    )
    page = context.new_page()
    log_in(page, live.base, "jiyi01_operator")
    page.goto(live.base + "/playlists/new?org=JIYI-01")
    page.get_by_label("名称").fill("无脚本")
    a, b = option(page, TWO_COMMITTEES), option(page, THREE_MEETINGS)
    rows(page).nth(0).locator("select").select_option(a)
    with page.expect_navigation():
        page.locator("[data-add='entry']").click()  # the server adds the row
    rows(page).nth(1).locator("select").select_option(b)
    with page.expect_navigation():
        rows(page).nth(1).locator(".pl-up").click()  # the server moves it
    assert choices(page) == [b, a]
    # Order numbers typed decide the order saved.
    page.locator("#pl-entries .pl-order").nth(0).fill("2")
    page.locator("#pl-entries .pl-order").nth(1).fill("1")
    page.locator("#pl-preview-button").click()
    expect(page.locator("#pl-preview")).to_be_visible()
    assert choices(page) == [a, b]
    page.locator("#pl-confirm").click()
    expect(page.locator(".alert-success")).to_be_visible()
    assert choices(page)[:2] == [a, b]
    context.close()
