// 定时朗读 on a screen: when the next reading is due (on the player's clock, in the screen's
// time zone), what is read of a manifest item, and the reader with a fake speech adapter.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  LATE_MS, bodyBlocks, createAloud, nextReading, readingsOfItem, utterancesOf
} from '../../../player/static/aloud.js';
import { speechTexts } from '../../../player/static/speech.js';

const T = (s, offset = '+08:00') => Date.parse(s + offset);
const SH = 'Asia/Shanghai';

test('the next reading is the first time of day strictly after now, in the screen zone', () => {
  const times = ['08:00', '18:00'];
  assert.equal(nextReading(times, T('2026-11-23T07:59:59'), SH), T('2026-11-23T08:00:00'));
  assert.equal(nextReading(times, T('2026-11-23T08:00:00'), SH), T('2026-11-23T18:00:00'));
  assert.equal(nextReading(times, T('2026-11-23T18:30:00'), SH), T('2026-11-24T08:00:00'));
  assert.equal(nextReading(['18:00', '08:00'], T('2026-12-31T23:00:00'), SH), T('2027-01-01T08:00:00'));
  assert.equal(nextReading([], T('2026-11-23T07:00:00'), SH), null);
  // Another zone: 08:00 in Urumqi (UTC+6) is 10:00 in Beijing.
  assert.equal(nextReading(['08:00'], T('2026-11-23T09:00:00'), 'Asia/Urumqi'), T('2026-11-23T10:00:00'));
  // Summer time: 08:00 in Berlin is 07:00 UTC in summer, 08:00 - 1 h = 07:00 UTC in winter.
  assert.equal(nextReading(['08:00'], T('2026-07-01T00:00:00', 'Z'), 'Europe/Berlin'), T('2026-07-01T06:00:00', 'Z'));
  assert.equal(nextReading(['08:00'], T('2026-12-01T00:00:00', 'Z'), 'Europe/Berlin'), T('2026-12-01T07:00:00', 'Z'));
});

const ITEM = {
  id: 7,
  title: '集义村第三季度财务收支公开',
  body: {
    type: 'table',
    caption: '',
    columns: ['日期', '摘要', '收入（元）', '支出（元）'],
    rows: [['2026-10-08', '上级转移支付', 45000, null], ['2026-10-21', '道路维修材料费', null, 12680.5]],
    note: '经村务监督委员会审核'
  }
};

test('a manifest item is read as on a phone: title, rows with headers, amounts as numbers', () => {
  const [zh] = readingsOfItem(ITEM);
  assert.deepEqual(speechTexts(zh), [
    '集义村第三季度财务收支公开',
    '日期：2026-10-08，摘要：上级转移支付，收入：45000元。',
    '日期：2026-10-21，摘要：道路维修材料费，支出：12680.50元。',
    '经村务监督委员会审核'
  ]);
  assert.deepEqual(bodyBlocks({ type: 'text', format: 'html', text: '<p>第一段&amp;</p><p>第二段</p>' }),
    [{ kind: 'text', text: '第一段&' }, { kind: 'text', text: '第二段' }]);
  assert.deepEqual(bodyBlocks({ type: 'image', caption: '规划图' }), [{ kind: 'text', text: '规划图' }]);
});

const ZH = { name: 'zh', lang: 'zh-CN' };
const UG_ITEM = {
  ...ITEM,
  translation: { lang: 'ug', tag: 'ug', title: 'مالىيە', body: { type: 'text', text: 'كىرىم' } }
};

test('a translation is read in its own voice, or skipped when the box has none', () => {
  const none = utterancesOf(UG_ITEM, [ZH]);
  assert.deepEqual(none.missing, ['ug']);
  assert.ok(none.parts.every((p) => p.lang === 'zh-CN' && p.voice === ZH));
  const ug = { name: 'ug', lang: 'ug-CN' };
  const both = utterancesOf(UG_ITEM, [ZH, ug]);
  assert.deepEqual(both.parts.slice(-2).map((p) => [p.text, p.lang, p.voice]),
    [['مالىيە', 'ug', ug], ['كىرىم', 'ug', ug]]);
  // A box that lists no voice: Chinese goes to the engine's default voice, nothing else.
  const unlisted = utterancesOf(UG_ITEM, []);
  assert.ok(unlisted.parts.length > 0 && unlisted.parts.every((p) => p.lang === 'zh-CN'));
});

