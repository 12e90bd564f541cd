// Pairing with a fake server and clock: a code on screen, polled until an operator attaches
// it, then the token is kept and the player starts; an expired code is replaced.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { el } from '../../../player/static/dom.js';
import { PAIR_POLL_MS, PAIR_RETRY_MS, createPairing } from '../../../player/static/pairing.js';
import { Rotation } from '../../../player/static/rotation.js';
import { createStore, memoryDb } from '../../../player/static/store.js';
import { FakeDocument } from './fakedom.js';

function setup(answers) {
  const doc = new FakeDocument();
  const dom = {};
  for (const name of ['main', 'boot', 'frame', 'pairing', 'pairServer', 'pairCode', 'pairStatus']) dom[name] = el(doc, 'div');
  const S = { mode: 'playing', token: 'old', rotation: new Rotation(), cur: null, pair: {} };
  S.rotation.setManifest({ version: 'v', items: [] });
  const asked = [];
  const started = [];
  let mono = 0;
  const ctx = {
    S, dom, cfg: { api: '/api/v1', version: '0.1.0' },
    store: createStore({ open: async () => memoryDb() }),
    origin: 'http://server',
    mono: () => mono,
    now: () => Date.parse('2026-11-23T09:00:00+08:00') + mono,
    fetch: async (url, options) => {
      asked.push([options.method || 'GET', url]);
      return answers.shift();
    },
    net: { disconnect() {} },
    display: { dropPaged() {}, endDisplay() {} },
    startPlayer: async (token) => started.push(token)
  };
  const pairing = createPairing(ctx);
  return { S, dom, ctx, pairing, asked, started, advance: (ms) => { mono += ms; } };
}

const json = (status, body) => ({ status, ok: status < 400, json: async () => body });

test('a code on screen, polled until attached; the token kept and the player started', async () => {
  const { S, dom, ctx, pairing, asked, started } = setup([
    json(201, { code: 'K7F-001', secret: 's1', expires_at: '2026-11-23T09:10:00+08:00' }),
    json(200, { state: 'waiting' }),
    json(200, { state: 'paired', token: 'new-token' })
  ]);
  await ctx.store.put('token', 'old');
  pairing.startPairing();
  assert.equal(S.mode, 'pairing');
  assert.equal(S.token, null);
  assert.equal(S.rotation.manifest, null);
  assert.equal(dom.pairServer.textContent, '服务器地址：http://server');
  await pairing.requestCode();
  assert.equal(dom.pairCode.textContent, 'K7F-001');
  assert.equal(S.pair.next, PAIR_POLL_MS);
  await pairing.checkCode();
  assert.deepEqual(started, []);
  await pairing.checkCode();
  assert.deepEqual(started, ['new-token']);
  assert.equal(await ctx.store.get('token'), 'new-token');
  assert.deepEqual(asked, [
    ['POST', '/api/v1/player/pair'], ['GET', '/api/v1/player/pair/s1'], ['GET', '/api/v1/player/pair/s1']
  ]);
});

test('an expired code is replaced at once; an unreachable server is retried later', async () => {
  const { S, dom, pairing } = setup([json(410, {}), json(503, {})]);
  pairing.startPairing();
  S.pair.secret = 's1';
  S.pair.next = 5;
  await pairing.checkCode();
  assert.equal(S.pair.secret, null);
  assert.equal(S.pair.next, 0);
  await pairing.requestCode();
  assert.equal(S.pair.next, PAIR_RETRY_MS);
  assert.equal(dom.pairStatus.textContent, '暂时无法连接服务器，稍后自动重试…');
});

test('unpair forgets the token, the manifest, hello and the queue', async () => {
  const { S, ctx, pairing } = setup([]);
  await ctx.store.put('token', 't');
  await ctx.store.put('manifest', { version: 'v' });
  await ctx.store.addPlayed({ item: 1 });
  pairing.unpair();
  assert.equal(S.mode, 'pairing');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(await ctx.store.get('token'), undefined);
  assert.equal(await ctx.store.get('manifest'), undefined);
  assert.equal(await ctx.store.countPlayed(), 0);
});
