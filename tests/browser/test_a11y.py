"""Issue 15, large type and contrast, in a real browser.

axe-core (vendored from the npm registry, injected here: no page ships it) finds no serious
or critical violation on any villager's page, in standard type and in 大字, nor on any player
layout; in 大字 no page is wider than a 390 px phone; and every visible text of the player
meets WCAG AAA contrast (7:1) against its effective background, also for the states the demo
may not show at that moment (urgent band, seal line, missing image, calm ticker), put on the
page in the same script that measures.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser
from playwright.sync_api import BrowserContext
from playwright.sync_api import Page
from playwright.sync_api import expect

from tests.browser.conftest import Live
from tests.browser.conftest import served_demo
from tests.browser.test_admin_ui import log_in
from tests.browser.test_appraisal import PHONE
from tests.browser.test_screens import SIZES
from tests.browser.test_screens import api
from tests.browser.test_screens import register
from tests.browser.test_screens import wait_state

pytestmark = pytest.mark.browser

#: Served by the app from the vendored copy (the pages' CSP allows only their own origin's
#: scripts), yet linked from no page.
AXE = "/static/vendor/axe-core/axe.min.js"


#: WCAG AAA for body text; the screens are read from 5 m, every text is held to it.
SCREEN_CONTRAST = 7.0

RUN_AXE = """
async () => {
  const result = await axe.run(document, {resultTypes: ['violations']});
  if (!result.passes.length) return ['axe checked nothing'];
  return result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .flatMap((v) => v.nodes.map((n) => `${v.id} (${v.impact}): ${n.target.join(' ')} — ${
      (n.failureSummary || '').replace(/\\s+/g, ' ').slice(0, 200)}`));
}
"""

#: The contrast of every visible text of the page against its effective background: the
#: first opaque background colour up the tree, over which the translucent ones are laid; a
#: gradient counts as its worst stop. Returns the texts below ``min``.
CONTRAST = """
(min) => {
  const parse = (s) => {
    const m = s.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return {r, g, b, a};
  };
  const stops = (image) => (image.match(/rgba?\\([^)]+\\)/g) || []).map(parse);
  const over = (top, under) => ({
    r: top.r * top.a + under.r * (1 - top.a), g: top.g * top.a + under.g * (1 - top.a),
    b: top.b * top.a + under.b * (1 - top.a), a: 1});
  const lum = (c) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; };
    return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b);
  };
  const ratio = (a, b) => {
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  };
  // The backgrounds behind an element: several when a gradient is on the way.
  const backgrounds = (el) => {
    const layers = [];
    for (let node = el; node; node = node.parentElement) {
      const style = getComputedStyle(node);
      const gradient = stops(style.backgroundImage);
      if (gradient.length) { layers.push(gradient); break; }
      const colour = parse(style.backgroundColor);
      if (colour && colour.a > 0) { layers.push([colour]); if (colour.a === 1) break; }
    }
    let result = [{r: 255, g: 255, b: 255, a: 1}];
    for (const layer of layers.reverse()) {
      result = layer.flatMap((c) => result.map((under) => over(c, under)));
    }
    return result;
  };
  const name = (el) => el.tagName.toLowerCase() + (el.className ? '.' + String(el.className)
    .trim().split(/\\s+/).join('.') : '');
  const failures = [];
  let checked = 0;
  for (const el of document.querySelectorAll('body *')) {
    const own = Array.from(el.childNodes)
      .filter((n) => n.nodeType === 3).map((n) => n.nodeValue).join('').trim();
    if (!own || !el.checkVisibility({visibilityProperty: true, opacityProperty: true})) continue;
    if (el.closest('.measure, .body-media, svg')) continue;
    const rect = el.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) continue;
    checked += 1;
    const colour = parse(getComputedStyle(el).color);
    const worst = Math.min(...backgrounds(el).map((bg) => ratio(over(colour, bg), bg)));
    if (worst < min) {
      failures.push(`${name(el.parentElement)} > ${name(el)} "${own.slice(0, 24)}": ` +
        `${getComputedStyle(el).color} ${worst.toFixed(2)}:1`);
    }
  }
  return {checked, failures};
}
"""

#: Put the states the rotation may not show now on the page (in the same task as the
#: measure, so the player cannot redraw in between), measure, take them away.
FORCED_STATES = """
(min) => {
  const added = [];
  const add = (parent, tag, cls, text, before) => {
    if (!parent) return;
    const el = document.createElement(tag);
    el.className = cls;
    el.textContent = text;
    parent.insertBefore(el, before || null);
    added.push(el);
  };
  const page = document.querySelector('.region-main .page');
  const urgent = page && !page.classList.contains('page-urgent');
  if (urgent) {
    page.classList.add('page-urgent');
    add(page, 'div', 'urgent-band', '紧急通知', page.firstChild);
  }
  add(document.querySelector('.region-main .body'), 'div', 'media-missing', '图片暂不可用');
  const seal = document.querySelector('.side-seal');
  const sealText = seal && seal.textContent;
  if (seal && !sealText) seal.textContent = '村务监督委员会审核 · 两委联席会议决定';
  add(document.querySelector('.ticker-window'), 'span', 'ticker-text calm', '集义村公开栏');
  const result = (MEASURE)(min);
  added.forEach((el) => el.remove());
  if (urgent) page.classList.remove('page-urgent');
  if (seal && !sealText) seal.textContent = '';
  return result;
}
""".replace("MEASURE", CONTRAST.strip())


@pytest.fixture(scope="module")
def own(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    """A demo installation of this module's own: its messages from the QR form do not eat
    into the feedback budget of 127.0.0.1 that the other browser tests share."""
    with served_demo(tmp_path_factory.mktemp("a11y")) as served:
        yield served


def axe(page: Page, where: str) -> list[str]:
    """Return ``where``'s serious and critical axe violations, one line each."""
    origin = page.evaluate("location.origin")
    page.add_script_tag(url=origin + AXE)
    found: list[str] = page.evaluate(RUN_AXE)
    return [f"{where}: {line}" for line in found]


