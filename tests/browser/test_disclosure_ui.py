"""Items, the live preview, the procedure, compliance: in a real browser, with screenshots."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_admin_ui import log_in

pytestmark = pytest.mark.browser

TABLE = "日期\t摘要\t收入（元）\t支出（元）\n10月8日\t上级转移支付\t45000\t\n10月21日\t道路维修材料费\t\t12680.50\n11月5日\t服务站水电费\t\t1320\n"


def test_editor_with_live_preview(page: Page, live_server: str, screenshots: Path) -> None:
    log_in(page, live_server, "jiyi01_editor")
    page.goto(live_server + "/items/new")
    page.get_by_label("目录项").select_option("CW-01")
    page.get_by_label("标题", exact=True).fill("集义村2026年第四季度村级财务收支情况")
    page.get_by_label("内容").select_option("table")
    expect(page.get_by_label("表格", exact=True)).to_be_visible()
    expect(page.get_by_label("文字", exact=True)).to_be_hidden()
    page.get_by_label("表格", exact=True).fill(TABLE)
    page.get_by_label("备注（数据来源）").fill("数据来源：集义村报账员")
    page.get_by_label("提供部门").fill("村报账员")
    page.get_by_label("第一责任人").fill("王建国")
    preview = page.frame_locator("#preview figure[data-layout=landscape] iframe")
    expect(preview.locator(".all-pages .item-title").first).to_have_text(
        "集义村2026年第四季度村级财务收支情况"
    )
    # Money as the screens show it.
    expect(preview.locator(".all-pages td.num").first).to_have_text("45,000.00")
    page.screenshot(path=screenshots / "item-editor.png", full_page=True)
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    page.get_by_role("button", name="提交审核").click()
    expect(page.get_by_text("已完成：提交审核。")).to_be_visible()
    page.screenshot(path=screenshots / "item-submitted.png", full_page=True)


def test_superior_reviews_the_road_project(page: Page, live_server: str, screenshots: Path) -> None:
    log_in(page, live_server, "jiyi_superior")
    page.goto(live_server + "/tasks")
    section = page.locator("#task-superior_approve")
    expect(section).to_contain_text("集义村通组道路硬化工程 第二阶段：施工进度")
    page.screenshot(path=screenshots / "tasks-superior.png", full_page=True)
    section.get_by_role("link", name="集义村通组道路硬化工程 第二阶段：施工进度").click()
    # Drafted, submitted, reviewed, decided by the joint meeting, sealed by the committee.
    expect(page.locator(".audit-trail li")).to_have_count(5)
    expect(page.locator("#seal")).to_contain_text("刘长顺（村务监督委员会主任）")
    page.screenshot(path=screenshots / "item-awaiting-higher-review.png", full_page=True)
    page.get_by_role("button", name="上级审核通过").click()
    expect(page.get_by_text("已完成：上级审核通过。")).to_be_visible()
    expect(page.locator(".audit-trail li")).to_have_count(6)


def test_published_finance_table_and_compliance(
    page: Page, live_server: str, screenshots: Path
) -> None:
    log_in(page, live_server, "jiyi01_approver")
    page.goto(live_server + "/items?org=JIYI-01&state=published")
    page.get_by_role("link", name="村级财务收支情况").first.click()
    expect(page.locator("#preview .screen-content table")).to_be_visible()
    page.screenshot(path=screenshots / "item-published-table.png", full_page=True)
    page.goto(live_server + "/compliance?org=JIYI-01")
    expect(page.locator("tr.row-overdue").first).to_be_visible()
    page.screenshot(path=screenshots / "compliance-village.png", full_page=True)


def test_catalog_page(page: Page, live_server: str, screenshots: Path) -> None:
    log_in(page, live_server, "xian_superior")
    page.goto(live_server + "/catalog?org=XIAN")
    expect(page.get_by_role("heading", name="清源县为下级组织制定的公开目录")).to_be_visible()
    page.screenshot(path=screenshots / "catalog-county.png", full_page=True)


def test_an_urgent_notice_is_sent_from_the_web_form(
    page: Page, live_server: str, screenshots: Path
) -> None:
    """Issue 10, blocker 1: an emergency notice (即时公开 + 紧急) must be creatable from the
    editor (the form refused it: its timing came as text). The preview after an error is
    tested over HTTP (a 400 page is a console error here)."""
    log_in(page, live_server, "jiyi01_editor")
    page.goto(live_server + "/items/new")
    page.get_by_label("目录项").select_option("outside")
    page.get_by_label("标题", exact=True).fill("关于集义村今冬森林防火的紧急通知")
    page.get_by_label("类别").select_option("service")
    page.get_by_label("公开时限").select_option("immediate")
    page.get_by_label("文字", exact=True).fill("即日起至明年3月，禁止一切野外用火。")
    page.get_by_label("提供部门").fill("村委会")
    page.get_by_label("第一责任人").fill("王建国")
    page.get_by_label("紧急：插播并在滚动条中滚动显示（即时公开事项）").check()
    preview = page.frame_locator("#preview figure[data-layout=landscape] iframe")
    expect(preview.locator(".all-pages .item-title").first).to_have_text(
        "关于集义村今冬森林防火的紧急通知"
    )
    expect(preview.locator(".all-pages .ticker-text").first).to_contain_text("禁止一切野外用火")
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    expect(page.locator(".urgent-flag")).to_contain_text("插播")
    page.screenshot(path=screenshots / "item-urgent-saved.png", full_page=True)
