"""Issue 10, item 3 on a 390×844 phone: the disclosed table turns into cards (column: value),
names and amounts are never broken inside, amounts read 1,322.40, nothing overflows sideways,
and the title breaks between words."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Browser

from tests.browser.conftest import Live
from tests.browser.test_screens import api
from tests.browser.test_screens import register

pytestmark = pytest.mark.browser

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "zh-CN",
}

TABLE_JS = """
() => {
  const range = document.createRange();
  const lines = (el) => {
    range.selectNodeContents(el);
    return new Set(Array.from(range.getClientRects()).filter((r) => r.width > 0)
      .map((r) => Math.round(r.top))).size;
  };
  const title = document.querySelector('h1');
  const titleLines = [];
  let last = null;
  const walker = document.createTreeWalker(title, NodeFilter.SHOW_TEXT, null);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    for (let i = 0; i < node.nodeValue.length; i++) {
      range.setStart(node, i);
      range.setEnd(node, i + 1);
      const top = Math.round(range.getBoundingClientRect().top);
      if (last === null || Math.abs(top - last) > 4) titleLines.push('');
      last = top;
      titleLines[titleLines.length - 1] += node.nodeValue[i];
    }
  }
  return {
    width: document.documentElement.scrollWidth,
    caption: !!document.querySelector('.content caption'),
    rowDisplay: getComputedStyle(document.querySelector('.content tbody tr')).display,
    label: getComputedStyle(document.querySelector('.content tbody td'), '::before').content,
    cells: Array.from(document.querySelectorAll('.content td.short, .content td.num'))
      .filter((td) => td.textContent).map((td) => ({text: td.textContent, cls: td.className,
        lines: lines(td)})),
    titleLines,
  };
}
"""


def test_phone_table_reads_as_cards_with_whole_names_and_amounts(
    browser: Browser, live: Live, screenshots: Path
) -> None:
    screen = register(live)
    token = live.cli("token", "create", "jiyi01_operator").strip()
    manifest = api(live.base, token, f"/api/v1/screens/{screen['id']}/manifest")
    item = next(i for i in manifest["items"] if "财务收支" in i["title"])
    assert item["body"]["caption"] == item["title"]

    phone = browser.new_context(**PHONE)
    form = phone.new_page()
    form.goto(item["qr_url"])
    form.get_by_text("查看公开内容").click()
    form.wait_for_selector(".content td")
    m = form.evaluate(TABLE_JS)
    form.locator("section.about").screenshot(path=screenshots / "typo-phone-table.png")
    assert m["width"] <= 390, "nothing overflows sideways"
    assert not m["caption"], "the caption repeating the title is left out"
    assert m["rowDisplay"] == "block", "each row is a card"
    assert m["label"] == '"日期"', "each line of a card names its column"
    texts = {c["text"] for c in m["cells"]}
    assert {"王小红", "第11周", "1,322.40", "45,000.00", "63,600.00"} <= texts
    assert all(c["lines"] == 1 for c in m["cells"]), [c for c in m["cells"] if c["lines"] > 1]
    assert "".join(m["titleLines"]) == item["title"]
    for line in m["titleLines"][:-1]:
        assert not line.endswith(("第三季", "第三", "集", "集义")), m["titleLines"]
    phone.close()
