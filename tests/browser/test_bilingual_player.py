"""Issue 15, screens: a bilingual item played by the real player in every layout, side by side
and alternating. The Uyghur table reads right to left with the Chinese table's numbers; the
Mongolian notice is set vertically; nothing is cut and every page is shown once.

The screen's preview page is the player (operator's session, no socket); its manifest address
is answered here with a manifest built from the demo's bilingual texts, the way the server
compiles one (``manifests._item_json``: the item's translation with its language's setting).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import Page
from playwright.sync_api import Route

from content.languages import presented
from signage_server.demo import bilingual
from tests.browser.conftest import Live
from tests.browser.test_admin_ui import log_in
from tests.browser.test_screens import SIZES
from tests.browser.test_screens import api
from tests.browser.test_screens import register
from tests.browser.test_screens import wait_js
from tests.browser.test_screens import wait_state

pytestmark = pytest.mark.browser

MODES = ("side", "alternate")


def translation(second: dict[str, Any], ticker: str) -> dict[str, Any]:
    shown = presented(second)
    assert shown is not None
    return {**shown, "ticker": ticker}


def items(template: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The demo's two bilingual items, as manifest entries shaped like ``template``."""
    base = {
        **template,
        "valid_from": None,
        "valid_until": None,
        "urgent": False,
        "duration_s": 1,
        "path": None,
    }
    finance_ug = bilingual.uyghur_finance()
    notice_mn = bilingual.mongolian_notice()
    return {
        "ug": {
            **base,
            "id": 9001,
            "revision": 1,
            "content_sha256": "ug" * 32,
            "title": bilingual.FINANCE_TITLE_ZH,
            "body": bilingual.FINANCE_ZH,
            "assets": [],
            "translation": translation(finance_ug, finance_ug["title"]),
        },
        "mn": {
            **base,
            "id": 9002,
            "revision": 1,
            "content_sha256": "mn" * 32,
            "title": bilingual.NOTICE_TITLE_ZH,
            "body": {"type": "text", "format": "plain", "text": bilingual.NOTICE_ZH},
            "assets": [],
            "translation": translation(notice_mn, notice_mn["title"]),
        },
    }


def manifest_of(
    template: dict[str, Any], item: dict[str, Any], layout: str, mode: str
) -> dict[str, Any]:
    second = item["translation"]
    ticker = [
        {
            "item": item["id"],
            "revision": 1,
            "text": "紧急：" + item["title"],
            "valid_from": None,
            "valid_until": None,
            "translation": {
                **{k: second[k] for k in ("lang", "tag", "dir", "vertical", "font")},
                "text": second["title"],
            },
        }
    ]
    return {
        **template,
        "version": f"bilingual-{item['id']}-{layout}-{mode}",
        "layout": layout,
        "items": [item],
        "schedule": [],
        "ticker": ticker,
        "bilingual": mode,
    }


@pytest.fixture(scope="module")
def preview(browser: Browser, live: Live) -> Iterator[tuple[Page, dict[str, Any], Any]]:
    """An operator's page, the screen's real manifest and a setter for the served one."""
    screen = register(live)
    real = api(live.base, screen["token"], "/api/v1/player/manifest")
    context = browser.new_context(viewport={"width": 1920, "height": 1080}, locale="zh-CN")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    log_in(page, live.base, "jiyi01_operator")
    served: dict[str, Any] = {}

    def answer(route: Route) -> None:
        route.fulfill(status=200, content_type="application/json", body=json.dumps(served["m"]))

    page.route(re.compile(r"/screens/\d+/preview/manifest"), answer)

    def serve(manifest: dict[str, Any], query: str) -> None:
        served["m"] = manifest
        page.goto(f"{live.base}/screens/{screen['id']}/preview?{query}")

    yield page, real, serve
    context.close()
    assert not errors, errors


