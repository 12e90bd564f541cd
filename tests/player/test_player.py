"""The web player in Debian's chromium against the fake server of ``harness.py``.

Time is Playwright's fake clock (installed at 2026-11-23 09:00 Shanghai): ``advance`` jumps it
forward and fires the player's one-second tick, so rotation, expiry and batching are tested
without waiting. Everything is checked through ``window.signagePlayer`` and the DOM.
"""

from __future__ import annotations

import copy
import json
import re
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

import layouts
from player import STATIC
from signage_server.screens.layouts import player_definitions
from tests.player.harness import TOKEN
from tests.player.harness import Harness
from tests.player.harness import load_fixture

NewPage = Callable[..., Page]

SIZES = {name: (layout.width, layout.height) for name, layout in layouts.LAYOUTS.items()}

#: Measures the page on screen: overflow of the body, sizes of its text, regions' boxes.
MEASURE_JS = """
() => {
  const main = document.getElementById('main');
  const body = main.querySelector('.body');
  const title = main.querySelector('.item-title');
  const size = (sel) => Array.from(main.querySelectorAll(sel))
    .map((e) => parseFloat(getComputedStyle(e).fontSize));
  const last = body.lastElementChild;
  return {
    overflow: body.scrollHeight > body.clientHeight + 1,
    wide: body.scrollWidth > body.clientWidth + 1,
    contentBottom: last ? last.getBoundingClientRect().bottom : 0,
    bodyBottom: body.getBoundingClientRect().bottom,
    mainBottom: main.getBoundingClientRect().bottom,
    title: parseFloat(getComputedStyle(title).fontSize),
    cells: size('td, th'),
    paragraphs: size('.body > p:not(.table-note)'),
    notes: size('.table-note'),
    firstCells: Array.from(main.querySelectorAll('tbody tr td:first-child')).map((e) => e.textContent),
    header: Array.from(main.querySelectorAll('.thead th')).map((e) => e.textContent),
    continued: !!main.querySelector('.body > p.cont'),
  };
}
"""

READ_DB_JS = """
async (store) => {
  const db = await new Promise((resolve, reject) => {
    const request = indexedDB.open('signage-player');
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const all = await new Promise((resolve, reject) => {
    const tx = db.transaction(store, 'readonly');
    const request = store === 'kv' ? tx.objectStore(store).getAllKeys() : tx.objectStore(store).getAll();
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  const token = store === 'kv' ? await new Promise((resolve) => {
    const request = db.transaction('kv', 'readonly').objectStore('kv').get('token');
    request.onsuccess = () => resolve(request.result);
  }) : null;
  db.close();
  return store === 'kv' ? {keys: all, token} : all;
}
"""


# -- helpers -----------------------------------------------------------------------------------


def state(page: Page) -> dict[str, Any]:
    value: dict[str, Any] = page.evaluate(
        "window.signagePlayer ? window.signagePlayer.state() : {mode: 'loading'}"
    )
    return value


def wait_for(page: Page, predicate: Callable[[dict[str, Any]], bool], timeout: float = 30) -> None:
    """Poll the player's state until ``predicate`` holds (no page-side eval: CSP forbids it).

    The timeout only ends a test that went wrong: a loaded machine may take seconds to deliver
    a push, and no test judges how long that took."""
    deadline = time.monotonic() + timeout
    while True:
        current = state(page)
        if predicate(current):
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out; player state: {current}")
        time.sleep(0.05)


def wait_js(page: Page, expression: str, timeout: float = 10) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = page.evaluate(expression)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {expression}; state: {state(page)}")
        time.sleep(0.05)


