// Reading aloud: what is said (title, paragraphs, table rows with their headers, amounts as
// numbers), which voice says it, and the adapter around the speech engine.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  chooseVoice, createSpeaker, readingOf, rowText, sentences, speechTexts, spokenNumbers
} from '../../../player/static/speech.js';
import { FakeDocument, h } from './fakedom.js';

const doc = new FakeDocument();

/** The public page's article of an item, as templates/public/org.html renders it. */
function article(extra = []) {
  return h(doc, ['article.about item', { id: 'item-7' },
    ['h4.item-title', '集义村2026年第三季度', ['wbr'], '财务收支公开'],
    ['p.tags', ['span.tag', '定期公开']],
    ['dl.facts', ['dt', '公开期'], ['dd', '2026-10-01 至 2026-12-31']],
    ['div.content', ['div.body body-table-wrap', ['table.body-table cards',
      ['caption', '收支明细'],
      ['thead', ['tr', ['th.short', '日期'], ['th.text', '摘要'], ['th.num money', '收入（元）'],
        ['th.num money', '支出（元）']]],
      ['tbody',
        ['tr', ['td.short', { 'data-label': '日期' }, '2026-10-08'],
          ['td.text', { 'data-label': '摘要' }, '上级转移支付'],
          ['td.num money', { 'data-label': '收入（元）' }, '45,000.00'],
          ['td.num money', { 'data-label': '支出（元）' }]],
        ['tr', ['td.short', '2026-10-21'], ['td.text', '道路维修', ['br'], '材料费'],
          ['td.num money'], ['td.num money', '12,680.50']]]],
      ['p.body-note', '单位：元']]],
    ['div.record', ['p.record-title', '公开记录'], ['ol.steps', ['li', '发布 王建国']]],
    ['p.actions', ['button', { 'data-read-aloud': 'item-7' }, '朗读']],
    ...extra]);
}

test('an item is read title first, then its table row by row with the headers', () => {
  const texts = speechTexts(readingOf(article(), 'zh-CN'));
  assert.deepEqual(texts, [
    '集义村2026年第三季度财务收支公开',
    '收支明细',
    '日期：2026-10-08，摘要：上级转移支付，收入：45000元。',
    '日期：2026-10-21，摘要：道路维修 材料费，支出：12680.50元。',
    '单位：元'
  ]);
});

test('the record, tags and buttons around the body are not read', () => {
  const said = speechTexts(readingOf(article(), 'zh-CN')).join('|');
  for (const word of ['公开记录', '王建国', '定期公开', '朗读', '公开期']) assert.ok(!said.includes(word), word);
});

test('a part in another language (a translation) is left to its own button', () => {
  const translated = ['section', { lang: 'ug', dir: 'rtl', id: 'item-7-ug' },
    ['h4', 'يېزا مالىيە'], ['div.content', ['p', 'كىرىم 45,000.00']]];
  const node = article([translated]);
  const zh = speechTexts(readingOf(node, 'zh-CN'));
  assert.ok(!zh.join('').includes('يېزا'));
  const ug = node.childNodes.at(-1);
  assert.deepEqual(speechTexts(readingOf(ug, 'ug')), ['يېزا مالىيە', 'كىرىم 45000']);
});

test('text bodies: paragraph by paragraph; hidden parts are skipped', () => {
  const node = h(doc, ['section', ['h1', '关于村道硬化的决定'],
    ['details.body', ['summary', '查看公开内容'], ['div.content', ['div.body body-text',
      ['p', '经村民代表会议讨论，决定硬化村道1,200米。投资共计1,322,400.00元。'],
      ['p', { hidden: '' }, '不显示'],
      ['p', '特此公告！']]]]]);
  assert.deepEqual(speechTexts(readingOf(node, 'zh-CN')), [
    '关于村道硬化的决定',
    '经村民代表会议讨论，决定硬化村道1200米。投资共计1322400元。',
    '特此公告！'
  ]);
});

test('amounts are said as the numbers they are; dates and codes are left alone', () => {
  assert.equal(spokenNumbers('共1,322,400.00元，其中12,680.50元'), '共1322400元，其中12680.50元');
  assert.equal(spokenNumbers('2026-10-08 第7次'), '2026-10-08 第7次');
  assert.equal(rowText(['项目', '金额(万元)'], [false, true], ['合计', '1,200.5'], 'zh-CN'),
    '项目：合计，金额：1200.5万元。');
  assert.equal(rowText(['Name', 'Amount'], [false, true], ['A', '3.00'], 'en'), 'Name: A, Amount: 3.');
  assert.equal(rowText(['a', 'b'], [], ['', ''], 'zh-CN'), '');
});

