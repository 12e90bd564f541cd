/*
 * The connection to the server (docs/player-protocol.md): Socket.IO namespace /player with
 * the screen token, the backstop manifest poll over HTTP, status reports and proof-of-play
 * batches.
 *
 *   server -> player  hello {screen, ack_delay_ms}
 *                                          the screen's facts (kept in the store), and how
 *                                          long to wait before acknowledging (below)
 *                     pace {ack_delay_ms}  a new wait, when the process filled or emptied
 *                     command {id, kind, issued_at, expires_at}
 *                                          a remote command (commands.js), answered with
 *                                          command_done {id, ok, error?}
 *                     manifest {...}       stored -> files prefetched -> ack -> applied
 *                     manifest_delta {...} applied to the manifest held (delta.js), then as a
 *                                          manifest; on a base mismatch: the full one by poll
 *   player -> server  ack {version}        once the manifest and its files are kept, after a
 *                                          random wait (sendDueAck, from the tick): after a
 *                                          push every screen answers, and answers all at once
 *                                          would compete with the push still going out; the
 *                                          server says how long in hello (longer on a process
 *                                          with many players), 1-3 s until it has
 *                     status {version, current_item, uptime_s, player_version, power}
 *                     played [records]     in batches of 50 acknowledged by the server;
 *                                          a batch leaves the queue only once acknowledged
 *                                          and not deferred
 *
 * createNet(ctx) takes everything from `ctx` (main.js): io (socket.io-client's function),
 * fetch, store, assets, display, frame, unpair, mono() (a monotonic clock), random(), warn, and
 * when present commands (commands.js) and updater (update.js: hello's player_version).
 * Node tests give it a fake socket and a memory store.
 */

import { applyDelta } from './delta.js';
import { validManifest } from './rotation.js';

export const FLUSH_MS = 60000;
/** Queued records that trigger a batch at once. */
export const FLUSH_AT = 50;
/** Records per `played` message. */
export const BATCH = 50;
export const ACK_TIMEOUT_MS = 15000;
/**
 * An acknowledgement waits ACK_MIN_MS plus up to ACK_SPREAD_MS (random) before it is sent,
 * unless the server's hello said otherwise (`ack_delay_ms` {min, spread}, each at most
 * ACK_LONGEST_MS).
 */
export const ACK_MIN_MS = 1000;
export const ACK_SPREAD_MS = 2000;
export const ACK_LONGEST_MS = 30000;

/** The wait before acknowledging that a hello's `ack_delay_ms` asks for; null if unusable. */
export function ackDelay(value) {
  if (!value || typeof value !== 'object') return null;
  const ok = (n) => Number.isFinite(n) && n >= 0 && n <= ACK_LONGEST_MS;
  if (!ok(value.min) || !ok(value.spread)) return null;
  return { min: value.min, spread: value.spread };
}

/** The `status` report of a player (`playerVersion`: the page's own player version). */
export function statusPayload(S, uptimeMs, playerVersion) {
  const payload = {
    version: S.rotation.manifest ? S.rotation.manifest.version : null,
    current_item: S.cur ? S.cur.id : null,
    uptime_s: Math.round(uptimeMs / 1000),
    // 定时开关屏 (power.js): 'on', 'off' or 'woken'.
    power: S.power || 'on'
  };
  if (playerVersion) payload.player_version = playerVersion;
  return payload;
}

/**
 * socket.io-client's options. Reconnection with exponential backoff and jitter is
 * socket.io-client's own: each attempt waits reconnectionDelay * 2^n (capped at
 * reconnectionDelayMax), randomised by +/- 50 % (randomizationFactor), and it retries for ever.
 */
export function socketOptions(cfg, token) {
  return {
    path: cfg.socketPath,
    auth: { token },
    transports: ['websocket', 'polling'],
    tryAllTransports: true, // fall back to long-polling where a proxy blocks websockets
    reconnection: true,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 60000,
    randomizationFactor: 0.5,
    forceNew: true
  };
}