def until(condition: Callable[[], bool], timeout: float = 10, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def advance(page: Page, seconds: float) -> None:
    """Jump the page's clock forward (the player's tick runs once, at the new time)."""
    page.clock.fast_forward(int(seconds * 1000))


def open_player(new_page: NewPage, harness: Harness, **options: Any) -> Page:
    page = new_page(**options)
    page.goto(f"{harness.base}/player/#token={TOKEN}")
    wait_for(page, lambda s: s["mode"] in {"playing", "ticker", "idle"} and s["version"])
    return page


def title_on_screen(page: Page) -> str:
    return str(page.text_content("#main .item-title"))


def finish_item(page: Page, seconds_per_page: float) -> None:
    """Advance page by page until the item on screen changes."""
    item = state(page)["item"]
    for _ in range(30):
        advance(page, seconds_per_page)
        now = state(page)
        if now["item"] != item or now["mode"] != "playing":
            return
    raise AssertionError(f"item {item} never ended: {state(page)}")


def with_urgent(manifest: dict[str, Any]) -> dict[str, Any]:
    urgent = load_fixture("urgent")
    out = copy.deepcopy(manifest)
    out["items"] = [*out["items"], *urgent["items"]]
    out["ticker"] = [*out.get("ticker", []), *urgent["ticker"]]
    return out


# -- layouts package (no browser) ---------------------------------------------------------------


def test_layouts_match_the_player_and_the_stylesheets() -> None:
    assert set(layouts.LAYOUTS) == {"landscape", "portrait", "led", "ticker"}
    assert layouts.get("landscape").width == 1920
    with pytest.raises(KeyError):
        layouts.get("nope")
    # The player takes design sizes and names from the server's definitions (the page's
    # data-definitions), the default layout first, and keeps no copy of them.
    definitions = player_definitions()
    assert next(iter(definitions["layouts"])) == "landscape"
    assert definitions["default_duration_s"] == 15
    sources = {path.name: path.read_text(encoding="utf-8") for path in STATIC.glob("*.js")}
    for name, layout in layouts.LAYOUTS.items():
        assert definitions["layouts"][name] == {
            "width": layout.width,
            "height": layout.height,
            "label": layout.label_zh.rsplit(" ", 1)[0],
        }
        for file, source in sources.items():
            assert f"{layout.width}, {layout.height}" not in source, (file, name)
            assert f"'{layout.short_label_zh}'" not in source, (file, name)
        css = layout.css.read_text(encoding="utf-8")
        assert f"width: {layout.width}px;" in css and f"height: {layout.height}px;" in css
        for kind, px in layout.readable_px:
            assert px >= 34, (name, kind)
    assert layouts.get("landscape").min_px("body") == 44
    assert layouts.get("landscape").min_px("title") == 60
    assert layouts.get("landscape").min_px("table") == 36
    assert layouts.get("ticker").min_px("ticker") == 56


# -- rotation ----------------------------------------------------------------------------------


@pytest.mark.browser
def test_renders_first_item_and_rotates_after_its_duration(
    new_page: NewPage, harness: Harness
) -> None:
    manifest = harness.set_manifest(load_fixture("basic"))
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["online"] and s["item"] == 12)
    first = state(page)
    assert first["version"] == manifest["version"]
    assert first["segment"] == 0 and first["revision"] == 3 and first["page"] == 1
    assert "token=" not in page.url, "the token stays out of the address bar"
    assert title_on_screen(page) == "集义村2026年第三季度村级财务收支情况"
    assert page.text_content(".hdr-org") == "集义村"
    assert page.text_content(".hdr-board") == "党务村务公开"
    assert page.text_content(".hdr-date") == "2026年11月23日 星期一"
    assert re.fullmatch(r"09:0\d", str(page.text_content(".hdr-clock")))
    assert page.text_content(".qr-label") == "扫码提意见"
    assert page.locator(".qr svg path").count() == 1
    assert page.text_content(".side-validity") == "公布于 2026年10月12日"
    # Village affairs: the supervision committee's seal line, framed in red.
    assert page.text_content(".side-seal") == "监委会审核盖章 刘长顺"
    assert page.locator(".side-seal").is_visible()
    assert page.text_content(".ticker-text") == "欢迎扫码对公开内容提出意见和建议"

    # 10 s per page (the schedule's duration), then the next item of the sequence.
    for number in range(1, first["pages"]):
        advance(page, 10)
        wait_for(page, lambda s, n=number: s["page"] == n + 1 and s["item"] == 12)
    advance(page, 9)
    assert state(page)["item"] == 12, "not before the page's time is up"
    advance(page, 1.5)
    wait_for(page, lambda s: s["item"] == 7)
    assert title_on_screen(page) == "集义村党支部2026年11月主题党日活动安排"
    assert page.text_content(".side-validity") == "公开至 2026年12月31日"
    assert page.text_content(".side-seal") == "" and page.locator(".side-seal").is_hidden()
    paragraphs = page.locator("#main .body > p")
    assert paragraphs.count() == 3
    assert paragraphs.first.evaluate("p => getComputedStyle(p).textIndent") == "88px"

    advance(page, 8.5)
    wait_for(page, lambda s: s["item"] == 15)
    src = wait_js(
        page,
        "(() => { const i = document.querySelector('#main img'); "
        "return i && i.complete && i.naturalWidth > 0 && i.src; })()",
    )
    assert src.startswith("blob:"), "images come from the stored copy"
    advance(page, 6.5)
    wait_for(page, lambda s: s["item"] == 12 and s["page"] == 1)

    until(lambda: any(a.get("version") == manifest["version"] for a in harness.received.ack))
    assert any(s.get("current_item") == 7 for s in harness.received.status)
    asset_requests = [r for r in harness.received.requests if r[1].startswith("/assets/")]
    assert asset_requests and all(r[2] == f"Bearer {TOKEN}" for r in asset_requests)


