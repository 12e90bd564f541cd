// Renderers over the fake document: the pages of each body type, rich text grouped into
// blocks (inserted as the server sanitised it), media pages with blob: URLs.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { el, descendants, hasClass, tagOf } from '../../../player/static/dom.js';
import { createRenderers, describePage, groupBlocks, pathText, plainLines } from '../../../player/static/renderers.js';
import { FakeDocument, fakeMetrics, h } from './fakedom.js';

function setup({ capacity = 4, objectUrl, words = null } = {}) {
  const doc = new FakeDocument();
  const measure = el(doc, 'div', 'measure');
  const main = { offsetWidth: 1500, offsetHeight: 800 };
  const revoked = [];
  const renderers = createRenderers({
    doc,
    measure,
    main,
    words,
    metrics: fakeMetrics(capacity, 10),
    measureColumns: null,
    assets: { objectUrl: objectUrl || (async (sha) => 'blob:' + sha) },
    urls: { revokeObjectURL: (u) => revoked.push(u) }
  });
  return { doc, measure, renderers, revoked };
}

const render = (renderers, item) => renderers.render(item, { pages: [], urls: [], dead: false });
const item = (body, extra = {}) => ({ id: 1, revision: 1, title: '标题', body, ...extra });

test('plain text: one paragraph per non-empty line, trimmed (ideographic spaces too)', () => {
  assert.deepEqual(plainLines('　第一段\r\n\r\n第二段  \n\n\n第三段'), ['第一段', '第二段', '第三段']);
  assert.deepEqual(plainLines(null), []);
});

test('rich text: loose inline content between blocks is wrapped in a paragraph', () => {
  const doc = new FakeDocument();
  const nodes = [
    h(doc, ['p', '第一段']),
    doc.createTextNode('  '),
    doc.createTextNode('链接文字'),
    h(doc, ['strong', '粗']),
    h(doc, ['table', ['tbody', ['tr', ['td', '格']]]]),
    doc.createTextNode('\n'),
    h(doc, ['ul', ['li', '条目']])
  ];
  const blocks = groupBlocks(doc, nodes);
  assert.deepEqual(blocks.map((b) => b.tagName), ['P', 'P', 'TABLE', 'UL']);
  assert.equal(blocks[1].textContent, '链接文字粗', 'whitespace alone before loose text is dropped');
});

test('a text item: pages with the title, the urgent band, plain text as text', () => {
  const { measure, renderers } = setup();
  const entry = render(renderers, item({ type: 'text', format: 'plain', text: '<b>不是标记</b>\n第二段' }, { urgent: true }));
  assert.equal(entry.pages.length, 1);
  const page = entry.pages[0];
  assert.ok(page.classList.contains('page-urgent'));
  assert.equal(page.childNodes[0].textContent, '紧急通知');
  assert.equal(page.childNodes[1].textContent, '标题');
  assert.equal(descendants(page, (n) => tagOf(n) === 'B').length, 0);
  assert.deepEqual(describePage(page, 0), {
    index: 1, kind: 'text', text: '<b>不是标记</b>第二段', blocks: 2, rows: 0, header: []
  });
  assert.equal(measure.childNodes.length, 0);
  assert.equal(measure.style.width, '1500px');
});

test('a table item: typed pages, header on each, units counted for going on after a reflow', () => {
  const { renderers } = setup({ capacity: 3 });
  const body = { type: 'table', columns: ['姓名', '金额'], rows: [['甲', 1], ['乙', 2], ['丙', 3], ['丁', 4]] };
  const entry = render(renderers, item(body));
  assert.deepEqual(entry.pages.map((p, i) => describePage(p, i).rows), [2, 2]);
  assert.deepEqual(entry.pages.map((p, i) => describePage(p, i).header), [['姓名', '金额'], ['姓名', '金额']]);
  assert.deepEqual(entry.pages.map((p) => p.signageStart), [0, 2]);
});

test('titles and text cells break between words where words.js says', () => {
  const words = {
    parts: (text) => (text === '集义村财务公开' ? ['集义村', '财务公开'] : [text]),
    fill: (node, parts) => {
      node.textContent = parts.join('|');
    }
  };
  const { renderers } = setup({ words });
  const entry = render(renderers, item({ type: 'text', format: 'plain', text: 'x' }, { title: '集义村财务公开' }));
  const title = entry.pages[0].childNodes[0];
  assert.equal(title.textContent, '集义村|财务公开');
  assert.ok(title.classList.contains('words'));
  assert.deepEqual(renderers.titleParts('集义村财务公开'), ['集义村', '财务公开']);
});

