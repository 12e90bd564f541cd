/*
 * Sunshine Signage (阳光公开屏) web player: the boot module.
 *
 * ES modules served as they are (no build step), for Chromium >= 90 and Android WebView.
 * The contract is docs/player-protocol.md. Where each concern lives:
 *
 *   main.js        configuration from the page, wiring, the one-second tick, boot, the
 *                  Service Worker registration and the read-only test API window.signagePlayer
 *   time.js        ISO times, validity windows, the screen's time zone
 *   store.js       the offline store (IndexedDB through vendor/idb.js)
 *   assets.js      content-addressed files: Cache Storage, prefetch, blob: URLs, clean-up
 *   socket.js      Socket.IO protocol, backstop poll, status and proof-of-play batches
 *   rotation.js    which item, for how long, urgent interrupts, expiry (pure)
 *   display.js     what is on screen: pages, idle page, ticker mode, applying a manifest
 *   renderers.js   the pages of an item by body type (text, rich text, table, image, pdf)
 *   paginator.js   page breaking at the readable size; columns.js: table column widths
 *   cells.js       the table-cell rule (mirror of content/numbers.py)
 *   side.js        QR code, category, validity, page indicator, footer ticker
 *   bilingual.js   an item's second language: side by side or alternating, its marks
 *   frame.js       layouts (the server's definitions), scale-to-fit, header clock
 *   pairing.js     the pairing code and its polling
 *   commands.js    remote commands from the screen wall (reload, clear cache, identify, and
 *                  reboot / snapshot handed to the box agent); update.js: self-update when
 *                  the server serves another player version
 *   preview.js     the operator's preview (no socket, no reports; ?all_pages=1)
 *   power.js       定时开关屏: on/off by the power schedule, blanking, the box agent's display
 *   aloud.js       定时朗读: reading the item on screen aloud at set times or on a key press;
 *                  speech.js: what is said, the voice, the adapter around speechSynthesis;
 *                  hold.js: the rotation held on the item read, its pages following the reading
 *
 * Everything time-driven runs from one setInterval(tick, 1000) and compares Date.now() /
 * performance.now() with due times, so a jump of the clock is handled at the next tick.
 * Untrusted text always goes through textContent; the only markup inserted is the rich text
 * the server sanitised (renderers.js) and the QR code SVG made by qrcode-generator.
 */

import { openDB } from './vendor/idb.js';
import * as cells from './cells.js';
import { createAloud } from './aloud.js';
import { createAssets } from './assets.js';
import { createColumnMeter } from './columns.js';
import { createCommands } from './commands.js';
import { setText } from './dom.js';
import { createDisplay } from './display.js';
import { createFrame } from './frame.js';
import { createPairing } from './pairing.js';
import { createPower } from './power.js';
import { browserMetrics } from './paginator.js';
import { createPreview } from './preview.js';
import { createRenderers, describePage } from './renderers.js';
import { Rotation, validManifest } from './rotation.js';
import { createSide } from './side.js';
import { createSpeaker } from './speech.js';
import { FLUSH_AT, FLUSH_MS, createNet } from './socket.js';
import { createStore, opener } from './store.js';
import { DEFAULT_TZ } from './time.js';
import { createUpdater } from './update.js';

const TICK_MS = 1000;
const STATUS_MS = 60000;
const POLL_MIN_MS = 4 * 60000;
const POLL_MAX_MS = 6 * 60000;
const FIRST_POLL_MS = 10000;
const BOARD_TITLE = '党务村务公开';

const data = document.body.dataset;
const query = new URLSearchParams(location.search);
const CFG = {
  api: (data.api || '/api/v1').replace(/\/$/, ''),
  layouts: data.layouts || '/player/layouts/',
  sw: data.sw || '',
  socketPath: data.socketPath || '/socket.io',
  namespace: data.namespace || '/player',
  version: data.playerVersion || '',
  preview: data.previewManifest || '',
  // The editor's preview: the page framing the player hands it its manifest.
  fromParent: data.previewSource === 'parent',
  // Previews only: `?all_pages=1` shows every page side by side; `?layout=` the first layout.
  allPages: !!(data.previewManifest || data.previewSource) && query.get('all_pages') === '1',
  previewLayout: query.get('layout') || ''
};
/** The server's layout definitions and default duration (screens/layouts.py). */
const DEFS = JSON.parse(data.definitions);

