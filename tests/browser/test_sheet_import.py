"""Importing a table from a workbook in the editor, in a real browser, with a screenshot."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.test_admin_ui import log_in
from tests.http.test_sheet_import import workbook_bytes

pytestmark = pytest.mark.browser


def test_a_workbook_fills_the_table_to_check_before_saving(
    page: Page, live_server: str, screenshots: Path, tmp_path: Path
) -> None:
    workbook = tmp_path / "四季度收支.xlsx"
    workbook.write_bytes(workbook_bytes())
    log_in(page, live_server, "jiyi01_editor")
    page.goto(live_server + "/items/new")
    page.get_by_label("目录项").select_option("CW-01")
    page.get_by_label("标题", exact=True).fill("集义村2026年第四季度村级财务收支情况")
    page.get_by_label("内容").select_option("table")
    page.get_by_label("提供部门").fill("村报账员")
    page.get_by_label("第一责任人").fill("王建国")
    page.get_by_label("从表格文件导入（.xlsx/.csv）").set_input_files(workbook)
    page.get_by_role("button", name="导入并预览").click()
    expect(page.get_by_text("已从工作表“收支”导入了 2 行")).to_be_visible()
    table = page.get_by_label("表格", exact=True)
    expect(table).to_have_value(
        "日期\t摘要\t收入（元）\t收入（元）2\t支出（元）\n"
        "2026-10-08\t上级转移支付\t45,000.00\t78%\t\n"
        "2026-10-21\t道路维修材料费\t\t\t12,680.50"
    )
    preview = page.frame_locator("#preview figure[data-layout=landscape] iframe")
    expect(preview.locator(".all-pages td.num").first).to_have_text("45,000.00")
    page.screenshot(path=screenshots / "item-editor-sheet-import.png", full_page=True)
    # The operator names the second column of the merged heading, then saves.
    table.fill(table.input_value().replace("收入（元）2", "占比"))
    page.get_by_role("button", name="保存草稿").click()
    expect(page.get_by_text("草稿已保存。")).to_be_visible()
    expect(page.get_by_role("cell", name="78%")).to_be_visible()
