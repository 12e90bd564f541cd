// The player updates itself when the server serves another player version (update.js):
// the Service Worker is updated, the page reloads once the new worker is active, and at most
// once per version.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { UPDATED_KEY, UPDATE_WAIT_MS, createUpdater, needsUpdate } from '../../../player/static/update.js';
import { createStore, memoryDb } from '../../../player/static/store.js';

class FakeWorker {
  constructor(state) {
    this.state = state;
    this.listeners = [];
  }

  addEventListener(name, fn) {
    this.listeners.push(fn);
  }

  removeEventListener(name, fn) {
    this.listeners = this.listeners.filter((f) => f !== fn);
  }

  become(state) {
    this.state = state;
    for (const fn of this.listeners.slice()) fn();
  }
}

function harness({ registration = null, store = null } = {}) {
  const log = [];
  const timers = [];
  const kept = store || createStore({ open: () => memoryDb() });
  const updater = createUpdater({
    version: '0.1.0-aaaa',
    store: kept,
    sw: { getRegistration: async () => registration },
    reload: () => log.push('reload'),
    setTimeout: (fn, ms) => {
      timers.push({ fn, ms });
      return timers.length;
    },
    clearTimeout: () => {},
    warn: () => {}
  });
  return { updater, log, timers, store: kept };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('needsUpdate', () => {
  assert.ok(needsUpdate('0.1.0-aaaa', '0.1.0-bbbb'));
  assert.ok(!needsUpdate('0.1.0-aaaa', '0.1.0-aaaa'));
  assert.ok(!needsUpdate('', '0.1.0-bbbb'), 'a page without a version (preview, tests) never updates');
  assert.ok(!needsUpdate('0.1.0-aaaa', undefined), 'an older server says nothing');
  assert.ok(!needsUpdate('0.1.0-aaaa', 'x'.repeat(65)));
});

test('the same version: nothing happens', async () => {
  const { updater, log } = harness();
  assert.equal(await updater.check('0.1.0-aaaa'), false);
  assert.deepEqual(log, []);
});

test('a new version: the worker is updated, the page reloads once it is active', async () => {
  const worker = new FakeWorker('installing');
  const calls = [];
  const registration = {
    installing: null,
    async update() {
      calls.push('update');
      this.installing = worker;
    }
  };
  const { updater, log, store } = harness({ registration });
  const done = updater.check('0.1.0-bbbb');
  await tick();
  await tick();
  assert.deepEqual(calls, ['update']);
  assert.deepEqual(log, [], 'not before the new worker is active');
  worker.become('installed');
  await tick();
  assert.deepEqual(log, []);
  worker.become('activated');
  assert.equal(await done, true);
  assert.deepEqual(log, ['reload']);
  assert.equal(await store.get(UPDATED_KEY), '0.1.0-bbbb');
});

test('a worker that never activates: reload after the longest wait', async () => {
  const worker = new FakeWorker('installing');
  const registration = { installing: worker, async update() {} };
  const { updater, log, timers } = harness({ registration });
  const done = updater.check('0.1.0-bbbb');
  await tick();
  await tick();
  assert.equal(timers.length, 1);
  assert.equal(timers[0].ms, UPDATE_WAIT_MS);
  timers[0].fn();
  assert.equal(await done, true);
  assert.deepEqual(log, ['reload']);
});

test('no worker (an insecure origin): reload at once', async () => {
  const { updater, log } = harness({ registration: null });
  assert.equal(await updater.check('0.1.0-bbbb'), true);
  assert.deepEqual(log, ['reload']);
});

test('at most once per version: a server still handing out the old page causes no loop', async () => {
  const store = createStore({ open: () => memoryDb() });
  const first = harness({ store });
  assert.equal(await first.updater.check('0.1.0-bbbb'), true);
  // Reloaded, but the page is still 0.1.0-aaaa (a proxy's copy): the same version is not
  // tried again; a newer one is.
  const second = harness({ store });
  assert.equal(await second.updater.check('0.1.0-bbbb'), false);
  assert.deepEqual(second.log, []);
  assert.equal(await second.updater.check('0.1.0-cccc'), true);
  assert.deepEqual(second.log, ['reload']);
});