SHEET_JS = """
() => {
  const ROWS = ['tbody:not(.thead) tr', '.record:not(.cont)'];
  const pages = Array.from(document.querySelectorAll('.all-pages-page'));
  const oversize = window.signagePlayer.pages().filter((p) => p.oversize).length;
  const second = Array.from(document.querySelectorAll('.all-pages .page.second'));
  const nums = (sel) => Array.from(document.querySelectorAll(sel)).map((td) => td.textContent);
  return {
    pages: pages.length,
    // The paginator's own check (browserMetrics.overflows: a vertical body by its width). No
    // page is ever cut, not even on an LED board (a table too tall is stacked as records).
    cut: pages.filter((p) => Array.from(p.querySelectorAll('.body'))
      .some((b) => b.scrollHeight > b.clientHeight + 1 ||
        (getComputedStyle(b).writingMode !== 'horizontal-tb' && b.scrollWidth > b.clientWidth + 1)))
      .map((p) => p.textContent.slice(0, 30)),
    oversize,
    second: second.map((p) => ({
      lang: p.getAttribute('lang'), dir: p.getAttribute('dir'),
      mode: getComputedStyle(p).writingMode, font: getComputedStyle(p).fontFamily,
      title: p.querySelector('.item-title').textContent,
    })),
    zhText: Array.from(document.querySelectorAll('.all-pages .page:not(.second) .body'))
      .map((b) => b.textContent).join(''),
    secondText: Array.from(document.querySelectorAll('.all-pages .page.second .body'))
      .map((b) => b.textContent).join(''),
    // Amounts in table cells or on record cards (a table stacked as records).
    zhNums: nums('.all-pages .page:not(.second) td.num, .all-pages .page:not(.second) .record .num'),
    secondNums: nums('.all-pages .page.second td.num, .all-pages .page.second .record .num'),
    secondNumDir: Array.from(document.querySelectorAll(
      '.all-pages .page.second td.num, .all-pages .page.second .record .num'))
      .map((td) => getComputedStyle(td).direction),
    // Data rows, or record cards (a card going on from the page before aside).
    zhRows: document.querySelectorAll(ROWS.map((r) => '.all-pages .page:not(.second) ' + r).join()).length,
    secondRows: document.querySelectorAll(ROWS.map((r) => '.all-pages .page.second ' + r).join()).length,
    zhRecords: document.querySelectorAll('.all-pages .page:not(.second) .record').length,
    secondRecords: document.querySelectorAll('.all-pages .page.second .record').length,
    // Data rows (or cards) on each second-language page that has a table.
    secondPageRows: Array.from(document.querySelectorAll('.all-pages .page.second'))
      .map((p) => p.querySelectorAll(ROWS.join()).length).filter((n) => n > 0),
    // Pages whose only card is a total card (the total never stands alone).
    aloneTotals: Array.from(document.querySelectorAll('.all-pages .page .body.records'))
      .filter((b) => { const c = b.querySelectorAll('.record'); return c.length === 1 && c[0].matches('.total'); })
      .length,
    // Names and amounts on a card on more than one line (never broken inside).
    brokenValues: Array.from(document.querySelectorAll(
      '.all-pages .record .value.short, .all-pages .record .value.num, .all-pages .record .label'))
      .filter((v) => v.getBoundingClientRect().height > 1.5 * parseFloat(getComputedStyle(v).lineHeight))
      .map((v) => v.textContent),
    // Words of second-language table cells whose letters are laid out on more than one line
    // (broken inside: the joined letters of Uyghur torn apart), e.g. مۇلازىمە/ت. A line may
    // end at a hyphen (سۇ-/توك): no letters join across it.
    splitWords: Array.from(document.querySelectorAll(
      '.all-pages .page.second .body th, .all-pages .page.second .body td, ' +
      '.all-pages .page.second .record .label, .all-pages .page.second .record .value')).flatMap((cell) => {
      const split = [];
      const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node; node = walker.nextNode()) {
        for (const m of node.nodeValue.matchAll(/[^\\s-]+/g)) {
          const range = document.createRange();
          range.setStart(node, m.index);
          range.setEnd(node, m.index + m[0].length);
          const rects = Array.from(range.getClientRects()).filter((r) => r.width > 0 && r.height > 0);
          if (!rects.length) continue;
          const mids = rects.map((r) => (r.top + r.bottom) / 2);
          const line = Math.min(...rects.map((r) => r.height));
          if (Math.max(...mids) - Math.min(...mids) > line / 2) split.push(m[0]);
        }
      }
      return split;
    }),
    pairs: document.querySelectorAll('.all-pages .pair').length,
    ticker: document.querySelector('.all-pages .ticker-text').textContent,
  };
}
"""


