"""The home page (工作台) and the compliance of a whole subtree (公开情况) in a real browser,
at a desktop's and a phone's size, with screenshots."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_admin_ui import log_in

pytestmark = pytest.mark.browser

SIZES = {"desktop": (1920, 1080), "phone": (390, 844)}


def shoot(page: Page, screenshots: Path, name: str) -> None:
    """Screenshot the page at a desktop's and a phone's size; the phone never scrolls sideways
    (wide tables scroll inside their own box)."""
    for label, (width, height) in SIZES.items():
        page.set_viewport_size({"width": width, "height": height})
        page.screenshot(path=screenshots / f"{name}-{label}.png", full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} scrolls sideways at {width}px"


def test_home_page_says_what_is_wrong_each_with_a_link(
    page: Page, live_server: str, screenshots: Path
) -> None:
    log_in(page, live_server, "jiyi_superior")
    summary = page.locator("#health-summary")
    # The demo's screens have no player running and its villages owe catalog entries.
    expect(summary).to_have_attribute("data-healthy", "no")
    expect(summary.locator('[data-problem="catalog"]')).to_be_visible()
    expect(summary.locator('[data-problem="offline"]')).to_be_visible()
    expect(page.locator("#screens-offline")).to_contain_text("集义镇便民服务中心LED屏")
    expect(page.locator("#catalog-owed li[data-org]").first).to_be_visible()
    for tile in ("screens", "stale", "tasks", "notices", "catalog", "feedback"):
        expect(page.locator(f"#tile-{tile}")).to_be_visible()
    shoot(page, screenshots, "home-township")

    page.set_viewport_size({"width": 1366, "height": 900})
    summary.locator('[data-problem="offline"] a').click()
    expect(page).to_have_url(re.compile(r"/#screens-offline$"))
    page.locator("#screens-offline").get_by_role("link", name="集义镇便民服务中心LED屏").click()
    expect(page).to_have_url(re.compile(r"/screens/\d+$"))

    page.goto(live_server + "/")
    page.locator("#tile-tasks").click()
    expect(page).to_have_url(live_server + "/tasks")
    page.goto(live_server + "/")
    page.locator("#tile-catalog").click()
    expect(page).to_have_url(live_server + "/compliance?org=JIYI&sort=overdue")
    expect(page.locator("tr[data-org]")).to_have_count(22)


def test_the_county_sees_its_subtree_sorts_it_and_drills_down(
    page: Page, live_server: str, screenshots: Path
) -> None:
    log_in(page, live_server, "admin")
    page.locator("#mainnav").get_by_role("link", name="公开情况", exact=True).click()
    rows = page.locator("table.subtree-table tbody tr")
    expect(rows).to_have_count(30)
    expect(page.get_by_text("该组织没有适用的公开目录")).to_have_count(0)
    shoot(page, screenshots, "compliance-county")

    page.set_viewport_size({"width": 1366, "height": 900})
    page.locator('thead a[data-sort="missing"]').click()
    expect(page).to_have_url(re.compile(r"sort=missing&dir=desc#subtree$"))
    missing = [
        int(n)
        for n in rows.locator("td.tally-missing").evaluate_all(
            "cells => cells.map(c => c.dataset.count)"
        )
    ]
    assert missing == sorted(missing, reverse=True)
    page.locator('thead a[data-sort="missing"]').click()
    expect(page).to_have_url(re.compile(r"sort=missing&dir=asc#subtree$"))
    missing = [
        int(n)
        for n in rows.locator("td.tally-missing").evaluate_all(
            "cells => cells.map(c => c.dataset.count)"
        )
    ]
    assert missing == sorted(missing)

    page.locator('tr[data-org="JIYI"]').get_by_role("link", name="集义镇").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公开情况: 集义镇")
    expect(rows).to_have_count(22)
    page.locator('tr[data-org="JIYI-01"]').get_by_role("link", name="集义村").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("公开情况: 集义村")
    expect(rows).to_have_count(0)
    items = page.locator("a.entry-item")
    expect(items.first).to_be_visible()
    for text in items.all_inner_texts():
        assert not re.fullmatch(r"事项 \d+", text), text
    expect(page.locator("tr.row-overdue").first).to_be_visible()
    shoot(page, screenshots, "compliance-village")