@pytest.mark.browser
def test_long_table_is_split_into_pages_that_fit(new_page: NewPage, harness: Harness) -> None:
    manifest = harness.set_manifest(load_fixture("long_table"))
    body = manifest["items"][0]["body"]
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["item"] == 21)
    pages = page.evaluate("window.signagePlayer.pages()")
    assert len(pages) >= 4, pages
    assert all(p["header"] == body["columns"] for p in pages), "header row on every page"
    assert sum(p["rows"] for p in pages) == 60
    assert body["note"] in pages[-1]["text"]
    assert all(body["note"] not in p["text"] for p in pages[:-1])

    readable = layouts.get("landscape").min_px("table")
    numbers: list[str] = []
    for index in range(len(pages)):
        wait_for(page, lambda s, i=index: s["page"] == i + 1 and s["item"] == 21)
        m = page.evaluate(MEASURE_JS)
        assert not m["overflow"] and not m["wide"], f"page {index + 1} overflows: {m}"
        assert m["contentBottom"] <= m["bodyBottom"] + 0.5 <= m["mainBottom"] + 0.5
        assert min(m["cells"]) >= readable, f"cells below {readable}px: {min(m['cells'])}"
        assert m["title"] >= layouts.get("landscape").min_px("title")
        assert m["header"] == body["columns"]
        numbers.extend(m["firstCells"])
        assert page.text_content(".side-pages") == f"第 {index + 1}/{len(pages)} 页"
        advance(page, 12.2)
    assert numbers == [str(n) for n in range(1, 61)], "every row once, in order"
    wait_for(page, lambda s: s["page"] == 1)  # the only item starts again
    aligned = page.evaluate(
        "Array.from(document.querySelectorAll('#main tbody tr:first-child td'))"
        ".map(td => getComputedStyle(td).textAlign)"
    )
    assert aligned == ["right", "left", "left", "right", "right"]


@pytest.mark.browser
def test_long_text_is_split_into_pages_that_fit(new_page: NewPage, harness: Harness) -> None:
    manifest = harness.set_manifest(load_fixture("long_text"))
    text = manifest["items"][0]["body"]["text"]
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["item"] == 31)
    pages = page.evaluate("window.signagePlayer.pages()")
    assert len(pages) >= 3
    assert "".join(p["text"] for p in pages) == text.replace("\n", ""), "nothing lost or doubled"

    readable = layouts.get("landscape").min_px("body")
    continued = False
    for index in range(len(pages)):
        wait_for(page, lambda s, i=index: s["page"] == i + 1)
        m = page.evaluate(MEASURE_JS)
        assert not m["overflow"], f"page {index + 1} overflows: {m}"
        assert m["contentBottom"] <= m["bodyBottom"] + 0.5
        assert min(m["paragraphs"]) >= readable
        continued = continued or m["continued"]
        advance(page, 15.2)
    assert continued, "the paragraph longer than a page continues on the next one"


def walk_table_pages(page: Page, item: int, seconds_per_page: float) -> list[str]:
    """Every page of the table on screen, checked as shown: nothing cut at the bottom."""
    pages = page.evaluate("window.signagePlayer.pages()")
    numbers: list[str] = []
    for index in range(len(pages)):
        wait_for(page, lambda s, i=index: s["page"] == i + 1 and s["item"] == item)
        m = page.evaluate(MEASURE_JS)
        assert not m["overflow"], f"page {index + 1}/{len(pages)} cuts its last row: {m}"
        assert m["contentBottom"] <= m["bodyBottom"] + 0.5
        numbers.extend(m["firstCells"])
        advance(page, seconds_per_page)
    return numbers


@pytest.mark.browser
def test_led_board_never_cuts_a_row_when_its_stylesheet_arrives_late(
    new_page: NewPage, harness: Harness
) -> None:
    """Issue 10, blocker 2: pagination ran with the previous layout's stylesheet while the LED
    board's was still loading, so page 1 cut a row that page 2 then skipped."""
    manifest = load_fixture("long_table")
    manifest["layout"] = "led"
    harness.set_manifest(manifest)
    # (Requests the Service Worker makes would bypass the route: it is not needed here.)
    harness.hold("/player/layouts/led.css")
    page = new_page(*SIZES["led"])
    page.goto(f"{harness.base}/player/#token={TOKEN}")
    until(
        lambda: harness.held["/player/layouts/led.css"] > 0 and state(page).get("layout") == "led",
        what="the LED stylesheet asked for",
    )
    # A newer manifest arrives while the stylesheet is still on its way (the socket's push after
    # the first poll's answer), and the player ticks: nothing may be paginated before it applies.
    newer = copy.deepcopy(manifest)
    newer["ticker"] = [{"text": "欢迎扫码对公开内容提出意见和建议"}]
    version = harness.set_manifest(newer)["version"]
    until(lambda: state(page)["version"] == version, what="the newer manifest")
    advance(page, 2)
    assert state(page)["item"] is None, "nothing is paginated without the layout's styles"
    harness.release()
    wait_for(page, lambda s: s["item"] == 21 and s["mode"] == "playing")
    assert page.locator("link[rel=stylesheet][href*='landscape.css']").count() == 0
    numbers = walk_table_pages(page, 21, 12.2)
    assert numbers == [str(n) for n in range(1, 61)], "every row once, in order"