test('image and pdf items: one page per file, blob: URLs kept with the entry', async () => {
  const { renderers } = setup();
  const entry = { pages: [], urls: [], dead: false };
  renderers.render(item({ type: 'pdf', pages: ['a'.repeat(64), { sha256: 'b'.repeat(64) }] }), entry);
  assert.equal(entry.pages.length, 2);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(entry.urls, ['blob:' + 'a'.repeat(64), 'blob:' + 'b'.repeat(64)]);
  const img = descendants(entry.pages[1], (n) => tagOf(n) === 'IMG')[0];
  assert.equal(img.src, 'blob:' + 'b'.repeat(64));
  assert.equal(img.alt, '标题 第2页');
  const none = render(renderers, item({ type: 'pdf', pages: [] }));
  assert.equal(descendants(none.pages[0], (n) => hasClass(n, 'media-missing'))[0].textContent, '图片暂不可用');
});

test('a URL made after its pages were dropped is revoked at once', async () => {
  let release;
  const { renderers, revoked } = setup({ objectUrl: () => new Promise((resolve) => { release = resolve; }) });
  const entry = { pages: [], urls: [], dead: false };
  renderers.render(item({ type: 'image', asset: 'c'.repeat(64) }), entry);
  entry.dead = true;
  release('blob:late');
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(revoked, ['blob:late']);
  assert.deepEqual(entry.urls, []);
});

test('a missing file says so on its page', async () => {
  const { renderers } = setup({ objectUrl: async () => { throw new Error('offline'); } });
  const entry = render(renderers, item({ type: 'image', asset: 'd'.repeat(64) }));
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(descendants(entry.pages[0], (n) => hasClass(n, 'media-missing'))[0].textContent, '图片暂不可用（等待网络恢复）');
});

test('an unknown body type gets one page saying the screen cannot show it', () => {
  const { renderers } = setup();
  const entry = render(renderers, item({ type: 'video' }));
  assert.equal(entry.pages.length, 1);
  assert.equal(describePage(entry.pages[0], 0).text, '（此内容暂不支持在屏幕上显示，请扫码查看）');
});

test('an item that discloses a major matter: its 四议两公开 path in one line under the title', () => {
  const path = [
    { stage: 'proposal', date: '2026-09-02', vote: '5/0/0' },
    { stage: 'consultation', date: '2026-09-05', vote: '9/0/0' },
    { stage: 'deliberation', date: '2026-09-10', vote: '36/1/1' },
    { stage: 'resolution', date: '2026-09-15', vote: '39/1/0' }
  ];
  assert.equal(
    pathText(path),
    '四议两公开：党支部提议 9月2日 赞成5 → 两委商议 9月5日 赞成9 → 党员大会审议 9月10日 赞成36 反对1 弃权1'
      + ' → 村民(代表)会议决议 9月15日 赞成39 反对1'
  );
  const { renderers } = setup();
  const entry = render(renderers, item({ type: 'text', format: 'plain', text: '正文' }, { path }));
  const page = entry.pages[0];
  assert.equal(page.childNodes[0].textContent, '标题');
  assert.ok(hasClass(page.childNodes[1], 'item-path'));
  assert.equal(page.childNodes[1].textContent, pathText(path));
  assert.equal(describePage(page, 0).text, '正文');
});

test('an item without a path, or with a malformed one, shows no path line', () => {
  assert.equal(pathText(undefined), '');
  assert.equal(pathText([]), '');
  assert.equal(pathText([{ stage: 'bogus', date: '2026-09-02', vote: '1/0/0' }]), '');
  assert.equal(pathText([{ stage: 'proposal', date: 'x', vote: 'a/b' }]), '四议两公开：党支部提议');
  const { renderers } = setup();
  const page = render(renderers, item({ type: 'text', format: 'plain', text: '正文' })).pages[0];
  assert.equal(descendants(page, (n) => hasClass(n, 'item-path')).length, 0);
});
