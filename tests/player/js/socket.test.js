// The protocol with a fake socket: server messages change the player's state, and what the
// player sends back (ack, status, played batches) follows docs/player-protocol.md.
import { test } from 'node:test';
import assert from 'node:assert/strict';

import { Rotation } from '../../../player/static/rotation.js';
import {
  ACK_LONGEST_MS, ACK_MIN_MS, ACK_SPREAD_MS, BATCH, ackDelay, createNet, socketOptions,
  statusPayload
} from '../../../player/static/socket.js';
import { createStore, memoryDb } from '../../../player/static/store.js';

class FakeSocket {
  constructor() {
    this.handlers = {};
    this.sent = [];
    this.connected = false;
    this.replies = []; // [error, reply] answered to each acknowledged emit, in order
  }

  on(event, handler) {
    this.handlers[event] = handler;
  }

  off() {
    this.handlers = {};
  }

  disconnect() {
    this.connected = false;
  }

  emit(event, payload, ack) {
    this.sent.push([event, payload]);
    if (ack) {
      const [error, reply] = this.replies.shift() || [null, { accepted: payload.length }];
      ack(error, reply);
    }
  }

  timeout() {
    return this;
  }

  /** The server's side: deliver `event` to the player. */
  async serve(event, payload) {
    await this.handlers[event](payload);
  }
}

function player({ prefetch = true } = {}) {
  const socket = new FakeSocket();
  const S = {
    preview: false, token: 'tok', screen: {}, rotation: new Rotation(), cur: null, online: false,
    socket: null, queued: 0, flushing: false, applySeq: 0, due: { reconnect: 0, flush: 0 }
  };
  const seen = { applied: [], screens: [], layouts: [], unpaired: 0, collected: [], io: [] };
  const ctx = {
    S,
    cfg: { namespace: '/player', socketPath: '/socket.io', api: '/api/v1' },
    store: createStore({ open: async () => memoryDb() }),
    assets: {
      prefetch: async () => prefetch,
      collect: async (m) => seen.collected.push(m.version)
    },
    display: {
      applyManifest: async (m) => {
        S.rotation.setManifest(m);
        seen.applied.push(m.version);
      },
      setScreen: (screen) => seen.screens.push(screen)
    },
    frame: { setLayout: (name) => seen.layouts.push(name) },
    unpair: () => {
      seen.unpaired += 1;
    },
    io: (namespace, options) => {
      seen.io.push([namespace, options]);
      return socket;
    },
    mono: () => 1000,
    random: () => 0.5,
    fetch: null,
    warn: () => {}
  };
  const net = createNet(ctx);
  net.connect();
  return { S, ctx, net, socket, seen };
}

const manifest = (version) => ({ version, items: [{ id: 12, revision: 3 }] });
const sent = (socket, event) => socket.sent.filter(([e]) => e === event).map(([, p]) => p);
/** When the acknowledgement of a manifest received at mono() 1000 is due (random() is 0.5). */
const ACK_DUE = 1000 + ACK_MIN_MS + 0.5 * ACK_SPREAD_MS;

test('connect: socket.io with the token; online, status and the queue flushed', async () => {
  const { S, socket, seen } = player();
  assert.deepEqual(seen.io, [['/player', socketOptions({ socketPath: '/socket.io' }, 'tok')]]);
  assert.equal(seen.io[0][1].auth.token, 'tok');
  socket.connected = true;
  await socket.serve('connect');
  assert.equal(S.online, true);
  assert.deepEqual(sent(socket, 'status'), [{ version: null, current_item: null, uptime_s: 1, power: 'on' }]);
});

test('hello: the screen facts are taken and kept; the layout set before any manifest', async () => {
  const { ctx, socket, seen } = player();
  const hello = { screen: { id: 5, layout: 'portrait', timezone: 'Asia/Shanghai', code: 'SCR5X' } };
  await socket.serve('hello', hello);
  assert.deepEqual(seen.screens, [hello.screen]);
  assert.deepEqual(seen.layouts, ['portrait']);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(await ctx.store.get('hello'), hello);
  await socket.serve('hello', {});
  assert.equal(seen.screens.length, 1, 'a hello without a screen is ignored');
});

