// Rotation with an injected clock: order, durations, segments, urgent interrupts, expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Rotation, displaySeconds, playedRecord, validManifest } from '../../../player/static/rotation.js';

const T = (s) => Date.parse('2026-11-23T' + s + '+08:00');
const NOW = T('09:00:00');

function item(id, extra = {}) {
  return { id, revision: 1, title: '事项' + id, duration_s: 15, valid_from: null, valid_until: null,
    content_sha256: 'c' + id, urgent: false, ...extra };
}

function manifest(items, schedule = [], version = 'v1') {
  return { version, items, schedule };
}

function picks(rotation, now, n) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const pick = rotation.pickNext(now);
    if (!pick) break;
    rotation.begin(pick);
    out.push(pick.id);
  }
  return out;
}

test('without a schedule every item in manifest order, skipping those out of their window', () => {
  const r = new Rotation();
  r.setManifest(manifest([
    item(1),
    item(2, { valid_from: '2026-11-23T10:00:00+08:00' }),
    item(3, { valid_until: '2026-11-23T08:00:00+08:00' }),
    item(4)
  ]));
  assert.deepEqual(picks(r, NOW, 5), [1, 4, 1, 4, 1]);
  assert.deepEqual(picks(r, T('10:00:00'), 3), [2, 4, 1]);
});

test('the schedule segment containing now gives order and durations', () => {
  const r = new Rotation();
  r.setManifest(manifest([item(1), item(2), item(3)], [
    { from: '2026-11-23T00:00:00+08:00', until: '2026-11-23T09:30:00+08:00',
      sequence: [{ item: 3, duration_s: 20 }, { item: 1, duration_s: 8 }] },
    { from: '2026-11-23T09:30:00+08:00', until: '2026-11-24T00:00:00+08:00',
      sequence: [{ item: 2, duration_s: 10 }, { item: 1, duration_s: 10 }] }
  ]));
  assert.equal(r.segmentAt(NOW), 0);
  assert.equal(r.segmentAt(T('09:30:00')), 1);
  const first = r.pickNext(NOW);
  assert.deepEqual(first, { id: 3, dur: 20, kind: 'rotation' });
  r.begin(first);
  assert.deepEqual(picks(r, NOW, 3), [1, 3, 1]);
  // A new segment starts its sequence after the item on screen if it holds it, else at its top.
  assert.deepEqual(picks(r, T('09:30:00'), 3), [2, 1, 2]);
  // Past the horizon: every item, manifest order.
  assert.equal(r.segmentAt(T('23:59:59') + 1000), null);
});

test('a new manifest keeps the place by item id', () => {
  const r = new Rotation();
  r.setManifest(manifest([item(1), item(2), item(3)]));
  assert.deepEqual(picks(r, NOW, 2), [1, 2]);
  r.setManifest(manifest([item(5), item(2), item(3), item(1)], [], 'v2'));
  assert.deepEqual(picks(r, NOW, 3), [3, 1, 5]);
});

test('durations: the slot, else the item, else the server default', () => {
  assert.equal(displaySeconds({ dur: 20 }, item(1), 15), 20);
  assert.equal(displaySeconds({ dur: null }, item(1, { duration_s: 12 }), 15), 12);
  assert.equal(displaySeconds({ dur: null }, item(1, { duration_s: null }), 7), 7);
  assert.equal(displaySeconds({ dur: -3 }, item(1), 7), 7);
  assert.equal(displaySeconds({ dur: 'x' }, item(1), 7), 7);
});

test('a new urgent item interrupts at once, then urgent and rotation items alternate', () => {
  const r = new Rotation();
  r.setManifest(manifest([item(1), item(2), item(9, { urgent: true, valid_until: '2026-11-23T10:00:00+08:00' })]));
  const c = { id: 1, revision: 1, item: r.items[1], urgent: false };
  r.begin({ id: 1, kind: 'rotation' });
  assert.equal(r.interrupted(c, NOW), true, 'an urgent item not yet shown interrupts');
  assert.deepEqual(r.pickNext(NOW), { id: 9, dur: null, kind: 'urgent' });
  r.begin({ id: 9, kind: 'urgent' });
  assert.equal(r.interrupted(c, NOW), false);
  assert.deepEqual(picks(r, NOW, 4), [1, 9, 2, 9]);
  // Expired: rotation only.
  assert.deepEqual(picks(r, T('10:00:00'), 3), [1, 2, 1]);
  assert.equal(r.eligible(9, NOW), false, 'urgent items are not rotation items');
});

