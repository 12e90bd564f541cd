"""The player's all-pages preview (``?all_pages=1``, the item editor's): every page of the item
side by side, paginated by the same code as on a screen, nothing rotating."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

import layouts
from player import STATIC
from signage_server.screens.layouts import player_definitions
from tests.player.harness import Harness
from tests.player.harness import load_fixture
from tests.player.test_player import SIZES
from tests.player.test_player import NewPage
from tests.player.test_player import advance
from tests.player.test_player import open_player
from tests.player.test_player import state
from tests.player.test_player import wait_for
from tests.player.test_player import wait_js

pytestmark = pytest.mark.browser

#: Each page of the sheet as shown: label, overflow of its body, first cells, rows, its box.
SHEET_JS = """
() => Array.from(document.querySelectorAll('.all-pages-page')).map((box) => {
  const body = box.querySelector('.body');
  const screen = box.querySelector('.all-pages-screen').getBoundingClientRect();
  return {
    page: box.dataset.page,
    label: box.querySelector('.all-pages-label').textContent,
    overflow: body ? body.scrollHeight > body.clientHeight + 1 : null,
    firstCells: body ? Array.from(body.querySelectorAll('tbody:not(.thead) tr td:first-child'))
      .map((td) => td.textContent) : [],
    indicator: box.querySelector('.side-pages').textContent,
    box: [screen.left, screen.top, screen.width, screen.height],
  };
})
"""


def sheet_ready(page: Page) -> int:
    """Wait for the sheet; return its number of pages."""
    return int(
        wait_js(page, "(document.querySelector('.all-pages') || {dataset: {}}).dataset.pages")
    )


def open_sheet(new_page: NewPage, harness: Harness, width: int, height: int) -> Page:
    page = new_page(width, height)
    page.context.add_cookies([{"name": "operator", "value": "1", "url": harness.base}])
    page.goto(f"{harness.base}/player/preview?all_pages=1")
    wait_for(page, lambda s: s["mode"] == "playing" and s["pages"] > 0)
    sheet_ready(page)
    return page


def rotating_rows(new_page: NewPage, harness: Harness, layout: str, item: int) -> list[int]:
    """Rows per page of ``item`` in the rotating player at the layout's own size."""
    page = open_player(new_page, harness, width=SIZES[layout][0], height=SIZES[layout][1])
    wait_for(page, lambda s: s["item"] == item and s["layout"] == layout)
    rows = [p["rows"] for p in page.evaluate("window.signagePlayer.pages()")]
    page.context.close()
    return rows


def test_player_knows_every_layouts_short_name() -> None:
    """The labels the player writes are the layouts' own names (layouts/<name>.json), taken
    from the server's definitions on the page, not from a copy in the player's code."""
    labels = {n: d["label"] for n, d in player_definitions()["layouts"].items()}
    assert labels == {n: lay.label_zh.rsplit(" ", 1)[0] for n, lay in layouts.LAYOUTS.items()}
    for path in STATIC.glob("*.js"):
        source = path.read_text(encoding="utf-8")
        assert not any(f"'{label}'" in source for label in labels.values()), path.name


@pytest.mark.parametrize("layout", ["landscape", "portrait", "led"])
def test_every_page_side_by_side_as_the_rotating_player_paginates(
    new_page: NewPage, harness: Harness, screenshots: Path, layout: str
) -> None:
    manifest = load_fixture("long_table")
    manifest["layout"] = layout
    harness.set_manifest(manifest)
    expected = rotating_rows(new_page, harness, layout, 21)
    assert len(expected) >= 2

    # A preview column of an editor: narrower than the screen, the pages scaled down.
    page = open_sheet(new_page, harness, 700, 900)
    count = sheet_ready(page)
    assert count == len(expected) == state(page)["pages"]
    assert [p["rows"] for p in page.evaluate("window.signagePlayer.pages()")] == expected
    sheet = page.evaluate(SHEET_JS)
    name = {"landscape": "横屏", "portrait": "竖屏", "led": "LED 屏"}[layout]
    assert [p["label"] for p in sheet] == [f"{name} 第{i}/{count}页" for i in range(1, count + 1)]
    assert [p["indicator"] for p in sheet] == [f"第 {i}/{count} 页" for i in range(1, count + 1)]
    assert not any(p["overflow"] for p in sheet), "no page cuts its last row"
    numbers = [n for p in sheet for n in p["firstCells"]]
    assert numbers == [str(n) for n in range(1, 61)], "every row once, in order"
    width, height = SIZES[layout]
    for p in sheet:
        left, _top, w, h = p["box"]
        assert left >= 0 and left + w <= 700 + 0.5, "scaled to the viewport's width"
        assert abs(w / h - width / height) < 0.02, "the screen's proportions"
    page.screenshot(path=str(screenshots / f"preview-pages-{layout}.png"), full_page=True)

    advance(page, 120)  # nothing rotates
    assert page.evaluate(SHEET_JS) == sheet


def test_a_new_manifest_is_paginated_afresh(new_page: NewPage, harness: Harness) -> None:
    manifest = load_fixture("long_table")
    harness.set_manifest(manifest)
    page = open_sheet(new_page, harness, 700, 900)
    before = sheet_ready(page)
    shorter = copy.deepcopy(manifest)
    body: dict[str, Any] = shorter["items"][0]["body"]
    body["rows"] = body["rows"][:3]
    harness.set_manifest(shorter)
    advance(page, 31)  # the preview asks again every 30 s
    wait_js(page, "document.querySelector('.all-pages').dataset.pages === '1'")
    assert before > 1
    assert page.evaluate(SHEET_JS)[0]["label"] == "横屏"
    assert page.evaluate(SHEET_JS)[0]["firstCells"] == ["1", "2", "3"]


def test_the_ticker_strip_is_shown_still(new_page: NewPage, harness: Harness) -> None:
    manifest = load_fixture("long_table")
    manifest["layout"] = "ticker"
    harness.set_manifest(manifest)
    page = new_page(700, 900)
    page.context.add_cookies([{"name": "operator", "value": "1", "url": harness.base}])
    page.goto(f"{harness.base}/player/preview?all_pages=1")
    wait_for(page, lambda s: s["mode"] == "ticker")
    wait_js(page, "document.querySelectorAll('.all-pages-page').length === 1")
    strip = page.locator(".all-pages .ticker-text")
    assert manifest["items"][0]["title"] in str(strip.text_content())
    assert "scrolling" not in str(strip.get_attribute("class"))
    assert page.locator(".all-pages-label").text_content() == "滚动字幕条"