@pytest.mark.browser
def test_a_page_cut_on_screen_is_paginated_again_from_where_it_was(
    new_page: NewPage, harness: Harness
) -> None:
    """Whatever changes the metrics after pagination (a font arriving late, a style), the page
    on screen is checked every tick and the item paginated again without skipping a row."""
    manifest = load_fixture("long_table")
    manifest["layout"] = "led"
    harness.set_manifest(manifest)
    page = new_page(*SIZES["led"], bypass_csp=True)
    page.goto(f"{harness.base}/player/#token={TOKEN}")
    wait_for(page, lambda s: s["item"] == 21 and s["mode"] == "playing")
    advance(page, 12.2)
    wait_for(page, lambda s: s["page"] == 2)
    before = page.evaluate(MEASURE_JS)["firstCells"]
    pages_before = state(page)["pages"]
    # Larger text than the pages were measured with: page 2 no longer holds its rows.
    page.add_style_tag(content=".layout-led .body td { padding-bottom: 24px; }")
    assert page.evaluate(MEASURE_JS)["overflow"], "the style must cut the page for this test"
    advance(page, 1)
    wait_for(page, lambda s: s["pages"] > pages_before)
    now = page.evaluate(MEASURE_JS)
    assert not now["overflow"], now
    # The screen goes on from the page now holding the row it was showing first (that row
    # may now share a page with the row before it).
    assert before[0] in now["firstCells"], "the screen goes on from the row it was showing"
    current = state(page)["page"]
    numbers = before[:0]
    for index in range(current - 1, state(page)["pages"]):
        wait_for(page, lambda s, i=index: s["page"] == i + 1 and s["item"] == 21)
        m = page.evaluate(MEASURE_JS)
        assert not m["overflow"], f"page {index + 1} cuts its last row: {m}"
        numbers.extend(m["firstCells"])
        advance(page, 12.2)
    assert numbers == [str(n) for n in range(int(now["firstCells"][0]), 61)], "no row skipped"


@pytest.mark.browser
def test_pdf_pages_and_long_html_bodies(new_page: NewPage, harness: Harness) -> None:
    manifest = harness.set_manifest(load_fixture("media"))
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["item"] == 71)
    pages = page.evaluate("window.signagePlayer.pages()")
    assert [p["kind"] for p in pages] == ["media", "media"], "one page per page image"
    loaded = (
        "(() => { const i = document.querySelector('#main img'); "
        "return i && i.complete && i.naturalWidth > 0 && i.src; })()"
    )
    first = wait_js(page, loaded)
    advance(page, 7.1)
    wait_for(page, lambda s: s["page"] == 2)
    assert wait_js(page, loaded) != first

    advance(page, 7.1)
    wait_for(page, lambda s: s["item"] == 72)
    html_pages = page.evaluate("window.signagePlayer.pages()")
    assert len(html_pages) >= 2 and {p["kind"] for p in html_pages} == {"html"}
    expected = re.sub(r"<[^>]+>", "", manifest["items"][1]["body"]["text"])
    assert "".join(p["text"] for p in html_pages) == expected, "nothing lost or doubled"
    starts = []
    for index in range(len(html_pages)):
        wait_for(page, lambda s, i=index: s["page"] == i + 1 and s["item"] == 72)
        m = page.evaluate(MEASURE_JS)
        assert not m["overflow"], m
        starts.append(page.evaluate("(document.querySelector('#main ol') || {}).start || null"))
        advance(page, 9.1)
    numbered = [n for n in starts if n]
    assert numbered[0] == 1 and len(numbered) >= 2 and numbered[1] > 1, "numbering continues"


# -- time windows ------------------------------------------------------------------------------


@pytest.mark.browser
def test_expired_items_leave_on_time_even_with_the_server_gone(
    new_page: NewPage, harness: Harness
) -> None:
    harness.set_manifest(load_fixture("expiry"))
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["item"] == 41 and s["online"])
    assert state(page)["segment"] is None, "no schedule: every item in its window rotates"

    harness.stop()
    wait_for(page, lambda s: not s["online"])
    advance(page, 31)  # 41 ends at 09:00:30 although its 60 s are not over
    wait_for(page, lambda s: s["item"] == 42)
    assert title_on_screen(page) == "冬季森林防火巡查安排"

    advance(page, 90)  # 42 ends at 09:02; 43 starts only at 09:05
    wait_for(page, lambda s: s["mode"] == "idle" and s["item"] is None)
    assert page.text_content(".idle-text") == "暂无公开内容"
    assert page.text_content(".idle-org") == "集义村"
    assert re.fullmatch(r"09:0[23]", str(page.text_content(".idle-clock")))

    advance(page, 180)
    wait_for(page, lambda s: s["item"] == 43 and s["mode"] == "playing")
    assert not state(page)["online"]


