// The rotation held by a reading (定时朗读): which page shows each part said, in the language
// said; when the hold ends (said, stopped, cut at its limit); the reader and display wiring with
// a fake speech engine, on a clock the test moves (never the wall clock).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createAloud, utterancesOf } from '../../../player/static/aloud.js';
import {
  AFTER_READING_MS, MAX_READING_MS, holdStep, holding, pageSides, partPages, replan, startReading
} from '../../../player/static/hold.js';
import { Rotation } from '../../../player/static/rotation.js';
import { createSpeaker, speechParts } from '../../../player/static/speech.js';
import { FakeDocument, h } from './fakedom.js';

const doc = new FakeDocument();
const T0 = Date.parse('2026-11-23T08:00:00+08:00');

/** A table page as the renderers make it: title, body with the header group and `rows`. */
function tablePage(rows, lang) {
  const attrs = lang ? [{ lang, dir: 'ltr' }] : [];
  return h(doc, ['div.page page-table', ...attrs, ['h1.item-title', '标题'],
    ['div.body body-table', ['table', ['thead.thead', ['tr', ['th', '日期']]],
      ['tbody', ...rows.map((r) => ['tr', ['td', r]])]]]]);
}

function textPage(text, lang) {
  const attrs = lang ? [{ lang }] : [];
  const body = text ? ['div.body body-text', ['p', text]] : ['div.body body-text'];
  return h(doc, ['div.page page-text', ...attrs, ['h1.item-title', '标题'], body]);
}

/** A page side by side: the Chinese half, the translation's half (marked with its language). */
function pairPage(zh, second) {
  const pair = h(doc, ['div.pair']);
  for (const page of [zh, second]) {
    const half = h(doc, ['div.half']);
    half.appendChild(page);
    pair.appendChild(half);
  }
  return pair;
}

const ITEM = {
  id: 7,
  title: '集义村第三季度财务收支公开',
  body: {
    type: 'table',
    columns: ['日期', '摘要'],
    rows: [['10-01', '一'], ['10-02', '二'], ['10-03', '三'], ['10-04', '四'], ['10-05', '五']],
    note: '经村务监督委员会审核'
  }
};

test('what is said carries its place in the body: table rows, else characters', () => {
  const table = speechParts({ lang: 'zh-CN', title: '标题', blocks: [
    { kind: 'table', caption: '明细', header: ['a'], money: [], rows: [['1'], [''], ['3']] },
    { kind: 'text', text: '注。' }] });
  assert.deepEqual(table.parts.map((p) => [p.text, p.at]),
    [['标题', 0], ['明细', 0], ['a：1。', 0], ['a：3。', 2], ['注。', 3]]);
  assert.equal(table.units, 3, 'an empty row is not said but takes its place');
  const text = speechParts({ lang: 'zh-CN', title: 'T', blocks: [{ kind: 'text', text: '第一句。第二句。' },
    { kind: 'text', text: '第三句。' }] });
  assert.deepEqual(text.parts.map((p) => p.at), [0, 0, 8], 'short sentences said together');
  assert.equal(text.units, 12);
});

test('a table read row by row turns its pages as its rows are said; the note on the last', () => {
  const pages = [tablePage(['10-01', '10-02']), tablePage(['10-03', '10-04']), tablePage(['10-05'])];
  const sides = pages.map(pageSides);
  assert.deepEqual(sides[0], [{ units: 2, empty: false }, null]);
  const { parts } = utterancesOf(ITEM, []);
  assert.deepEqual(partPages(parts, sides), [0, 0, 0, 1, 1, 2, 2]);
});

