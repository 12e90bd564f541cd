"""Issue 10, items 3 and 4: the screens' typography, read from 5 metres.

Names, dates and amounts never break inside a cell; amounts are written one way (the rule of
content/numbers.py, mirrored in the player and checked here against the same vectors); a
total row never stands alone on a page; a caption repeating the title is not shown; titles
break between words only; an urgent item carries a 紧急通知 band; the side panel's text is as
large as the table's. Checked on the page as shown, at every layout that shows a main region.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page

import layouts
from tests.player.harness import Harness
from tests.player.harness import load_fixture
from tests.player.test_player import SIZES
from tests.player.test_player import NewPage
from tests.player.test_player import advance
from tests.player.test_player import open_player
from tests.player.test_player import state
from tests.player.test_player import wait_for
from tests.player.test_player import with_urgent

VECTORS: dict[str, Any] = json.loads(
    (Path(__file__).parents[1] / "unit" / "content" / "table_cells.json").read_text(
        encoding="utf-8"
    )
)
MONEY = re.compile(r"^-?\d{1,3}(?:,\d{3})*\.\d{2}$")
SCREENS = ["landscape", "portrait", "led"]

#: The table and title on screen, as laid out: lines of the title, each cell's lines.
PAGE_JS = """
() => {
  const main = document.getElementById('main');
  const range = document.createRange();
  const lineCount = (el) => {
    range.selectNodeContents(el);
    const tops = new Set(Array.from(range.getClientRects())
      .filter((r) => r.width > 0).map((r) => Math.round(r.top)));
    return tops.size;
  };
  const titleLines = (el) => {
    const lines = [];
    let lastTop = null;
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, null);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      for (let i = 0; i < node.nodeValue.length; i++) {
        range.setStart(node, i);
        range.setEnd(node, i + 1);
        const top = Math.round(range.getBoundingClientRect().top);
        if (lastTop === null || Math.abs(top - lastTop) > 4) lines.push('');
        lastTop = top;
        lines[lines.length - 1] += node.nodeValue[i];
      }
    }
    return lines;
  };
  const body = main.querySelector('.body');
  const cells = Array.from(main.querySelectorAll('tbody:not(.thead) td')).map((td) => ({
    cls: td.className,
    text: td.textContent,
    lines: td.textContent ? lineCount(td) : 1,
    align: getComputedStyle(td).textAlign,
    size: parseFloat(getComputedStyle(td).fontSize),
  }));
  const band = main.querySelector('.urgent-band');
  return {
    title: main.querySelector('.item-title').textContent,
    titleLines: titleLines(main.querySelector('.item-title')),
    caption: (main.querySelector('caption') || {}).textContent || null,
    cells,
    rows: Array.from(main.querySelectorAll('tbody:not(.thead) tr')).map((tr) => ({
      total: tr.classList.contains('total'),
      first: tr.cells[0].textContent,
    })),
    overflow: body.scrollHeight > body.clientHeight + 1 || body.scrollWidth > body.clientWidth + 1,
    band: band ? {
      text: band.textContent,
      visible: band.getBoundingClientRect().height > 0,
      background: getComputedStyle(band).backgroundColor,
      size: parseFloat(getComputedStyle(band).fontSize),
    } : null,
  };
}
"""

#: Words a title line must never end inside.
WHOLE_WORDS = ("集义村", "集义镇", "第三季度", "2026年", "两委")


def walk_item(page: Page, item: int) -> list[dict[str, Any]]:
    """Every page of ``item`` as shown (waits for it, then steps page by page)."""
    while state(page)["item"] != item:
        advance(page, 10.1)
    shown = []
    for index in range(state(page)["pages"]):
        wait_for(page, lambda s, i=index: s["item"] == item and s["page"] == i + 1)
        shown.append(page.evaluate(PAGE_JS))
        advance(page, 10.1)
    return shown


def assert_title_breaks_between_words(title_lines: list[str], title: str) -> None:
    assert "".join(title_lines) == title, "the title's text is unchanged"
    for line, following in itertools.pairwise(title_lines):
        for word in WHOLE_WORDS:
            joined = line + following
            at = joined.find(word)
            assert at < 0 or at + len(word) <= len(line) or at >= len(line), (
                f"{word} broken across lines: {title_lines}"
            )
    assert all(len(line) >= 2 for line in title_lines), title_lines


# -- the rule, shared with content/numbers.py ---------------------------------------------------


@pytest.mark.browser
def test_player_applies_the_same_cell_rule_as_the_server(
    new_page: NewPage, harness: Harness
) -> None:
    harness.set_manifest(load_fixture("typography"))
    page = open_player(new_page, harness)
    got = page.evaluate(
        """(v) => {
          const c = window.signagePlayer.cells;
          return {
            money: v.money.map(([x]) => c.formatMoney(x)),
            numeric: v.numeric.map(([x]) => c.isNumeric(x)),
            text: v.text.map(([x]) => c.numberText(x)),
            short: v.short.map(([x]) => c.isShort(x)),
            money_headers: v.money_headers.map(([x]) => c.isMoneyHeader(x)),
            columns: v.columns.map((t) => {
              const kinds = c.columnKinds(t.columns, t.rows);
              return {kinds, display: t.rows.map((r) => r.map((x, i) => c.cellDisplay(x, kinds[i])))};
            }),
            total_rows: v.total_rows.map(([r]) => c.isTotalRow(r)),
            captions: v.captions.map(([cap, title]) => c.captionRepeatsTitle(cap, title)),
          };
        }""",
        VECTORS,
    )
    for group in ("money", "numeric", "text", "short", "money_headers", "total_rows"):
        assert got[group] == [case[-1] for case in VECTORS[group]], group
    assert got["captions"] == [case[2] for case in VECTORS["captions"]]
    assert got["columns"] == [
        {"kinds": t["kinds"], "display": t["display"]} for t in VECTORS["columns"]
    ]


# -- tables and titles as shown ------------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("layout", SCREENS)
def test_names_and_amounts_never_break_and_amounts_read_one_way(
    new_page: NewPage, harness: Harness, layout: str
) -> None:
    manifest = load_fixture("typography")
    manifest["layout"] = layout
    harness.set_manifest(manifest)
    page = open_player(new_page, harness, width=SIZES[layout][0], height=SIZES[layout][1])
    wait_for(page, lambda s: s["layout"] == layout and s["item"] == 41)
    readable = layouts.get(layout).min_px("table") or 0
    expected_rows = {
        41: [r[0] for r in manifest["items"][0]["body"]["rows"]],
        42: [r[0] for r in manifest["items"][1]["body"]["rows"]],
        43: [r[0] for r in manifest["items"][2]["body"]["rows"]],
    }
    for item in (41, 42, 43):
        shown = walk_item(page, item)
        firsts: list[str] = []
        for number, m in enumerate(shown, start=1):
            where = f"{layout}, item {item}, page {number}/{len(shown)}"
            assert not m["overflow"], where
            assert_title_breaks_between_words(m["titleLines"], m["title"])
            for cell in m["cells"]:
                assert cell["size"] >= readable, where
                if {"short", "num"} & set(cell["cls"].split()):
                    assert cell["lines"] == 1, f"{where}: {cell['text']} wraps"
                if "money" in cell["cls"].split():
                    assert cell["text"] == "" or MONEY.match(cell["text"]), cell
                    assert cell["align"] == "right", cell
            if any(row["total"] for row in m["rows"]):
                # Never alone, not even on an LED board (the row before it comes along; a
                # table whose rows are too tall for that is stacked as records).
                assert len(m["rows"]) >= 2, f"{where}: the total row alone"
            firsts.extend(row["first"] for row in m["rows"])
            if item == 41:
                assert m["caption"] is None, "the caption repeating the title is left out"
            if item == 42:
                assert m["caption"].startswith("镇党委会议研究的重大事项")
        assert firsts == expected_rows[item], "every row once, in order"
    # The amounts of the finance table, as the villagers read them.
    assert_money = page.evaluate("window.signagePlayer.cells.formatMoney(1322.4)")
    assert assert_money == "1,322.40"


@pytest.mark.browser
def test_a_total_row_never_stands_alone_on_a_page(new_page: NewPage, harness: Harness) -> None:
    """A table whose data rows exactly fill its first page: the total row, which would have
    been alone on the second page, takes the last data row with it."""
    manifest = load_fixture("typography")
    manifest["layout"] = "led"
    finance = manifest["items"][0]
    finance["body"]["note"] = ""
    row = ["第10周", "村务开支", None, 1000, "王小红"]
    finance["body"]["rows"] = [[f"第{10 + n}周", *row[1:]] for n in range(20)]
    manifest["items"] = [finance]
    manifest["schedule"][0]["sequence"] = [{"item": 41, "duration_s": 10}]
    harness.set_manifest(manifest)
    page = open_player(new_page, harness, width=SIZES["led"][0], height=SIZES["led"][1])
    wait_for(page, lambda s: s["layout"] == "led" and s["item"] == 41)
    per_page = page.evaluate("window.signagePlayer.pages()")[0]["rows"]
    assert 1 < per_page < 20

    exact = copy.deepcopy(manifest)
    exact["items"][0]["body"]["rows"] = [
        *manifest["items"][0]["body"]["rows"][:per_page],
        ["合计", "", None, 1000 * per_page, ""],
    ]
    exact["items"][0].update(revision=2, content_sha256=f"{4102:064x}")
    version = harness.set_manifest(exact)["version"]
    wait_for(page, lambda s: s["version"] == version)  # pushed: the new revision is held
    advance(page, 10.1)
    wait_for(page, lambda s: s["version"] == version and s["item"] == 41 and s["revision"] == 2)
    pages = page.evaluate("window.signagePlayer.pages()")
    assert [p["rows"] for p in pages] == [per_page - 1, 2], pages
    assert pages[1]["text"].endswith(f"合计{1000 * per_page:,}.00")


# -- urgent items and the side panel -------------------------------------------------------------


@pytest.mark.browser
@pytest.mark.parametrize("layout", SCREENS)
def test_an_urgent_item_is_marked_urgent_on_the_main_region(
    new_page: NewPage, harness: Harness, screenshots: Path, layout: str
) -> None:
    manifest = with_urgent(load_fixture("typography"))
    manifest["layout"] = layout
    harness.set_manifest(manifest)
    page = open_player(new_page, harness, width=SIZES[layout][0], height=SIZES[layout][1])
    wait_for(page, lambda s: s["layout"] == layout and s["item"] == 51 and s["urgent"])
    m = page.evaluate(PAGE_JS)
    assert m["band"] is not None and m["band"]["visible"], m
    assert m["band"]["text"] == "紧急通知"
    r, g, b = (int(x) for x in re.findall(r"\d+", m["band"]["background"])[:3])
    assert r > 150 and g < 80 and b < 80, m["band"]["background"]
    assert m["band"]["size"] >= (layouts.get(layout).min_px("body") or 0)
    assert page.locator("#main .page-urgent").count() == 1
    page.screenshot(path=str(screenshots / f"player-urgent-{layout}.png"))
    assert_title_breaks_between_words(m["titleLines"], m["title"])
    advance(page, 10.1)
    wait_for(page, lambda s: s["item"] != 51)
    assert page.evaluate(PAGE_JS)["band"] is None, "other items carry no band"


@pytest.mark.browser
@pytest.mark.parametrize("layout", ["landscape", "portrait"])
def test_side_text_is_at_least_as_large_as_table_text(
    new_page: NewPage, harness: Harness, layout: str
) -> None:
    manifest = load_fixture("typography")
    manifest["layout"] = layout
    harness.set_manifest(manifest)
    page = open_player(new_page, harness, width=SIZES[layout][0], height=SIZES[layout][1])
    wait_for(page, lambda s: s["layout"] == layout and s["item"] == 41)
    sizes = page.evaluate(
        """() => {
          const px = (sel) => parseFloat(getComputedStyle(document.querySelector(sel)).fontSize);
          return {category: px('.side-category'), validity: px('.side-validity'),
                  table: px('#main td'), text: document.querySelector('.side-category').textContent};
        }"""
    )
    assert sizes["text"] == "村务（三资管理、财务收支）"
    side = layouts.get(layout).min_px("side")
    assert side is not None and side >= (layouts.get(layout).min_px("table") or 0)
    assert sizes["category"] >= sizes["table"] and sizes["validity"] >= sizes["table"], sizes
    assert min(sizes["category"], sizes["validity"]) >= side