function $(id) {
  return document.getElementById(id);
}

function warn(what, error) {
  if (window.console && console.warn) console.warn('[signage] ' + what, error || '');
}

const mono = () => performance.now();
const now = () => Date.now();

const dom = {
  frame: $('frame'),
  main: $('main'),
  measure: $('measure'),
  org: document.querySelector('.hdr-org'),
  board: document.querySelector('.hdr-board'),
  date: document.querySelector('.hdr-date'),
  clock: document.querySelector('.hdr-clock'),
  side: document.querySelector('.region-side'),
  qr: document.querySelector('.qr'),
  category: document.querySelector('.side-category'),
  validity: document.querySelector('.side-validity'),
  seal: document.querySelector('.side-seal'),
  pageNo: document.querySelector('.side-pages'),
  tickerWindow: document.querySelector('.ticker-window'),
  ticker: document.querySelector('.ticker-text'),
  pairing: $('pairing'),
  pairCode: $('pairing-code'),
  pairServer: $('pairing-server'),
  pairStatus: $('pairing-status'),
  boot: $('boot')
};

/** The player's state, shared by the modules through ctx. */
const S = {
  mode: 'boot',
  preview: !!(CFG.preview || CFG.fromParent),
  token: null,
  screen: {},
  tz: DEFAULT_TZ,
  rotation: new Rotation(), // the manifest, its items and the rotation's place
  layout: null, // the layout on screen
  cur: null, // what is on screen: {id, revision, item, pages, page, dur, started, pageEnd, ...}
  reading: null, // the reading aloud of what is on screen (hold.js startReading), if any
  paged: null, // pagination cache of the item on screen
  idleNode: null,
  layoutLoading: false,
  metricsEpoch: 0,
  qrTarget: null,
  tickerText: null,
  tickerKey: null, // the ticker's runs on screen, the one shown, when its pass ends (side.js)
  tickerRun: 0,
  tickerUntil: 0,
  online: false,
  socket: null,
  queued: 0,
  flushing: false,
  due: { status: 0, flush: 0, poll: 0, preview: 0, reconnect: 0 },
  ack: null, // the acknowledgement waiting to be sent: {version, due} (socket.js)
  ackDelay: null, // how long it waits, as the server's hello said: {min, spread} ms (socket.js)
  pair: { secret: null, code: null, expires: 0, next: 0, busy: false },
  applySeq: 0
};

function versionQuery() {
  return CFG.version ? '?v=' + encodeURIComponent(CFG.version) : '';
}

function layoutHref(name) {
  return CFG.layouts + name + '.css' + versionQuery();
}

const store = createStore({ open: opener(openDB, window.indexedDB), warn });
const secure = typeof caches !== 'undefined' && window.isSecureContext !== false;
const assets = createAssets({
  caches: secure ? caches : null,
  fetch: (...args) => fetch(...args),
  store,
  token: () => S.token,
  preview: S.preview,
  urls: URL,
  warn
});
const metrics = browserMetrics(document);