test('the pages of the language said: Chinese pages, then the translation pages', () => {
  const item = { ...ITEM, translation: { lang: 'ug', tag: 'ug', title: 'ماۋزۇ',
    body: { type: 'table', columns: ['a'], rows: [['1'], ['2'], ['3'], ['4'], ['5']] } } };
  const voices = [{ lang: 'zh-CN' }, { lang: 'ug-CN' }];
  const { parts } = utterancesOf(item, voices);
  // Alternating: two Chinese pages, then two pages of the translation.
  const alternating = [tablePage(['1', '2', '3']), tablePage(['4', '5']),
    tablePage(['1', '2', '3'], 'ug'), tablePage(['4', '5'], 'ug')].map(pageSides);
  const langs = parts.map((p) => p.lang);
  const shown = partPages(parts, alternating);
  assert.deepEqual(shown.filter((_, i) => langs[i] === 'zh-CN'), [0, 0, 0, 0, 1, 1, 1]);
  assert.deepEqual(shown.filter((_, i) => langs[i] === 'ug'), [2, 2, 2, 2, 3, 3]);
  // Side by side: the same pages, back to the first for the translation; a half with its
  // title only (the shorter text) is never where a part is shown.
  const side = [
    pairPage(tablePage(['1', '2']), tablePage(['1', '2', '3'], 'ug')),
    pairPage(tablePage(['3', '4']), tablePage(['4', '5'], 'ug')),
    pairPage(tablePage(['5']), textPage('', 'ug'))
  ].map(pageSides);
  assert.deepEqual(side[2][1], { units: 0, empty: true });
  const both = partPages(parts, side);
  assert.deepEqual(both.filter((_, i) => langs[i] === 'zh-CN'), [0, 0, 0, 1, 1, 2, 2]);
  assert.deepEqual(both.filter((_, i) => langs[i] === 'ug'), [0, 0, 0, 0, 1, 1]);
  // No voice for the translation: only the Chinese pages are shown.
  assert.ok(partPages(utterancesOf(item, [voices[0]]).parts, alternating).every((p) => p <= 1));
});

test('a text is placed by its share of characters; an image or PDF holds its first page', () => {
  const item = { id: 3, title: '通知', body: { type: 'text', text: '甲'.repeat(30) + '。\n' + '乙'.repeat(30) + '。' } };
  const { parts } = utterancesOf(item, []);
  const sides = [textPage('甲'.repeat(31)), textPage('乙'.repeat(31))].map(pageSides);
  assert.deepEqual(partPages(parts, sides), [0, 0, 1]);
  const media = h(doc, ['div.page page-media', ['h1.item-title', 'x'], ['div.body body-pdf', ['img']]]);
  const pdf = { id: 4, title: '规划图', body: { type: 'pdf', caption: '图' } };
  assert.deepEqual(partPages(utterancesOf(pdf, []).parts, [media, media, media].map(pageSides)), [0, 0]);
  assert.deepEqual(partPages(utterancesOf(pdf, []).parts, []), [0, 0], 'no pages: the page on screen');
});

test('a reading holds its display on the page said, until said, stopped or its limit', () => {
  const c = { id: 7, page: 1, dur: 15, pages: [tablePage(['10-01', '10-02']), tablePage(['10-03', '10-04', '10-05'])] };
  const { parts } = utterancesOf(ITEM, []);
  const reading = startReading(c, parts, c.pages.map(pageSides), T0);
  assert.equal(reading.until, T0 + MAX_READING_MS);
  assert.deepEqual(holdStep(null, c, T0), { kind: 'free' });
  assert.deepEqual(holdStep(reading, { ...c }, T0), { kind: 'free' }, 'another display');
  // It starts on the title's page (the first), whatever page was on screen.
  assert.deepEqual(holdStep(reading, c, T0), { kind: 'hold', page: 0 });
  reading.at = 4; // the fourth row (10-03) is being said
  assert.deepEqual(holdStep(reading, c, T0 + 60000), { kind: 'hold', page: 1 });
  assert.ok(holding(reading, c));
  // The speech engine never ends (stuck): cut at the limit.
  assert.deepEqual(holdStep(reading, c, T0 + MAX_READING_MS - 1), { kind: 'hold', page: 1 });
  assert.deepEqual(holdStep(reading, c, T0 + MAX_READING_MS), { kind: 'limit' });
  reading.ended = 'done';
  assert.ok(!holding(reading, c));
  assert.deepEqual(holdStep(reading, c, T0 + 100000), { kind: 'release', pageEnd: T0 + 100000 + AFTER_READING_MS });
  assert.deepEqual(holdStep(reading, { ...c, dur: 1 }, T0), { kind: 'free' });
  const short = { ...c, dur: 1 };
  assert.deepEqual(holdStep(startReading(short, parts, [], T0), short, T0).page, 0);
  const stopped = { ...startReading(short, parts, [], T0), ended: 'stopped' };
  assert.deepEqual(holdStep(stopped, short, T0), { kind: 'release', pageEnd: T0 + 1000 });
  // Paginated again (another layout): the same parts on the new pages.
  replan(reading, [tablePage(['10-01']), tablePage(['10-02']), tablePage(['10-03', '10-04', '10-05'])].map(pageSides));
  assert.deepEqual(reading.pages, [0, 0, 1, 2, 2, 2, 2]);
});

