// The display driven by an injected clock over the fake document: pages change after their
// duration, items follow the rotation, expire on time, and each display ends with its proof
// of play.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { createDisplay, pagesKey } from '../../../player/static/display.js';
import { el } from '../../../player/static/dom.js';
import { createRenderers } from '../../../player/static/renderers.js';
import { Rotation } from '../../../player/static/rotation.js';
import { FakeDocument, fakeMetrics } from './fakedom.js';

const NOW = Date.parse('2026-11-23T09:00:00+08:00');
const at = (seconds) => NOW + seconds * 1000;

function player() {
  const doc = new FakeDocument();
  const dom = { main: el(doc, 'div'), measure: el(doc, 'div') };
  const metrics = fakeMetrics(3, 10);
  const S = {
    mode: 'boot', preview: false, token: 'tok', screen: {}, tz: 'Asia/Shanghai',
    rotation: new Rotation(), layout: null, cur: null, paged: null, idleNode: null,
    layoutLoading: false, metricsEpoch: 0
  };
  const played = [];
  let clock = NOW;
  const ctx = {
    doc, dom, S, cfg: { allPages: false }, defs: { default_duration_s: 15 },
    now: () => clock,
    overflows: metrics.overflows,
    urls: { revokeObjectURL() {} },
    warn() {},
    frame: {
      async setLayout(name) {
        const changed = S.layout !== (name || 'landscape');
        S.layout = name || 'landscape';
        return changed;
      },
      showFrame() {}, resetClock() {}, renderClock() {},
      metricsChanged() {
        S.metricsEpoch += 1;
      }
    },
    side: { renderSide() {}, renderPageIndicator() {}, renderTicker() {} },
    net: { sendStatus() {}, queuePlayed: (record) => played.push(record) },
    renderers: createRenderers({
      doc, measure: dom.measure, main: { offsetWidth: 100, offsetHeight: 100 }, words: null, metrics,
      measureColumns: null, assets: null, urls: null
    })
  };
  const display = createDisplay(ctx);
  return { S, display, played, setClock: (t) => { clock = t; } };
}

const text = (id, chars, extra = {}) => ({
  id, revision: 1, title: '事项' + id, duration_s: 10, content_sha256: 'c' + id,
  valid_from: null, valid_until: null, body: { type: 'text', format: 'plain', text: '字'.repeat(chars) },
  ...extra
});

function onScreen(S) {
  return S.cur ? [S.cur.id, S.cur.page + 1, S.cur.pages.length] : null;
}

test('pages last their duration, items follow the schedule, proof of play at each end', async () => {
  const { S, display, played } = player();
  await display.applyManifest({
    version: 'v1',
    layout: 'landscape',
    items: [text(1, 50), text(2, 10, { valid_until: '2026-11-23T09:00:17+08:00' })],
    schedule: [{ from: '2026-11-23T00:00:00+08:00', until: null,
      sequence: [{ item: 1, duration_s: 5 }, { item: 2, duration_s: null }] }]
  });
  assert.deepEqual(onScreen(S), [1, 1, 2]);
  display.playTick(at(4.999));
  assert.deepEqual(onScreen(S), [1, 1, 2]);
  display.playTick(at(5));
  assert.deepEqual(onScreen(S), [1, 2, 2]);
  display.playTick(at(10));
  assert.deepEqual(onScreen(S), [2, 1, 1], 'the next item after the last page');
  assert.equal(S.cur.dur, 10, 'no slot duration: the item\'s');
  assert.deepEqual(played, [{ item: 1, revision: 1, started_at: '2026-11-23T09:00:00+08:00', duration_s: 10 }]);
  display.playTick(at(17));
  assert.deepEqual(onScreen(S), [1, 1, 2], 'item 2 expired at its valid_until');
  assert.deepEqual(played[1], { item: 2, revision: 1, started_at: '2026-11-23T09:00:10+08:00', duration_s: 7 });
  display.playTick(at(22));
  assert.deepEqual(onScreen(S), [1, 2, 2]);
  display.playTick(at(27));
  assert.deepEqual(onScreen(S), [1, 1, 2], 'alone in the rotation: shown again');
  assert.equal(played.length, 3);
  assert.equal(played[2].duration_s, 10);
});

test('nothing left: the idle page; an operator preview reports nothing', async () => {
  const { S, display, played } = player();
  await display.applyManifest({ version: 'v1', items: [text(1, 5, { valid_until: '2026-11-23T09:00:05+08:00' })] });
  assert.deepEqual(onScreen(S), [1, 1, 1]);
  display.playTick(at(5));
  assert.equal(S.mode, 'idle');
  assert.equal(S.cur, null);
  assert.equal(played.length, 1);
  S.preview = true;
  await display.applyManifest({ version: 'v2', items: [text(3, 5)] });
  display.playTick(at(60));
  assert.equal(played.length, 1);
});

test('a new manifest: a changed item finishes its page, then the next; the same item stays', async () => {
  const { S, display } = player();
  await display.applyManifest({ version: 'v1', items: [text(1, 50), text(2, 5)] });
  assert.deepEqual(onScreen(S), [1, 1, 2]);
  const before = S.cur;
  await display.applyManifest({ version: 'v2', items: [text(1, 50), text(2, 5), text(3, 5)] });
  assert.equal(S.cur, before, 'the display on screen goes on');
  await display.applyManifest({ version: 'v3', items: [text(1, 50, { revision: 2, content_sha256: 'x' }), text(2, 5)] });
  assert.equal(S.cur.stale, true);
  display.playTick(at(10));
  assert.deepEqual(onScreen(S), [2, 1, 1], 'its second page is not shown: it changed');
  await display.applyManifest({ version: 'v4', items: [text(1, 5)] });
  assert.deepEqual(onScreen(S), [1, 1, 1], 'an item gone from the manifest leaves the screen at once');
});

test('pagination is cached per item, revision, layout and metrics', () => {
  const item = text(7, 5);
  assert.equal(pagesKey(item, 'landscape', 0), '7|1|c7|landscape|0');
  assert.notEqual(pagesKey(item, 'portrait', 0), pagesKey(item, 'landscape', 0));
  assert.notEqual(pagesKey(item, 'landscape', 1), pagesKey(item, 'landscape', 0));
});
