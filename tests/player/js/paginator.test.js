// The paginator over the fake document's line model (fakedom.js): page breaks, tables split
// by whole rows with their header repeated, totals kept with a row, lists renumbered.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import * as cells from '../../../player/static/cells.js';
import { el, descendants, hasClass, rowsOf, tagOf } from '../../../player/static/dom.js';
import {
  createPaginator, markStarts, niceCut, pageAt, pageCut, pageUnits, replaceHeaderGroups
} from '../../../player/static/paginator.js';
import { FakeDocument, fakeMetrics, h, lines } from './fakedom.js';

const PER_LINE = 10;

function setup(capacity) {
  const doc = new FakeDocument();
  const measure = el(doc, 'div', 'measure');
  const metrics = fakeMetrics(capacity, PER_LINE);
  const newPage = (item, kind) => {
    const page = el(doc, 'div', 'page page-' + kind);
    page.appendChild(el(doc, 'h1', 'item-title', item.title));
    const body = el(doc, 'div', 'body body-' + kind);
    page.appendChild(body);
    return { page, body };
  };
  const wordsNode = (tag, cls, text) => el(doc, tag, cls, text);
  const paginator = createPaginator({ doc, measure, metrics, newPage, wordsNode, measureColumns: null });
  return { doc, measure, metrics, paginator };
}

const bodyOf = (page) => page.childNodes.find((n) => hasClass(n, 'body'));
const tableOf = (page) => descendants(page, (n) => tagOf(n) === 'TABLE')[0];
const headerTexts = (table) => descendants(table, (n) => tagOf(n) === 'TH').map((th) => th.textContent);
const dataRows = (table) => descendants(table, (n) => tagOf(n) === 'TR' && !hasClass(n.parentNode, 'thead'));
const firstCells = (table) => dataRows(table).map((tr) => tr.childNodes[0].textContent);

test('niceCut moves a break back to a sentence end, a comma, or out of a number', () => {
  const text = '第一句话说完了。第二句话还没有说完就到了页';
  assert.equal(niceCut(text, 18), 8); // after 。
  assert.equal(niceCut('甲乙丙丁，戊己庚辛壬癸子丑寅卯', 12), 5); // after ，
  // No sentence end or comma within reach: never cut 12345 in two.
  const number = '合计金额为一二三四五六七八九十一二三四五六七八九十12345元整';
  assert.equal(number.slice(25, 30), '12345');
  assert.equal(niceCut(number, 27), 25);
  // Never start a page with a closing mark.
  assert.notEqual('（注）甲乙丙丁戊己庚'.charAt(niceCut('（注）甲乙丙丁戊己庚', 3)), '）');
});

test('text is split into pages that fit, at sentence ends, nothing lost', () => {
  const { doc, measure, paginator } = setup(4);
  const text = '村里今年修了三条路。' + '路边种了树，装了路灯。'.repeat(3) + '村民都很满意。还有一些收尾的工作。';
  const pages = paginator.paginateBlocks({ title: '修路' }, [h(doc, ['p', text])], 'text');
  assert.equal(pages.length, 2);
  for (const page of pages) assert.ok(lines(bodyOf(page), PER_LINE) <= 4);
  const [head, rest] = pages.map((p) => bodyOf(p).childNodes[0]);
  assert.ok(head.textContent.endsWith('。'), head.textContent);
  assert.ok(head.classList.contains('split-head'));
  assert.ok(rest.classList.contains('cont'));
  assert.equal(head.textContent + rest.textContent, text);
  assert.equal(measure.childNodes.length, 0, 'the measuring region is left empty');
});

test('a block that fits on the next page is moved whole, not split', () => {
  const { doc, paginator } = setup(4);
  const blocks = [h(doc, ['p', '一'.repeat(25)]), h(doc, ['p', '二'.repeat(15)])];
  const pages = paginator.paginateBlocks({ title: 't' }, blocks, 'text');
  // 3 lines + 2 lines > 4: splitting the second would leave one line, so it moves whole.
  assert.deepEqual(pages.map((p) => bodyOf(p).textContent), ['一'.repeat(25), '二'.repeat(15)]);
});

test('a list is split between its items and the rest is renumbered', () => {
  const { doc, paginator } = setup(3);
  const list = h(doc, ['ol', ['li', '一'], ['li', '二'], ['li', '三'], ['li', '四'], ['li', '五']]);
  const pages = paginator.paginateBlocks({ title: 't' }, [list], 'html');
  assert.deepEqual(pages.map((p) => bodyOf(p).childNodes[0].childNodes.length), [3, 2]);
  assert.equal(bodyOf(pages[1]).childNodes[0].getAttribute('start'), '4');
});