@pytest.mark.browser
def test_restart_without_server_plays_from_storage(new_page: NewPage, harness: Harness) -> None:
    manifest = harness.set_manifest(load_fixture("basic"))
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["online"] and s["item"] == 12)
    until(lambda: any(a.get("version") == manifest["version"] for a in harness.received.ack))
    wait_js(page, "navigator.serviceWorker.controller !== null")
    # The page, every module of the player and every layout's stylesheet are kept offline.
    # (read-aloud.js is the villagers' pages' script, beside the speech module it shares.)
    modules = sorted(
        path.name for path in STATIC.glob("*.js") if path.name not in ("sw.js", "read-aloud.js")
    )
    shell = [
        "/player/",
        *(f"/player/static/{name}" for name in modules),
        "/player/static/vendor/idb.js",
        *(f"/player/layouts/{name}.css" for name in layouts.LAYOUTS),
    ]
    wait_js(
        page,
        "Promise.all(" + json.dumps(shell) + ".map((u) => caches.match(u, {ignoreSearch: true})))"
        ".then((hits) => hits.every((r) => !!r))",
    )

    harness.stop()
    page.reload()
    wait_for(page, lambda s: s["mode"] == "playing" and s["version"] == manifest["version"])
    assert not state(page)["online"]
    assert title_on_screen(page).startswith("集义村")
    assert page.url.endswith("/player/")
    assert page.evaluate("navigator.serviceWorker.controller !== null"), "served by the worker"
    for _ in range(6):
        if state(page)["item"] == 15:
            break
        finish_item(page, 10.5)
    assert state(page)["item"] == 15
    wait_js(
        page,
        "(() => { const i = document.querySelector('#main img'); "
        "return i && i.complete && i.naturalWidth > 0; })()",
    )


# -- urgent items and ticker -------------------------------------------------------------------


@pytest.mark.browser
def test_urgent_item_interrupts_then_alternates_and_scrolls(
    new_page: NewPage, harness: Harness
) -> None:
    basic = load_fixture("basic")
    harness.set_manifest(basic)
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["online"] and s["item"] == 12)

    harness.set_manifest(with_urgent(basic))  # pushed over Socket.IO
    wait_for(page, lambda s: s["item"] == 51 and s["urgent"])
    assert title_on_screen(page) == "紧急通知：今日14时至16时停水检修"
    ticker = page.locator(".ticker-text")
    assert "停水通知" in str(ticker.text_content())
    assert "scrolling" in str(ticker.get_attribute("class"))
    running = page.evaluate(
        "document.querySelector('.ticker-text').getAnimations()"
        ".some(a => a.playState === 'running')"
    )
    assert running
    # The scroll a second in and 0.4 s later, by seeking the running animation (not waiting).
    before, after = page.evaluate(
        """() => {
          const text = document.querySelector('.ticker-text');
          const scroll = text.getAnimations().find((a) => a.playState === 'running');
          const now = scroll.currentTime;
          scroll.currentTime = 1000;
          const before = text.getBoundingClientRect().left;
          scroll.currentTime = 1400;
          const after = text.getBoundingClientRect().left;
          scroll.currentTime = now;
          return [before, after];
        }"""
    )
    assert after < before, "the ticker text moves left"

    advance(page, 10.2)  # urgent, then the rotation goes on after the interrupted item
    wait_for(page, lambda s: s["item"] == 7 and not s["urgent"])
    advance(page, 8.2)
    wait_for(page, lambda s: s["item"] == 51)
    advance(page, 10.2)
    wait_for(page, lambda s: s["item"] == 15)

    advance(page, 180)  # 09:03: the urgent item and its ticker text expire
    seen = set()
    for _ in range(6):
        finish_item(page, 10.2)
        seen.add(state(page)["item"])
    assert 51 not in seen and seen <= {12, 7, 15}
    assert ticker.text_content() == "欢迎扫码对公开内容提出意见和建议"


# -- pairing -----------------------------------------------------------------------------------


