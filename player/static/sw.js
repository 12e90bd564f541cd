/*
 * Sunshine Signage player Service Worker (served as /player/sw.js, scope /player/).
 *
 * - The shell (player page, every ES module of the player, player.css, vendor scripts) is
 *   precached at install and served network-first, falling back to the cache, so a screen
 *   starts with the server unreachable (networkFirst: a slow network gets the cached copy of
 *   the same version only; an unreachable server any cached version).
 * - Updates: the page registers sw.js?v=<player version>; a new player version is a new
 *   worker script, which precaches the new shell, skips waiting and claims the pages (and
 *   drops other caches); the page reloads itself into it (update.js). The page adds what it knows
 *   from the server (its stylesheets, every layout's stylesheet) with a `precache` message.
 *   tests/player/js/shell.test.js checks that SHELL names every module main.js imports.
 * - Files under /assets/<sha256> are content-addressed: cache-first, kept until the player
 *   deletes them (it removes the files its manifest no longer uses).
 * - API calls and Socket.IO traffic are never cached: the worker does not touch them.
 */
'use strict';

var SHELL_CACHE = 'signage-shell-v2';
var ASSET_CACHE = 'signage-assets-v1';
var KEEP = [SHELL_CACHE, ASSET_CACHE];
var NETWORK_TIMEOUT_MS = 5000;

var here = new URL(self.location.href);
var VERSION = here.searchParams.get('v') || '';
var BASE = new URL('./', here).pathname; // "/player/"

function withVersion(path) {
  return new URL(path, new URL(BASE, here)).pathname + (VERSION ? '?v=' + encodeURIComponent(VERSION) : '');
}

var SHELL = [
  BASE,
  withVersion('static/words.js'),
  withVersion('static/main.js'),
  withVersion('static/aloud.js'),
  withVersion('static/assets.js'),
  withVersion('static/bilingual.js'),
  withVersion('static/cells.js'),
  withVersion('static/columns.js'),
  withVersion('static/commands.js'),
  withVersion('static/delta.js'),
  withVersion('static/display.js'),
  withVersion('static/dom.js'),
  withVersion('static/frame.js'),
  withVersion('static/hold.js'),
  withVersion('static/pairing.js'),
  withVersion('static/paginator.js'),
  withVersion('static/power.js'),
  withVersion('static/preview.js'),
  withVersion('static/renderers.js'),
  withVersion('static/rotation.js'),
  withVersion('static/side.js'),
  withVersion('static/socket.js'),
  withVersion('static/speech.js'),
  withVersion('static/store.js'),
  withVersion('static/time.js'),
  withVersion('static/update.js'),
  withVersion('static/player.css'),
  withVersion('static/vendor/idb.js'),
  withVersion('static/vendor/socket.io.min.js'),
  withVersion('static/vendor/qrcode.js')
];

/** The cache key of a shell URL: the page without its query (the token), others as they are. */
function shellKey(url) {
  var u = new URL(url, self.location.href);
  if (u.pathname === BASE || u.pathname === BASE + 'index.html') return u.origin + u.pathname;
  return u.href;
}

function putShell(cache, key, response) {
  if (!response || !response.ok || response.type !== 'basic' || response.redirected) {
    return Promise.resolve();
  }
  // One copy per path: drop older versions (?v=...) of the same file first.
  return cache.delete(key, { ignoreSearch: true }).then(function () {
    return cache.put(key, response);
  });
}

function precache(urls, onlyMissing) {
  return caches.open(SHELL_CACHE).then(function (cache) {
    return Promise.all(urls.map(function (url) {
      var key = shellKey(url);
      var present = onlyMissing ? cache.match(key) : Promise.resolve(null);
      return present
        .then(function (hit) {
          if (hit) return null;
          return fetch(key, { cache: 'no-cache', credentials: 'same-origin' }).then(function (response) {
            return putShell(cache, key, response);
          });
        })
        .catch(function () {
          return null; // offline at install: the runtime cache fills it later
        });
    }));
  });
}

self.addEventListener('install', function (event) {
  event.waitUntil(precache(SHELL, false).then(function () {
    return self.skipWaiting();
  }));
});

self.addEventListener('activate', function (event) {
  event.waitUntil(
    caches.keys()
      .then(function (names) {
        return Promise.all(names.map(function (name) {
          return KEEP.indexOf(name) >= 0 ? null : caches.delete(name);
        }));
      })
      .then(function () {
        return self.clients.claim();
      })
  );
});

self.addEventListener('message', function (event) {
  var msg = event.data || {};
  if (msg.type === 'precache' && Array.isArray(msg.urls)) {
    var same = msg.urls.filter(function (url) {
      try {
        return new URL(url, self.location.href).origin === self.location.origin;
      } catch (e) {
        return false;
      }
    });
    event.waitUntil(precache(same, true));
  }
});

function timeout(ms) {
  return new Promise(function (resolve) {
    setTimeout(resolve, ms, null);
  });
}

/**
 * Network first. After NETWORK_TIMEOUT_MS a cached copy of exactly this URL (the same `?v=`:
 * the same player version) is served; a copy of another version only when the network failed
 * (an offline box starts from what it has). So once the server serves a new player, a slow
 * network never mixes an old module into a new page.
 */
function networkFirst(request, key) {
  var network = fetch(request).then(function (response) {
    var copy = response.clone();
    caches.open(SHELL_CACHE).then(function (cache) {
      return putShell(cache, key, copy);
    }).catch(function () {
      return null;
    });
    return response;
  });
  var exact = caches.match(key, { cacheName: SHELL_CACHE });
  var failed = network.then(function (response) {
    return response.status >= 500 ? null : response; // a failing server: prefer a copy
  }).catch(function () {
    return null;
  });
  return Promise.race([
    failed,
    exact.then(function (hit) {
      return hit ? timeout(NETWORK_TIMEOUT_MS).then(function () {
        return hit;
      }) : new Promise(function () {}); // no copy of this version: wait for the network
    })
  ]).then(function (response) {
    if (response) return response;
    return exact.then(function (hit) {
      return hit || caches.match(key, { ignoreSearch: true, cacheName: SHELL_CACHE });
    }).then(function (hit) {
      return hit || network;
    });
  });
}

/** Content-addressed files: the cached copy for ever; fetch (with the page's token) once. */
function cacheFirst(request) {
  return caches.open(ASSET_CACHE).then(function (cache) {
    return cache.match(request, { ignoreVary: true }).then(function (hit) {
      if (hit) return hit;
      return fetch(request).then(function (response) {
        if (response.ok && response.status === 200) {
          cache.put(request.url, response.clone());
        }
        return response;
      });
    });
  });
}

self.addEventListener('fetch', function (event) {
  var request = event.request;
  if (request.method !== 'GET') return;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (/^\/assets\/[0-9a-fA-F]{64}$/.test(url.pathname)) {
    event.respondWith(cacheFirst(request));
    return;
  }
  if (url.pathname.indexOf(BASE) !== 0) return; // API, Socket.IO, everything else: untouched
  if (request.headers.get('range')) return;
  event.respondWith(networkFirst(request, shellKey(request.url)));
});