test('an HTML table is split by whole rows and its header rows repeat on every page', () => {
  const { doc, paginator } = setup(4);
  const table = h(doc, ['table',
    ['thead', ['tr', ['th', '项目'], ['th', '金额']]],
    ['tbody', ...[1, 2, 3, 4, 5, 6, 7].map((n) => ['tr', ['td', '第' + n + '项'], ['td', String(n)]])]]);
  const root = h(doc, ['div']);
  root.appendChild(table);
  replaceHeaderGroups(doc, root);
  assert.equal(table.childNodes[0].className, 'thead', 'the header is a tbody.thead first');
  const pages = paginator.paginateBlocks({ title: 't' }, [table], 'html');
  assert.equal(pages.length, 3);
  for (const page of pages) {
    assert.deepEqual(headerTexts(tableOf(page)), ['项目', '金额']);
    assert.ok(lines(bodyOf(page), PER_LINE) <= 4);
  }
  assert.deepEqual(pages.flatMap((p) => firstCells(tableOf(p))), [1, 2, 3, 4, 5, 6, 7].map((n) => '第' + n + '项'));
});

function typedTable(rows, extra = {}) {
  return { type: 'table', columns: ['项目', '金额'], rows, ...extra };
}

test('a typed table: rows never split, header and caption repeated, money formatted', () => {
  const { paginator } = setup(5); // caption + header + 3 rows
  const rows = [1, 2, 3, 4, 5, 6, 7].map((n) => ['修路' + n, 1000 * n + 0.5]);
  const pages = paginator.paginateTable({ title: '财务公开' }, typedTable(rows, { caption: '收支明细' }), cells);
  assert.equal(pages.length, 3);
  const tables = pages.map(tableOf);
  assert.deepEqual(tables.map((t) => dataRows(t).length), [3, 3, 1]);
  for (const t of tables) assert.deepEqual(headerTexts(t), ['项目', '金额']);
  const captions = tables.map((t) => t.childNodes.find((n) => tagOf(n) === 'CAPTION').textContent);
  assert.deepEqual(captions, ['收支明细', '收支明细（续）', '收支明细（续）']);
  assert.equal(dataRows(tables[0])[0].childNodes[1].textContent, '1,000.50');
  assert.equal(dataRows(tables[0])[0].childNodes[1].className, 'num money');
});

test('a caption repeating the title is left out', () => {
  const { paginator } = setup(10);
  const pages = paginator.paginateTable({ title: '村级财务收支明细' }, typedTable([['a', 1]], { caption: '收支明细' }), cells);
  assert.equal(tableOf(pages[0]).childNodes.some((n) => tagOf(n) === 'CAPTION'), false);
});

test('a total row never starts a page alone: the row before it goes with it', () => {
  const { paginator } = setup(4); // header + 3 rows
  const rows = [['甲', 1], ['乙', 2], ['丙', 3], ['合计', 6]];
  const pages = paginator.paginateTable({ title: 't' }, typedTable(rows), cells);
  const firsts = pages.map((p) => firstCells(tableOf(p)));
  assert.deepEqual(firsts, [['甲', '乙'], ['丙', '合计']]);
  assert.equal(rowsOf(descendants(tableOf(pages[1]), (n) => tagOf(n) === 'TBODY' && !hasClass(n, 'thead'))[0])[1].className, 'total');
});

test('the note goes under the last row of a long table, with that row when it does not fit', () => {
  const { paginator } = setup(4); // header + 3 rows
  const rows = [['甲', 1], ['乙', 2], ['丙', 3], ['丁', 4], ['戊', 5], ['己', 6]];
  const pages = paginator.paginateTable({ title: 't' }, typedTable(rows, { note: '备注' }), cells);
  assert.deepEqual(pages.map((p) => firstCells(tableOf(p))), [['甲', '乙', '丙'], ['丁', '戊'], ['己']]);
  const last = bodyOf(pages[2]);
  assert.equal(last.lastChild.className, 'table-note');
  assert.equal(last.lastChild.textContent, '备注');
});