@pytest.mark.browser
def test_pairing_shows_a_code_then_plays(
    new_page: NewPage, harness: Harness, screenshots: Path
) -> None:
    harness.set_manifest(load_fixture("basic"))
    harness.pair_after = 10_000
    page = new_page()
    page.goto(f"{harness.base}/player/")
    wait_for(page, lambda s: s["mode"] == "pairing")
    until(lambda: len(harness.pairings) == 1, what="a pairing code")
    first = next(iter(harness.pairings.values()))["code"]
    wait_js(page, f"document.getElementById('pairing-code').textContent === {json.dumps(first)}")
    assert page.locator("#pairing").is_visible()
    assert page.text_content(".pairing-hint") == "请在管理后台输入此配对码"
    assert harness.base in str(page.text_content("#pairing-server"))
    assert page.locator("#frame").is_hidden()
    page.screenshot(path=str(screenshots / "player-pairing-1.png"))

    harness.pair_expires_at = "2026-11-23T09:30:00+08:00"  # for the next code
    advance(page, 11 * 60)  # the first code expired (09:10): a new one
    until(lambda: len(harness.pairings) == 2, what="a second code")
    second = [p["code"] for p in harness.pairings.values()][-1]
    wait_js(page, f"document.getElementById('pairing-code').textContent === {json.dumps(second)}")

    harness.pair_after = 2
    for _ in range(10):
        advance(page, 3)
        if state(page)["mode"] != "pairing":
            break
    wait_for(page, lambda s: s["mode"] == "playing" and s["item"] == 12 and s["online"])
    stored = page.evaluate(READ_DB_JS, "kv")
    assert stored["token"] == TOKEN
    assert "manifest" in stored["keys"]


@pytest.mark.browser
def test_refused_token_returns_to_pairing(new_page: NewPage, harness: Harness) -> None:
    harness.set_manifest(load_fixture("basic"))
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["online"])
    harness.tokens = set()  # revoked
    harness.stop()
    harness.start()
    for _ in range(20):
        advance(page, 5)
        if state(page)["mode"] == "pairing":
            break
    wait_for(page, lambda s: s["mode"] == "pairing" and s["version"] is None)
    stored = page.evaluate(READ_DB_JS, "kv")
    assert stored["token"] is None and "manifest" not in stored["keys"]


# -- proof of play -----------------------------------------------------------------------------


@pytest.mark.browser
def test_played_records_are_sent_and_kept_while_offline(
    new_page: NewPage, harness: Harness
) -> None:
    harness.set_manifest(load_fixture("basic"))
    page = open_player(new_page, harness)
    wait_for(page, lambda s: s["online"] and s["item"] == 12)
    finish_item(page, 10.1)  # 12 → 7
    finish_item(page, 8.1)  # 7 → 15
    advance(page, 61)  # the minute's batch
    until(lambda: len(harness.received.played_records) >= 2, what="a played batch")
    records = harness.received.played_records
    assert [r["item"] for r in records[:2]] == [12, 7]
    assert records[0]["revision"] == 3 and records[1]["revision"] == 1
    for record in records:
        assert re.fullmatch(r"2026-11-23T09:\d\d:\d\d\+08:00", record["started_at"]), record
        assert isinstance(record["duration_s"], int | float) and record["duration_s"] > 0
    assert 7.9 <= records[1]["duration_s"] <= 9.5
    wait_for(page, lambda s: s["queued"] == 0)

    sent = len(harness.received.played_records)
    harness.stop()
    wait_for(page, lambda s: not s["online"])
    for _ in range(3):
        finish_item(page, 10.1)
    queued = page.evaluate(READ_DB_JS, "played")
    assert len(queued) >= 3, queued
    assert all(set(r) == {"item", "revision", "started_at", "duration_s"} for r in queued)
    assert len(harness.received.played_records) == sent

    harness.start()
    for _ in range(10):
        advance(page, 61)  # fires socket.io's reconnection timer and the minute's batch
        if state(page)["online"]:
            break
    until(
        lambda: len(harness.received.played_records) >= sent + len(queued),
        what="the offline records",
    )
    delivered = harness.received.played_records[sent:]
    assert [r["started_at"] for r in queued] == [r["started_at"] for r in delivered][: len(queued)]
    wait_for(page, lambda s: s["queued"] == 0)
    # The offline records left the store once the server had them. (The rotation went on
    # while the test advanced the clock to reconnect: a record of that time may be on its way
    # into the store just now; it is not one of these.)
    left = {r["started_at"] for r in page.evaluate(READ_DB_JS, "played")}
    assert not left & {r["started_at"] for r in queued}


@pytest.mark.browser
def test_offline_queue_keeps_only_the_newest_records(new_page: NewPage, harness: Harness) -> None:
    harness.set_manifest(load_fixture("basic"))
    script = (STATIC / "store.js").read_text(encoding="utf-8")
    small = script.replace("export const QUEUE_MAX = 10000;", "export const QUEUE_MAX = 3;")
    assert small != script
    page = new_page()
    page.route(
        "**/player/static/store.js*",
        lambda route: route.fulfill(body=small, content_type="text/javascript"),
    )
    page.goto(f"{harness.base}/player/?token={TOKEN}")
    wait_for(page, lambda s: s["online"] and s["item"] == 12)
    harness.stop()
    wait_for(page, lambda s: not s["online"])
    ended = []
    for _ in range(6):
        ended.append(state(page)["item"])
        finish_item(page, 10.1)
    wait_for(page, lambda s: s["queued"] == 3)
    queued = page.evaluate(READ_DB_JS, "played")
    assert [r["item"] for r in queued] == ended[-3:], "the oldest records were dropped"
    started = [r["started_at"] for r in queued]
    assert started == sorted(started)


