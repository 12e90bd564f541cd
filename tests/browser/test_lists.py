"""Lists that scale, in a real browser: search and page the item list and 我的任务 on a demo
county holding hundreds of rows, on a desktop screen and on a phone, without JavaScript
doing the work (plain GET forms and links)."""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from signage_server import create_app
from signage_server.disclosure.rules import State
from signage_server.extensions import db
from tests.browser.conftest import installation
from tests.browser.test_admin_ui import log_in
from tests.http import lists
from tests.servers import running

pytestmark = pytest.mark.browser

DESKTOP = {"width": 1920, "height": 1080}
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def crowded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A demo county with 130 items and 70 submissions in 集义村, served on its own."""
    data_dir = tmp_path_factory.mktemp("crowded")
    env = installation(data_dir)
    app = create_app({"data_dir": str(data_dir)})
    with app.app_context():
        now = dt.datetime.now(dt.UTC)
        lists.add_items(
            db.session,
            "JIYI-01",
            130,
            title="集义村2026年村务公开分页测试",
            start=now - dt.timedelta(days=40),
            step=dt.timedelta(hours=7),
            author="jiyi01_editor",
        )
        lists.add_items(
            db.session,
            "JIYI-01",
            70,
            title="集义村待审核分页测试",
            state=State.SUBMITTED,
            author="jiyi01_editor",
            start=now - dt.timedelta(days=10),
            step=dt.timedelta(hours=2),
        )
        db.session.commit()
    db.dispose(app)
    with running(env) as server:
        yield server.base


def query(page: Page) -> dict[str, list[str]]:
    return urllib.parse.parse_qs(urllib.parse.urlsplit(page.url).query)


def test_search_and_page_the_item_list(page: Page, crowded: str, screenshots: Path) -> None:
    page.set_viewport_size(DESKTOP)
    log_in(page, crowded, "jiyi01_editor")
    page.goto(crowded + "/items")
    pager = page.locator(".list-pager").first
    assert int(pager.get_attribute("data-total") or 0) > 200  # no longer cut at 300 or less
    page.get_by_label("搜索", exact=True).fill("村务公开分页")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(pager).to_have_attribute("data-total", "130")
    expect(pager).to_have_attribute("data-pages", "3")
    expect(page.locator("#item-list tbody tr")).to_have_count(50)
    expect(page.locator("#item-list tbody tr").first).to_contain_text("分页测试 130")
    page.screenshot(path=screenshots / "lists-items-1920.png", full_page=True)

    pager.get_by_role("link", name="3", exact=True).click()
    expect(pager).to_have_attribute("data-page", "3")
    assert query(page) == {"q": ["村务公开分页"], "page": ["3"]}
    expect(page.get_by_label("搜索", exact=True)).to_have_value("村务公开分页")
    expect(page.locator("#item-list tbody tr")).to_have_count(30)
    expect(page.locator("#item-list tbody tr").last).to_contain_text("分页测试 001")

    # A date range narrows the search; the pager keeps both.
    page.get_by_label("搜索", exact=True).fill("分页测试")
    page.locator("#f-state").select_option("draft")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(pager).to_have_attribute("data-total", "130")
    assert query(page)["state"] == ["draft"]
    pager.get_by_role("link", name="2", exact=True).click()
    assert query(page) == {"q": ["分页测试"], "state": ["draft"], "page": ["2"]}
    expect(page.locator("#f-state")).to_have_value("draft")

    page.set_viewport_size(PHONE)
    page.goto(crowded + "/items?q=分页测试&state=draft&page=2")
    expect(page.locator(".list-pager").first).to_have_attribute("data-page", "2")
    # The table scrolls sideways on a phone instead of breaking its words.
    title_cell = page.locator("#item-list tbody tr td").first
    assert (title_cell.bounding_box() or {"width": 0})["width"] >= 150
    page.screenshot(path=screenshots / "lists-items-390.png", full_page=True)


def test_search_and_page_my_tasks(page: Page, crowded: str, screenshots: Path) -> None:
    page.set_viewport_size(DESKTOP)
    log_in(page, crowded, "jiyi01_reviewer")
    page.goto(crowded + "/tasks")
    review = page.locator("#step-review")
    expect(review).to_have_attribute("aria-current", "page")
    assert int(review.get_attribute("data-count") or 0) >= 70
    page.get_by_label("搜索", exact=True).fill("待审核分页")
    page.get_by_role("button", name="搜索", exact=True).click()
    expect(review).to_have_attribute("data-count", "70")
    pager = page.locator(".list-pager").first
    expect(pager).to_have_attribute("data-pages", "2")
    expect(page.locator("#task-review [data-item]")).to_have_count(50)
    page.screenshot(path=screenshots / "lists-tasks-1920.png", full_page=True)

    pager.get_by_role("link", name="2", exact=True).click()
    assert query(page) == {"step": ["review"], "q": ["待审核分页"], "page": ["2"]}
    expect(page.locator("#task-review [data-item]")).to_have_count(20)
    expect(page.locator("#task-review [data-item]").last).to_contain_text("分页测试 070")

    # Another step keeps the search; its list is empty, and says so.
    page.locator("#step-drafts").click()
    assert query(page) == {"step": ["drafts"], "q": ["待审核分页"]}
    expect(page.locator("#task-drafts")).to_be_visible()
    expect(page.locator("#task-drafts [data-item]")).to_have_count(0)

    page.set_viewport_size(PHONE)
    page.goto(crowded + "/tasks?step=review&q=待审核分页&page=2")
    expect(page.locator("#task-review [data-item]")).to_have_count(20)
    page.screenshot(path=screenshots / "lists-tasks-390.png", full_page=True)
