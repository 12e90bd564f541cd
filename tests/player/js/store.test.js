// The offline store over an injected database: idb's API as memoryDb() gives it, the
// fall-back when IndexedDB cannot be opened, and the schema handed to idb's openDB.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { DB_NAME, DB_VERSION, QUEUE_MAX, createStore, memoryDb, opener, upgrade } from '../../../player/static/store.js';
import { openDB } from '../../../player/static/vendor/idb.js';

const record = (n) => ({ item: n, revision: 1, started_at: '2026-11-23T09:00:0' + n + '+08:00', duration_s: 5 });

test('kv: put, get, delete', async () => {
  const store = createStore({ open: async () => memoryDb() });
  assert.equal(await store.get('token'), undefined);
  await store.put('token', 'abc');
  await store.put('manifest', { version: 'v1', items: [] });
  assert.equal(await store.get('token'), 'abc');
  assert.deepEqual(await store.get('manifest'), { version: 'v1', items: [] });
  await store.del('token');
  assert.equal(await store.get('token'), undefined);
});

test('the played queue keeps the newest records beyond its limit, oldest first', async () => {
  const store = createStore({ open: async () => memoryDb(), queueMax: 3 });
  const counts = [];
  for (let n = 1; n <= 5; n++) counts.push(await store.addPlayed(record(n)));
  assert.deepEqual(counts, [1, 2, 3, 3, 3]);
  assert.equal(await store.countPlayed(), 3);
  const batch = await store.playedBatch(2);
  assert.deepEqual(batch.map((b) => b.record.item), [3, 4]);
  assert.deepEqual(batch.map((b) => b.key), [3, 4]);
  await store.deletePlayed(batch.map((b) => b.key));
  assert.deepEqual((await store.playedBatch(50)).map((b) => b.record.item), [5]);
  await store.clearPlayed();
  assert.equal(await store.countPlayed(), 0);
  assert.equal(QUEUE_MAX, 10000);
});

test('asset blobs: put, list, delete', async () => {
  const store = createStore({ open: async () => memoryDb() });
  await store.putAsset('a'.repeat(64), 'blob-a');
  await store.putAsset('b'.repeat(64), 'blob-b');
  assert.equal(await store.getAsset('a'.repeat(64)), 'blob-a');
  assert.deepEqual(await store.assetKeys(), ['a'.repeat(64), 'b'.repeat(64)]);
  await store.deleteAsset('a'.repeat(64));
  assert.deepEqual(await store.assetKeys(), ['b'.repeat(64)]);
});

test('the database is opened once; a failure falls back to memory with a warning', async () => {
  let opened = 0;
  const warnings = [];
  const store = createStore({
    open: async () => {
      opened += 1;
      throw new Error('quota');
    },
    warn: (what) => warnings.push(what)
  });
  await store.put('token', 't');
  assert.equal(await store.get('token'), 't');
  assert.equal(opened, 1);
  assert.deepEqual(warnings, ['IndexedDB unavailable, keeping state in memory']);
});

test('the store uses the database it is given (idb-shaped calls)', async () => {
  const calls = [];
  const db = memoryDb();
  const spy = new Proxy(db, {
    get(target, name) {
      const value = target[name];
      return typeof value === 'function' ? (...args) => {
        calls.push([name, ...args.slice(0, 1)]);
        return value(...args);
      } : value;
    }
  });
  const store = createStore({ open: () => spy });
  await store.put('hello', { screen: { id: 5 } });
  await store.addPlayed(record(1));
  await store.getAsset('x');
  assert.deepEqual(calls, [['put', 'kv'], ['transaction', 'played'], ['get', 'assets']]);
});

test('opener: idb opens "signage-player" v1 with the three stores; none without IndexedDB', async () => {
  assert.equal(opener(() => assert.fail('opened'), undefined)(), null);
  let seen = null;
  const fakeOpenDB = (name, version, callbacks) => {
    seen = { name, version, callbacks };
    return 'db';
  };
  assert.equal(opener(fakeOpenDB, {})(), 'db');
  assert.equal(seen.name, DB_NAME);
  assert.equal(seen.name, 'signage-player');
  assert.equal(seen.version, DB_VERSION);
  assert.equal(seen.callbacks.upgrade, upgrade);
  const created = [];
  const names = new Set(['kv']);
  upgrade({
    objectStoreNames: { contains: (n) => names.has(n) },
    createObjectStore: (n, options) => created.push([n, options])
  });
  assert.deepEqual(created, [['played', { autoIncrement: true }], ['assets', undefined]]);
  let closed = false;
  seen.callbacks.blocking(1, 2, { target: { close: () => { closed = true; } } });
  assert.ok(closed, 'a newer version asking for the database gets it');
});

test('the vendored idb is the ESM build and loads without a browser', () => {
  assert.equal(typeof openDB, 'function');
});
