"""朗读 on a villager's phone: the QR page and the public page read an item with the phone's
own speech engine (a fake one here, injected before the page loads), title first, then the
table row by row with its headers; no voice for the language is said, not worked around;
without JavaScript there is no button at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.test_feedback import PHONE
from tests.browser.test_screens import api
from tests.browser.test_screens import register

pytestmark = pytest.mark.browser

#: A phone of today: 390 × 844, JavaScript on.
SPEAKING_PHONE = {**PHONE, "viewport": {"width": 390, "height": 844}, "java_script_enabled": True}

#: A speech engine that records what it is asked to say (window.__spoken) and says nothing; an
#: utterance ends when the test says so (window.__finishOne(), window.__left() are left).
FAKE_SPEECH = """
(() => {
  window.__spoken = [];
  window.__cancelled = 0;
  window.__voices = [{ name: '普通话', lang: 'zh-CN', localService: true, default: true }];
  let queue = [];
  const synth = {
    getVoices: () => window.__voices,
    speak(u) {
      window.__spoken.push({ text: u.text, lang: u.lang, voice: u.voice ? u.voice.name : null });
      queue.push(u);
    },
    cancel() {
      window.__cancelled++;
      const was = queue;
      queue = [];
      for (const u of was) if (u.onerror) u.onerror({ error: 'interrupted' });
    },
    addEventListener() {},
    removeEventListener() {}
  };
  window.__finishOne = () => {
    const u = queue.shift();
    if (u && u.onend) u.onend({});
    return queue.length;
  };
  window.__left = () => queue.length;
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
})();
"""


def table_item(live: Live) -> dict[str, Any]:
    """A public table item of the demo village, as its screen's manifest carries it."""
    screen = register(live)
    token = live.cli("token", "create", "jiyi01_operator").strip()
    manifest = api(live.base, token, f"/api/v1/screens/{screen['id']}/manifest")
    item: dict[str, Any] = next(
        i for i in manifest["items"] if i["scope"] == "public" and i["body"]["type"] == "table"
    )
    return item


def test_the_qr_page_reads_the_item_title_first_then_rows_with_headers(
    browser: Browser, live: Live, screenshots: Path
) -> None:
    item = table_item(live)
    phone = browser.new_context(**SPEAKING_PHONE)
    phone.add_init_script(FAKE_SPEECH)
    errors: list[str] = []
    page = phone.new_page()
    # Console errors (a CSP violation, a missing module), but not the browser's own favicon.
    page.on(
        "console",
        lambda m: (
            errors.append(m.text)
            if m.type == "error" and "favicon" not in m.location.get("url", "")
            else None
        ),
    )
    page.on("response", lambda r: errors.append(r.url) if r.status >= 400 else None)
    page.goto(item["qr_url"])
    button = page.get_by_role("button", name="朗读")
    expect(button).to_be_visible()
    expect(button).to_have_attribute("aria-pressed", "false")
    page.screenshot(path=screenshots / "qr-page-phone.png", full_page=False)
    button.click()
    stop = page.get_by_role("button", name="停止")
    expect(stop).to_have_attribute("aria-pressed", "true")
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["text"] == item["title"]
    assert {(s["lang"], s["voice"]) for s in spoken} == {("zh-CN", "普通话")}
    columns = item["body"]["columns"]
    rows = [s["text"] for s in spoken if s["text"].startswith(columns[0] + "：")]
    assert len(rows) == len(item["body"]["rows"]), spoken
    first = rows[0]
    # Every non-empty cell with its header, in column order; amounts without grouping commas.
    assert first.startswith(f"{columns[0]}：{item['body']['rows'][0][0]}，")
    assert "," not in first and first.endswith("。")
    page.screenshot(path=screenshots / "qr-page-reading.png", full_page=False)
    # Pressed again: it stops.
    stop.click()
    expect(page.get_by_role("button", name="朗读")).to_have_attribute("aria-pressed", "false")
    assert page.evaluate("window.__cancelled") >= 1
    assert not errors, errors
    phone.close()


def test_the_public_page_reads_each_item_and_says_when_there_is_no_voice(
    browser: Browser, live: Live, screenshots: Path
) -> None:
    phone = browser.new_context(**SPEAKING_PHONE)
    phone.add_init_script(FAKE_SPEECH)
    page = phone.new_page()
    page.goto(live.base + "/p/JIYI-01")
    items = page.locator("article.item")
    buttons = page.locator("article.item button.read-aloud-button")
    expect(buttons.first).to_be_visible()
    assert buttons.count() == items.count()
    page.screenshot(path=screenshots / "public-page-phone.png", full_page=False)
    second = items.nth(1)
    second.locator("button.read-aloud-button").click()
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["text"] == second.locator(".item-title").inner_text().strip()
    # Another item's button: the first reading stops, this one starts.
    items.first.locator("button.read-aloud-button").click()
    expect(second.locator("button.read-aloud-button")).to_have_text("朗读")
    expect(items.first.locator("button.read-aloud-button")).to_have_text("停止")
    items.first.locator("button.read-aloud-button").click()
    # A phone without a Chinese voice says so, and reads nothing in another voice.
    page.evaluate(
        "window.__voices.splice(0, 1, {name: 'English', lang: 'en-US'}); window.__spoken = []"
    )
    items.first.locator("button.read-aloud-button").click()
    note = items.first.locator(".read-aloud-note")
    expect(note).to_be_visible()
    expect(note).to_contain_text("没有该语言的语音")
    assert page.evaluate("window.__spoken") == []
    expect(items.first.locator("button.read-aloud-button")).to_have_attribute(
        "aria-pressed", "false"
    )
    page.screenshot(path=screenshots / "public-page-no-voice.png", full_page=False)
    phone.close()


def test_without_javascript_there_is_no_button(browser: Browser, live: Live) -> None:
    item = table_item(live)
    phone = browser.new_context(**PHONE)
    page = phone.new_page()
    for url in (item["qr_url"], live.base + "/p/JIYI-01"):
        page.goto(url)
        assert page.locator("button.read-aloud-button").count() >= 1
        expect(page.locator(".read-aloud").first).to_be_hidden()
        assert page.get_by_role("button", name="朗读").count() == 0
    phone.close()
