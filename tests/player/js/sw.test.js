// The Service Worker (sw.js) in a fake worker scope: it never serves a player file of an old
// version while the server answers, yet an offline box still starts from its cache; a new
// version's worker precaches its shell, takes over at once and drops other caches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import vm from 'node:vm';

const SOURCE = readFileSync(new URL('../../../player/static/sw.js', import.meta.url), 'utf8');
const ORIGIN = 'http://screen.test';

function response(body, status = 200) {
  return {
    body, status, ok: status >= 200 && status < 300, type: 'basic', redirected: false,
    clone() {
      return this;
    }
  };
}

function stripSearch(url) {
  const u = new URL(url, ORIGIN);
  return u.origin + u.pathname;
}

/** Cache Storage in memory: {name: Map(url -> response)}. */
function fakeCaches() {
  const stores = new Map();
  function cache(name) {
    if (!stores.has(name)) stores.set(name, new Map());
    const map = stores.get(name);
    return {
      async match(key, opts = {}) {
        const url = typeof key === 'string' ? key : key.url;
        if (map.has(url)) return map.get(url);
        if (opts.ignoreSearch) {
          for (const [k, v] of map) if (stripSearch(k) === stripSearch(url)) return v;
        }
        return undefined;
      },
      async put(key, value) {
        map.set(typeof key === 'string' ? key : key.url, value);
      },
      async delete(key, opts = {}) {
        const url = typeof key === 'string' ? key : key.url;
        for (const k of [...map.keys()]) {
          if (k === url || (opts.ignoreSearch && stripSearch(k) === stripSearch(url))) map.delete(k);
        }
        return true;
      }
    };
  }
  return {
    stores,
    open: async (name) => cache(name),
    keys: async () => [...stores.keys()],
    delete: async (name) => stores.delete(name),
    async match(key, opts = {}) {
      return cache(opts.cacheName).match(key, opts);
    }
  };
}

function worker(version, { fetch } = {}) {
  const listeners = {};
  const timers = [];
  const log = [];
  const caches = fakeCaches();
  const scope = {
    self: {
      location: { href: `${ORIGIN}/player/sw.js?v=${version}`, origin: ORIGIN },
      addEventListener: (name, fn) => {
        listeners[name] = fn;
      },
      skipWaiting: async () => log.push('skipWaiting'),
      clients: { claim: async () => log.push('claim') }
    },
    caches,
    fetch: fetch || (async (req) => response('net:' + (typeof req === 'string' ? req : req.url))),
    setTimeout: (fn, ms, value) => {
      timers.push(() => fn(value));
      return timers.length;
    },
    URL,
    Promise
  };
  scope.self.location.toString = () => scope.self.location.href;
  vm.createContext(scope);
  vm.runInContext(SOURCE, scope);
  scope.self.location = new URL(scope.self.location.href);
  return { listeners, timers, log, caches };
}

function get(w, url) {
  let answer = null;
  w.listeners.fetch({
    request: { method: 'GET', url: ORIGIN + url, headers: { get: () => null } },
    respondWith: (p) => {
      answer = p;
    }
  });
  return answer;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

test('a slow network gets the cached copy of the same version after the timeout', async () => {
  const w = worker('2', { fetch: () => new Promise(() => {}) });
  const shell = await w.caches.open('signage-shell-v2');
  await shell.put(`${ORIGIN}/player/static/main.js?v=2`, response('main v2'));
  const answer = get(w, '/player/static/main.js?v=2');
  await flush();
  w.timers.forEach((fire) => fire());
  assert.equal((await answer).body, 'main v2');
});

test('a slow network never gets an old version: the page waits for the server', async () => {
  let serve;
  const w = worker('2', { fetch: () => new Promise((resolve) => { serve = resolve; }) });
  const shell = await w.caches.open('signage-shell-v2');
  await shell.put(`${ORIGIN}/player/static/main.js?v=1`, response('main v1'));
  const answer = get(w, '/player/static/main.js?v=2');
  let settled = null;
  answer.then((r) => { settled = r; });
  await flush();
  w.timers.forEach((fire) => fire());
  await flush();
  assert.equal(settled, null, 'not the old copy');
  serve(response('main v2 from the server'));
  assert.equal((await answer).body, 'main v2 from the server');
});

test('an offline box starts from whatever version it cached', async () => {
  const w = worker('2', { fetch: () => Promise.reject(new TypeError('offline')) });
  const shell = await w.caches.open('signage-shell-v2');
  await shell.put(`${ORIGIN}/player/static/main.js?v=1`, response('main v1'));
  await shell.put(`${ORIGIN}/player/`, response('page v1'));
  assert.equal((await get(w, '/player/static/main.js?v=2')).body, 'main v1');
  assert.equal((await get(w, '/player/#token=x')).body, 'page v1');
});

test('the page is always asked of the server first', async () => {
  const w = worker('2');
  const shell = await w.caches.open('signage-shell-v2');
  await shell.put(`${ORIGIN}/player/`, response('page v1'));
  assert.equal((await get(w, '/player/')).body, `net:${ORIGIN}/player/`);
});

test('a new version installs its shell, takes over at once and drops other caches', async () => {
  const w = worker('0.2.0-bbbb');
  const old = await w.caches.open('signage-shell-v1');
  await old.put(`${ORIGIN}/player/static/main.js?v=0.1.0`, response('old'));
  let installing;
  w.listeners.install({ waitUntil: (p) => { installing = p; } });
  await installing;
  const shell = w.caches.stores.get('signage-shell-v2');
  assert.ok(shell.has(`${ORIGIN}/player/static/main.js?v=0.2.0-bbbb`));
  assert.ok(shell.has(`${ORIGIN}/player/static/commands.js?v=0.2.0-bbbb`));
  assert.ok(shell.has(`${ORIGIN}/player/static/update.js?v=0.2.0-bbbb`));
  assert.ok(shell.has(`${ORIGIN}/player/`));
  let activating;
  w.listeners.activate({ waitUntil: (p) => { activating = p; } });
  await activating;
  assert.deepEqual(w.log, ['skipWaiting', 'claim']);
  assert.ok(!w.caches.stores.has('signage-shell-v1'));
});