const ctx = {
  cfg: CFG, defs: DEFS, doc: document, win: window, dom, S, store, assets, warn, mono, now,
  urls: URL,
  origin: location.origin,
  overflows: metrics.overflows,
  fetch: (...args) => fetch(...args),
  io: window.io,
  random: Math.random,
  unpair: () => ctx.pairing.unpair(),
  startPlayer: (token) => startPlayer(token)
};
ctx.frame = createFrame({ doc: document, win: window, dom, S, defs: DEFS, layoutHref });
ctx.side = createSide({ doc: document, dom, S, qrcode: window.qrcode || null, warn });
ctx.renderers = createRenderers({
  doc: document,
  measure: dom.measure,
  main: dom.main,
  words: window.signageWords || null,
  metrics,
  measureColumns: createColumnMeter({ doc: document, measure: dom.measure, frame: dom.frame }),
  assets,
  urls: URL,
  warn
});
ctx.display = createDisplay(ctx);
ctx.net = createNet(ctx);
ctx.commands = createCommands({
  S, store, doc: document, win: window, caches: secure ? caches : null, mono, warn,
  send: (event, payload) => ctx.net.emitWithAck(event, payload),
  reload: () => location.reload()
});
ctx.updater = createUpdater({
  version: CFG.version,
  store,
  sw: !S.preview && 'serviceWorker' in navigator ? navigator.serviceWorker : null,
  reload: () => location.reload(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (id) => clearTimeout(id),
  warn
});
ctx.pairing = createPairing(ctx);
ctx.sheet = createPreview(ctx);
const synth = window.speechSynthesis || null;
ctx.aloud = createAloud({
  S,
  speaker: synth && window.SpeechSynthesisUtterance
    ? createSpeaker({ synth, Utterance: window.SpeechSynthesisUtterance })
    : {
      speak: (parts, onEnd) => {
        warn('no speech engine on this box');
        if (onEnd) onEnd(false);
      },
      stop: () => {},
      speaking: false
    },
  voices: () => (synth ? synth.getVoices() : []),
  warn,
  now
});

ctx.power = createPower(ctx);

const { frame, side, display, net, pairing, sheet } = ctx;

// -------------------------------------------------------------------------------------------
// Service Worker
// -------------------------------------------------------------------------------------------

/** What the page uses beyond sw.js's own list: its address, scripts, stylesheets, layouts. */
function shellUrls() {
  const urls = [location.pathname];
  for (const s of document.querySelectorAll('script[src]')) urls.push(s.src);
  for (const l of document.querySelectorAll('link[rel="stylesheet"]')) urls.push(l.href);
  for (const name of Object.keys(DEFS.layouts)) urls.push(new URL(layoutHref(name), location.href).href);
  return urls;
}

function registerServiceWorker() {
  if (S.preview || !CFG.sw || !('serviceWorker' in navigator)) return;
  const scope = CFG.sw.replace(/[^/]*$/, '');
  navigator.serviceWorker
    .register(CFG.sw + versionQuery(), { scope })
    .then(() => navigator.serviceWorker.ready)
    .then((registration) => {
      if (registration.active) registration.active.postMessage({ type: 'precache', urls: shellUrls() });
    })
    .catch((e) => warn('service worker not registered', e));
}

// -------------------------------------------------------------------------------------------
// Main loop and boot
// -------------------------------------------------------------------------------------------

function jitteredPoll() {
  return POLL_MIN_MS + Math.random() * (POLL_MAX_MS - POLL_MIN_MS);
}

function tick() {
  const t = mono();
  const at = now();
  try {
    if (S.mode === 'pairing') {
      pairing.pairTick();
      return;
    }
    // 定时开关屏: off by schedule, the screen is blank and nothing plays (power.js).
    const off = !S.preview && !!S.token && ctx.power.tick(at) === 'off';
    if (!dom.frame.hidden && !off) {
      frame.renderClock(at);
      display.playTick(at);
      side.renderTicker(at, false);
    }
    if (S.preview) {
      if (t >= S.due.preview) sheet.fetchPreview();
      return;
    }
    if (!S.token) return;
    if (!dom.frame.hidden && !off) ctx.aloud.tick(at);
    ctx.commands.tick(t);
    if (t >= S.due.status) {
      S.due.status = t + STATUS_MS;
      net.sendStatus();
    }
    net.sendDueAck(t);
    if (t >= S.due.flush || S.queued >= FLUSH_AT) {
      net.flushPlayed();
      ctx.power.flush();
    }
    if (t >= S.due.poll) {
      S.due.poll = t + jitteredPoll();
      net.poll();
    }
    if (S.due.reconnect && t >= S.due.reconnect && S.socket && !S.socket.connected) {
      S.due.reconnect = 0;
      S.socket.connect();
    }
  } catch (e) {
    warn('tick failed', e);
  }
}

async function startPlayer(token) {
  S.token = token;
  S.mode = 'boot';
  dom.pairing.hidden = true;
  const t = mono();
  S.due.status = t + STATUS_MS;
  S.due.flush = t + FLUSH_MS;
  S.due.poll = t + FIRST_POLL_MS;
  const fontsReady = document.fonts && document.fonts.ready ? document.fonts.ready : null;
  try {
    const [hello, manifest, queued] = await Promise.all([
      store.get('hello'), store.get('manifest'), store.countPlayed(), fontsReady
    ]);
    if (hello && hello.screen) display.setScreen(hello.screen);
    S.queued = queued || 0;
    if (validManifest(manifest)) {
      await display.applyManifest(manifest);
    } else {
      await frame.setLayout(hello && hello.screen && hello.screen.layout);
      frame.showFrame();
      frame.renderClock(now());
      display.showIdle(now(), '正在获取公开内容…');
      side.renderTicker(now(), true);
    }
  } catch (e) {
    warn('stored state unreadable', e);
  }
  net.connect();
}

/**
 * The screen token given in the address: `#token=…` (never sent to the server), or
 * `?token=…` from older links. Either is removed from the address bar at once.
 */
function urlToken() {
  const params = new URLSearchParams(location.search);
  const hash = new URLSearchParams(location.hash.replace(/^#/, ''));
  const inHash = hash.get('token');
  const token = inHash || params.get('token');
  if (!token) return null;
  params.delete('token');
  hash.delete('token');
  const rest = params.toString();
  const fragment = inHash ? hash.toString() : location.hash.replace(/^#/, '');
  history.replaceState(history.state, '', location.pathname + (rest ? '?' + rest : '') +
    (fragment ? '#' + fragment : ''));
  return token;
}

const publicApi = Object.freeze({
  /** What the player is doing; `page` is 1-based (as on screen), 0 when nothing is shown. */
  state() {
    const c = S.cur;
    const m = S.rotation.manifest;
    return {
      mode: S.mode,
      version: m ? m.version : null,
      item: c ? c.id : null,
      revision: c ? c.revision : null,
      page: c ? c.page + 1 : 0,
      pages: c ? c.pages.length : 0,
      segment: m ? S.rotation.segmentAt(now()) : null,
      /** The items the rotation in force goes through now, in order (urgent ones aside). */
      rotation: m
        ? S.rotation.entries(now()).list
          .filter((entry) => entry && S.rotation.eligible(entry.item, now()))
          .map((entry) => entry.item)
        : [],
      online: S.online,
      layout: S.layout,
      urgent: c ? c.urgent : false,
      /** True while the item on screen is read aloud (定时朗读): the rotation holds on it. */
      reading: ctx.aloud.reading,
      preview: S.preview,
      queued: S.queued,
      ticker: S.tickerText || '',
      /** 定时开关屏: 'on', 'off' (blank by schedule) or 'woken' (by an urgent item). */
      power: S.power || 'on'
    };
  },
  /**
   * What the box agent beside the browser reads through the browser's debugging interface
   * (deploy/kiosk, player/agent.py): the server, the screen's token (the agent uploads
   * snapshots and health with it), the screen, this player's version and what is on screen.
   */
  agentInfo() {
    const c = S.cur;
    const screen = S.screen || {};
    return {
      server: location.origin,
      token: S.token,
      screen: { id: screen.id ?? null, name: screen.name || '', code: screen.code || '' },
      version: CFG.version,
      current: c && !S.preview ? { item: c.id, revision: c.revision } : null
    };
  },
  /** The pages of the item on screen: [{index, kind, text, blocks, rows, header}]. */
  pages() {
    return S.cur ? S.cur.pages.map(describePage) : [];
  },
  /** The table-cell rule (mirror of content/numbers.py) and the title's break points. */
  cells,
  titleParts: ctx.renderers.titleParts,
  version: CFG.version
});

function boot() {
  Object.defineProperty(window, 'signagePlayer', {
    value: publicApi, writable: false, configurable: false, enumerable: true
  });
  const qrcode = window.qrcode;
  if (typeof qrcode === 'function' && qrcode.stringToBytesFuncs && qrcode.stringToBytesFuncs['UTF-8']) {
    qrcode.stringToBytes = qrcode.stringToBytesFuncs['UTF-8'];
  }
  setText(dom.board, BOARD_TITLE);
  window.addEventListener('resize', frame.fit);
  if (!S.preview) window.addEventListener('keydown', (event) => ctx.aloud.key(event));
  frame.watchMetrics();
  setInterval(tick, TICK_MS);
  if (S.preview) {
    frame.setLayout(CFG.previewLayout).then(() => {
      frame.showFrame();
      frame.renderClock(now());
      display.showIdle(now(), '正在加载预览…');
      if (CFG.fromParent) sheet.listenToParent();
      else sheet.fetchPreview();
    });
    return;
  }
  const fromUrl = urlToken();
  registerServiceWorker();
  const ready = fromUrl ? store.put('token', fromUrl).then(() => fromUrl) : store.get('token');
  ready
    .catch((e) => {
      warn('token unreadable', e);
      return fromUrl;
    })
    .then((token) => {
      if (token) startPlayer(token);
      else pairing.startPairing();
    });
}

boot();
