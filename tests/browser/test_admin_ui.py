"""The operator UI in a real browser: login, dashboard, administration, language, phone size.

Screenshots go to ``test-artifacts/screenshots/`` to be looked at.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.conftest import DEMO_PASSWORD

pytestmark = pytest.mark.browser


def log_in(page: Page, base: str, username: str) -> None:
    page.goto(base + "/login")
    page.get_by_label("用户名").fill(username)
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


def test_a_cjk_font_is_installed() -> None:
    """Without a CJK font chromium draws empty boxes for Chinese text."""
    fonts = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True).stdout
    assert fonts.strip(), "no Chinese font: make test installs fonts-noto-cjk"


def test_login_and_dashboard(page: Page, live_server: str, screenshots: Path) -> None:
    page.goto(live_server + "/")
    expect(page).to_have_url(live_server + "/login?next=%2F")
    expect(page.get_by_role("heading", name="工作人员登录")).to_be_visible()
    page.screenshot(path=screenshots / "login.png", full_page=True)
    page.get_by_label("用户名").fill("jiyi01_approver")
    page.get_by_label("密码").fill("wrong-password")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    page.get_by_label("密码").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("您好，王建国（村党支部书记）")
    expect(page.get_by_role("heading", name="集义村")).to_be_visible()
    expect(page.get_by_text("第一责任人：审签并发布公开事项。")).to_be_visible()
    page.screenshot(path=screenshots / "dashboard-village.png", full_page=True)


def test_admin_creates_user_and_grants_role(
    page: Page, live_server: str, screenshots: Path
) -> None:
    log_in(page, live_server, "jiyi_admin")
    page.screenshot(path=screenshots / "dashboard-township-admin.png", full_page=True)
    page.get_by_role("link", name="用户管理").first.click()
    expect(page.get_by_role("heading", name="用户管理")).to_be_visible()
    page.screenshot(path=screenshots / "users.png", full_page=True)
    page.get_by_role("link", name="新建用户").click()
    page.get_by_label("用户名").fill("jiyi07_handler")
    page.get_by_label("姓名及职务").fill("刘秀梅（张家湾村委会委员）")
    page.get_by_label("所属组织").select_option("JIYI-07")
    page.get_by_label("意见处理人").check()
    page.get_by_label("初始密码").fill("Zhangjiawan-26")
    page.get_by_label("再次输入密码").fill("Zhangjiawan-26")
    page.screenshot(path=screenshots / "user-new.png", full_page=True)
    page.get_by_role("button", name="创建用户").click()
    expect(page.get_by_text("已创建用户 jiyi07_handler。")).to_be_visible()
    expect(page.get_by_role("cell", name="张家湾村 JIYI-07")).to_be_visible()
    page.get_by_label("角色", exact=True).select_option("reviewer")
    page.get_by_role("button", name="授予").click()
    expect(page.get_by_text("已授予角色。")).to_be_visible()
    page.screenshot(path=screenshots / "user-detail.png", full_page=True)


def test_org_tree(page: Page, live_server: str, screenshots: Path) -> None:
    log_in(page, live_server, "admin")
    page.goto(live_server + "/admin/orgs")
    rows = page.locator("table.org-tree tbody tr")
    expect(rows).to_have_count(31)
    expect(rows.first).to_contain_text("清源县")
    page.screenshot(path=screenshots / "orgs.png", full_page=True)
    page.get_by_role("link", name="东王庄村").click()
    expect(page.get_by_label("名称")).to_have_value("东王庄村")
    page.screenshot(path=screenshots / "org-edit.png", full_page=True)


def test_switch_to_english_and_back(page: Page, live_server: str, screenshots: Path) -> None:
    page.goto(live_server + "/login")
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Operator login")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.get_by_label("User name").fill("jiyi_editor")
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, 李慧（镇党政办干事）")
    page.screenshot(path=screenshots / "dashboard-english.png", full_page=True)
    page.get_by_role("button", name="简体中文").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("您好")


def test_phone_sized_login_and_menu(browser: Browser, live_server: str, screenshots: Path) -> None:
    context = browser.new_context(
        viewport={"width": 360, "height": 740},
        device_scale_factor=2,
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.goto(live_server + "/login")
    page.screenshot(path=screenshots / "login-phone.png", full_page=True)
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, "the login page scrolls sideways on a phone"
    log_in(page, live_server, "jiyi_admin")
    menu = page.locator("#mainnav").get_by_role("link", name="组织机构")
    expect(menu).to_be_hidden()
    page.get_by_role("button", name="菜单").click()  # Bootstrap's collapse, under the CSP
    expect(menu).to_be_visible()
    expect(page.locator("#mainnav")).to_have_class(re.compile(r"(^|\s)show(\s|$)"))
    page.screenshot(path=screenshots / "menu-phone.png", full_page=True)
    context.close()