def villager_pages(live: Live, browser: Browser) -> dict[str, str]:
    """Return the villagers' pages reached by a link (name → address)."""
    screen = register(live)
    token = live.cli("token", "create", "jiyi01_operator").strip()
    manifest = api(live.base, token, f"/api/v1/screens/{screen['id']}/manifest")
    item = next(i for i in manifest["items"] if i["body"]["type"] == "table")
    office = browser.new_context(locale="zh-CN")
    staff = office.new_page()
    log_in(staff, live.base, "jiyi01_approver")
    staff.goto(live.base + "/appraisals")
    staff.locator("table a").first.click()
    appraisal = staff.locator("main code").first.inner_text().strip()
    # The bilingual boards: a Uyghur item's QR form, in Uyghur (right to left).
    staff.goto(live.base + "/p/YUEPUHU-01")
    uyghur_form = live.base + str(staff.locator("a.feedback-link").first.get_attribute("href"))
    office.close()
    return {
        "QR form in Uyghur": uyghur_form + "?lang=ug",
        "public page /p/YUEPUHU-01 in Uyghur": live.base + "/p/YUEPUHU-01?lang=ug",
        "public page /p/BAYAN-01 (Mongolian, vertical)": live.base + "/p/BAYAN-01",
        "QR form": item["qr_url"],
        "track lookup": live.base + "/f/track",
        "directory /p/": live.base + "/p/",
        "public page /p/JIYI-01": live.base + "/p/JIYI-01",
        "appraisal": appraisal,
        "error: bad QR code": live.base + "/f/NOSUCHCODE1",
        "error: unknown board": live.base + "/p/NOSUCH-99",
    }


def send_a_message(phone: Page, form_url: str) -> None:
    """Send a question from the QR form: the page shows its receipt."""
    phone.goto(form_url)
    phone.locator("input[name=kind]").first.check()
    phone.locator("textarea[name=text]").fill("村里修路的钱从哪里来？")
    phone.locator("form.feedback button[type=submit]").click()
    expect(phone.locator("#receipt-code")).to_be_visible()


def check_phone_page(phone: Page, where: str, large: bool) -> list[str]:
    problems = axe(phone, where)
    pressed = phone.locator(".text-size button[value='1']").get_attribute("aria-pressed")
    if pressed != ("true" if large else "false"):
        problems.append(f"{where}: the 大字 button says aria-pressed={pressed}")
    if large:
        width = phone.evaluate("document.documentElement.scrollWidth")
        if width > 390:
            problems.append(f"{where}: {width}px wide in 大字 (scrolls sideways at 390 px)")
    return problems


def test_villager_pages_pass_axe_in_standard_and_large_type(browser: Browser, own: Live) -> None:
    pages = villager_pages(own, browser)
    context: BrowserContext = browser.new_context(**PHONE)
    phone = context.new_page()
    problems: list[str] = []
    for large in (False, True):
        mode = "大字" if large else "standard"
        if large:
            # The switch itself: a plain GET form, back to the same page, remembered.
            phone.goto(pages["public page /p/JIYI-01"])
            phone.get_by_role("button", name="大字").click()
            expect(phone.locator("html")).to_have_class("large")
        for name, url in pages.items():
            phone.goto(url)
            if name.startswith("QR form"):
                phone.locator("details").evaluate_all("(all) => all.forEach((d) => d.open = true)")
            problems += check_phone_page(phone, f"{name} [{mode}]", large)
        # The receipt (the answer to the form) and the tracking page it links to.
        send_a_message(phone, pages["QR form"])
        problems += check_phone_page(phone, f"receipt [{mode}]", large)
        phone.locator(".receipt a.button").click()
        expect(phone.locator(".state")).to_be_visible()
        problems += check_phone_page(phone, f"tracking page [{mode}]", large)
    context.close()
    assert not problems, "\n".join(problems)


#: Each layout at 集义村; and the bilingual boards: Uyghur (right to left) and Mongolian
#: (vertical), each text and its half of the page checked as the Chinese is.
SCREENS = [
    *((layout, "JIYI-01") for layout in SIZES),
    ("landscape", "YUEPUHU-01"),
    ("led", "YUEPUHU-01"),
    ("portrait", "BAYAN-01"),
]


@pytest.mark.parametrize(("layout", "org"), SCREENS)
def test_player_layouts_pass_axe_and_aaa_contrast(
    browser: Browser, own: Live, layout: str, org: str
) -> None:
    if org == "JIYI-01":
        screen = register(own, layout=layout)
    else:
        registered = own.cli(
            "screen",
            "register",
            f"{org} {layout}",
            "--org",
            org,
            "--layout",
            layout,
            "--audience",
            "public",
        )
        screen = json.loads(registered)
    width, height = SIZES[layout]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="zh-CN")
    page = context.new_page()
    page.goto(screen["player_url"])
    wait_state(page, lambda s: s.get("mode") == ("ticker" if layout == "ticker" else "playing"))
    page.evaluate("document.fonts.ready.then(() => true)")
    measured = page.evaluate(FORCED_STATES, SCREEN_CONTRAST)
    problems = [f"{layout}: contrast below 7:1: {line}" for line in measured["failures"]]
    problems += axe(page, layout)
    context.close()
    assert measured["checked"] >= 2, measured
    assert not problems, "\n".join(problems)