function fakeSpeaker() {
  return {
    said: [],
    stops: 0,
    speaking: false,
    speak(parts) {
      this.said.push(parts.map((p) => p.text));
      this.speaking = true;
    },
    stop() {
      this.stops++;
      this.speaking = false;
    }
  };
}

function player(readAloud) {
  return {
    tz: SH,
    rotation: { manifest: { version: 'v', read_aloud: readAloud } },
    cur: { id: 7, item: ITEM }
  };
}

test('the screen reads at its times, once each, on its own clock', () => {
  const speaker = fakeSpeaker();
  const S = player({ times: ['08:00', '18:00'], key: false });
  const aloud = createAloud({ S, speaker, voices: () => [ZH], now: () => 0 });
  let t = T('2026-11-23T07:59:58');
  assert.equal(aloud.tick(t), false);
  assert.equal(aloud.next, T('2026-11-23T08:00:00'));
  t += 1000;
  assert.equal(aloud.tick(t), false);
  t += 1000;
  assert.equal(aloud.tick(t), true);
  assert.equal(speaker.said.length, 1);
  assert.equal(speaker.said[0][0], ITEM.title);
  for (let i = 0; i < 5; i++) aloud.tick((t += 1000));
  assert.equal(speaker.said.length, 1, 'read once');
  assert.equal(aloud.next, T('2026-11-23T18:00:00'));
  // The box slept through 18:00: a reading an hour late is skipped, the next one planned.
  assert.equal(aloud.tick(T('2026-11-23T19:00:00')), false);
  assert.equal(aloud.next, T('2026-11-24T08:00:00'));
  assert.equal(aloud.tick(T('2026-11-24T08:00:00') + LATE_MS - 1000), true);
  assert.equal(speaker.said.length, 2);
});

test('nothing is read without the setting, or with nothing on screen', () => {
  const speaker = fakeSpeaker();
  const S = player(undefined);
  const aloud = createAloud({ S, speaker, voices: () => [ZH], now: () => 0 });
  for (const s of ['07:59:59', '08:00:00', '08:00:01']) aloud.tick(T('2026-11-23T' + s));
  assert.equal(aloud.key({ key: 'Enter' }), false);
  S.rotation.manifest.read_aloud = { times: ['08:00'], key: true };
  S.cur = null;
  aloud.tick(T('2026-11-23T07:59:59'));
  assert.equal(aloud.tick(T('2026-11-23T08:00:00')), false);
  assert.equal(speaker.said.length, 0);
});

test('a key of the box reads the item on screen; pressed again it stops', () => {
  const speaker = fakeSpeaker();
  const S = player({ times: [], key: true });
  const aloud = createAloud({ S, speaker, voices: () => [ZH], now: () => 0 });
  let prevented = 0;
  const press = (key, extra = {}) => aloud.key({ key, preventDefault: () => prevented++, ...extra });
  assert.equal(press('a'), false);
  assert.equal(press('Enter'), true);
  assert.equal(speaker.said.length, 1);
  assert.equal(press('Enter', { repeat: true }), false, 'a held key is one press');
  assert.equal(press('MediaPlayPause'), true);
  assert.equal(speaker.stops, 1);
  assert.equal(press('MediaPlayPause'), true);
  assert.equal(speaker.said.length, 2);
  assert.equal(press('MediaStop'), true);
  assert.equal(speaker.stops, 2);
  assert.equal(prevented, 3);
  // Key reading off: the key does what it did before.
  S.rotation.manifest.read_aloud = { times: ['08:00'], key: false };
  assert.equal(press('Enter'), false);
});