@pytest.mark.browser
def test_an_old_link_with_the_token_in_the_query_still_works(
    new_page: NewPage, harness: Harness
) -> None:
    harness.set_manifest(load_fixture("basic"))
    page = new_page()
    page.goto(f"{harness.base}/player/?token={TOKEN}#keep")
    wait_for(page, lambda s: s["online"] and s["item"] == 12)
    assert "token" not in page.url
    assert page.url.endswith("/player/#keep")
    fresh = new_page()
    fresh.goto(f"{harness.base}/player/#token={TOKEN}")
    wait_for(fresh, lambda s: s["online"] and s["item"] == 12)
    assert "token" not in fresh.url


# -- untrusted content -------------------------------------------------------------------------


@pytest.mark.browser
def test_markup_in_content_is_shown_as_text_or_removed(new_page: NewPage, harness: Harness) -> None:
    harness.csp = False  # without CSP a mistake would run, not merely be blocked
    harness.set_manifest(load_fixture("xss"))
    page = new_page()
    page.add_init_script("window.__pwned = 0; window.__control = 0;")
    page.goto(f"{harness.base}/player/?token={TOKEN}")
    wait_for(page, lambda s: s["item"] == 61)

    checks = """
    () => {
      const main = document.getElementById('main');
      const bad = main.querySelectorAll('img, script, svg, iframe, math, a, style, object, embed');
      const attrs = Array.from(document.querySelectorAll('#frame *, #frame'))
        .flatMap((e) => Array.from(e.attributes).map((a) => a.name))
        .filter((n) => n.startsWith('on') || n === 'href' || n === 'src');
      const styled = Array.from(main.querySelectorAll('[style]')).filter((e) => !['COL', 'TABLE'].includes(e.tagName));  // set by the player
      return {bad: bad.length, attrs, styled: styled.length, pwned: window.__pwned,
              text: main.textContent, org: document.querySelector('.hdr-org').textContent,
              ticker: document.querySelector('.ticker-text').textContent};
    }
    """
    seen = {}
    for _ in range(3):
        current = state(page)["item"]
        time.sleep(0.3)  # give a wrongly inserted <img onerror> time to fail and fire
        seen[current] = page.evaluate(checks)
        advance(page, 5.2)
        wait_for(page, lambda s, c=current: s["item"] != c)
    assert set(seen) == {61, 62, 63}
    for result in seen.values():
        assert result["pwned"] == 0 and result["bad"] == 0 and result["styled"] == 0, result
        assert result["attrs"] == [], result
        assert result["org"].startswith("集义村<img src=x onerror=")
        assert result["ticker"].startswith("滚动<img src=x onerror=")
    assert '标题<img src=x onerror="window.__pwned' in seen[61]["text"]
    assert "正文<script>window.__pwned" in seen[61]["text"]
    assert "<img src=x onerror=" in seen[62]["text"] and "<script>" in seen[62]["text"]
    assert "<b onmouseover=x>粗</b>" in seen[62]["text"]
    html = seen[63]["text"]
    assert "第一段加粗" in html and "链接文字" in html and "单元格" in html and "条目二" in html
    assert "window.__pwned" not in html and "<" not in html

    advance(page, 10.4)  # back to item 63: its markup kept the allowed structure
    wait_for(page, lambda s: s["item"] == 63)
    structure = page.evaluate(
        "(() => { const b = document.querySelector('#main .body');"
        " return {strong: b.querySelectorAll('p > strong').length,"
        " td: b.querySelectorAll('td[colspan=\"2\"]').length, li: b.querySelectorAll('ul > li').length,"
        " pAttrs: Array.from(b.querySelectorAll('p')).map(p => p.attributes.length)}; })()"
    )
    assert structure["strong"] == 1 and structure["td"] == 1 and structure["li"] == 2
    assert set(structure["pAttrs"]) == {0}

    # Positive control: without CSP the trap does fire for markup inserted as HTML.
    page.evaluate(
        "document.body.insertAdjacentHTML('beforeend',"
        ' \'<img src="x" onerror="window.__control = 1">\')'
    )
    wait_js(page, "window.__control === 1")
    assert page.evaluate("window.__pwned") == 0


# -- preview -----------------------------------------------------------------------------------