def test_bilingual_items_in_every_layout_both_ways(preview: Any, screenshots: Path) -> None:
    page, real, serve = preview
    template = {k: v for k, v in real.items() if k not in ("items", "ticker", "schedule")}
    entry = {k: v for k, v in real["items"][0].items() if k not in ("translation", "seal")}
    demo = items(entry)
    for layout in SIZES:
        for mode in MODES:
            for lang, item in demo.items():
                serve(manifest_of(template, item, layout, mode), "all_pages=1")
                wait_js(page, f"document.querySelector('.all-pages[data-layout={layout}]')")
                page.evaluate("document.fonts.ready.then(() => true)")
                m = page.evaluate(SHEET_JS)
                where = f"{layout} {mode} {lang}"
                if layout == "ticker":
                    # The strip: the Chinese run first (the second language's follows it).
                    assert m["ticker"].startswith("紧急："), where
                    continue
                assert not m["cut"], f"{where}: a page is cut: {m['cut']}"
                assert not m["oversize"], where
                assert not m["aloneTotals"], f"{where}: a total card alone"
                assert not m["brokenValues"], f"{where}: broken: {m['brokenValues']}"
                assert m["second"], where
                for second in m["second"]:
                    assert second["lang"] == item["translation"]["tag"], where
                    assert second["title"] == item["translation"]["title"], where
                    assert item["translation"]["font"] in second["font"], where
                    if lang == "ug":
                        assert second["dir"] == "rtl", where
                    else:
                        assert second["mode"] == "vertical-lr", where
                if lang == "mn":
                    # Every character once, in order, in both languages.
                    zh = "".join(bilingual.NOTICE_ZH.split("\n"))
                    mn = "".join(bilingual.NOTICE_MN.split("\n"))
                    assert m["zhText"] == zh, where
                    assert m["secondText"] == mn, where
                else:
                    assert m["zhRows"] == m["secondRows"] == 4, where
                    assert m["secondNums"] == m["zhNums"], where
                    assert "45,000.00" in m["secondNums"], where
                    assert set(m["secondNumDir"]) == {"ltr"}, where
                    # A word is never broken inside, however narrow its column.
                    assert not m["splitWords"], f"{where}: words broken: {m['splitWords']}"
                    if layout == "led":
                        # Its rows are taller than an LED board's page: stacked as records,
                        # one card a row, in both languages.
                        assert m["zhRecords"] >= 4 and m["secondRecords"] >= 4, where
                    if layout == "landscape":
                        # The Uyghur table fits on one page, as its Chinese table does (its
                        # note, which does not fit under it, never splits it).
                        assert max(m["secondPageRows"]) == 4, f"{where}: {m['secondPageRows']}"
                if (layout, mode, lang) == ("landscape", "side", "mn"):
                    # Side by side where each half has room (elsewhere it may alternate: a
                    # table too wide for half the width, a vertical title filling a half).
                    assert m["pairs"] > 0, where
                if mode == "alternate":
                    assert m["pairs"] == 0, where


def test_alternate_plays_the_chinese_pages_then_the_second_language(
    preview: Any, screenshots: Path
) -> None:
    page, real, serve = preview
    template = {k: v for k, v in real.items() if k not in ("items", "ticker", "schedule")}
    entry = {k: v for k, v in real["items"][0].items() if k not in ("translation", "seal")}
    item = items(entry)["mn"]
    serve(manifest_of(template, item, "landscape", "alternate"), "")
    state = wait_state(page, lambda s: s.get("item") == 9002)
    described = page.evaluate("window.signagePlayer.pages()")
    langs = [p.get("lang", "") for p in described]
    assert langs == sorted(langs, key=bool), "the Chinese pages first, then the Mongolian"
    assert "mn-Mong" in langs and "" in langs
    seen = set()
    for n in range(1, state["pages"] + 1):
        wait_state(page, lambda s, n=n: s.get("page") == n, timeout=10)
        seen.add(n)
    assert seen == set(range(1, len(described) + 1)), "every page is shown in the item's turn"


def test_second_language_pages_pass_axe_and_aaa_contrast(preview: Any) -> None:
    """Every page of the bilingual items at once (the all-pages view of the real player): the
    second language's text meets 7:1 as the Chinese does, and axe finds nothing serious."""
    from tests.browser.test_a11y import CONTRAST
    from tests.browser.test_a11y import SCREEN_CONTRAST
    from tests.browser.test_a11y import axe

    page, real, serve = preview
    template = {k: v for k, v in real.items() if k not in ("items", "ticker", "schedule")}
    entry = {k: v for k, v in real["items"][0].items() if k not in ("translation", "seal")}
    demo = items(entry)
    problems: list[str] = []
    for layout, mode, lang in (
        ("landscape", "side", "ug"),
        ("led", "alternate", "ug"),
        ("portrait", "alternate", "mn"),
    ):
        serve(manifest_of(template, demo[lang], layout, mode), "all_pages=1")
        wait_js(page, f"document.querySelector('.all-pages[data-layout={layout}]')")
        page.evaluate("document.fonts.ready.then(() => true)")
        where = f"{layout} {mode} {lang}"
        second = page.locator(f"[lang='{demo[lang]['translation']['tag']}']")
        assert second.count() > 0, where
        measured = page.evaluate(CONTRAST, SCREEN_CONTRAST)
        problems += [f"{where}: contrast below 7:1: {line}" for line in measured["failures"]]
        # The all-pages view lays every page out in one document taller than the window, so
        # its <html> scrolls: that is the operator's preview, not a screen (the screens' own
        # layouts are checked whole in tests/browser/test_a11y.py).
        problems += [
            line
            for line in axe(page, where)
            if "scrollable-region-focusable (serious): html " not in line
        ]
    assert not problems, "\n".join(problems)