test('long paragraphs are cut at sentence ends', () => {
  const long = '一二三四五。'.repeat(40);
  const parts = sentences(long, 20);
  assert.ok(parts.every((p) => p.length <= 20), parts.join('/'));
  assert.equal(parts.join(''), long);
  assert.deepEqual(sentences('没有句号的一句话'), ['没有句号的一句话']);
  assert.deepEqual(sentences('支出12680.50元。收入3.5元。', 12), ['支出12680.50元。', '收入3.5元。']);
});

const VOICES = [
  { name: 'English', lang: 'en-US', localService: true, default: true },
  { name: 'Cantonese', lang: 'zh-HK', localService: true },
  { name: 'Taiwan', lang: 'zh-TW', localService: true },
  { name: 'Putonghua', lang: 'zh_CN', localService: true },
  { name: 'Mongolian', lang: 'mn-MN', localService: false }
];

test('the voice is chosen by the language of what is read, never another language', () => {
  assert.equal(chooseVoice(VOICES, 'zh-CN').name, 'Putonghua');
  assert.equal(chooseVoice(VOICES, 'zh-Hans-CN').name, 'Putonghua');
  assert.equal(chooseVoice(VOICES.filter((v) => v.name !== 'Putonghua'), 'zh-CN').name, 'Taiwan');
  assert.equal(chooseVoice(VOICES, 'ug'), null);
  assert.equal(chooseVoice(VOICES, 'mn-Mong'), null, 'a Cyrillic voice does not read Mongolian script');
  assert.equal(chooseVoice(VOICES, 'mn-Cyrl').name, 'Mongolian');
  assert.equal(chooseVoice([...VOICES, { name: 'Uyghur', lang: 'ug-CN' }], 'ug').name, 'Uyghur');
  assert.equal(chooseVoice(VOICES, ''), null);
  assert.equal(chooseVoice([], 'zh-CN'), null);
});

/** A fake engine: records what it is given, ends utterances when told to. */
function fakeEngine() {
  const spoken = [];
  class Utterance {
    constructor(text) {
      this.text = text;
    }
  }
  const synth = {
    queue: [],
    cancelled: 0,
    speak(u) {
      spoken.push(u);
      this.queue.push(u);
    },
    cancel() {
      this.cancelled++;
      for (const u of this.queue.splice(0)) if (u.onerror) u.onerror({ error: 'interrupted' });
    },
    finishAll() {
      for (const u of this.queue.splice(0)) if (u.onend) u.onend();
    }
  };
  return { synth, Utterance, spoken };
}

test('the speaker queues one utterance per text, with its language and voice', () => {
  const { synth, Utterance, spoken } = fakeEngine();
  const speaker = createSpeaker({ synth, Utterance });
  const ends = [];
  const voice = { lang: 'zh-CN' };
  speaker.speak([{ text: '标题', lang: 'zh-CN', voice }, { text: '正文。', lang: 'zh-CN', voice }],
    (ok) => ends.push(ok));
  assert.deepEqual(spoken.map((u) => [u.text, u.lang, u.voice]),
    [['标题', 'zh-CN', voice], ['正文。', 'zh-CN', voice]]);
  assert.equal(speaker.speaking, true);
  synth.finishAll();
  assert.deepEqual(ends, [true]);
  assert.equal(speaker.speaking, false);
});

test('stopping, or a new reading, ends the one before exactly once', () => {
  const { synth, Utterance } = fakeEngine();
  const speaker = createSpeaker({ synth, Utterance });
  const ends = [];
  speaker.speak([{ text: 'a' }, { text: 'b' }], (ok) => ends.push('first ' + ok));
  speaker.speak([{ text: 'c' }], (ok) => ends.push('second ' + ok));
  assert.deepEqual(ends, ['first false']);
  speaker.stop();
  assert.deepEqual(ends, ['first false', 'second false']);
  synth.finishAll();
  assert.equal(ends.length, 2);
  speaker.speak([], (ok) => ends.push('empty ' + ok));
  assert.deepEqual(ends.at(-1), 'empty true');
});
