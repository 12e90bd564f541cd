"""A villager's phone (390×844, no JavaScript) scans the QR code of a party item in the party
activity room, and of a withdrawn public item: the limited view and the status view."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_screens import api
from tests.browser.test_screens import publish

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "java_script_enabled": False,
    "locale": "zh-CN",
}


def _local(live: Live, url: str) -> str:
    return live.base + "/" + url.split("://", 1)[-1].split("/", 1)[1]


def test_party_item_limited_and_withdrawn_item_status_on_a_phone(
    browser: Browser, live: Live, screenshots: Path
) -> None:
    operator = live.cli("token", "create", "jiyi01_operator").strip()
    screens = api(live.base, operator, "/api/v1/screens")["screens"]
    room = next(s for s in screens if s["audience"] == "party")
    manifest = api(live.base, operator, f"/api/v1/screens/{room['id']}/manifest")
    dues: dict[str, Any] = next(i for i in manifest["items"] if "党费" in i["title"])

    phone = browser.new_context(**PHONE)  # type: ignore[arg-type]
    page = phone.new_page()
    page.goto(_local(live, dues["qr_url"]))
    expect(page.get_by_role("heading", level=1)).to_have_text("本事项在限定范围内公开")
    expect(page.locator("main")).not_to_contain_text(dues["title"])
    expect(page.locator(".org")).to_have_text(dues["org_name"])
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "feedback-limited-phone.png", full_page=True)

    item_id = publish(
        live,
        {
            "org": "JIYI-01",
            "title": "集义村2026年冬季护林防火值班安排",
            "category": "service",
            "timing": "immediate",
            "scope": "public",
            "body": {"type": "text", "text": "12月1日起每日两人值班，值班电话见村委会公告栏。"},
            "department": "村委会",
            "accountable_person": "王建国",
        },
    )
    square = next(s for s in screens if s["audience"] == "public" and s["org"] == "JIYI-01")
    shown = api(live.base, operator, f"/api/v1/screens/{square['id']}/manifest")
    url = _local(live, next(i for i in shown["items"] if i["id"] == item_id)["qr_url"])
    approver = live.cli("token", "create", "jiyi01_approver").strip()
    api(
        live.base,
        approver,
        f"/api/v1/items/{item_id}/transitions",
        {"action": "withdraw", "reason": "值班人员调整，核实后重新公开"},
    )
    page.goto(url)
    expect(page.get_by_role("heading", level=1)).to_have_text("集义村2026年冬季护林防火值班安排")
    expect(page.locator(".status")).to_contain_text("已撤回")
    expect(page.locator(".status")).to_contain_text("值班人员调整，核实后重新公开")
    expect(page.locator("main")).not_to_contain_text("每日两人值班")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.screenshot(path=screenshots / "feedback-withdrawn-phone.png", full_page=True)
    phone.close()
