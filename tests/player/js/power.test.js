// 定时开关屏 on the screen: on/off by the manifest's power schedule on an injected clock, the
// holidays it carries, blanking (no proof of play), an urgent item waking the screen, the box
// agent's messages and the blank periods queued, kept and sent.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createPower, parseRow, powerState, scheduledOn } from '../../../player/static/power.js';
import { Rotation } from '../../../player/static/rotation.js';
import { createStore, memoryDb } from '../../../player/static/store.js';

const T = (s, offset = '+08:00') => Date.parse(s + offset);
const SH = 'Asia/Shanghai';
const WEEK = {
  mon: '07:00-22:00', tue: '07:00-22:00', wed: '07:00-22:00', thu: '07:00-22:00',
  fri: '18:00-02:00', sat: 'off', sun: '08:00-12:00'
};
const POWER = { week: WEEK, holiday: 'off', days: { '2026-10-01': 'holiday', '2026-10-10': 'workday' } };

test('rows: windows, off, past midnight', () => {
  assert.deepEqual(parseRow('07:00-22:00'), { on: 420, off: 1320 });
  assert.deepEqual(parseRow('18:00-02:00'), { on: 1080, off: 1560 });
  assert.equal(parseRow('off'), null);
});

test('the schedule by the screen clock: weekdays, overnight, holidays, adjusted working days', () => {
  assert.equal(scheduledOn(POWER, T('2026-11-23T06:59:00'), SH), false); // Monday
  assert.equal(scheduledOn(POWER, T('2026-11-23T07:00:00'), SH), true);
  assert.equal(scheduledOn(POWER, T('2026-11-23T22:00:00'), SH), false);
  // Friday's window runs into Saturday (itself off all day) until 02:00.
  assert.equal(scheduledOn(POWER, T('2026-11-28T01:30:00'), SH), true);
  assert.equal(scheduledOn(POWER, T('2026-11-28T02:00:00'), SH), false);
  // 1 October 2026 (a Thursday) is a holiday: off all day.
  assert.equal(scheduledOn(POWER, T('2026-10-01T10:00:00'), SH), false);
  // 10 October 2026 (a Saturday) is a working day: Monday's times.
  assert.equal(scheduledOn(POWER, T('2026-10-10T10:00:00'), SH), true);
  // The holiday row "weekday": its weekday's row.
  assert.equal(scheduledOn({ ...POWER, holiday: 'weekday' }, T('2026-10-01T10:00:00'), SH), true);
  // Another zone: 07:00 in Berlin is 14:00 in Beijing (winter).
  assert.equal(scheduledOn(POWER, T('2026-11-23T06:30:00', 'Z'), 'Europe/Berlin'), true);
  assert.equal(scheduledOn(null, T('2026-11-23T03:00:00'), SH), true);
});

function manifest(items = [], power = POWER) {
  return { version: 'v1', items, schedule: [], power };
}

const URGENT = {
  id: 9, revision: 1, title: '停水通知', urgent: true,
  valid_from: '2026-11-23T22:30:00+08:00', valid_until: '2026-11-24T06:00:00+08:00',
  body: { type: 'text', text: '明天停水' }
};

test('a live urgent item wakes a screen that is off by schedule', () => {
  const r = new Rotation();
  r.setManifest(manifest([URGENT]));
  assert.equal(powerState(r.manifest, r, T('2026-11-23T10:00:00'), SH), 'on');
  assert.equal(powerState(r.manifest, r, T('2026-11-23T22:10:00'), SH), 'off');
  assert.equal(powerState(r.manifest, r, T('2026-11-23T23:00:00'), SH), 'woken');
  assert.equal(powerState(r.manifest, r, T('2026-11-24T06:00:00'), SH), 'off');
});

function fakeDoc() {
  const nodes = [];
  return {
    nodes,
    body: { appendChild: (n) => nodes.push(n) },
    createElement: () => ({ hidden: false, setAttribute() {} })
  };
}

function setup(items = []) {
  const S = { rotation: new Rotation(), tz: SH, preview: false, cur: null, socket: null };
  S.rotation.setManifest(manifest(items));
  const ended = [];
  const sent = [];
  const statuses = [];
  const store = createStore({ open: async () => memoryDb() });
  const win = {};
  const doc = fakeDoc();
  const ctx = {
    S, store, doc, win,
    display: { endDisplay: (at) => { ended.push(at); S.cur = null; } },
    net: { sendStatus: () => statuses.push(S.power) },
    warn: () => {}
  };
  return { S, ctx, ended, sent, statuses, store, win, doc, power: createPower(ctx) };
}

const flushed = () => new Promise((resolve) => setTimeout(resolve, 0));