test('expiry by the clock: the display stops at valid_until', () => {
  const r = new Rotation();
  r.setManifest(manifest([item(1, { valid_until: '2026-11-23T09:00:30+08:00' }), item(2)]));
  const c = { id: 1, revision: 1, item: r.items[1], urgent: false };
  assert.equal(r.interrupted(c, T('09:00:29')), false);
  assert.equal(r.interrupted(c, T('09:00:30')), true);
  assert.deepEqual(picks(r, T('09:00:30'), 2), [2, 2]);
  r.setManifest(manifest([item(2)], [], 'v2'));
  assert.equal(r.interrupted(c, NOW), true, 'an item gone from the manifest stops too');
});

test('after a page: wait, next page, or next item (a stale display ends after its page)', () => {
  const r = new Rotation();
  const c = { pageEnd: NOW + 15000, page: 0, pages: [{}, {}], stale: false };
  assert.equal(r.afterPage(c, NOW + 14999), 'wait');
  assert.equal(r.afterPage(c, NOW + 15000), 'page');
  c.page = 1;
  assert.equal(r.afterPage(c, NOW + 15000), 'next');
  c.page = 0;
  c.stale = true;
  assert.equal(r.afterPage(c, NOW + 15000), 'next');
});

test('a new manifest: keep the display, let it finish (changed), or stop it', () => {
  const r = new Rotation();
  const one = item(1);
  r.setManifest(manifest([one, item(2)]));
  const c = { id: 1, revision: 1, item: one, urgent: false };
  assert.equal(r.onManifest(c, NOW), 'keep');
  r.setManifest(manifest([item(1, { revision: 2, content_sha256: 'new' }), item(2)], [], 'v2'));
  assert.equal(r.onManifest(c, NOW), 'stale');
  r.setManifest(manifest([item(1), item(2)], [
    { from: '2026-11-23T00:00:00+08:00', until: null, sequence: [{ item: 2, duration_s: 10 }] }
  ], 'v3'));
  assert.equal(r.onManifest(c, NOW), 'next', 'it left the rotation in force');
});

test('proof of play: started in the screen zone, tenths of a second, nothing under 0.1 s', () => {
  const c = { id: 12, revision: 3, started: NOW };
  assert.deepEqual(playedRecord(c, NOW + 15049, 'Asia/Shanghai'), {
    item: 12, revision: 3, started_at: '2026-11-23T09:00:00+08:00', duration_s: 15
  });
  assert.equal(playedRecord(c, NOW + 15051, 'Asia/Shanghai').duration_s, 15.1);
  assert.equal(playedRecord(c, NOW + 15051, 'UTC').started_at, '2026-11-23T01:00:00+00:00');
  assert.equal(playedRecord(c, NOW + 99, 'Asia/Shanghai'), null);
});

test('a manifest is usable with a version string and an item list', () => {
  assert.equal(validManifest({ version: 'v', items: [] }), true);
  assert.equal(validManifest({ version: 1, items: [] }), false);
  assert.equal(validManifest({ version: 'v' }), false);
  assert.equal(validManifest(null), false);
});

test('a repeated item id keeps its first entry; urgent items seen are forgotten when gone', () => {
  const r = new Rotation();
  r.setManifest(manifest([item(1), item(1, { title: 'again' }), item(9, { urgent: true })]));
  assert.deepEqual(r.order, [1, 9]);
  assert.equal(r.items[1].title, '事项1');
  r.begin({ id: 9, kind: 'urgent' });
  r.setManifest(manifest([item(1)], [], 'v2'));
  assert.deepEqual(r.urgentSeen, {});
});
