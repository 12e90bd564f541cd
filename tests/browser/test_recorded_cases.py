"""Issue 15, part 4, as the village clerk meets it: a villager phones the hotline, the clerk
records the call (代录意见), prints the receipt slip, and later looks the case up at the
counter by its receipt code; the villager follows it on the tracking page the slip names."""

from __future__ import annotations

import re

from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_admin_ui import log_in


def test_a_phoned_question_is_recorded_printed_and_found_again(live: Live, page: Page) -> None:
    log_in(page, live.base, "jiyi01_handler")
    page.goto(live.base + "/feedback/record")
    page.get_by_label("电话").check()
    page.check("input[name=kind][value=question]")
    page.fill("textarea[name=text]", "村东头的路灯坏了三个月，什么时候修？")
    page.get_by_role("button", name="登记并打印回执").click()
    # The slip: the receipt code large, the channel, the tracking address and its QR code.
    expect(page.get_by_role("heading", level=1)).to_have_text("已登记")
    receipt = page.locator("#slip-code").inner_text().strip()
    assert re.fullmatch(r"[0-9A-Z]{5}-[0-9A-Z]{5}", receipt), receipt
    expect(page.locator("main")).to_contain_text("电话")
    expect(page.locator("main")).to_contain_text(f"/f/track/{receipt}")
    pdf = page.request.get(f"{live.base}/feedback/slip/{receipt}.pdf")
    assert pdf.ok and pdf.headers["content-type"] == "application/pdf"
    # At the counter, the clerk finds it by its code.
    page.goto(live.base + "/feedback/lookup")
    page.locator("input[name=receipt]").fill(receipt.lower())
    page.locator("main form button[type=submit]").click()
    expect(page.locator("main")).to_contain_text(receipt)
    expect(page.locator("main")).to_contain_text("已收到")
    # The villager (no login) follows it with the address on the slip.
    villager = page.context.browser.new_page()  # type: ignore[union-attr]
    villager.goto(f"{live.base}/f/track/{receipt}")
    expect(villager.locator("main")).to_contain_text(receipt)
    villager.close()
