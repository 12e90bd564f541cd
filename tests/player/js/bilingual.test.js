// Bilingual items: the mode, the language marks, alternate sequencing, side-by-side pages, a
// right-to-left table with the Chinese table's numbers, vertical text paginated whole, page
// breaks outside words and numbers, and the ticker's runs and directions.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  bilingualMode, fontFamily, markLanguage, secondItem, tickerMotion
} from '../../../player/static/bilingual.js';
import { descendants, el, hasClass, tagOf } from '../../../player/static/dom.js';
import { niceCut, pageCut } from '../../../player/static/paginator.js';
import { createRenderers, describePage } from '../../../player/static/renderers.js';
import { Rotation } from '../../../player/static/rotation.js';
import { TICKER_SEP, tickerRuns } from '../../../player/static/side.js';
import { FakeDocument, fakeMetrics } from './fakedom.js';

const UG = { lang: 'ug', tag: 'ug', dir: 'rtl', vertical: false, font: 'Noto Naskh Arabic' };
const MN = { lang: 'mn', tag: 'mn-Mong', dir: 'ltr', vertical: true, font: 'Noto Sans Mongolian' };

const TABLE_ZH = {
  type: 'table',
  columns: ['日期', '摘要', '收入（元）', '支出（元）'],
  rows: [
    ['2026-10-08', '转移支付', '45000', ''],
    ['2026-10-21', '道路维修', '', '12680.5'],
    ['2026-11-05', '水电费', '', '1320'],
    ['合计', '', '45000', '14000.5']
  ]
};
const TABLE_UG = {
  type: 'table',
  columns: ['چېسلا', 'مەزمۇن', 'كىرىم (يۈەن)', 'چىقىم (يۈەن)'],
  rows: [
    ['2026-10-08', 'خىراجەت', '45000', ''],
    ['2026-10-21', 'يول رېمونت', '', '12680.5'],
    ['2026-11-05', 'سۇ-توك', '', '1320'],
    ['جەمئىي', '', '45000', '14000.5']
  ]
};
const MN_TEXT = 'ᠮᠠᠨ ᠤ ᠭᠠᠴᠠᠭ᠎ᠠ ᠳᠤ 86 ᠮᠠᠯᠴᠢᠨ ᠥᠷᠬᠡ᠂ 31,200 ᠮᠦ ᠪᠡᠯᠴᠢᠭᠡᠷ ᠢ ᠬᠣᠷᠢᠭᠯᠠᠵᠤ᠃ ' +
  'ᠲᠡᠳᠬᠦᠯᠭᠡ ᠶᠢᠨ ᠮᠥᠩᠭᠥ ᠨᠡᠢᠲᠡ 286,350 ᠶᠤᠸᠠᠨ ᠪᠣᠯᠤᠨ᠎ᠠ᠃';

function setup(capacity = 4, extra = {}) {
  const doc = new FakeDocument();
  const measure = el(doc, 'div', 'measure');
  const renderers = createRenderers({
    doc,
    measure,
    main: { offsetWidth: 1500, offsetHeight: 800 },
    words: null,
    metrics: { ...fakeMetrics(capacity, 10), ...extra },
    measureColumns: null,
    assets: { objectUrl: async (sha) => 'blob:' + sha },
    urls: { revokeObjectURL() {} }
  });
  return { doc, measure, renderers };
}

const render = (renderers, item, mode) => renderers.render(item, { pages: [], urls: [], dead: false }, mode).pages;
const cellsOf = (page, cls) => descendants(page, (n) => tagOf(n) === 'TD' && hasClass(n, cls)).map((td) => td.textContent);

test('the mode is side unless the manifest says alternate', () => {
  assert.equal(bilingualMode({ bilingual: 'alternate' }), 'alternate');
  assert.equal(bilingualMode({ bilingual: 'side' }), 'side');
  assert.equal(bilingualMode({ bilingual: 'upside-down' }), 'side');
  assert.equal(bilingualMode(null), 'side');
});

