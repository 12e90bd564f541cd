"""The item editor's preview in a real browser: every page of a long table on each layout the
item would reach, paginated by the real player, following what is typed."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import FrameLocator
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_admin_ui import log_in

pytestmark = pytest.mark.browser

ROWS = 30
TABLE = "序号\t会议\t日期\t议题\t结果\n" + "\n".join(
    f"{n}\t第{n}次党委会\t2026-0{1 + n % 9}-1{n % 9}\t关于集义镇第{n}号议题的决定\t通过"
    for n in range(1, ROWS + 1)
)
NAMES = {"landscape": "横屏", "portrait": "竖屏", "led": "LED 屏"}


def figure(page: Page, layout: str) -> tuple[int, FrameLocator]:
    """Wait until the frame of ``layout`` shows the whole table; return its pages and frame."""
    frame = page.frame_locator(f"#preview figure[data-layout={layout}] iframe")
    expect(frame.locator(".all-pages tbody:not(.thead) tr")).to_have_count(ROWS)
    count = frame.locator(".all-pages-page").count()
    box = page.locator(f"#preview figure[data-layout={layout}]")
    expect(box).to_have_attribute("data-pages", str(count))
    return count, frame


def check_pages(page: Page, layout: str) -> int:
    count, frame = figure(page, layout)
    name = NAMES[layout]
    labels = frame.locator(".all-pages-label").all_text_contents()
    assert labels == [f"{name} 第{i}/{count}页" for i in range(1, count + 1)]
    cells = frame.locator(".all-pages tbody:not(.thead) tr td:first-child").all_text_contents()
    assert cells == [str(n) for n in range(1, ROWS + 1)], "every row once, in order"
    cut = frame.locator(".all-pages .body").evaluate_all(
        "bodies => bodies.filter(b => b.scrollHeight > b.clientHeight + 1).length"
    )
    assert cut == 0, f"{layout}: a page cuts its last row"
    # The frame is as tall as its pages: nothing hidden, no scrollbar inside.
    sizes = page.locator(f"#preview figure[data-layout={layout}] iframe").evaluate(
        "f => [f.clientHeight, f.contentDocument.querySelector('.all-pages').offsetHeight,"
        " f.clientWidth, f.contentDocument.querySelector('.all-pages').scrollWidth]"
    )
    assert sizes[0] == sizes[1] and sizes[3] <= sizes[2], sizes
    return count


def test_a_long_table_shows_every_page_for_each_screen_it_reaches(
    page: Page, live_server: str, screenshots: Path
) -> None:
    page.set_viewport_size({"width": 1920, "height": 1080})
    log_in(page, live_server, "jiyi_editor")
    page.goto(live_server + "/items/new")
    page.get_by_label("标题", exact=True).fill("集义镇党委2026年第三季度重大决策")
    page.get_by_label("内容").select_option("table")
    page.get_by_label("表格", exact=True).fill(TABLE)
    page.get_by_label("备注（数据来源）").fill("来源：镇党政办")

    # The township's public item: its LED board, and 集义村's landscape and party room screens.
    layouts = page.locator("#preview figure[data-layout]")
    expect(layouts).to_have_count(3)
    assert [f.get_attribute("data-layout") for f in layouts.all()] == [
        "landscape",
        "portrait",
        "led",
    ]
    landscape = check_pages(page, "landscape")
    led = check_pages(page, "led")
    check_pages(page, "portrait")
    assert 2 <= landscape < led, (landscape, led)
    expect(page.locator("#preview-summary")).not_to_have_class(re.compile("alert-warning"))
    page.screenshot(path=screenshots / "editor-preview-1920.png")
    page.screenshot(path=screenshots / "editor-preview-1920-full.png", full_page=True)

    # For party members only: the party room's portrait screen alone.
    page.get_by_label("公开范围").select_option("party")
    expect(layouts).to_have_count(1)
    expect(layouts.first).to_have_attribute("data-layout", "portrait")
    check_pages(page, "portrait")

    # For staff (本单位): no screen of the township or below; said, and shown as landscape.
    page.get_by_label("公开范围").select_option("unit")
    expect(page.locator("#preview-summary")).to_have_class(re.compile("alert-warning"))
    expect(layouts).to_have_count(1)
    expect(layouts.first).to_have_attribute("data-layout", "landscape")
    assert check_pages(page, "landscape") == landscape

    # On a phone the pages stack in the column, scaled to its width.
    page.get_by_label("公开范围").select_option("public")
    expect(layouts).to_have_count(3)
    page.set_viewport_size({"width": 390, "height": 844})
    assert check_pages(page, "led") == led
    width = page.locator("#preview figure[data-layout=led] iframe").evaluate(
        "f => f.getBoundingClientRect().right"
    )
    assert width <= 390
    page.locator("#preview").scroll_into_view_if_needed()
    page.screenshot(path=screenshots / "editor-preview-390.png")
    page.screenshot(path=screenshots / "editor-preview-390-full.png", full_page=True)
