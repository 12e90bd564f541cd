"""The democratic appraisal on a phone (390×844) in a real browser, against a served demo
installation of its own (its log carries the one-time codes of the ``log`` SMS backend):
number → code → ballot → receipt, a second vote refused; no page wider than the phone."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import installation
from tests.browser.test_admin_ui import log_in
from tests.servers import Server
from tests.servers import free_port
from tests.servers import running

pytestmark = pytest.mark.browser

PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    port = free_port()
    env = installation(tmp_path_factory.mktemp("appraisal"))
    env["SIGNAGE_PUBLIC_URL"] = f"http://127.0.0.1:{port}"
    with running(env, port=port) as server:
        yield server


def fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} is {width}px wide"


def last_code(server: Server) -> str:
    codes = re.findall(r"验证码 (\d{6})", server.output)
    assert codes, server.output[-2000:]
    return codes[-1]


def vote(browser: Browser, server: Server, url: str, number: str, shots: Path | None) -> Page:
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    page.goto(url)
    fits(page)
    if shots:
        page.screenshot(path=shots / "appraisal-1-number.png", full_page=True)
    page.locator("#phone").fill(number)
    page.locator("#consent").check()
    page.locator("form.feedback button[type=submit]").click()
    expect(page.locator("#code")).to_be_visible()
    fits(page)
    if shots:
        page.screenshot(path=shots / "appraisal-2-code.png", full_page=True)
    page.locator("#code").fill(last_code(server))
    page.locator("form.feedback button[type=submit]").click()
    return page


def test_a_villager_votes_on_a_phone(browser: Browser, served: Server, screenshots: Path) -> None:
    office = browser.new_context(viewport={"width": 1366, "height": 900}, locale="zh-CN")
    staff = office.new_page()
    log_in(staff, served.base, "jiyi01_approver")
    staff.goto(served.base + "/appraisals")
    staff.locator("table a").first.click()
    expect(staff.locator("[data-state]")).to_have_attribute("data-state", "open")
    url = staff.locator("main code").first.inner_text()
    assert "/a/" in url
    before = staff.locator("h2.h5 small").first.inner_text()

    page = vote(browser, served, url, "139 0000 2026", screenshots)
    ratings = page.locator("fieldset")
    count = ratings.count()
    assert count == 4  # the committee and three members
    for index in range(count):
        ratings.nth(index).locator("input[type=radio]").nth(index % 3).check()
    page.locator("textarea").first.fill("希望村务公开栏按月更新。")
    fits(page)
    page.screenshot(path=screenshots / "appraisal-3-ballot.png", full_page=True)
    page.locator("form.feedback button[type=submit]").click()
    expect(page.locator("section.receipt")).to_be_visible()
    fits(page)
    page.screenshot(path=screenshots / "appraisal-4-receipt.png", full_page=True)

    # The same number again: refused politely.
    again = vote(browser, served, url, "13900002026", None)
    expect(again.locator("section.receipt[role=alert]")).to_be_visible()
    fits(again)
    again.screenshot(path=screenshots / "appraisal-5-refused.png", full_page=True)

    staff.reload()
    assert staff.locator("h2.h5 small").first.inner_text() != before
    office.close()