test('a second-language element is marked with its tag, direction and font, then the Noto families', () => {
  const doc = new FakeDocument();
  const node = markLanguage(el(doc, 'div'), MN);
  assert.equal(node.getAttribute('lang'), 'mn-Mong');
  assert.equal(node.getAttribute('dir'), 'ltr');
  assert.ok(node.classList.contains('vertical'));
  assert.ok(node.style.fontFamily.startsWith('"Noto Sans Mongolian", "Noto Naskh Arabic"'));
  assert.ok(fontFamily('Noto Naskh Arabic').endsWith('"Noto Sans CJK SC", "Noto Sans CJK KR", sans-serif'));
  assert.equal(fontFamily('x"); color: red').includes('"x); color: red"'), true, 'quotes cannot escape');
  const strip = markLanguage(el(doc, 'span'), MN, false);
  assert.ok(!strip.classList.contains('vertical'), 'never vertical in the ticker strip');
  assert.equal(secondItem({ title: 't', body: {} }), null);
  const second = secondItem({ id: 3, title: '中', path: [1], body: {}, translation: { ...UG, title: 'ئا', body: { type: 'text', text: 'x' } } });
  assert.deepEqual([second.id, second.title, second.path, second.second.lang], [3, 'ئا', null, 'ug']);
});

test('alternate: the Chinese pages, then the second language pages, every row of both, same numbers', () => {
  const { renderers, measure } = setup(3);
  const item = { id: 1, revision: 1, title: '财务收支', body: TABLE_ZH, translation: { ...UG, title: 'مالىيە', body: TABLE_UG } };
  const pages = render(renderers, item, 'alternate');
  const langs = pages.map((p) => p.getAttribute('lang') || '');
  const firstSecond = langs.indexOf('ug');
  assert.ok(firstSecond > 0, langs.join());
  assert.ok(langs.slice(0, firstSecond).every((l) => l === ''), 'Chinese pages first');
  assert.ok(langs.slice(firstSecond).every((l) => l === 'ug'), 'then the Uyghur pages');
  const zh = pages.slice(0, firstSecond);
  const ug = pages.slice(firstSecond);
  const rows = (list) => list.reduce((a, p) => a + describePage(p, 0).rows, 0);
  assert.equal(rows(zh), 4);
  assert.equal(rows(ug), 4);
  // The Chinese table's rule: money columns (收入（元）) in both, the total row is the same row.
  const money = (list) => list.flatMap((p) => cellsOf(p, 'money'));
  assert.deepEqual(money(ug), money(zh));
  assert.ok(money(ug).includes('45,000.00'));
  const totals = ug.flatMap((p) => descendants(p, (n) => tagOf(n) === 'TR' && hasClass(n, 'total')));
  assert.equal(totals.length, 1);
  assert.equal(totals[0].childNodes[0].textContent, 'جەمئىي');
  // Dates are left-to-right runs in the right-to-left table.
  assert.ok(ug.flatMap((p) => cellsOf(p, 'ltr')).includes('2026-10-08'));
  for (const page of ug) {
    assert.equal(page.getAttribute('dir'), 'rtl');
    const title = descendants(page, (n) => hasClass(n, 'item-title'))[0];
    assert.equal(title.childNodes.length, 1, 'the Uyghur title is one text node (letters stay joined)');
  }
  assert.equal(measure.childNodes.length, 0);
});

test('side: each page holds both halves; the shorter language keeps its title; every character once', () => {
  const { renderers } = setup(3, { lines: () => 3 });
  const zh = '第一句话。'.repeat(9);
  const item = {
    id: 2, revision: 1, title: '公示', urgent: true,
    body: { type: 'text', format: 'plain', text: zh },
    translation: { ...MN, title: 'ᠮᠣᠩᠭᠣᠯ', body: { type: 'text', format: 'plain', text: MN_TEXT } }
  };
  const pages = render(renderers, item, 'side');
  assert.ok(pages.length > 1);
  const described = pages.map(describePage);
  assert.ok(described.every((d) => d.second && d.lang === 'mn-Mong'));
  assert.equal(described.map((d) => d.text).join(''), zh);
  assert.equal(described.map((d) => d.second.text).join(''), MN_TEXT);
  for (const page of pages) {
    const halves = page.childNodes;
    assert.equal(halves.length, 2);
    const second = halves[1].childNodes[0];
    assert.ok(second.classList.contains('vertical'));
    const band = descendants(second, (n) => hasClass(n, 'urgent-band'))[0];
    assert.equal(band.getAttribute('lang'), 'zh-Hans', 'the urgent band stays Chinese');
  }
});

