"""An organisation's public page on an old phone without JavaScript, and on the township's
website: readable, nothing wider than the screen, and each item's feedback form one tap away."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_feedback import PHONE

pytestmark = pytest.mark.browser


def test_public_page_on_a_phone_without_javascript(
    browser: Browser, live: Live, screenshots: Path
) -> None:
    phone = browser.new_context(**PHONE)
    errors: list[str] = []
    page = phone.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.goto(live.base + "/p/JIYI-01")
    expect(page.get_by_role("heading", level=1)).to_have_text("集义村")
    expect(page.locator(".trail")).to_contain_text("集义镇")
    page.screenshot(path=screenshots / "public-page-phone.png", full_page=True)
    # Nothing overflows sideways on a 360 px screen: wide tables become cards or scroll.
    assert page.evaluate("document.documentElement.scrollWidth") <= 360
    widest = page.evaluate(
        "Math.max(...[...document.querySelectorAll('main *')]"
        ".filter(e => !e.closest('.body-table-wrap'))"
        ".map(e => e.getBoundingClientRect().right))"
    )
    assert widest <= 360
    # Readable: the body text is at least 16 px, in a CJK font.
    size = page.evaluate(
        "parseFloat(getComputedStyle(document.querySelector('.item .content')).fontSize)"
    )
    assert size >= 16
    # The party item of the demo is not there; the public ones are, with their record.
    html = page.content()
    assert "党费收缴" not in html
    items = page.locator("article.item")
    assert items.count() >= 5
    assert not errors, f"console errors (CSP violations, missing files ...): {errors}"
    first = items.first
    title = first.locator(".item-title").inner_text()
    expect(first.locator(".record li").first).to_be_visible()
    # The feedback link opens the item's form (no JavaScript needed).
    first.locator("a.feedback-link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(title)
    expect(page.locator("form.feedback")).to_be_visible()
    assert "/f/" in page.url
    phone.close()


def test_township_page_on_a_computer(browser: Browser, live: Live, screenshots: Path) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(live.base + "/p/JIYI")
    expect(page.get_by_role("heading", level=1)).to_have_text("集义镇")
    page.screenshot(path=screenshots / "public-page-township.png", full_page=True)
    page.locator("#below a", has_text="集义村").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("集义村")
    page.goto(live.base + "/p/")
    page.get_by_role("link", name="集义镇", exact=True).first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("集义镇")
    context.close()
