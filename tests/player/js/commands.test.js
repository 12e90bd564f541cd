// Remote commands in the player (commands.js): each kind, the identify overlay's 30 s by an
// injected monotonic clock, no command run twice (across a reload), the agent's binding.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import {
  CLEARED_KEYS, HANDLED_KEY, IDENTIFY_MS, REMEMBER, agentMessage, createCommands, validCommand
} from '../../../player/static/commands.js';
import { createStore, memoryDb } from '../../../player/static/store.js';
import { FakeDocument } from './fakedom.js';

function harness({ agent = false, store = null, caches = null } = {}) {
  const doc = new FakeDocument();
  doc.body = doc.createElement('body');
  const clock = { t: 1000 };
  const sent = [];
  const log = [];
  const win = {};
  if (agent) {
    win.signageAgent = (message) => log.push(['agent', message]);
  }
  const S = { screen: { name: '集义村文化广场大屏', code: 'K7M2QX9A' } };
  const kept = store || createStore({ open: () => memoryDb() });
  const commands = createCommands({
    S,
    store: kept,
    doc,
    win,
    caches,
    mono: () => clock.t,
    send: async (event, payload) => {
      sent.push([event, payload]);
      log.push(['sent', payload.id]);
      return { reply: {} };
    },
    reload: () => log.push(['reload']),
    warn: () => {}
  });
  return { commands, doc, clock, sent, log, store: kept, win };
}

function overlay(doc) {
  return doc.body.childNodes.find((n) => n.className === 'identify-overlay') || null;
}

test('identify shows the name and code full screen for 30 s by the monotonic clock', async () => {
  const { commands, doc, clock, sent } = harness();
  await commands.receive({ id: 7, kind: 'identify', issued_at: 'x', expires_at: 'y' });
  const node = overlay(doc);
  assert.ok(node);
  assert.match(node.textContent, /集义村文化广场大屏/);
  assert.match(node.textContent, /K7M2QX9A/);
  assert.deepEqual(sent, [['command_done', { id: 7, ok: true }]]);
  clock.t += IDENTIFY_MS - 1;
  commands.tick(clock.t);
  assert.ok(overlay(doc), 'still there just before 30 s');
  clock.t += 1;
  commands.tick(clock.t);
  assert.equal(overlay(doc), null);
  assert.equal(commands.identifying, null);
});

test('a second identify replaces the first and starts its 30 s again', async () => {
  const { commands, doc, clock } = harness();
  await commands.receive({ id: 1, kind: 'identify' });
  clock.t += 20000;
  await commands.receive({ id: 2, kind: 'identify' });
  assert.equal(doc.body.childNodes.length, 1);
  clock.t += 20000;
  commands.tick(clock.t);
  assert.ok(overlay(doc));
});

test('reload is answered first, then the page reloads', async () => {
  const { commands, log } = harness();
  await commands.receive({ id: 3, kind: 'reload' });
  assert.deepEqual(log, [['sent', 3], ['reload']]);
});

test('a command is not run twice, even after the reload it asked for', async () => {
  const store = createStore({ open: () => memoryDb() });
  const first = harness({ store });
  await first.commands.receive({ id: 9, kind: 'reload' });
  assert.deepEqual(first.log, [['sent', 9], ['reload']]);
  // The page reloaded: a new player with the same store is sent the same command again.
  const second = harness({ store });
  await second.commands.receive({ id: 9, kind: 'reload' });
  assert.deepEqual(second.log, [['sent', 9]], 'answered again, not reloaded');
  assert.deepEqual(second.sent, [['command_done', { id: 9, ok: true }]]);
});

test('a repeated command that failed is answered with its failure again', async () => {
  const { commands, sent } = harness();
  await commands.receive({ id: 4, kind: 'snapshot' });
  await commands.receive({ id: 4, kind: 'snapshot' });
  assert.deepEqual(sent.map(([, p]) => p), [
    { id: 4, ok: false, error: 'no_agent' },
    { id: 4, ok: false, error: 'no_agent' }
  ]);
});

test('reboot and snapshot without the agent: no_agent; with it: handed over after the answer', async () => {
  const without = harness();
  await without.commands.receive({ id: 5, kind: 'reboot' });
  assert.deepEqual(without.sent, [['command_done', { id: 5, ok: false, error: 'no_agent' }]]);

  const withAgent = harness({ agent: true });
  await withAgent.commands.receive({ id: 6, kind: 'reboot' });
  await withAgent.commands.receive({ id: 8, kind: 'snapshot' });
  assert.deepEqual(withAgent.log, [
    ['sent', 6],
    ['agent', '{"type":"command","id":6,"kind":"reboot"}'],
    ['sent', 8],
    ['agent', '{"type":"command","id":8,"kind":"snapshot"}']
  ]);
  assert.deepEqual(JSON.parse(agentMessage({ id: 6, kind: 'reboot' })), { type: 'command', id: 6, kind: 'reboot' });
});

test('clear_cache drops the caches and the stored manifest, keeps the token and the played queue', async () => {
  const deleted = [];
  const caches = {
    keys: async () => ['signage-shell-v2', 'signage-assets-v1'],
    delete: async (name) => deleted.push(name)
  };
  const store = createStore({ open: () => memoryDb() });
  await store.put('token', 'scr_secret');
  await store.put('manifest', { version: 'v1' });
  await store.put('hello', { screen: {} });
  await store.putAsset('ab'.repeat(32), 'blob');
  await store.addPlayed({ item: 1 });
  const { commands, log } = harness({ store, caches });
  await commands.receive({ id: 11, kind: 'clear_cache' });
  assert.deepEqual(deleted, ['signage-shell-v2', 'signage-assets-v1']);
  for (const key of CLEARED_KEYS) assert.equal(await store.get(key), undefined);
  assert.deepEqual(await store.assetKeys(), []);
  assert.equal(await store.get('token'), 'scr_secret');
  assert.equal(await store.countPlayed(), 1);
  assert.deepEqual(log, [['sent', 11], ['reload']]);
  assert.deepEqual((await store.get(HANDLED_KEY)).map((e) => e.id), [11]);
});

test('unknown kinds are refused, malformed commands ignored, the memory is bounded', async () => {
  const { commands, sent, store } = harness();
  await commands.receive({ id: 12, kind: 'format_disk' });
  assert.deepEqual(sent, [['command_done', { id: 12, ok: false, error: 'unknown_kind' }]]);
  for (const bad of [null, 'reload', { id: '1', kind: 'reload' }, { id: 0, kind: 'reload' }, { id: 1 }]) {
    assert.equal(validCommand(bad), null);
    await commands.receive(bad);
  }
  assert.equal(sent.length, 1);
  for (let id = 100; id < 100 + REMEMBER + 10; id++) await commands.receive({ id, kind: 'identify' });
  const kept = await store.get(HANDLED_KEY);
  assert.equal(kept.length, REMEMBER);
  assert.equal(kept[kept.length - 1].id, 100 + REMEMBER + 9);
});