@pytest.mark.browser
def test_preview_renders_without_socket_worker_or_reports(
    new_page: NewPage, harness: Harness
) -> None:
    harness.set_manifest(load_fixture("basic"))
    page = new_page()
    page.context.add_cookies([{"name": "operator", "value": "1", "url": harness.base}])
    page.goto(f"{harness.base}/player/preview")
    wait_for(page, lambda s: s["mode"] == "playing" and s["item"] == 12)
    assert state(page)["preview"] and not state(page)["online"]
    finish_item(page, 10.1)
    advance(page, 31)
    until(
        lambda: sum(r[1] == "/api/v1/preview/manifest" for r in harness.received.requests) >= 2,
        what="the preview refresh",
    )
    assert harness.received.connects == []
    assert page.evaluate("navigator.serviceWorker.getRegistrations().then(r => r.length)") == 0
    assert state(page)["queued"] == 0
    assert not any(r[1].startswith("/api/v1/player/") for r in harness.received.requests)


# -- layouts -----------------------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("layout", ["landscape", "portrait", "led", "ticker"])
def test_layout_screenshots(
    new_page: NewPage, harness: Harness, screenshots: Path, layout: str
) -> None:
    manifest = load_fixture("basic")
    manifest["layout"] = layout
    if layout == "ticker":
        manifest = with_urgent(manifest)
    harness.set_manifest(manifest)
    width, height = SIZES[layout]
    page = open_player(new_page, harness, width=width, height=height)
    wait_for(page, lambda s: s["layout"] == layout)
    box = page.locator("#frame").bounding_box()
    assert box is not None and (round(box["width"]), round(box["height"])) == (width, height)

    if layout == "ticker":
        assert state(page)["mode"] == "ticker"
        assert page.locator("#main").is_hidden() and page.locator(".region-header").is_hidden()
        text = str(page.text_content(".ticker-text"))
        assert text.startswith("停水通知") and "集义村党支部2026年11月主题党日活动安排" in text
        size = page.evaluate(
            "parseFloat(getComputedStyle(document.querySelector('.ticker-text')).fontSize)"
        )
        assert size >= layouts.get("ticker").min_px("ticker")
        for n, progress in ((1, 0.12), (2, 0.45)):
            page.evaluate(
                "(p) => document.getAnimations().forEach(a => {"
                " a.pause(); a.currentTime = a.effect.getComputedTiming().duration * p; })",
                progress,
            )
            page.screenshot(path=str(screenshots / f"player-{layout}-{n}.png"))
        return

    readable = layouts.get(layout)
    for n, item in ((1, 12), (2, 7)):
        while state(page)["item"] != item:
            finish_item(page, 10.1)
        m = page.evaluate(MEASURE_JS)
        assert not m["overflow"] and not m["wide"], m
        assert m["title"] >= (readable.min_px("title") or 0)
        assert min(m["cells"] + m["notes"] or [99]) >= (readable.min_px("table") or 0)
        assert min(m["paragraphs"] or [99]) >= (readable.min_px("body") or 0)
        clipped = page.evaluate(
            "Array.from(document.querySelectorAll('.region-header > *, .region-side > *'))"
            ".filter(e => getComputedStyle(e).display !== 'none')"
            ".filter(e => e.scrollWidth > e.clientWidth + 1).map(e => e.className)"
        )
        assert clipped == []
        # Nothing of the side region (QR code, category, validity, the seal line, the page
        # number) runs past its bottom into the footer.
        below = page.evaluate(
            "(() => { const side = document.querySelector('.region-side');"
            " const bottom = side.getBoundingClientRect().bottom;"
            " return Array.from(side.children)"
            ".filter(e => getComputedStyle(e).display !== 'none' && e.textContent.trim() !== '')"
            ".filter(e => e.getBoundingClientRect().bottom > bottom + 1)"
            ".map(e => e.className); })()"
        )
        assert below == [], below
        page.screenshot(path=str(screenshots / f"player-{layout}-{n}.png"))

    if layout == "landscape":  # a 1366×768-class TV: the same design, scaled and letterboxed
        page.set_viewport_size({"width": 1366, "height": 900})
        box = wait_js(
            page,
            "(() => { const r = document.getElementById('frame').getBoundingClientRect();"
            " return r.width < 1400 && {x: r.x, y: r.y, w: r.width, h: r.height}; })()",
        )
        assert round(box["w"]) == 1366 and round(box["h"]) == 768 and round(box["y"]) == 66
        page.screenshot(path=str(screenshots / f"player-{layout}-3.png"))


@pytest.mark.browser
def test_a_screen_smaller_than_the_design_paginates_as_the_design(
    new_page: NewPage, harness: Harness
) -> None:
    """The frame is scaled to the screen (a 540×960 box shows the 1080×1920 design at 0.5):
    column widths and pages must be those of the design, not of the scaled picture."""
    manifest = load_fixture("long_table")
    manifest["layout"] = "portrait"
    harness.set_manifest(manifest)
    rows = {}
    for width, height in ((1080, 1920), (540, 960)):
        page = open_player(new_page, harness, width=width, height=height)
        wait_for(page, lambda s: s["item"] == 21)
        rows[width] = [p["rows"] for p in page.evaluate("window.signagePlayer.pages()")]
        page.context.close()
    assert rows[540] == rows[1080]