test('after a reading the rotation goes on with the next item, not the item\'s next page', () => {
  const r = new Rotation();
  const c = { page: 0, pages: [{}, {}], pageEnd: 10, stale: false };
  assert.equal(r.afterPage(c, 9), 'wait');
  assert.equal(r.afterPage(c, 10), 'page');
  assert.equal(r.afterPage({ ...c, read: true }, 10), 'next');
});

/** A speech engine whose utterances end when the test says so. */
function fakeEngine() {
  const queue = [];
  const synth = {
    speak(u) {
      queue.push(u);
    },
    cancel() {
      const was = queue.splice(0);
      for (const u of was) if (u.onerror) u.onerror({ error: 'interrupted' });
    },
    finishOne() {
      const u = queue.shift();
      if (u && u.onend) u.onend();
    }
  };
  class Utterance {
    constructor(text) {
      this.text = text;
    }
  }
  return { synth, Utterance, queue };
}

function screen(readAloud) {
  const c = { id: 7, item: ITEM, page: 1, dur: 15, stale: false,
    pages: [tablePage(['10-01', '10-02']), tablePage(['10-03', '10-04']), tablePage(['10-05'])] };
  return { tz: 'Asia/Shanghai', rotation: { manifest: { version: 'v', read_aloud: readAloud } }, cur: c, reading: null };
}

test('the reader moves the reading on as the engine says each part; stopped, it ends', () => {
  const { synth, Utterance, queue } = fakeEngine();
  const S = screen({ times: [], key: true });
  let clock = T0;
  const aloud = createAloud({ S, speaker: createSpeaker({ synth, Utterance }), voices: () => [], now: () => clock });
  assert.equal(aloud.key({ key: 'Enter' }), true);
  const reading = S.reading;
  assert.equal(reading.started, T0);
  assert.equal(aloud.reading, true);
  const pageNow = () => holdStep(S.reading, S.cur, clock).page;
  assert.equal(pageNow(), 0);
  for (let i = 0; i < 4; i++) synth.finishOne(); // title, rows 10-01, 10-02: the fourth is 10-03
  clock += 20000;
  assert.equal(reading.at, 4);
  assert.equal(pageNow(), 1);
  while (queue.length) synth.finishOne();
  assert.equal(reading.ended, 'done');
  assert.equal(aloud.reading, false);
  // Read again, then the key again: it stops.
  aloud.key({ key: 'NumpadEnter' });
  assert.notEqual(S.reading, reading);
  aloud.key({ key: 'Enter' });
  assert.equal(S.reading.ended, 'stopped');
  aloud.key({ key: 'Enter' });
  aloud.key({ key: 'Escape' });
  assert.equal(S.reading.ended, 'stopped');
  // A display whose content changed is not read: its new text is not on screen yet.
  S.cur.stale = true;
  S.reading = null;
  assert.equal(aloud.key({ key: 'Enter' }), false);
  assert.equal(S.reading, null);
});

test('an engine that fails at once holds nothing', () => {
  const S = screen({ times: [], key: true });
  const speaker = { speaking: false, speak: (parts, onEnd) => onEnd(false), stop() {} };
  const aloud = createAloud({ S, speaker, voices: () => [], now: () => T0 });
  assert.equal(aloud.key({ key: 'Enter' }), false);
  assert.equal(S.reading, null);
});