test('at the off time the screen blanks: the display ends (its proof of play), a period opens', async () => {
  const { S, power, ended, doc, statuses, win } = setup();
  const messages = [];
  win.signageAgent = (text) => messages.push(JSON.parse(text));
  S.cur = { id: 1 };
  assert.equal(power.tick(T('2026-11-23T21:59:59')), 'on');
  // The binding seen for the first time: the agent is told the display is on.
  assert.deepEqual(messages, [{ type: 'power', on: true }]);
  assert.equal(power.tick(T('2026-11-23T22:00:00')), 'off');
  assert.deepEqual(ended, [T('2026-11-23T22:00:00')]);
  assert.equal(S.cur, null);
  assert.equal(doc.nodes.length, 1);
  assert.equal(doc.nodes[0].hidden, false);
  assert.deepEqual(messages.at(-1), { type: 'power', on: false });
  assert.deepEqual(statuses, ['off']);
  // Still off: nothing more is said.
  power.tick(T('2026-11-23T23:00:00'));
  assert.equal(messages.length, 2);
  // Morning: on again, the period is queued, the agent told.
  assert.equal(power.tick(T('2026-11-24T07:00:00')), 'on');
  assert.equal(doc.nodes[0].hidden, true);
  assert.deepEqual(messages.at(-1), { type: 'power', on: true });
  await flushed();
  assert.deepEqual(power.queued, [{ from: '2026-11-23T22:00:00+08:00', until: '2026-11-24T07:00:00+08:00' }]);
});

test('an agent that appears while the screen is off is told at once', () => {
  const { power, win } = setup();
  power.tick(T('2026-11-23T23:00:00'));
  const messages = [];
  win.signageAgent = (text) => messages.push(JSON.parse(text));
  power.tick(T('2026-11-23T23:00:01'));
  assert.deepEqual(messages, [{ type: 'power', on: false }]);
});

test('an urgent item wakes the blank screen, and the blank period ends there', async () => {
  const { power, doc } = setup([URGENT]);
  assert.equal(power.tick(T('2026-11-23T22:00:00')), 'off');
  assert.equal(power.tick(T('2026-11-23T22:30:00')), 'woken');
  assert.equal(doc.nodes[0].hidden, true);
  assert.equal(power.tick(T('2026-11-24T06:00:00')), 'off');
  assert.equal(doc.nodes[0].hidden, false);
  await flushed();
  assert.deepEqual(power.queued, [{ from: '2026-11-23T22:00:00+08:00', until: '2026-11-23T22:30:00+08:00' }]);
});

test('queued periods are kept in the store and leave it once the server answered', async () => {
  const { S, power, store } = setup();
  power.tick(T('2026-11-23T22:00:00'));
  power.tick(T('2026-11-24T07:00:00'));
  await flushed();
  assert.equal((await store.get('blanked')).length, 1);
  // Offline: nothing is sent, nothing is lost.
  await power.flush();
  assert.equal(power.queued.length, 1);
  const emitted = [];
  let answer = null;
  S.socket = {
    connected: true,
    timeout: () => ({ emit: (event, batch, callback) => { emitted.push([event, batch]); callback(answer, { stored: 1, duplicates: 0, rejected: 0 }); } })
  };
  answer = new Error('timeout'); // no answer in time: kept
  await power.flush();
  assert.equal(power.queued.length, 1);
  answer = null;
  await power.flush();
  assert.equal(emitted.length, 2);
  assert.equal(emitted[1][0], 'blanked');
  assert.deepEqual(emitted[1][1], [{ from: '2026-11-23T22:00:00+08:00', until: '2026-11-24T07:00:00+08:00' }]);
  assert.deepEqual(power.queued, []);
  assert.deepEqual(await store.get('blanked'), []);
});

test('a page reloaded while blank closes the period at the last minute it was seen blank', async () => {
  const first = setup();
  first.power.tick(T('2026-11-23T22:00:00'));
  first.power.tick(T('2026-11-23T22:05:00')); // seen a minute or more later: kept
  await flushed();
  // The box lost power; the page starts again the next morning with the same store.
  const S = { rotation: new Rotation(), tz: SH, preview: false };
  S.rotation.setManifest(manifest());
  const again = createPower({ S, store: first.store, doc: fakeDoc(), win: {}, warn: () => {} });
  again.tick(T('2026-11-24T08:00:00'));
  await again.restore();
  assert.deepEqual(again.queued, [{ from: '2026-11-23T22:00:00+08:00', until: '2026-11-23T22:05:00+08:00' }]);
});

test('blank from the first tick: the item the page put up at start gets no proof of play', () => {
  const { S, power, ended } = setup();
  S.cur = { id: 1, started: T('2026-11-23T22:59:59') };
  assert.equal(power.tick(T('2026-11-23T23:00:00')), 'off');
  assert.deepEqual(ended, []);
  assert.equal(S.cur, null);
});

test('a preview never blanks', () => {
  const { S, power } = setup();
  S.preview = true;
  assert.equal(power.tick(T('2026-11-23T23:00:00')), 'on');
});
