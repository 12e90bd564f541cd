"""定时朗读 holds the rotation: while an item is read aloud the screen stays on it, its pages
following the reading; after it the rotation goes on with the next item; an urgent item, a
withdrawn item and the 10-minute limit end the reading at once.

The box's speech engine is the fake of test_read_aloud.py, injected before the page loads: it
records what it is asked to say, and an utterance ends only when the test says so
(``window.__finishOne()``). Time is
Playwright's fake clock, as in test_player.py.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest
from playwright.sync_api import Page

from tests.browser.test_read_aloud import FAKE_SPEECH
from tests.player.harness import TOKEN
from tests.player.harness import Harness
from tests.player.harness import load_fixture
from tests.player.test_player import NewPage
from tests.player.test_player import advance
from tests.player.test_player import state
from tests.player.test_player import until
from tests.player.test_player import wait_for
from tests.player.test_player import with_urgent

pytestmark = pytest.mark.browser

LONG_TABLE = 21


def reading_manifest() -> dict[str, Any]:
    """A long table (several pages, 12 s each), then the basic fixture's text and image items;
    the screen reads when a key of its box is pressed."""
    basic = load_fixture("basic")
    manifest = copy.deepcopy(basic)
    manifest["items"] = load_fixture("long_table")["items"] + [
        i for i in basic["items"] if i["id"] != 12
    ]
    manifest.pop("schedule")  # manifest order: 21, 7, 15
    manifest["read_aloud"] = {"times": [], "key": True}
    return manifest


def finish_one(page: Page) -> int:
    left: int = page.evaluate("window.__finishOne()")
    return left


def reading_on_page_two(
    new_page: NewPage, harness: Harness, manifest: dict[str, Any] | None = None
) -> Page:
    """A player with the long table's second page on screen when a key starts reading it."""
    harness.set_manifest(manifest or reading_manifest())
    page = new_page()
    page.add_init_script(FAKE_SPEECH)
    page.goto(f"{harness.base}/player/#token={TOKEN}")
    wait_for(page, lambda s: s["online"] and s["item"] == LONG_TABLE and s["page"] == 1)
    advance(page, 12.2)
    wait_for(page, lambda s: s["item"] == LONG_TABLE and s["page"] == 2)
    page.keyboard.press("Enter")
    # The reading starts with the title: the item's first page.
    wait_for(page, lambda s: s["reading"] and s["page"] == 1)
    spoken = page.evaluate("window.__spoken")
    assert spoken[0]["text"] == "集义村2026年耕地地力保护补贴发放明细公示"
    return page


def test_the_rotation_holds_while_reading_pages_follow_and_resumes_after(
    new_page: NewPage, harness: Harness
) -> None:
    page = reading_on_page_two(new_page, harness)
    pages = page.evaluate("window.signagePlayer.pages()")
    assert len(pages) >= 3
    rows_on_first = pages[0]["rows"]

    # Far beyond the item's pages (12 s each): the screen stays on the page being read.
    advance(page, 90)
    now = state(page)
    assert now["item"] == LONG_TABLE and now["page"] == 1 and now["reading"], now

    # Title, caption, then the rows of the first page: the page turns with the next row.
    for _ in range(2 + rows_on_first - 1):
        finish_one(page)
    advance(page, 1)
    assert state(page)["page"] == 1
    finish_one(page)
    advance(page, 1)
    wait_for(page, lambda s: s["page"] == 2 and s["item"] == LONG_TABLE and s["reading"])
    first_of_page_two = load_fixture("long_table")["items"][0]["body"]["rows"][rows_on_first]
    row = page.evaluate("window.__spoken")[2 + rows_on_first]["text"]
    assert row.startswith(f"序号：{first_of_page_two[0]}，"), row

    # Read to the end, a part a second: every page in turn, each shown while it is read.
    seen = [1, 2]
    while page.evaluate("window.__left()"):
        finish_one(page)
        advance(page, 1)
        if state(page)["page"] != seen[-1]:
            seen.append(state(page)["page"])
    assert seen == list(range(1, len(pages) + 1)), seen
    # Said: the last page stays a moment, then the next item (not the item's first page).
    now = state(page)
    assert now["item"] == LONG_TABLE and not now["reading"] and now["page"] == len(pages), now
    advance(page, 3)
    wait_for(page, lambda s: s["item"] == 7 and not s["reading"])

    # Proof of play: the time held counts for the item read (about 2 minutes on screen).
    advance(page, 61)
    until(lambda: any(r["item"] == LONG_TABLE for r in harness.received.played_records))
    record = next(r for r in harness.received.played_records if r["item"] == LONG_TABLE)
    assert record["duration_s"] >= 12 + 90 + 4, record


def test_an_urgent_item_stops_the_reading_and_takes_the_screen(
    new_page: NewPage, harness: Harness
) -> None:
    manifest = reading_manifest()
    page = reading_on_page_two(new_page, harness, manifest)
    cancelled = page.evaluate("window.__cancelled")
    harness.set_manifest(with_urgent(manifest))
    wait_for(page, lambda s: s["item"] == 51 and s["urgent"] and not s["reading"])
    assert page.evaluate("window.__cancelled") > cancelled, "the speech engine was stopped"
    assert page.evaluate("window.__left()") == 0


def test_a_withdrawn_item_is_no_longer_read(new_page: NewPage, harness: Harness) -> None:
    manifest = reading_manifest()
    page = reading_on_page_two(new_page, harness, manifest)
    cancelled = page.evaluate("window.__cancelled")
    withdrawn = copy.deepcopy(manifest)
    withdrawn["items"] = [i for i in manifest["items"] if i["id"] != LONG_TABLE]
    harness.set_manifest(withdrawn)
    wait_for(page, lambda s: s["item"] != LONG_TABLE and not s["reading"])
    assert page.evaluate("window.__cancelled") > cancelled
    assert page.evaluate("window.__left()") == 0
    advance(page, 30)
    assert state(page)["item"] != LONG_TABLE


def test_a_stuck_speech_engine_holds_the_screen_ten_minutes_at_most(
    new_page: NewPage, harness: Harness
) -> None:
    page = reading_on_page_two(new_page, harness)
    advance(page, 9 * 60)
    assert state(page)["reading"] and state(page)["item"] == LONG_TABLE
    advance(page, 61)
    wait_for(page, lambda s: not s["reading"])
    assert page.evaluate("window.__left()") == 0, "the engine was told to stop"
    advance(page, 3.1)
    wait_for(page, lambda s: s["item"] == 7)
    # A key reads again, and a second press stops it: the rotation goes on.
    page.keyboard.press("Enter")
    wait_for(page, lambda s: s["reading"] and s["item"] == 7)
    page.keyboard.press("MediaPlayPause")
    wait_for(page, lambda s: not s["reading"])
