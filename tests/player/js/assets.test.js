// Content-addressed files: what a manifest needs, fetched once with the screen token, kept in
// Cache Storage (or the store's blobs), cleaned up when no longer used.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { ASSET_CACHE, assetUrl, createAssets, needed, pageSha } from '../../../player/static/assets.js';
import { createStore, memoryDb } from '../../../player/static/store.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

const MANIFEST = {
  version: 'v',
  items: [
    { id: 1, body: { type: 'image', asset: A }, assets: [{ sha256: A, url: '/assets/' + A + '?x=1' }] },
    { id: 2, body: { type: 'pdf', asset: B, pages: [C, { sha256: A }] }, assets: [{ sha256: B, url: '/assets/' + B }] },
    { id: 3, body: { type: 'text', text: 'x' } }
  ]
};

class FakeCache {
  constructor() {
    this.entries = new Map();
  }

  async match(url) {
    return this.entries.get(url);
  }

  async put(url, response) {
    this.entries.set(url, response);
  }

  async keys() {
    return Array.from(this.entries.keys(), (url) => ({ url: 'http://screen' + url }));
  }

  async delete(request) {
    this.entries.delete(request.url.replace('http://screen', ''));
  }
}

function response(body, ok = true) {
  return { ok, status: ok ? 200 : 404, clone: () => response(body, ok), blob: async () => body };
}

function fakeNetwork(missing = []) {
  const asked = [];
  const fetch = async (url, options) => {
    asked.push([url, options.headers && options.headers.Authorization]);
    return response('bytes of ' + url, !missing.some((m) => url.includes(m)));
  };
  return { asked, fetch };
}

test('what a manifest needs: every file once, at the URL its item gives', () => {
  assert.deepEqual(needed(MANIFEST), [
    { sha: A, url: '/assets/' + A + '?x=1' },
    { sha: B, url: '/assets/' + B },
    { sha: C, url: '/assets/' + C }
  ]);
  assert.equal(pageSha({ asset: C }), C);
  assert.equal(pageSha(null), null);
  assert.equal(assetUrl(C, {}), '/assets/' + C);
});

test('prefetch: fetched with the screen token into the asset cache, once', async () => {
  const cache = new FakeCache();
  const opened = [];
  const caches = { open: async (name) => { opened.push(name); return cache; } };
  const net = fakeNetwork();
  const assets = createAssets({ caches, fetch: net.fetch, store: null, token: () => 'tok', preview: false, urls: null });
  assert.equal(await assets.prefetch(MANIFEST), true);
  assert.deepEqual(net.asked.map(([, auth]) => auth), ['Bearer tok', 'Bearer tok', 'Bearer tok']);
  assert.ok(opened.every((name) => name === ASSET_CACHE));
  assert.equal(await assets.prefetch(MANIFEST), true);
  assert.equal(net.asked.length, 3, 'files kept are not fetched again');
});

test('prefetch reports a missing file; collect deletes the files no longer used', async () => {
  const cache = new FakeCache();
  const caches = { open: async () => cache };
  const net = fakeNetwork([C]);
  const warnings = [];
  const assets = createAssets({ caches, fetch: net.fetch, store: null, token: () => null, preview: false,
    urls: null, warn: (w) => warnings.push(w) });
  assert.equal(await assets.prefetch(MANIFEST), false);
  assert.equal(warnings.length, 1);
  assert.equal(net.asked[0][1], undefined, 'no token, no Authorization header');
  await assets.collect({ items: [{ id: 4, body: { type: 'image', asset: B } }] });
  assert.deepEqual(Array.from(cache.entries.keys()), ['/assets/' + B]);
});

test('without Cache Storage the files are blobs in the store; blob: URLs from the stored copy', async () => {
  const store = createStore({ open: async () => memoryDb() });
  const net = fakeNetwork();
  const made = [];
  const urls = { createObjectURL: (blob) => { made.push(blob); return 'blob:' + made.length; } };
  const assets = createAssets({ caches: null, fetch: net.fetch, store, token: () => 'tok', preview: false, urls });
  assert.equal(await assets.prefetch(MANIFEST), true);
  assert.deepEqual((await store.assetKeys()).sort(), [A, B, C]);
  assert.equal(await assets.objectUrl(B, MANIFEST.items[1]), 'blob:1');
  assert.deepEqual(made, ['bytes of /assets/' + B]);
  assert.equal(net.asked.length, 3, 'shown from the stored copy');
  await assets.collect({ items: [] });
  assert.deepEqual(await store.assetKeys(), []);
});