export function createNet(ctx) {
  const { S, cfg, store } = ctx;
  const warn = ctx.warn || (() => {});
  /** The last manifest received (what a delta's base must be), kept as it is stored. */
  let held = null;

  function emit(event, payload) {
    if (S.socket && S.socket.connected) S.socket.emit(event, payload);
  }

  function sendStatus() {
    if (S.preview) return;
    emit('status', statusPayload(S, ctx.mono(), cfg.version));
  }

  /** Store manifest `m`, fetch its files, acknowledge it, and show it (unless a newer came). */
  async function receiveManifest(m) {
    if (!validManifest(m)) {
      warn('ignoring a malformed manifest');
      return;
    }
    held = m;
    const seq = ++S.applySeq;
    try {
      if (!S.preview) await store.put('manifest', m);
      const complete = S.preview ? true : await ctx.assets.prefetch(m);
      if (complete && !S.preview) {
        const wait = S.ackDelay || { min: ACK_MIN_MS, spread: ACK_SPREAD_MS };
        S.ack = { version: m.version, due: ctx.mono() + wait.min + ctx.random() * wait.spread };
      }
      if (seq !== S.applySeq) return; // a newer manifest arrived meanwhile
      const current = S.rotation.manifest;
      if (!current || current.version !== m.version) await ctx.display.applyManifest(m);
      if (complete && !S.preview) await ctx.assets.collect(m);
    } catch (e) {
      warn('manifest not applied', e);
    }
  }

  /**
   * Rebuild the manifest from the one held and take it as a full manifest; if the held one is
   * not the delta's base (or the delta is unusable), ask for the full manifest instead.
   */
  function receiveDelta(delta) {
    const m = applyDelta(held || S.rotation.manifest, delta);
    if (m) return receiveManifest(m);
    warn('manifest delta not applicable, fetching the full manifest');
    return poll();
  }

  function onHello(payload) {
    if (!payload || !payload.screen) return;
    S.ackDelay = ackDelay(payload.ack_delay_ms);
    ctx.display.setScreen(payload.screen);
    store.put('hello', payload).catch((e) => warn('hello not stored', e));
    if (!S.rotation.manifest && payload.screen.layout) ctx.frame.setLayout(payload.screen.layout);
    if (ctx.updater) ctx.updater.check(payload.player_version);
  }

  function connect() {
    if (S.socket || S.preview || !S.token || typeof ctx.io !== 'function') return;
    const socket = ctx.io(cfg.namespace, socketOptions(cfg, S.token));
    S.socket = socket;
    socket.on('connect', () => {
      S.online = true;
      S.due.reconnect = 0;
      sendStatus();
      flushPlayed();
    });
    socket.on('disconnect', (reason) => {
      S.online = false;
      // The server closed us on purpose (e.g. a revoked token): socket.io does not retry by
      // itself then; try again in a while, the refusal will tell us to pair again.
      if (reason === 'io server disconnect') S.due.reconnect = ctx.mono() + 5000 + ctx.random() * 5000;
    });
    socket.on('connect_error', (error) => {
      S.online = false;
      const message = error && error.message;
      if (message === 'unauthorized' || message === 'revoked') ctx.unpair();
    });
    socket.on('hello', onHello);
    socket.on('pace', (p) => {
      // The process now holds many more (or fewer) players: a new wait before acknowledging.
      const wait = ackDelay(p && p.ack_delay_ms);
      if (wait) S.ackDelay = wait;
    });
    socket.on('manifest', (m) => receiveManifest(m));
    socket.on('manifest_delta', (d) => receiveDelta(d));
    socket.on('command', (c) => {
      if (ctx.commands) ctx.commands.receive(c).catch((e) => warn('command failed', e));
    });
  }

  function disconnect() {
    if (!S.socket) return;
    S.socket.off();
    S.socket.disconnect();
    S.socket = null;
    S.online = false;
  }

  /** The backstop: ask for the manifest over HTTP (304 when the version is the same). */
  async function poll() {
    if (!S.token || S.preview) return;
    const headers = { Authorization: 'Bearer ' + S.token, Accept: 'application/json' };
    if (S.rotation.manifest) headers['If-None-Match'] = '"' + S.rotation.manifest.version + '"';
    try {
      const response = await ctx.fetch(cfg.api + '/player/manifest', { headers, cache: 'no-store' });
      if (response.status === 401) {
        ctx.unpair();
      } else if (response.status === 200) {
        await receiveManifest(await response.json());
      }
    } catch (e) {
      warn('manifest poll failed', e);
    }
  }

  function queuePlayed(record) {
    return store.addPlayed(record)
      .then((count) => {
        S.queued = typeof count === 'number' ? count : S.queued + 1;
        if (S.queued >= FLUSH_AT) flushPlayed();
      })
      .catch((e) => warn('proof of play not stored', e));
  }

  /** Emit with an acknowledgement: {reply}, or false when offline or not answered in time. */
  function emitWithAck(event, payload) {
    return new Promise((resolve) => {
      const socket = S.socket;
      if (!socket || !socket.connected) {
        resolve(false);
        return;
      }
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, (error, reply) => {
        resolve(error ? false : { reply });
      });
    });
  }

  /** Send the pending acknowledgement once it is due (`t`: the monotonic clock). */
  function sendDueAck(t) {
    if (!S.ack || t < S.ack.due || !S.socket || !S.socket.connected) return;
    emit('ack', { version: S.ack.version });
    S.ack = null;
  }

  /** Send queued records in batches; each batch leaves the queue once the server acked it. */
  async function flushPlayed() {
    if (S.flushing || S.preview || !S.socket || !S.socket.connected) return;
    S.flushing = true;
    S.due.flush = ctx.mono() + FLUSH_MS;
    try {
      for (;;) {
        const batch = await store.playedBatch(BATCH);
        if (!batch || !batch.length) break;
        const ok = await emitWithAck('played', batch.map((b) => b.record));
        if (!ok) break;
        // Over the screen's rate the server defers records: keep the batch and send it again
        // at the next flush (what it already stored comes back as duplicates).
        if (ok.reply && ok.reply.deferred > 0) break;
        await store.deletePlayed(batch.map((b) => b.key));
        S.queued = Math.max(0, S.queued - batch.length);
        if (batch.length !== BATCH) break;
      }
    } catch (e) {
      warn('played not sent', e);
    }
    S.flushing = false;
  }

  return {
    emit, emitWithAck, sendStatus, sendDueAck, receiveManifest, receiveDelta, connect, disconnect,
    poll, queuePlayed, flushPlayed
  };
}