test('side falls back to alternating where a half holds fewer than three lines', () => {
  const { renderers } = setup(3, { lines: () => 2 });
  const item = {
    id: 3, revision: 1, title: '公示', body: { type: 'text', format: 'plain', text: '短文。' },
    translation: { ...MN, title: 'ᠮ', body: { type: 'text', format: 'plain', text: 'ᠮᠠᠨ ᠤ' } }
  };
  const pages = render(renderers, item, 'side');
  assert.deepEqual(pages.map((p) => p.getAttribute('lang') || ''), ['', 'mn-Mong']);
});

test('vertical text: paginated by its columns, nothing cut or skipped, never inside a word or number', () => {
  // The fake layout model counts lines; for a vertical body they are its columns (the browser
  // metrics measure its width: see browserMetrics).
  const { renderers } = setup(2);
  const item = {
    id: 4, revision: 1, title: '公示', body: { type: 'text', format: 'plain', text: '中文。' },
    translation: { ...MN, title: 'ᠮ', body: { type: 'text', format: 'plain', text: MN_TEXT } }
  };
  const pages = render(renderers, item, 'alternate').filter((p) => p.getAttribute('lang'));
  assert.ok(pages.length > 2, String(pages.length));
  const parts = pages.map((p) => describePage(p, 0).text);
  assert.equal(parts.join(''), MN_TEXT);
  for (const part of parts.slice(0, -1)) {
    const next = MN_TEXT.charAt(MN_TEXT.indexOf(part) + part.length);
    assert.ok(/[\s᠂᠃]$/.test(part) || /\s/.test(next), 'a page ends between words: ' + JSON.stringify(part.slice(-8)));
  }
  const metrics = fakeMetrics(2, 10);
  assert.ok(pages.every((p) => !pageCut(p, metrics.overflows)));
});

test('niceCut: never after the comma of 31,200 nor inside an Arabic or Mongolian word', () => {
  const text = 'ᠨᠡᠢᠲᠡ 286,350 ᠶᠤᠸᠠᠨ';
  const at = text.indexOf('350');
  assert.equal(niceCut(text, at), text.indexOf('286'));
  const ug = 'كەنت ئىچىدىكى يول رېمونت ماتېرىيال ھەققى';
  const mid = ug.indexOf('رېمونت') + 3;
  assert.equal(niceCut(ug, mid), ug.indexOf('رېمونت'));
  assert.equal(niceCut('甲乙丙丁戊己庚辛壬癸', 5), 5, 'Chinese may break anywhere');
});

test('ticker: Chinese runs first, then each second language; Uyghur enters from the left', () => {
  const rotation = new Rotation();
  rotation.setManifest({
    version: 'v',
    items: [{ id: 1, title: '停水通知', translation: { ...UG, title: 'سۇ توختىتىش' } }],
    ticker: [{ text: '今日停水', translation: { ...UG, text: 'بۈگۈن سۇ توختىتىلىدۇ' } }]
  });
  const runs = tickerRuns(rotation, 'ticker', 0);
  assert.deepEqual(runs.map((r) => r.text), [
    '今日停水' + TICKER_SEP + '停水通知',
    'بۈگۈن سۇ توختىتىلىدۇ\u2003\u2003◆\u2003\u2003سۇ توختىتىش'
  ]);
  assert.deepEqual(runs.map((r) => tickerMotion(r.language)), ['left', 'right']);
  assert.equal(tickerMotion(MN), 'left', 'Mongolian reads left to right in the strip');
  assert.deepEqual(tickerRuns(rotation, 'landscape', 0).map((r) => r.text), ['今日停水', 'بۈگۈن سۇ توختىتىلىدۇ']);
  assert.deepEqual(tickerRuns(new Rotation(), 'ticker', 0), []);
});