test('a table whole on its page is not split for its note: the note has a page of its own', () => {
  // The Uyghur finance table of the demo on a landscape screen: its title takes two lines, so
  // its header, three rows and total fill the page and the note does not fit under them.
  const { paginator } = setup(5); // header + 4 rows
  const rows = [['甲', 1], ['乙', 2], ['丙', 3], ['合计', 6]];
  const pages = paginator.paginateTable({ title: 't' }, typedTable(rows, { note: '备注' }), cells);
  assert.equal(pages.length, 2);
  assert.deepEqual(firstCells(tableOf(pages[0])), ['甲', '乙', '丙', '合计']);
  assert.equal(tableOf(pages[1]), undefined, 'no table shell on the note page');
  assert.equal(bodyOf(pages[1]).textContent, '备注');
  assert.deepEqual(pages.map(pageUnits), [4, 0]);
});

test('a page too small for a single row is kept, marked oversize, not looped', () => {
  const { paginator } = setup(1);
  const pages = paginator.paginateTable({ title: 't' }, typedTable([['甲', 1], ['乙', 2]]), cells);
  assert.equal(pages.length, 2);
  assert.ok(pages.every((p) => p.signageOversize === true));
});

test('page starts count rows and characters, and pageAt finds the page holding a start', () => {
  const { paginator } = setup(5);
  const rows = [1, 2, 3, 4, 5, 6, 7].map((n) => ['项' + n, n]);
  const pages = paginator.paginateTable({ title: 't' }, typedTable(rows, { caption: '明细' }), cells);
  assert.deepEqual(pages.map(pageUnits), [3, 3, 1]);
  markStarts(pages);
  assert.deepEqual(pages.map((p) => p.signageStart), [0, 3, 6]);
  assert.equal(pageAt(pages, 0), 0);
  assert.equal(pageAt(pages, 4), 1);
  assert.equal(pageAt(pages, 6), 2);
  assert.equal(pageAt(pages, 99), 2);
});

test('pageCut: a page whose body overflows where it is shown, unless oversize or media', () => {
  const { doc, metrics } = setup(2);
  const page = h(doc, ['div.page', ['div.body body-text', ['p', '一'.repeat(35)]]]);
  assert.equal(pageCut(page, metrics.overflows), true);
  page.signageOversize = true;
  assert.equal(pageCut(page, metrics.overflows), false);
  const media = h(doc, ['div.page', ['div.body body-image', ['p', '一'.repeat(35)]]]);
  assert.equal(pageCut(media, metrics.overflows), false);
});

test('a table stacked as records: cards whole, in order, the total card never alone', () => {
  const doc = new FakeDocument();
  const measure = el(doc, 'div', 'measure');
  // Each card line (a label and its value) takes two lines of the fake line model.
  const metrics = { ...fakeMetrics(12, PER_LINE), room: () => 12 };
  const newPage = (item, kind) => {
    const page = el(doc, 'div', 'page page-' + kind);
    const body = el(doc, 'div', 'body body-' + kind);
    page.appendChild(body);
    return { page, body };
  };
  const wordsNode = (tag, cls, text) => el(doc, tag, cls, text);
  const measureColumns = () => ({ squeezed: true, narrowText: true, widths: [20, 20, 20, 20, 20] });
  const paginator = createPaginator({ doc, measure, metrics, newPage, wordsNode, measureColumns });
  const body = {
    type: 'table',
    columns: ['日期', '摘要', '收入（元）', '支出（元）', '经手人'],
    rows: [
      ['第1周', '上级转移支付', 45000, null, '阿依古丽·买买提'],
      ['第2周', '承包费', 18600, null, '王小红'],
      ['第3周', '路灯维修', null, 3860, '赵磊'],
      ['合计', '', 63600, 3860, '']
    ],
    note: ''
  };
  const pages = paginator.paginateTable({ title: '财务' }, body, cells, null);
  const cards = pages.map((p) => descendants(p, (n) => hasClass(n, 'record')));
  assert.deepEqual(cards.map((list) => list.length), [1, 1, 2]);
  for (const page of pages) {
    assert.ok(!page.signageOversize);
    assert.ok(!metrics.overflows(bodyOf(page)));
    assert.ok(hasClass(bodyOf(page), 'records'));
  }
  const first = cards[0][0];
  assert.deepEqual(first.childNodes.map((f) => f.childNodes.map((n) => n.textContent)),
    [['日期', '第1周'], ['摘要', '上级转移支付'], ['收入（元）', '45,000.00'], ['经手人', '阿依古丽·买买提']]);
  const total = cards[2][1];
  assert.ok(hasClass(total, 'total'));
  assert.equal(total.textContent, '合计收入（元）63,600.00支出（元）3,860.00');
  markStarts(pages);
  assert.deepEqual(pages.map(pageUnits), [1, 1, 2]);
  assert.equal(measure.childNodes.length, 0);
});
