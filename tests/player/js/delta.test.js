// Manifest deltas: the full manifest rebuilt from the one held, or null (never a mixed state).
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { applyDelta } from '../../../player/static/delta.js';

const entry = (id, revision = 1) => ({ id, revision, title: `事项 ${id}`, body: { type: 'text', text: '…' } });

function base() {
  return {
    version: 'a'.repeat(64),
    generated_at: '2026-11-23T09:00:00+08:00',
    layout: 'landscape',
    org: { code: 'JIYI-01', name: '集义村' },
    items: [entry(1), entry(2), entry(3)],
    schedule: [{ from: 'x', until: 'y', sequence: [{ item: 1, duration_s: 15 }] }],
    ticker: [],
    audit_head: { seq: 1, hash: 'h1' }
  };
}

test('changed, added, removed and reordered items; changed and dropped fields', () => {
  const held = base();
  const delta = {
    base: held.version,
    version: 'b'.repeat(64),
    items: [3, 1, 5],
    items_changed: [entry(1, 2), entry(5)],
    rest: { schedule: [], audit_head: { seq: 2, hash: 'h2' } },
    dropped: ['generated_at']
  };
  const m = applyDelta(held, delta);
  assert.deepEqual(m, {
    version: 'b'.repeat(64),
    layout: 'landscape',
    org: { code: 'JIYI-01', name: '集义村' },
    items: [entry(3), entry(1, 2), entry(5)],
    schedule: [],
    ticker: [],
    audit_head: { seq: 2, hash: 'h2' }
  });
  assert.deepEqual(held, base(), 'the held manifest is left as it was');
});

test('an unchanged manifest apart from its fields keeps every item', () => {
  const held = base();
  const m = applyDelta(held, { base: held.version, version: 'c', items: [1, 2, 3], items_changed: [], rest: {}, dropped: [] });
  assert.deepEqual(m.items, held.items);
  assert.equal(m.version, 'c');
});

test('another base, nothing held, an unknown item or a malformed delta: null', () => {
  const held = base();
  const good = { base: held.version, version: 'b', items: [1], items_changed: [], rest: {}, dropped: [] };
  assert.ok(applyDelta(held, good));
  assert.equal(applyDelta({ ...held, version: 'z' }, good), null);
  assert.equal(applyDelta(null, good), null);
  assert.equal(applyDelta(held, { ...good, items: [1, 9] }), null);
  assert.equal(applyDelta(held, { ...good, items: 'x' }), null);
  assert.equal(applyDelta(held, { ...good, version: 7 }), null);
  assert.equal(applyDelta(held, null), null);
});

test('rest cannot replace the items or the version', () => {
  const held = base();
  const m = applyDelta(held, {
    base: held.version, version: 'b', items: [2], items_changed: [], rest: { items: [], version: 'evil' }, dropped: []
  });
  assert.deepEqual(m.items, [entry(2)]);
  assert.equal(m.version, 'b');
});