test('hello: the wait before acknowledging is the server\'s, when it gives a usable one', async () => {
  const { socket, net } = player();
  socket.connected = true;
  await socket.serve('hello', { screen: { id: 5 }, ack_delay_ms: { min: 4000, spread: 4000 } });
  await socket.serve('manifest', manifest('v1'));
  const due = 1000 + 4000 + 0.5 * 4000;
  net.sendDueAck(due - 1);
  assert.deepEqual(sent(socket, 'ack'), [], 'a busy server asks for 4-8 s');
  net.sendDueAck(due);
  assert.deepEqual(sent(socket, 'ack'), [{ version: 'v1' }]);
  // A hello without it (an older server), or with nonsense: back to 1-3 s.
  await socket.serve('hello', { screen: { id: 5 }, ack_delay_ms: { min: -1, spread: 2 } });
  await socket.serve('manifest', manifest('v2'));
  net.sendDueAck(ACK_DUE);
  assert.deepEqual(sent(socket, 'ack'), [{ version: 'v1' }, { version: 'v2' }]);
});

test('pace: a new wait for the next acknowledgements; nonsense changes nothing', async () => {
  const { S, socket } = player();
  await socket.serve('pace', { ack_delay_ms: { min: 3000, spread: 5000 } });
  assert.deepEqual(S.ackDelay, { min: 3000, spread: 5000 });
  await socket.serve('pace', { ack_delay_ms: { min: 'soon' } });
  await socket.serve('pace', null);
  assert.deepEqual(S.ackDelay, { min: 3000, spread: 5000 });
});

test('ackDelay: numbers from 0 to the longest wait, or nothing', () => {
  assert.deepEqual(ackDelay({ min: 1000, spread: 2000 }), { min: 1000, spread: 2000 });
  assert.deepEqual(ackDelay({ min: 0, spread: ACK_LONGEST_MS }), { min: 0, spread: ACK_LONGEST_MS });
  assert.equal(ackDelay(null), null);
  assert.equal(ackDelay({ min: '1000', spread: 2000 }), null);
  assert.equal(ackDelay({ min: 1000 }), null);
  assert.equal(ackDelay({ min: ACK_LONGEST_MS + 1, spread: 0 }), null);
  assert.equal(ackDelay({ min: NaN, spread: 0 }), null);
});

test('manifest: stored, files fetched, acknowledged, applied once per version, cleaned up', async () => {
  const { S, ctx, net, socket, seen } = player();
  socket.connected = true;
  await socket.serve('manifest', manifest('v1'));
  assert.deepEqual(await ctx.store.get('manifest'), manifest('v1'));
  net.sendDueAck(ACK_DUE - 1);
  assert.deepEqual(sent(socket, 'ack'), [], 'the acknowledgement waits a random 1-3 s');
  net.sendDueAck(ACK_DUE);
  assert.deepEqual(sent(socket, 'ack'), [{ version: 'v1' }]);
  net.sendDueAck(ACK_DUE + 5000);
  assert.deepEqual(sent(socket, 'ack'), [{ version: 'v1' }], 'and is sent once');
  assert.deepEqual(seen.applied, ['v1']);
  assert.deepEqual(seen.collected, ['v1']);
  assert.equal(S.rotation.manifest.version, 'v1');
  await socket.serve('manifest', manifest('v1'));
  assert.deepEqual(seen.applied, ['v1'], 'the same version is not applied again');
  net.sendDueAck(ACK_DUE);
  assert.equal(sent(socket, 'ack').length, 2, 'but acknowledged again');
  await socket.serve('manifest', { version: 7 });
  assert.deepEqual(seen.applied, ['v1'], 'a malformed manifest is ignored');
  assert.equal(statusPayload(S, 61500).version, 'v1');
  assert.equal(statusPayload(S, 61500).uptime_s, 62);
});

test('manifest: not acknowledged while a file is missing, shown all the same', async () => {
  const { net, socket, seen } = player({ prefetch: false });
  socket.connected = true;
  await socket.serve('manifest', manifest('v2'));
  net.sendDueAck(ACK_DUE + 5000);
  assert.deepEqual(sent(socket, 'ack'), []);
  assert.deepEqual(seen.applied, ['v2']);
  assert.deepEqual(seen.collected, [], 'nothing deleted while the new files are incomplete');
});

test('a refused token unpairs; a server disconnect schedules a retry', async () => {
  const { S, socket, seen } = player();
  await socket.serve('connect_error', new Error('timeout'));
  assert.equal(seen.unpaired, 0);
  await socket.serve('connect_error', new Error('unauthorized'));
  await socket.serve('connect_error', new Error('revoked'));
  assert.equal(seen.unpaired, 2);
  S.online = true;
  await socket.serve('disconnect', 'transport close');
  assert.equal(S.online, false);
  assert.equal(S.due.reconnect, 0);
  await socket.serve('disconnect', 'io server disconnect');
  assert.equal(S.due.reconnect, 1000 + 5000 + 0.5 * 5000);
});

