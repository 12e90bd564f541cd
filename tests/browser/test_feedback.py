"""A villager's phone scans a screen's QR code; a handler answers; the phone reads it."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_admin_ui import log_in
from tests.browser.test_screens import api
from tests.browser.test_screens import register

pytestmark = pytest.mark.browser

#: An old, small Android phone: 360 CSS pixels wide, and no JavaScript at all.
PHONE = {
    "viewport": {"width": 360, "height": 740},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "java_script_enabled": False,
    "locale": "zh-CN",
}


def feedback_link(live: Live) -> tuple[str, str]:
    """Return the QR link of an item on a fresh demo screen, and the item's title (not one of
    village affairs: a question there goes to the village affairs supervision committee)."""
    screen = register(live)
    token = live.cli("token", "create", "jiyi01_operator").strip()
    manifest = api(live.base, token, f"/api/v1/screens/{screen['id']}/manifest")
    item = next(
        i
        for i in manifest["items"]
        if i["scope"] == "public" and i["category"] != "village_affairs"
    )
    return item["qr_url"], item["title"]


def test_villager_phone_form_receipt_and_answer(
    browser: Browser, live: Live, page: Page, screenshots: Path
) -> None:
    url, title = feedback_link(live)
    assert url.startswith(live.base + "/f/")

    phone = browser.new_context(**PHONE)
    form = phone.new_page()
    form.goto(url)
    expect(form.get_by_role("heading", level=1)).to_have_text(title)
    form.get_by_text("公开记录").click()
    expect(form.locator(".record li").first).to_be_visible()
    form.screenshot(path=screenshots / "feedback-form-phone.png", full_page=True)
    # Nothing overflows sideways on a 360 px screen.
    assert form.evaluate("document.documentElement.scrollWidth") <= 360

    form.get_by_label("咨询").check()
    form.get_by_label("留言内容").fill("村里修路的钱从哪里来？<script>alert(1)</script>")
    form.get_by_label("手机号（选填）").fill("138 0013 8000")
    form.get_by_role("button", name="提交").click()
    # Giving a number needs the privacy consent: the form says so and keeps the text.
    expect(form.locator(".errors")).to_contain_text("隐私说明")
    expect(form.get_by_label("留言内容")).to_have_value(
        "村里修路的钱从哪里来？<script>alert(1)</script>"
    )
    form.get_by_label("我已阅读隐私说明").check()
    form.get_by_role("button", name="提交").click()

    receipt = form.locator("#receipt-code").inner_text().strip()
    assert len(receipt) == 11
    form.screenshot(path=screenshots / "feedback-receipt-phone.png", full_page=True)
    form.get_by_role("link", name="查看办理情况").click()
    expect(form.locator(".state")).to_have_text("已收到")

    # The village handler finds it in the inbox and answers.
    log_in(page, live.base, "jiyi01_handler")
    page.goto(live.base + "/feedback")
    row = page.locator("tr", has_text=receipt)
    expect(row).to_contain_text("咨询")
    expect(row).to_contain_text("13800138000")
    page.screenshot(path=screenshots / "feedback-inbox.png", full_page=True)
    row.get_by_role("link", name=receipt).click()
    expect(page.locator("#case-text")).to_have_text(
        "村里修路的钱从哪里来？<script>alert(1)</script>"
    )
    page.get_by_label("撰写答复").fill("修路资金为上级转移支付4.5万元，明细见村务公开栏。")
    page.get_by_role("button", name="发布答复").click()
    expect(page.locator(".alert-success")).to_contain_text("答复已发布")
    page.screenshot(path=screenshots / "feedback-case.png", full_page=True)

    form.reload()
    expect(form.locator(".state")).to_have_text("已答复")
    expect(form.locator(".reply")).to_contain_text("修路资金为上级转移支付4.5万元")
    form.screenshot(path=screenshots / "feedback-track-phone.png", full_page=True)
    phone.close()


def test_a_report_from_a_phone_reaches_the_township_only(
    browser: Browser, live: Live, page: Page
) -> None:
    url, _title = feedback_link(live)
    phone = browser.new_context(**PHONE)
    form = phone.new_page()
    form.goto(url)
    form.get_by_label("举报").check()
    form.get_by_label("留言内容").fill("公示的财务数据与实际不符。")
    form.get_by_role("button", name="提交").click()
    receipt = form.locator("#receipt-code").inner_text().strip()
    expect(form.locator(".receipt")).to_contain_text("上级纪委")
    phone.close()

    log_in(page, live.base, "jiyi01_discipline")
    page.goto(live.base + "/feedback")
    expect(page.locator("body")).not_to_contain_text(receipt)

    township = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    inspector = township.new_page()
    log_in(inspector, live.base, "jiyi_discipline")
    inspector.goto(live.base + "/feedback")
    expect(inspector.locator("tr", has_text=receipt)).to_contain_text("举报")
    township.close()