test('played: queued offline, sent in batches of 50 once connected, each acknowledged', async () => {
  const { S, ctx, net, socket } = player();
  for (let n = 1; n <= 120; n++) await net.queuePlayed({ item: n });
  assert.equal(S.queued, 120);
  assert.deepEqual(sent(socket, 'played'), [], 'nothing is sent offline');
  socket.connected = true;
  await net.flushPlayed();
  const batches = sent(socket, 'played');
  assert.deepEqual(batches.map((b) => b.length), [BATCH, BATCH, 20]);
  assert.deepEqual(batches.flat().map((r) => r.item), Array.from({ length: 120 }, (_, i) => i + 1));
  assert.equal(S.queued, 0);
  assert.equal(await ctx.store.countPlayed(), 0);
  assert.equal(S.due.flush, 1000 + 60000);
});

test('played: a deferred or unanswered batch stays queued for the next flush', async () => {
  const { S, ctx, net, socket } = player();
  for (let n = 1; n <= 3; n++) await net.queuePlayed({ item: n });
  socket.connected = true;
  socket.replies = [[null, { accepted: 1, deferred: 2 }], [new Error('timeout'), null]];
  await net.flushPlayed();
  assert.equal(await ctx.store.countPlayed(), 3);
  await net.flushPlayed();
  assert.equal(await ctx.store.countPlayed(), 3);
  await net.flushPlayed();
  assert.equal(await ctx.store.countPlayed(), 0);
  assert.equal(S.queued, 0);
  assert.equal(sent(socket, 'played').length, 3);
});

test('poll: If-None-Match with the version; 401 unpairs; 200 is a manifest', async () => {
  const { S, ctx, net, seen } = player();
  const asked = [];
  const answers = [
    { status: 200, json: async () => manifest('v3') },
    { status: 304 },
    { status: 401 }
  ];
  ctx.fetch = async (url, options) => {
    asked.push([url, options.headers['If-None-Match'] || null]);
    return answers.shift();
  };
  await net.poll();
  assert.deepEqual(seen.applied, ['v3']);
  await net.poll();
  await net.poll();
  assert.deepEqual(asked, [
    ['/api/v1/player/manifest', null],
    ['/api/v1/player/manifest', '"v3"'],
    ['/api/v1/player/manifest', '"v3"']
  ]);
  assert.equal(seen.unpaired, 1);
  S.preview = true;
  await net.poll();
  assert.equal(asked.length, 3, 'a preview never polls');
});

test('manifest_delta: rebuilt on the manifest held, stored, acknowledged and applied', async () => {
  const { ctx, net, socket, seen } = player();
  socket.connected = true;
  await socket.serve('manifest', manifest('v1'));
  const delta = {
    base: 'v1', version: 'v2', items: [12, 13], items_changed: [{ id: 13, revision: 1 }], rest: {}, dropped: []
  };
  await socket.serve('manifest_delta', delta);
  const v2 = { version: 'v2', items: [{ id: 12, revision: 3 }, { id: 13, revision: 1 }] };
  assert.deepEqual(await ctx.store.get('manifest'), v2);
  net.sendDueAck(ACK_DUE);
  assert.deepEqual(sent(socket, 'ack'), [{ version: 'v2' }], 'only the newest is acknowledged');
  assert.deepEqual(seen.applied, ['v1', 'v2']);
});

test('manifest_delta on another base: nothing applied, the full manifest is fetched', async () => {
  const { ctx, socket, seen } = player();
  const asked = [];
  ctx.fetch = async (url, options) => {
    asked.push([url, options.headers['If-None-Match'] || null]);
    return { status: 200, json: async () => manifest('v3') };
  };
  socket.connected = true;
  await socket.serve('manifest', manifest('v1'));
  await socket.serve('manifest_delta', { base: 'v0', version: 'v3', items: [12], items_changed: [], rest: {}, dropped: [] });
  assert.deepEqual(asked, [['/api/v1/player/manifest', '"v1"']]);
  assert.deepEqual(seen.applied, ['v1', 'v3']);
  assert.deepEqual(await ctx.store.get('manifest'), manifest('v3'));
});
