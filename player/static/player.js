/*
 * Sunshine Signage (阳光公开屏) web player.
 *
 * Plain ES2017, no build step, no framework: runs in Chromium >= 90 and Android WebView.
 * The contract is docs/player-protocol.md. Sections of this file, in order:
 *
 *   1. Config and small helpers   (CFG, el, clear, pad)
 *   2. Time                       (parseTime, inWindow, Intl formatters, isoWithOffset)
 *   3. Store                      (IndexedDB "signage-player": kv, played queue, asset blobs)
 *   4. Assets                     (Cache Storage "signage-assets-v1", prefetch, blob URLs, GC)
 *   5. Sanitiser                  (DOMParser allow-list for HTML bodies, defence in depth)
 *   6. Frame and layouts          (layout stylesheet swap, scale-to-fit, header clock)
 *   7. Pages                      (body builders and the paginator: never shrink text)
 *   8. Side and ticker            (QR code, validity, page indicator, scrolling footer)
 *   9. Rotation                   (schedule segment, windows, urgent interrupts, proof of play)
 *  10. Manifest                   (store -> prefetch -> ack -> apply)
 *  11. Network                    (Socket.IO, backstop poll, status, played batches)
 *  12. Pairing                    (code on screen, poll until paired)
 *  13. Preview                    (operator preview: no socket, no SW, no reports;
 *                                  ?all_pages=1: every page side by side, nothing rotates)
 *  14. Service Worker registration
 *  15. Main loop, boot and the read-only test API window.signagePlayer
 *
 * Everything time-driven runs from one setInterval(tick, 1000) and compares Date.now() /
 * performance.now() with due times, so a jump of the clock is handled at the next tick.
 * Untrusted text always goes through textContent; the only markup inserted is the sanitised
 * HTML body (re-checked here) and the QR code SVG made by qrcode-generator.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------------------------
  // 1. Config and small helpers
  // ---------------------------------------------------------------------------------------

  var data = document.body.dataset;
  var query = new URLSearchParams(location.search);
  var CFG = {
    api: (data.api || '/api/v1').replace(/\/$/, ''),
    staticBase: data.static || '/player/static/',
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

  var LAYOUT_SIZES = {
    landscape: [1920, 1080],
    portrait: [1080, 1920],
    led: [960, 480],
    ticker: [1920, 120]
  };

  var TICK_MS = 1000;
  var STATUS_MS = 60000;
  var FLUSH_MS = 60000;
  var FLUSH_AT = 50; // records: send a batch as soon as this many are queued
  var BATCH = 50; // records per `played` message
  var QUEUE_MAX = 10000; // drop the oldest records beyond this
  var POLL_MIN_MS = 4 * 60000;
  var POLL_MAX_MS = 6 * 60000;
  var FIRST_POLL_MS = 10000;
  var PAIR_POLL_MS = 3000;
  var PAIR_RETRY_MS = 10000;
  var PREVIEW_MS = 30000;
  var ACK_TIMEOUT_MS = 15000;
  var DEFAULT_TZ = 'Asia/Shanghai';
  var DEFAULT_DURATION_S = 15;
  var ASSET_CACHE = 'signage-assets-v1';
  var TICKER_SPEED = 150; // design pixels per second
  var TICKER_SEP = '\u3000\u3000◆\u3000\u3000';
  var CALM_LINE = '欢迎扫码对公开内容提出意见和建议';
  var BOARD_TITLE = '党务村务公开';

  function $(id) {
    return document.getElementById(id);
  }

  function el(tag, cls, text) {
    var node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function setText(node, text) {
    text = text === undefined || text === null ? '' : String(text);
    if (node.textContent !== text) node.textContent = text;
  }

  function pad(n) {
    return (n < 10 ? '0' : '') + n;
  }

  function mono() {
    return performance.now();
  }

  function warn(what, error) {
    if (window.console && console.warn) console.warn('[signage] ' + what, error || '');
  }

  var dom = {
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
    pageNo: document.querySelector('.side-pages'),
    tickerWindow: document.querySelector('.ticker-window'),
    ticker: document.querySelector('.ticker-text'),
    pairing: $('pairing'),
    pairCode: $('pairing-code'),
    pairServer: $('pairing-server'),
    pairStatus: $('pairing-status'),
    boot: $('boot')
  };

  // ---------------------------------------------------------------------------------------
  // 2. Time
  // ---------------------------------------------------------------------------------------

  /** Milliseconds since the epoch of an ISO 8601 string, or null for null/empty/invalid. */
  function parseTime(value) {
    if (value === null || value === undefined || value === '') return null;
    var t = Date.parse(value);
    return isNaN(t) ? null : t;
  }

  /** True when `now` is inside [valid_from, valid_until) of `x` (null = unbounded). */
  function inWindow(x, now) {
    var from = parseTime(x.valid_from);
    var until = parseTime(x.valid_until);
    return (from === null || from <= now) && (until === null || now < until);
  }

  function validTimeZone(tz) {
    if (!tz) return DEFAULT_TZ;
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return tz;
    } catch (e) {
      return DEFAULT_TZ;
    }
  }

  var formatters = {};

  function formatter(tz, kind) {
    var key = tz + '|' + kind;
    if (!formatters[key]) {
      if (kind === 'date') {
        formatters[key] = new Intl.DateTimeFormat('zh-CN', {
          timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'long'
        });
      } else {
        formatters[key] = new Intl.DateTimeFormat('en-US', {
          timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric',
          hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
        });
      }
    }
    return formatters[key];
  }

  function parts(t, tz, kind) {
    var out = {};
    formatter(tz, kind).formatToParts(new Date(t)).forEach(function (p) {
      out[p.type] = p.value;
    });
    return out;
  }

  /** "2026年11月23日 星期一" in the screen's timezone. */
  function dateText(t, tz) {
    var p = parts(t, tz, 'date');
    return p.year + '年' + Number(p.month) + '月' + Number(p.day) + '日 ' + p.weekday;
  }

  /** "2026年12月31日" (no weekday). */
  function shortDateText(t, tz) {
    var p = parts(t, tz, 'date');
    return p.year + '年' + Number(p.month) + '月' + Number(p.day) + '日';
  }

  function numericParts(t, tz) {
    var p = parts(t, tz, 'iso');
    return {
      y: Number(p.year), mo: Number(p.month), d: Number(p.day),
      h: Number(p.hour) % 24, mi: Number(p.minute), s: Number(p.second)
    };
  }

  /** "09:05" in the screen's timezone. */
  function clockText(t, tz) {
    var p = numericParts(t, tz);
    return pad(p.h) + ':' + pad(p.mi);
  }

  /** "2026-11-23T09:00:00+08:00": ISO 8601 with the offset of the screen's timezone. */
  function isoWithOffset(t, tz) {
    var whole = Math.floor(t / 1000) * 1000;
    var p = numericParts(whole, tz);
    var offset = Math.round((Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - whole) / 60000);
    var sign = offset >= 0 ? '+' : '-';
    var abs = Math.abs(offset);
    return String(p.y) + '-' + pad(p.mo) + '-' + pad(p.d) + 'T' + pad(p.h) + ':' + pad(p.mi) +
      ':' + pad(p.s) + sign + pad(Math.floor(abs / 60)) + ':' + pad(abs % 60);
  }

  // ---------------------------------------------------------------------------------------
  // 3. Store: IndexedDB "signage-player" (falls back to memory when unavailable)
  // ---------------------------------------------------------------------------------------

  var Store = (function () {
    var DB_NAME = 'signage-player';
    var opening = null;
    var memory = { kv: {}, played: [], assets: {}, seq: 0 };

    function open() {
      if (opening) return opening;
      opening = new Promise(function (resolve) {
        var request;
        try {
          if (!window.indexedDB) return resolve(null);
          request = indexedDB.open(DB_NAME, 1);
        } catch (e) {
          return resolve(null);
        }
        request.onupgradeneeded = function () {
          var db = request.result;
          if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
          if (!db.objectStoreNames.contains('played')) {
            db.createObjectStore('played', { autoIncrement: true });
          }
          if (!db.objectStoreNames.contains('assets')) db.createObjectStore('assets');
        };
        request.onsuccess = function () {
          var db = request.result;
          db.onversionchange = function () {
            db.close();
          };
          resolve(db);
        };
        request.onerror = function () {
          warn('IndexedDB unavailable, keeping state in memory', request.error);
          resolve(null);
        };
      });
      return opening;
    }

    /** Run fn(objectStore) in a transaction; resolve with the value fn's request produced. */
    function run(name, mode, fn) {
      return open().then(function (db) {
        if (!db) return fn(null);
        return new Promise(function (resolve, reject) {
          var tx = db.transaction(name, mode);
          var result;
          var request = fn(tx.objectStore(name), function (value) {
            result = value;
          });
          tx.oncomplete = function () {
            resolve(request && 'result' in request && result === undefined ? request.result : result);
          };
          tx.onerror = tx.onabort = function () {
            reject(tx.error);
          };
        });
      });
    }

    function get(key) {
      return run('kv', 'readonly', function (store) {
        if (!store) return memory.kv[key];
        return store.get(key);
      });
    }

    function put(key, value) {
      return run('kv', 'readwrite', function (store) {
        if (!store) {
          memory.kv[key] = value;
          return undefined;
        }
        store.put(value, key);
        return undefined;
      });
    }

    function del(key) {
      return run('kv', 'readwrite', function (store) {
        if (!store) {
          delete memory.kv[key];
          return undefined;
        }
        store.delete(key);
        return undefined;
      });
    }

    function countPlayed() {
      return run('played', 'readonly', function (store) {
        if (!store) return memory.played.length;
        return store.count();
      });
    }

    /** Queue one proof-of-play record; drop the oldest beyond QUEUE_MAX. Resolves the count. */
    function addPlayed(record) {
      return run('played', 'readwrite', function (store, done) {
        if (!store) {
          memory.seq += 1;
          memory.played.push({ key: memory.seq, record: record });
          if (memory.played.length > QUEUE_MAX) memory.played.splice(0, memory.played.length - QUEUE_MAX);
          return memory.played.length;
        }
        store.add(record);
        var counting = store.count();
        counting.onsuccess = function () {
          var excess = counting.result - QUEUE_MAX;
          done(Math.min(counting.result, QUEUE_MAX));
          if (excess <= 0) return;
          var cursor = store.openCursor();
          cursor.onsuccess = function () {
            var c = cursor.result;
            if (!c || excess <= 0) return;
            c.delete();
            excess -= 1;
            c.continue();
          };
        };
        return undefined;
      });
    }

    /** The oldest `n` queued records as [{key, record}]. */
    function playedBatch(n) {
      return run('played', 'readonly', function (store, done) {
        if (!store) return memory.played.slice(0, n);
        var out = [];
        var cursor = store.openCursor();
        cursor.onsuccess = function () {
          var c = cursor.result;
          if (!c || out.length >= n) {
            done(out);
            return;
          }
          out.push({ key: c.key, record: c.value });
          c.continue();
        };
        done(out);
        return undefined;
      });
    }

    function deletePlayed(keys) {
      return run('played', 'readwrite', function (store) {
        if (!store) {
          var gone = {};
          keys.forEach(function (k) {
            gone[k] = true;
          });
          memory.played = memory.played.filter(function (r) {
            return !gone[r.key];
          });
          return undefined;
        }
        keys.forEach(function (k) {
          store.delete(k);
        });
        return undefined;
      });
    }

    function clearPlayed() {
      return run('played', 'readwrite', function (store) {
        if (!store) {
          memory.played = [];
          return undefined;
        }
        store.clear();
        return undefined;
      });
    }

    // Asset blobs: used only when Cache Storage is unavailable (an insecure http origin).
    function getAsset(sha) {
      return run('assets', 'readonly', function (store) {
        if (!store) return memory.assets[sha];
        return store.get(sha);
      });
    }

    function putAsset(sha, blob) {
      return run('assets', 'readwrite', function (store) {
        if (!store) {
          memory.assets[sha] = blob;
          return undefined;
        }
        store.put(blob, sha);
        return undefined;
      });
    }

    function assetKeys() {
      return run('assets', 'readonly', function (store) {
        if (!store) return Object.keys(memory.assets);
        return store.getAllKeys();
      });
    }

    function deleteAsset(sha) {
      return run('assets', 'readwrite', function (store) {
        if (!store) {
          delete memory.assets[sha];
          return undefined;
        }
        store.delete(sha);
        return undefined;
      });
    }

    return {
      open: open, get: get, put: put, del: del,
      countPlayed: countPlayed, addPlayed: addPlayed, playedBatch: playedBatch,
      deletePlayed: deletePlayed, clearPlayed: clearPlayed,
      getAsset: getAsset, putAsset: putAsset, assetKeys: assetKeys, deleteAsset: deleteAsset
    };
  })();

  // ---------------------------------------------------------------------------------------
  // 4. Assets: content-addressed files, cached for ever, shown through blob: URLs
  // ---------------------------------------------------------------------------------------

  var Assets = (function () {
    var cacheStorage = typeof caches !== 'undefined' && window.isSecureContext !== false;

    function url(sha, item) {
      var list = (item && item.assets) || [];
      for (var i = 0; i < list.length; i++) {
        if (list[i] && list[i].sha256 === sha && list[i].url) return list[i].url;
      }
      return '/assets/' + sha;
    }

    /** Every {sha, url} a manifest needs (its items' assets, image and PDF page files). */
    function needed(manifest) {
      var seen = {};
      var out = [];
      function add(sha, item) {
        if (!sha || typeof sha !== 'string' || seen[sha]) return;
        seen[sha] = true;
        out.push({ sha: sha, url: url(sha, item) });
      }
      (manifest.items || []).forEach(function (item) {
        (item.assets || []).forEach(function (a) {
          if (a) add(a.sha256, item);
        });
        var body = item.body || {};
        if (body.type === 'image') add(body.asset, item);
        if (body.type === 'pdf') {
          (body.pages || []).forEach(function (p) {
            add(pageSha(p), item);
          });
        }
      });
      return out;
    }

    function authHeaders() {
      var headers = {};
      if (S.token) headers.Authorization = 'Bearer ' + S.token;
      return headers;
    }

    function fetchNetwork(u) {
      return fetch(u, { headers: authHeaders(), credentials: 'same-origin' });
    }

    function cached(u) {
      return caches.open(ASSET_CACHE).then(function (cache) {
        return cache.match(u, { ignoreVary: true });
      });
    }

    function has(asset) {
      if (cacheStorage) {
        return cached(asset.url).then(function (r) {
          return !!r;
        });
      }
      return Store.getAsset(asset.sha).then(function (b) {
        return !!b;
      });
    }

    /** Fetch one file with the screen's token and keep it (in the page, in case no SW runs). */
    function download(asset) {
      return fetchNetwork(asset.url).then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + asset.url);
        if (cacheStorage) {
          return caches.open(ASSET_CACHE).then(function (cache) {
            return cache.put(asset.url, response.clone()).then(function () {
              return response;
            });
          });
        }
        return response.blob().then(function (blob) {
          return Store.putAsset(asset.sha, blob).then(function () {
            return blob;
          });
        });
      });
    }

    /** Make sure every file of `manifest` is stored; resolve true when all are. */
    function prefetch(manifest) {
      var list = needed(manifest);
      var ok = true;
      var i = 0;
      function next() {
        if (i >= list.length) return Promise.resolve(ok);
        var asset = list[i];
        i += 1;
        return has(asset)
          .then(function (present) {
            return present ? null : download(asset);
          })
          .catch(function (error) {
            ok = false;
            warn('could not fetch ' + asset.url, error);
          })
          .then(next);
      }
      return next();
    }

    /** Delete stored files that `manifest` no longer uses. */
    function collect(manifest) {
      var keep = {};
      needed(manifest).forEach(function (a) {
        keep[a.sha] = true;
      });
      if (cacheStorage) {
        return caches.open(ASSET_CACHE).then(function (cache) {
          return cache.keys().then(function (requests) {
            return Promise.all(requests.map(function (request) {
              var sha = new URL(request.url).pathname.split('/').pop();
              return keep[sha] ? null : cache.delete(request);
            }));
          });
        }).catch(function (e) {
          warn('asset clean-up failed', e);
        });
      }
      return Store.assetKeys().then(function (keys) {
        return Promise.all((keys || []).map(function (sha) {
          return keep[sha] ? null : Store.deleteAsset(sha);
        }));
      }).catch(function (e) {
        warn('asset clean-up failed', e);
      });
    }

    /** A blob: URL for file `sha` of `item` (stored copy first, then the network). */
    function objectUrl(sha, item) {
      var u = url(sha, item);
      var found;
      if (S.preview) {
        found = fetch(u, { credentials: 'same-origin' }).then(function (r) {
          if (!r.ok) throw new Error('HTTP ' + r.status);
          return r.blob();
        });
      } else if (cacheStorage) {
        found = cached(u).then(function (response) {
          return response || download({ sha: sha, url: u });
        }).then(function (response) {
          return response.blob();
        });
      } else {
        found = Store.getAsset(sha).then(function (blob) {
          return blob || download({ sha: sha, url: u });
        });
      }
      return found.then(function (blob) {
        return URL.createObjectURL(blob);
      });
    }

    return { prefetch: prefetch, collect: collect, objectUrl: objectUrl };
  })();

  function pageSha(p) {
    if (!p) return null;
    if (typeof p === 'string') return p;
    return p.sha256 || p.asset || null;
  }

  // ---------------------------------------------------------------------------------------
  // 5. Sanitiser: the server already cleaned HTML bodies (nh3); check again before use.
  // ---------------------------------------------------------------------------------------

  var ALLOWED_TAGS = {
    P: 1, BR: 1, STRONG: 1, B: 1, EM: 1, I: 1, U: 1, S: 1, UL: 1, OL: 1, LI: 1,
    H2: 1, H3: 1, H4: 1, BLOCKQUOTE: 1, TABLE: 1, THEAD: 1, TBODY: 1, TR: 1, TH: 1, TD: 1
  };
  // Elements dropped together with their content (never unwrapped into text).
  var DROP_TAGS = {
    SCRIPT: 1, STYLE: 1, TEMPLATE: 1, IFRAME: 1, OBJECT: 1, EMBED: 1, NOSCRIPT: 1, NOEMBED: 1,
    NOFRAMES: 1, TITLE: 1, TEXTAREA: 1, SELECT: 1, SVG: 1, MATH: 1, XMP: 1, PLAINTEXT: 1,
    HEAD: 1, META: 1, LINK: 1, BASE: 1, FRAME: 1, FRAMESET: 1, APPLET: 1, CANVAS: 1,
    AUDIO: 1, VIDEO: 1, IMG: 1, IMAGE: 1, PICTURE: 1, SOURCE: 1, FORM: 1, INPUT: 1, BUTTON: 1
  };
  var BLOCK_TAGS = { P: 1, UL: 1, OL: 1, H2: 1, H3: 1, H4: 1, BLOCKQUOTE: 1, TABLE: 1 };

  /*
   * Header rows go in a <tbody class="thead">, never in a <thead>: Chromium (seen with 156)
   * keeps some memory for good each time a <thead> is styled, and the player styles a table's
   * header again on every page it shows. With the demo that was ~70 KB of Blink heap an hour,
   * for ever (docs/benchmarks.md). A <tbody> has the same default style.
   */
  function headerGroup() {
    return el('tbody', 'thead');
  }

  /** Turn every <thead> under `root` into a headerGroup above the table's rows. */
  function replaceHeaderGroups(root) {
    Array.prototype.slice.call(root.querySelectorAll('thead')).forEach(function (thead) {
      var table = thead.parentNode;
      var group = thead.ownerDocument.createElement('tbody');
      group.className = 'thead';
      while (thead.firstChild) group.appendChild(thead.firstChild);
      table.removeChild(thead);
      table.insertBefore(group, table.querySelector(':scope > tbody, :scope > tr'));
    });
  }

  function cleanTree(node) {
    var child = node.firstChild;
    while (child) {
      var next = child.nextSibling;
      if (child.nodeType === 1) {
        var tag = child.tagName.toUpperCase();
        if (DROP_TAGS[tag]) {
          node.removeChild(child);
        } else if (!ALLOWED_TAGS[tag]) {
          cleanTree(child);
          while (child.firstChild) node.insertBefore(child.firstChild, child);
          node.removeChild(child);
        } else {
          for (var i = child.attributes.length - 1; i >= 0; i--) {
            var name = child.attributes[i].name.toLowerCase();
            var value = child.attributes[i].value;
            var span = (tag === 'TD' || tag === 'TH') && (name === 'colspan' || name === 'rowspan');
            if (!(span && /^[1-9][0-9]?$/.test(value))) child.removeAttribute(child.attributes[i].name);
          }
          cleanTree(child);
        }
      } else if (child.nodeType !== 3) {
        node.removeChild(child); // comments, processing instructions, CDATA
      }
      child = next;
    }
  }

  /**
   * Parse `html` in an inert document, keep only the allowed elements and attributes, and
   * return the top-level blocks imported into this document (loose inline content wrapped in
   * <p>). Importing the checked nodes is what innerHTML of the cleaned markup would give,
   * without parsing the markup a second time.
   */
  function sanitizedBlocks(html) {
    var doc = new DOMParser().parseFromString('<!doctype html><html><body>' + String(html || ''),
      'text/html');
    var root = doc.body;
    cleanTree(root);
    replaceHeaderGroups(root);
    var blocks = [];
    var loose = null;
    Array.prototype.slice.call(root.childNodes).forEach(function (node) {
      var isBlock = node.nodeType === 1 && BLOCK_TAGS[node.tagName.toUpperCase()];
      if (isBlock) {
        loose = null;
        blocks.push(document.importNode(node, true));
        return;
      }
      if (node.nodeType === 3 && !node.nodeValue.trim() && !loose) return;
      if (!loose) {
        loose = document.createElement('p');
        blocks.push(loose);
      }
      loose.appendChild(document.importNode(node, true));
    });
    return blocks;
  }

  // ---------------------------------------------------------------------------------------
  // 6. Frame and layouts
  // ---------------------------------------------------------------------------------------

  var layoutName = null;
  var layoutLoad = null; // the stylesheet being loaded: {gen, promise}
  var layoutGen = 0;

  function versionQuery() {
    return CFG.version ? '?v=' + encodeURIComponent(CFG.version) : '';
  }

  function layoutHref(name) {
    return CFG.layouts + name + '.css' + versionQuery();
  }

  /**
   * Switch to layout `name` (its stylesheet and design size); resolve true when it changed,
   * once its stylesheet applies. Nothing is paginated while a stylesheet loads
   * (S.layoutLoading): a caller asking for the layout being loaded waits for that same load,
   * and a load overtaken by another layout hands over to the newer one.
   */
  function setLayout(name) {
    if (!LAYOUT_SIZES[name]) name = 'landscape';
    if (name === layoutName) return layoutLoad ? layoutLoad.promise : Promise.resolve(false);
    layoutName = name;
    dom.frame.className = 'frame layout-' + name;
    fit();
    var old = $('layout-css');
    var href = layoutHref(name);
    var gen = ++layoutGen;
    if (old && old.getAttribute('href') === href) {
      dropLayoutLinks(old);
      layoutLoad = null;
      S.layoutLoading = false;
      metricsChanged();
      return Promise.resolve(true);
    }
    S.layoutLoading = true; // no pagination with the wrong stylesheet
    var load = { gen: gen, promise: null };
    load.promise = new Promise(function (resolve) {
      var link = document.createElement('link');
      var done = false;
      function finish() {
        if (done) return;
        done = true;
        link.onload = link.onerror = null;
        if (gen !== layoutGen) {
          // Overtaken by another layout: that one decides when pagination may start.
          if (link.parentNode) link.parentNode.removeChild(link);
          resolve(layoutLoad ? layoutLoad.promise : true);
          return;
        }
        dropLayoutLinks(link);
        link.id = 'layout-css';
        layoutLoad = null;
        S.layoutLoading = false;
        metricsChanged();
        resolve(true);
      }
      link.rel = 'stylesheet';
      link.setAttribute('data-layout', name);
      link.onload = finish;
      link.onerror = finish;
      link.href = href;
      document.head.appendChild(link);
    });
    layoutLoad = load;
    return load.promise;
  }

  /** Remove every layout stylesheet but `keep`. */
  function dropLayoutLinks(keep) {
    Array.prototype.forEach.call(
      document.querySelectorAll('link#layout-css, link[data-layout]'),
      function (link) {
        if (link !== keep && link.parentNode) link.parentNode.removeChild(link);
      }
    );
  }

  /**
   * Whatever changes the size of text or of the main region (a layout stylesheet applied, a
   * font loaded, the region resized) invalidates every pagination made before it.
   */
  function metricsChanged() {
    S.metricsEpoch += 1;
  }

  function watchMetrics() {
    if (document.fonts && document.fonts.addEventListener) {
      document.fonts.addEventListener('loadingdone', metricsChanged);
    }
    if (typeof ResizeObserver === 'function') {
      var last = '';
      new ResizeObserver(function () {
        var size = dom.main.offsetWidth + 'x' + dom.main.offsetHeight;
        if (size === last) return;
        last = size;
        metricsChanged();
      }).observe(dom.main);
    }
  }

  /** Scale the frame (design size) to fit the viewport, centred, letterboxed in black. */
  function fit() {
    var size = LAYOUT_SIZES[layoutName || 'landscape'];
    var vw = window.innerWidth || size[0];
    var vh = window.innerHeight || size[1];
    var k = Math.min(vw / size[0], vh / size[1]);
    var x = Math.round((vw - size[0] * k) / 2);
    var y = Math.round((vh - size[1] * k) / 2);
    dom.frame.style.width = size[0] + 'px';
    dom.frame.style.height = size[1] + 'px';
    dom.frame.style.transform = 'translate(' + x + 'px,' + y + 'px) scale(' + k + ')';
  }

  function showFrame() {
    dom.boot.hidden = true;
    dom.pairing.hidden = true;
    dom.frame.hidden = false;
    fit();
  }

  function orgName() {
    var m = S.manifest;
    if (m && m.org && m.org.name) return m.org.name;
    return S.screen.org_name || '';
  }

  var shownClock = { date: null, clock: null };

  function renderClock(now) {
    var date = dateText(now, S.tz);
    var clock = clockText(now, S.tz);
    if (date !== shownClock.date) {
      shownClock.date = date;
      setText(dom.date, date);
    }
    if (clock !== shownClock.clock) {
      shownClock.clock = clock;
      setText(dom.clock, clock);
    }
    setText(dom.org, orgName());
    if (S.idleNode) {
      setText(S.idleNode.clock, clock);
      setText(S.idleNode.date, date);
      setText(S.idleNode.org, orgName());
    }
  }

  // ---------------------------------------------------------------------------------------
  // Table cells: the mirror of content/numbers.py (same rule, same test vectors in
  // tests/unit/content/table_cells.json). Money columns read 1,322.40; short columns (names,
  // dates, 第7次党委会) never wrap; a total row never stands alone; a caption repeating the
  // title is not shown.
  // ---------------------------------------------------------------------------------------

  var MONEY_WORDS = ['金额', '元', '收入', '支出', '合计', '余额', '结余', '价', '费', '资金', '投资',
    '工资', '补贴', '补助'];
  var NOT_MONEY_WORDS = ['单元', '公元', '元旦', '元月', '评价'];
  var TOTAL_WORDS = ['合计', '总计', '小计', '共计', '累计'];
  var SHORT_EMS = 8;
  var NARROW_EM = 0.55;
  // sign, currency, integer part, fraction, suffix
  var NUMERIC = /^([+\-−]?)([¥￥]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%|‰|元|万元|亿元)?$/;
  var WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;
  var SPACES = /[\s\u3000]+/g;
  var PHRASE_PUNCTUATION = /[，、；。：！？]/;
  var CAPTION_NOISE = /[\s\u3000：:·,，。.]+/g;

  /** A number written in full (no exponent, 2150.0 as 2150); text trimmed. */
  function numberText(value) {
    if (value === null || value === undefined) return '';
    if (typeof value === 'boolean') return String(value);
    if (typeof value === 'number') {
      if (!isFinite(value)) return '';
      var s = String(value);
      if (!/e/i.test(s)) return s;
      // Exponent notation: write the digits out (what Python's Decimal(repr(x)) gives).
      var m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
      if (!m) return s;
      var digits = m[2] + (m[3] || '');
      var point = 1 + Number(m[4]);
      if (point <= 0) return m[1] + '0.' + new Array(1 - point).join('0') + digits;
      if (point >= digits.length) return m[1] + digits + new Array(point - digits.length + 1).join('0');
      return m[1] + digits.slice(0, point) + '.' + digits.slice(point);
    }
    return String(value).trim();
  }

  function isNumeric(value) {
    if (typeof value === 'boolean') return false;
    if (typeof value === 'number') return numberText(value) !== '';
    if (typeof value !== 'string') return false;
    return NUMERIC.test(numberText(value));
  }

  function isMoneyHeader(header) {
    var text = String(header || '');
    NOT_MONEY_WORDS.forEach(function (w) {
      text = text.split(w).join('');
    });
    return MONEY_WORDS.some(function (w) {
      return text.indexOf(w) >= 0;
    });
  }

  /** Add one to a string of decimal digits. */
  function incrementDigits(digits) {
    var out = digits.split('');
    for (var i = out.length - 1; i >= 0; i--) {
      if (out[i] === '9') {
        out[i] = '0';
      } else {
        out[i] = String(Number(out[i]) + 1);
        return out.join('');
      }
    }
    return '1' + out.join('');
  }

  /** Money: thousands separators, two decimals, rounded half up; null when not money. */
  function formatMoney(value) {
    if (typeof value === 'boolean' || value === null || value === undefined) return null;
    var m = NUMERIC.exec(numberText(value));
    if (!m || m[5] === '%' || m[5] === '‰') return null;
    var whole = m[3].replace(/,/g, '').replace(/^0+(?=\d)/, '');
    var frac = (m[4] || '') + '000';
    var cents = whole + frac.slice(0, 2);
    if (frac.charAt(2) >= '5') cents = incrementDigits(cents);
    cents = cents.replace(/^0+(?=\d{3})/, '');
    while (cents.length < 3) cents = '0' + cents;
    var intPart = cents.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
    var negative = (m[1] === '-' || m[1] === '−') && /[1-9]/.test(cents);
    return (negative ? '-' : '') + m[2] + intPart + '.' + cents.slice(-2) + (m[5] || '');
  }

  function ems(text) {
    var wide = (text.match(WIDE) || []).length;
    return wide + (text.length - wide) * NARROW_EM;
  }

  function isShort(value) {
    var text = numberText(value).replace(SPACES, ' ');
    return ems(text) <= SHORT_EMS && !PHRASE_PUNCTUATION.test(text);
  }

  /** Kind of each column: 'money', 'number', 'short' or 'text'. */
  function columnKinds(columns, rows) {
    var width = columns.length;
    rows.forEach(function (r) {
      width = Math.max(width, r.length);
    });
    var kinds = [];
    for (var j = 0; j < width; j++) {
      var filled = [];
      rows.forEach(function (r) {
        if (j < r.length && numberText(r[j]) !== '') filled.push(r[j]);
      });
      if (filled.length && filled.every(isNumeric)) {
        var money = isMoneyHeader(columns[j] || '') && filled.every(function (v) {
          return formatMoney(v) !== null;
        });
        kinds.push(money ? 'money' : 'number');
      } else if (filled.every(isShort)) {
        kinds.push('short');
      } else {
        kinds.push('text');
      }
    }
    return kinds;
  }

  function cellDisplay(value, kind) {
    if (kind === 'money') {
      var money = formatMoney(value);
      if (money !== null) return money;
    }
    return numberText(value);
  }

  function isTotalRow(row) {
    for (var i = 0; i < row.length; i++) {
      var text = numberText(row[i]).replace(SPACES, '');
      if (text) {
        return TOTAL_WORDS.some(function (w) {
          return text.indexOf(w) === 0;
        });
      }
    }
    return false;
  }

  function captionRepeatsTitle(caption, title) {
    var short = String(caption || '').replace(CAPTION_NOISE, '');
    return short === '' || String(title || '').replace(CAPTION_NOISE, '').indexOf(short) >= 0;
  }

  var Cells = Object.freeze({
    numberText: numberText,
    isNumeric: isNumeric,
    isMoneyHeader: isMoneyHeader,
    formatMoney: formatMoney,
    isShort: isShort,
    columnKinds: columnKinds,
    cellDisplay: cellDisplay,
    isTotalRow: isTotalRow,
    captionRepeatsTitle: captionRepeatsTitle
  });

  // ---------------------------------------------------------------------------------------
  // 7. Pages: build bodies and split them into pages that fit at the readable size
  // ---------------------------------------------------------------------------------------

  var CLOSERS = '，。、；：？！）》」』】〕〉”’…—%,.;:?!)]}';
  var OPENERS = '（《「『【〔〈“‘([{';
  var SENTENCE_ENDS = '。！？；!?;';
  var SOFT_BREAKS = '，、：,:';

  /** The title split where a line may break: words.js, the rule the villagers' pages use. */
  function titleParts(text) {
    var words = window.signageWords;
    return words ? words.parts(text) : [String(text || '')];
  }

  /** An element showing `text` that breaks only between its words (see titleParts). */
  function wordsNode(tag, cls, text) {
    var node = el(tag, cls);
    var parts = titleParts(String(text || ''));
    if (parts.length > 1) node.classList.add('words');
    if (window.signageWords) window.signageWords.fill(node, parts);
    else node.textContent = parts.join('');
    return node;
  }

  function newPage(item, kind) {
    var page = el('div', 'page page-' + kind);
    if (item.urgent) {
      page.classList.add('page-urgent');
      page.appendChild(el('div', 'urgent-band', '紧急通知'));
    }
    page.appendChild(wordsNode('h1', 'item-title', item.title));
    var body = el('div', 'body body-' + kind);
    page.appendChild(body);
    return { page: page, body: body };
  }

  function overflows(body) {
    return body.scrollHeight > body.clientHeight + 1;
  }

  /** Prepare the offscreen copy of the main region at the main region's exact size. */
  function measureReady() {
    clear(dom.measure);
    dom.measure.style.width = dom.main.offsetWidth + 'px';
    dom.measure.style.height = dom.main.offsetHeight + 'px';
  }

  function pointAt(range, root, offset, isStart) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, null);
    var seen = 0;
    var node = walker.nextNode();
    while (node) {
      var len = node.nodeValue.length;
      if (isStart ? offset < seen + len : offset <= seen + len) {
        if (isStart) range.setStart(node, offset - seen);
        else range.setEnd(node, offset - seen);
        return;
      }
      seen += len;
      node = walker.nextNode();
    }
    if (isStart) range.setStart(root, root.childNodes.length);
    else range.setEnd(root, root.childNodes.length);
  }

  /** A shallow copy of `block` holding its content between character offsets start and end. */
  function sliceBlock(block, start, end) {
    var range = document.createRange();
    if (start <= 0) range.setStart(block, 0);
    else pointAt(range, block, start, true);
    pointAt(range, block, end, false);
    var out = block.cloneNode(false);
    out.appendChild(range.cloneContents());
    return out;
  }

  /** Move a page break at character `best` back to a better place (sentence end, comma). */
  function niceCut(text, best) {
    var i;
    for (i = best; i > Math.max(1, best - 40); i--) {
      if (SENTENCE_ENDS.indexOf(text.charAt(i - 1)) >= 0 && CLOSERS.indexOf(text.charAt(i)) < 0) {
        return i;
      }
    }
    for (i = best; i > Math.max(1, best - 16); i--) {
      if (SOFT_BREAKS.indexOf(text.charAt(i - 1)) >= 0 && CLOSERS.indexOf(text.charAt(i)) < 0) {
        return i;
      }
    }
    var cut = best;
    // Never start a page with closing punctuation, never end one with an opening mark,
    // never cut a number or a Latin word in two.
    while (cut > 1 && (CLOSERS.indexOf(text.charAt(cut)) >= 0 ||
        OPENERS.indexOf(text.charAt(cut - 1)) >= 0 ||
        (/[0-9A-Za-z]/.test(text.charAt(cut)) && /[0-9A-Za-z.,]/.test(text.charAt(cut - 1))))) {
      cut -= 1;
    }
    return cut > best - 24 ? cut : best;
  }

  function lineHeightOf(node) {
    var style = getComputedStyle(node);
    var lh = parseFloat(style.lineHeight);
    return isNaN(lh) ? parseFloat(style.fontSize) * 1.5 : lh;
  }

  /**
   * Split a text block so that its first part fits in `body` (which may already hold blocks).
   * On a page that already has content, a split is only worth it when two lines or more fit.
   */
  function splitText(block, body, pageHasContent) {
    var text = block.textContent;
    var total = text.length;
    if (total < 2) return null;
    var lo = 1;
    var hi = total - 1;
    var best = 0;
    while (lo <= hi) {
      var mid = (lo + hi) >> 1;
      var probe = sliceBlock(block, 0, mid);
      body.appendChild(probe);
      var over = overflows(body);
      body.removeChild(probe);
      if (over) {
        hi = mid - 1;
      } else {
        best = mid;
        lo = mid + 1;
      }
    }
    if (best < 1) return null;
    var cut = niceCut(text, best);
    var head = sliceBlock(block, 0, cut);
    var rest = sliceBlock(block, cut, total);
    if (!rest.textContent.trim()) return null;
    head.classList.add('split-head');
    rest.classList.add('cont');
    if (pageHasContent) {
      body.appendChild(head);
      var tall = head.offsetHeight >= 1.9 * lineHeightOf(head);
      body.removeChild(head);
      if (!tall) return null;
    }
    return [head, rest];
  }

  function elementChildren(node) {
    return Array.prototype.filter.call(node.childNodes, function (c) {
      return c.nodeType === 1;
    });
  }

  function splitList(list, body, pageHasContent) {
    var items = elementChildren(list);
    var head = list.cloneNode(false);
    body.appendChild(head);
    var n = 0;
    for (var i = 0; i < items.length; i++) {
      head.appendChild(items[i].cloneNode(true));
      if (overflows(body)) {
        head.removeChild(head.lastChild);
        break;
      }
      n += 1;
    }
    body.removeChild(head);
    if (n === 0 || (pageHasContent && n < 2)) {
      return pageHasContent ? null : splitText(list, body, false);
    }
    var rest = list.cloneNode(false);
    for (var j = n; j < items.length; j++) rest.appendChild(items[j].cloneNode(true));
    if (list.tagName.toUpperCase() === 'OL') {
      var start = parseInt(list.getAttribute('start'), 10) || 1;
      rest.setAttribute('start', String(start + n));
    }
    return [head, rest];
  }

  /** Split an HTML <table> by rows, repeating its header rows (see headerGroup). */
  function splitTable(table, body, pageHasContent) {
    var thead = table.querySelector('tbody.thead');
    var rows = Array.prototype.filter.call(table.querySelectorAll('tr'), function (tr) {
      return !thead || !thead.contains(tr);
    });
    function shell() {
      var t = table.cloneNode(false);
      if (thead) t.appendChild(thead.cloneNode(true));
      var tbody = document.createElement('tbody');
      t.appendChild(tbody);
      return { table: t, tbody: tbody };
    }
    var head = shell();
    body.appendChild(head.table);
    var n = 0;
    for (var i = 0; i < rows.length; i++) {
      head.tbody.appendChild(rows[i].cloneNode(true));
      if (overflows(body)) {
        head.tbody.removeChild(head.tbody.lastChild);
        break;
      }
      n += 1;
    }
    body.removeChild(head.table);
    if (n === 0 || n === rows.length || (pageHasContent && n < 2)) return null;
    var rest = shell();
    for (var j = n; j < rows.length; j++) rest.tbody.appendChild(rows[j].cloneNode(true));
    return [head.table, rest.table];
  }

  function splitBlock(block, body, pageHasContent) {
    var tag = block.tagName.toUpperCase();
    if ((tag === 'UL' || tag === 'OL') && elementChildren(block).length > 1) {
      return splitList(block, body, pageHasContent);
    }
    if (tag === 'TABLE') return splitTable(block, body, pageHasContent);
    return splitText(block, body, pageHasContent);
  }

  /** Lay `blocks` out on as many pages as needed; a block too tall for a page is split. */
  function paginateBlocks(item, blocks, kind) {
    var pages = [];
    var cur = null;
    function start() {
      cur = newPage(item, kind);
      dom.measure.appendChild(cur.page);
    }
    function finish() {
      dom.measure.removeChild(cur.page);
      pages.push(cur.page);
      cur = null;
    }
    start();
    var queue = blocks.slice();
    var guard = 0;
    while (queue.length && guard < 10000) {
      guard += 1;
      var block = queue.shift();
      cur.body.appendChild(block);
      if (!overflows(cur.body)) continue;
      cur.body.removeChild(block);
      var hasContent = !!cur.body.firstChild;
      var split = splitBlock(block, cur.body, hasContent);
      if (split) {
        cur.body.appendChild(split[0]);
        finish();
        start();
        queue.unshift(split[1]);
      } else if (hasContent) {
        finish();
        start();
        queue.unshift(block);
      } else {
        // Cannot be split (e.g. one enormous table row): show it on its own page, clipped.
        cur.body.appendChild(block);
        cur.page.signageOversize = true;
        finish();
        start();
      }
    }
    if (cur.body.firstChild || !pages.length) finish();
    else dom.measure.removeChild(cur.page);
    return pages;
  }

  function plainBlocks(text) {
    return String(text || '')
      .replace(/\r\n?/g, '\n')
      .split(/\n+/)
      .map(function (line) {
        return line.replace(/^[ \t\u3000]+|[ \t\u3000]+$/g, '');
      })
      .filter(function (line) {
        return line.length > 0;
      })
      .map(function (line) {
        return el('p', null, line);
      });
  }

  var KIND_CLASS = { money: 'num money', number: 'num', short: 'short', text: 'text' };

  /**
   * Typed table body: header row repeated on every page, note under the last one. Amounts in
   * money columns read 1,322.40; short columns never wrap (see measureColumns); a total row
   * never starts a page alone; a caption that repeats the title is left out.
   */
  function paginateTableBody(item, body) {
    var columns = (body.columns || []).map(numberText);
    var rows = (body.rows || []).map(function (r) {
      return Array.isArray(r) ? r : [r];
    });
    var kinds = columnKinds(columns, rows);
    var width = kinds.length;
    var caption = body.caption && !captionRepeatsTitle(body.caption, item.title)
      ? numberText(body.caption) : '';
    var pages = [];
    var cur = null;
    var layout = null;
    function header() {
      var thead = headerGroup();
      var tr = el('tr');
      for (var c = 0; c < width; c++) {
        var th = wordsNode('th', KIND_CLASS[kinds[c]], columns[c] || '');
        th.scope = 'col';
        tr.appendChild(th);
      }
      thead.appendChild(tr);
      return thead;
    }
    function start() {
      var p = newPage(item, 'table');
      var table = el('table');
      if (caption) {
        table.appendChild(el('caption', null, caption + (pages.length ? '（续）' : '')));
      }
      if (layout) {
        // Same column widths on every page (measured once on the whole table).
        table.style.tableLayout = 'fixed';
        if (layout.squeezed) table.classList.add('squeezed');
        if (layout.headersBreak) table.classList.add('any');
        var group = el('colgroup');
        layout.widths.forEach(function (w) {
          var col = el('col');
          col.style.width = w + '%';
          group.appendChild(col);
        });
        table.appendChild(group);
      }
      if (columns.length) table.appendChild(header());
      var tbody = el('tbody');
      table.appendChild(tbody);
      p.body.appendChild(table);
      dom.measure.appendChild(p.page);
      cur = { page: p.page, body: p.body, tbody: tbody };
    }
    function finish() {
      // A single row taller than the page can only be shown cut.
      if (overflows(cur.body)) cur.page.signageOversize = true;
      dom.measure.removeChild(cur.page);
      pages.push(cur.page);
      cur = null;
    }
    function makeRow(r) {
      var tr = el('tr', isTotalRow(r) ? 'total' : null);
      for (var c = 0; c < width; c++) {
        var text = cellDisplay(r[c], kinds[c]);
        // Text cells, like titles, wrap between words (道路/硬化, not 道路硬/化).
        var words = kinds[c] === 'text' && !(layout && layout.narrowText);
        tr.appendChild(words ? wordsNode('td', 'text', text)
          : el('td', KIND_CLASS[kinds[c]], text));
      }
      return tr;
    }
    /** Rows to carry over to the next page with the last one: a total row takes one more. */
    function tail() {
      var list = cur.tbody.rows;
      var n = list.length;
      var last = list[n - 1];
      return n > 2 && last.className === 'total' ? 2 : 1;
    }
    /** Close the page, moving its last `n` rows onto the next one. */
    function breakBefore(n) {
      var moved = [];
      for (var i = 0; i < n; i++) moved.unshift(cur.tbody.removeChild(cur.tbody.lastChild));
      finish();
      start();
      moved.forEach(function (tr) {
        cur.tbody.appendChild(tr);
      });
    }
    layout = measureColumns(item, columns.length ? header() : null, rows.map(makeRow), kinds);
    start();
    rows.forEach(function (r) {
      cur.tbody.appendChild(makeRow(r));
      if (overflows(cur.body) && cur.tbody.rows.length > 1) {
        // The row does not fit: it starts the next page (a total row with the row before it).
        breakBefore(cur.tbody.rows.length > 2 && isTotalRow(r) ? 2 : 1);
      }
    });
    if (body.note) {
      var note = el('p', 'table-note', body.note);
      cur.body.appendChild(note);
      if (overflows(cur.body)) {
        cur.body.removeChild(note);
        var placed = false;
        if (cur.tbody.rows.length > tail()) {
          // The note goes with the last row (and the row before a total) rather than alone...
          breakBefore(tail());
          cur.body.appendChild(note);
          placed = !overflows(cur.body);
          if (!placed) cur.body.removeChild(note);
        }
        if (!placed) {
          // ... or on a page of its own when even that does not fit.
          finish();
          var p = newPage(item, 'table');
          p.body.appendChild(note);
          dom.measure.appendChild(p.page);
          cur = { page: p.page, body: p.body, tbody: null };
        }
      }
    }
    finish();
    return pages;
  }

  /** Width (px, border box) of each of the first `n` cells of the table's first row. */
  function firstRowWidths(table, n) {
    var row = table.rows[0];
    var out = [];
    var k = frameScale();
    for (var c = 0; c < n; c++) {
      var cell = row && row.cells[c];
      out.push(cell ? cell.getBoundingClientRect().width / k : 0);
    }
    return out;
  }

  /**
   * How much the frame is scaled on this screen (fit(): a 1366×768 television shows the
   * 1920×1080 design at 0.71; an editor's preview far smaller). Client rectangles are scaled,
   * layout sizes (clientWidth, the design) are not: widths compared with them are divided by it.
   */
  function frameScale() {
    var design = dom.frame.offsetWidth;
    var shown = dom.frame.getBoundingClientRect().width;
    return design > 0 && shown > 0 ? shown / design : 1;
  }

  /**
   * Column widths (percent) for the whole table, or null. Short, number and money columns get
   * the width of their longest cell on one line (names, amounts, 第7次党委会 never wrap); the
   * text columns share the rest, each at least four characters and its header wide. When the
   * short columns cannot fit even so, their headers may wrap (at punctuation); when they
   * still do not fit, the browser's own layout is taken and `squeezed` lets every cell wrap.
   */
  function measureColumns(item, thead, trs, kinds) {
    if (!trs.length) return null;
    var n = kinds.length;
    var p = newPage(item, 'table');
    var table = el('table', 'natural');
    var tbody = el('tbody');
    trs.forEach(function (tr) {
      tbody.appendChild(tr);
    });
    p.body.appendChild(table);
    dom.measure.appendChild(p.page);
    try {
      var avail = p.body.clientWidth;
      table.appendChild(tbody);
      var bodyNat = firstRowWidths(table, n);
      var headNat = bodyNat.map(function () {
        return 0;
      });
      var headMin = headNat.slice();
      var headAny = headNat.slice();
      if (thead) {
        table.removeChild(tbody);
        table.appendChild(thead);
        headNat = firstRowWidths(table, n);
        table.className = 'shrink';
        headMin = firstRowWidths(table, n);
        table.className = 'shrink any';
        headAny = firstRowWidths(table, n);
        table.appendChild(tbody);
      }
      var cell = tbody.rows[0].cells[0];
      var style = getComputedStyle(cell);
      var em = parseFloat(style.fontSize) || 16;
      var pad = (parseFloat(style.paddingLeft) || 0) + (parseFloat(style.paddingRight) || 0) +
        (parseFloat(style.borderLeftWidth) || 0);
      var SLACK = 2; // px: rounding of percentages must not push a one-line cell onto two
      var text = [];
      var textMin = [];
      var natural = [];
      for (var c = 0; c < n; c++) {
        natural.push(Math.max(bodyNat[c], headNat[c]) + SLACK);
        if (kinds[c] === 'text') {
          text.push(c);
          textMin.push(Math.min(natural[c], Math.max(headMin[c], 4 * em + pad) + SLACK));
        }
      }
      var sum = function (list) {
        return list.reduce(function (a, b) {
          return a + b;
        }, 0);
      };
      var widths = null;
      var anyBreak = false;
      var narrowText = false;
      if (sum(natural) <= avail) {
        // Everything fits on one line: spread the spare width in proportion.
        var scale = avail / sum(natural);
        widths = natural.map(function (w) {
          return w * scale;
        });
      } else {
        var minText = sum(textMin);
        var fixed = [];
        for (var k = 0; k < n; k++) {
          fixed.push(kinds[k] === 'text' ? 0 : natural[k]);
        }
        var narrow = function (heads) {
          return fixed.map(function (w, i) {
            return kinds[i] === 'text' ? 0 : Math.max(bodyNat[i], heads[i]) + SLACK;
          });
        };
        if (sum(fixed) + minText > avail) {
          // The headers of short columns may wrap between words (收入 / （元）) ...
          fixed = narrow(headMin);
        }
        if (sum(fixed) + minText > avail) {
          // ... or, rather than the cells, anywhere (序/号).
          fixed = narrow(headAny);
          anyBreak = true;
        }
        if (sum(fixed) + minText > avail) {
          // ... and the text columns may be as narrow as two characters (LED boards), where
          // they wrap between any two characters rather than between words only.
          narrowText = true;
          textMin = text.map(function (c) {
            return Math.min(natural[c], Math.max(headAny[c], 2 * em + pad) + SLACK);
          });
          minText = sum(textMin);
        }
        if (text.length && (avail - sum(fixed)) / text.length < 8 * em + pad) {
          // Text columns narrower than about eight characters wrap between any two characters
          // (between words only, they would waste too much of each line).
          narrowText = true;
        }
        if (narrowText) {
          Array.prototype.forEach.call(table.querySelectorAll('td.words'), function (td) {
            td.classList.remove('words');
          });
        }
        if (sum(fixed) + minText <= avail) {
          widths = fillText(fixed, text, textMin, natural, avail - sum(fixed));
          if (text.length > 1) {
            widths = tuneText(table, widths, text, textMin, natural, em, pad, avail - sum(fixed));
          }
        }
      }
      if (!widths) {
        // Too many short columns for the width: let the browser share it, every cell wraps.
        table.className = 'squeezed';
        var auto = firstRowWidths(table, n);
        var total = table.getBoundingClientRect().width || 1;
        return {
          squeezed: true,
          narrowText: true,
          widths: auto.map(function (w) {
            return Math.round(w / total * 10000) / 100;
          })
        };
      }
      return {
        squeezed: false,
        narrowText: narrowText,
        headersBreak: !!anyBreak,
        widths: widths.map(function (w) {
          return Math.floor(w / avail * 10000) / 100;
        })
      };
    } finally {
      dom.measure.removeChild(p.page);
    }
  }

  /**
   * Widths of the text columns that make the table shortest. Each text column is tried at
   * every whole number of characters between its minimum and its one-line width (one layout
   * per width, all columns at once: a cell's height depends on its own column only); then
   * the combination with the least total row height that fits `room` is taken (ties: the
   * most even), and what is left is shared in proportion.
   */
  function tuneText(table, widths, text, textMin, natural, em, pad, room) {
    var group = el('colgroup');
    var cols = widths.map(function (w) {
      var col = el('col');
      col.style.width = w + 'px';
      group.appendChild(col);
      return col;
    });
    table.className = '';
    table.style.tableLayout = 'fixed';
    table.insertBefore(group, table.firstChild);
    var body = table.querySelector('tbody:not(.thead)');
    var rows = Array.prototype.slice.call(body.rows);
    var range = document.createRange();
    var lo = text.map(function (c, i) {
      return Math.max(1, Math.ceil((textMin[i] - pad - 2) / em - 0.01));
    });
    var hi = text.map(function (c, i) {
      return Math.max(lo[i], Math.ceil((natural[c] - pad - 2) / em - 0.01));
    });
    var top = Math.max.apply(null, hi);
    var bottom = Math.min.apply(null, lo);
    // heights[i][k - lo[i]][r]: content height of row r's cell in text column i at k characters.
    var heights = text.map(function () {
      return [];
    });
    var fixedWidth = widths.reduce(function (a, w, c) {
      return text.indexOf(c) >= 0 ? a : a + w;
    }, 0);
    try {
      for (var k = bottom; k <= top; k++) {
        var total = fixedWidth;
        text.forEach(function (c, i) {
          var w = Math.min(Math.max(k, lo[i]), hi[i]) * em + pad + 2;
          cols[c].style.width = w + 'px';
          total += w;
        });
        table.style.width = total + 'px';
        text.forEach(function (c, i) {
          if (k < lo[i] || k > hi[i]) return;
          heights[i].push(rows.map(function (tr) {
            range.selectNodeContents(tr.cells[c]);
            return range.getBoundingClientRect().height;
          }));
        });
      }
    } finally {
      table.removeChild(group);
      table.style.tableLayout = '';
      table.style.width = '';
    }
    var budget = Math.floor((room - text.length * (pad + 2)) / em + 0.001);
    var best = null;
    var bestCost = Infinity;
    var bestSpread = Infinity;
    var pick = lo.slice();
    var combos = 0;
    function visit(i, used) {
      if (combos > 200000) return;
      if (i === text.length) {
        combos += 1;
        var cost = 0;
        for (var r = 0; r < rows.length; r++) {
          var h = 0;
          for (var j = 0; j < text.length; j++) h = Math.max(h, heights[j][pick[j] - lo[j]][r]);
          cost += h;
        }
        var spread = 0;
        for (var m = 0; m < text.length; m++) spread += Math.abs(pick[m] / hi[m] - used / budget);
        if (cost < bestCost - 0.5 || (cost < bestCost + 0.5 && spread < bestSpread)) {
          best = pick.slice();
          bestCost = cost;
          bestSpread = spread;
        }
        return;
      }
      for (var kk = lo[i]; kk <= hi[i] && used + kk <= budget; kk++) {
        pick[i] = kk;
        visit(i + 1, used + kk);
      }
    }
    visit(0, 0);
    if (!best || combos > 200000) return widths;
    var out = widths.slice();
    var spent = 0;
    text.forEach(function (c, i) {
      out[c] = best[i] * em + pad + 2;
      spent += out[c];
    });
    // The room left is shared in proportion to the one-line widths.
    var weight = text.reduce(function (a, c) {
      return a + natural[c];
    }, 0);
    text.forEach(function (c) {
      out[c] += (room - spent) * natural[c] / weight;
    });
    return out;
  }

  /**
   * Share `room` px among the text columns in proportion to their one-line widths, none
   * below its minimum nor above its one-line width (while others still want more).
   */
  function fillText(fixed, text, textMin, natural, room) {
    var widths = fixed.slice();
    var open = text.map(function (c, i) {
      return { c: c, min: textMin[i], max: natural[c] };
    });
    var left = room;
    var changed = true;
    while (changed && open.length) {
      changed = false;
      var weight = open.reduce(function (a, o) {
        return a + o.max;
      }, 0);
      for (var i = 0; i < open.length; i++) {
        var share = left * open[i].max / weight;
        if (share < open[i].min || share > open[i].max) {
          var w = share < open[i].min ? open[i].min : open[i].max;
          widths[open[i].c] = w;
          left -= w;
          open.splice(i, 1);
          changed = true;
          break;
        }
      }
    }
    var weightLeft = open.reduce(function (a, o) {
      return a + o.max;
    }, 0);
    open.forEach(function (o) {
      widths[o.c] = left * o.max / weightLeft;
    });
    if (!text.length) {
      // No text column to take the rest: spread it over all.
      var total = widths.reduce(function (a, b) {
        return a + b;
      }, 0);
      widths = widths.map(function (w) {
        return w + room * w / (total || 1);
      });
    }
    return widths;
  }

  function mediaPage(item, sha, entry, alt) {
    var p = newPage(item, 'media');
    var img = el('img');
    img.alt = alt || item.title || '';
    img.decoding = 'async';
    p.body.appendChild(img);
    if (!sha) {
      clear(p.body);
      p.body.appendChild(el('div', 'media-missing', '图片暂不可用'));
      return p.page;
    }
    Assets.objectUrl(sha, item).then(function (u) {
      if (entry.dead) {
        URL.revokeObjectURL(u);
        return;
      }
      entry.urls.push(u);
      img.src = u;
    }).catch(function (error) {
      warn('image ' + sha + ' unavailable', error);
      if (img.parentNode) {
        img.parentNode.replaceChild(el('div', 'media-missing', '图片暂不可用（等待网络恢复）'), img);
      }
    });
    return p.page;
  }

  /** Pages of `item` for the current layout: cached for the item shown, URLs revoked after. */
  function pagesFor(item) {
    var key = [item.id, item.revision, item.content_sha256 || '', layoutName, S.metricsEpoch]
      .join('|');
    if (S.paged && S.paged.key === key) return S.paged.pages;
    dropPaged();
    var entry = { key: key, pages: [], urls: [], dead: false };
    var body = item.body || {};
    measureReady();
    try {
      if (body.type === 'table') {
        entry.pages = paginateTableBody(item, body);
      } else if (body.type === 'image') {
        entry.pages = [mediaPage(item, body.asset, entry, body.caption)];
      } else if (body.type === 'pdf') {
        var list = body.pages || [];
        entry.pages = list.length ? list.map(function (p, i) {
          return mediaPage(item, pageSha(p), entry, (item.title || '') + ' 第' + (i + 1) + '页');
        }) : [mediaPage(item, null, entry)];
      } else if (body.type === 'text') {
        var html = body.format === 'html';
        var blocks = html ? sanitizedBlocks(body.text || body.html || '') : plainBlocks(body.text);
        entry.pages = paginateBlocks(item, blocks, html ? 'html' : 'text');
      } else {
        entry.pages = paginateBlocks(item, [el('p', 'cont', '（此内容暂不支持在屏幕上显示，请扫码查看）')],
          'text');
      }
      markStarts(entry.pages);
    } finally {
      clear(dom.measure);
    }
    S.paged = entry;
    return entry.pages;
  }

  /**
   * What a page holds, counted so that two paginations of the same item can be compared:
   * data rows of a table, characters of text (without the header rows and captions repeated
   * on continued pages).
   */
  function pageUnits(page) {
    var body = page.querySelector('.body');
    if (!body) return 0;
    if (/\bbody-table\b/.test(body.className)) {
      return body.querySelectorAll('tbody:not(.thead) tr').length;
    }
    var n = body.textContent.length;
    Array.prototype.forEach.call(body.querySelectorAll('tbody.thead, caption'), function (x) {
      n -= x.textContent.length;
    });
    return n;
  }

  function markStarts(pages) {
    var start = 0;
    pages.forEach(function (page) {
      page.signageStart = start;
      start += pageUnits(page);
    });
  }

  /** The page of `pages` holding the content that starts at `start` (the first if several). */
  function pageAt(pages, start) {
    var found = 0;
    for (var i = 0; i < pages.length; i++) {
      var s = pages[i].signageStart || 0;
      if (s > start) break;
      if (s < start || (pages[found].signageStart || 0) !== s) found = i;
    }
    return found;
  }

  /**
   * True when the page on screen does not show all it holds (a row or a line cut at the
   * bottom) although pagination made it fit: its measurements are out of date.
   */
  function pageCut(page) {
    if (page.signageOversize) return false;
    var body = page.querySelector('.body');
    if (!body || /\bbody-(image|pdf)\b/.test(body.className)) return false;
    return overflows(body);
  }

  /**
   * Paginate the item on screen again (after its measurements went stale) and go on from
   * the page holding the content the screen was showing, so nothing is skipped.
   */
  function reflow(c, now) {
    var page = c.pages[c.page];
    var start = page ? page.signageStart || 0 : 0;
    c.pages = pagesFor(c.item);
    c.epoch = S.metricsEpoch;
    var end = c.pageEnd;
    showPage(pageAt(c.pages, start), now, true);
    c.pageEnd = end;
    var shown = c.pages[c.page];
    if (pageCut(shown)) {
      // Measured and shown alike and still cut: nothing better can be done for this page.
      shown.signageOversize = true;
      warn('page ' + (c.page + 1) + ' of item ' + c.id + ' cannot be shown whole');
    }
  }

  /** The page on screen is cut although it was measured whole: measure everything again. */
  function recut(c, now) {
    warn('page ' + (c.page + 1) + ' of item ' + c.id + ' was cut on screen: paginating again');
    metricsChanged();
    reflow(c, now);
  }

  function dropPaged() {
    if (!S.paged) return;
    S.paged.dead = true;
    S.paged.urls.forEach(function (u) {
      URL.revokeObjectURL(u);
    });
    S.paged = null;
  }

  function describePage(page, index) {
    var body = page.querySelector('.body');
    var kind = (body.className.match(/body-(\w+)/) || [])[1] || '';
    return {
      index: index + 1,
      kind: kind,
      text: body.textContent,
      blocks: body.children.length,
      rows: body.querySelectorAll('tbody:not(.thead) tr').length,
      header: Array.prototype.map.call(body.querySelectorAll('.thead th'), function (th) {
        return th.textContent;
      })
    };
  }

  // ---------------------------------------------------------------------------------------
  // 8. Side region (QR code, validity, page indicator) and footer ticker
  // ---------------------------------------------------------------------------------------

  function qrTarget(item) {
    if (!item || !item.qr_url) return '';
    var code = S.screen && S.screen.code;
    if (!code) return item.qr_url;
    return item.qr_url + (item.qr_url.indexOf('?') >= 0 ? '&' : '?') + 's=' +
      encodeURIComponent(code);
  }

  function qrSvg(text) {
    var qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    var markup = qr.createSvgTag({ cellSize: 4, margin: 8, scalable: true });
    var doc = new DOMParser().parseFromString(markup, 'image/svg+xml');
    return document.importNode(doc.documentElement, true);
  }

  function validityText(item) {
    var until = parseTime(item.valid_until);
    if (until === null) {
      // No end date: say when it went up rather than "长期公开", which is a timing type.
      var since = parseTime(item.published_at);
      return since === null ? '' : '公布于 ' + shortDateText(since, S.tz);
    }
    var last = until;
    var p = numericParts(until, S.tz);
    if (p.h === 0 && p.mi === 0 && p.s === 0) last = until - 1; // exclusive midnight
    var text = '公开至 ' + shortDateText(last, S.tz);
    if (last === until) text += ' ' + clockText(until, S.tz);
    return text;
  }

  function renderSide(item) {
    var target = qrTarget(item);
    if (target !== S.qrTarget) {
      S.qrTarget = target;
      clear(dom.qr);
      if (target && typeof qrcode === 'function') {
        try {
          dom.qr.appendChild(qrSvg(target));
        } catch (e) {
          warn('QR code failed', e);
        }
      }
    }
    dom.side.classList.toggle('side-empty', !target);
    var category = item ? (item.category_label || '') : '';
    if (item && item.notice) category = (category ? category + ' · ' : '') + '公示';
    setText(dom.category, category);
    setText(dom.validity, item ? validityText(item) : '');
  }

  function renderPageIndicator() {
    var c = S.cur;
    setText(dom.pageNo, c && c.pages.length > 1 ? '第 ' + (c.page + 1) + '/' + c.pages.length + ' 页' : '');
  }

  function tickerText(now) {
    var m = S.manifest;
    if (!m) return '';
    var texts = [];
    (m.ticker || []).forEach(function (t) {
      if (t && t.text && inWindow(t, now)) texts.push(String(t.text));
    });
    if (layoutName === 'ticker') {
      S.order.forEach(function (id) {
        var item = S.items[id];
        if (item.title && inWindow(item, now)) texts.push(item.title);
      });
    }
    return texts.join(TICKER_SEP);
  }

  function renderTicker(now, force) {
    var text = tickerText(now);
    if (text === S.tickerText && !force) return;
    S.tickerText = text;
    var span = dom.ticker;
    span.classList.remove('scrolling');
    span.style.animationDuration = '';
    if (!text) {
      span.className = 'ticker-text calm';
      setText(span, layoutName === 'ticker' && orgName() ? orgName() + '\u3000' + CALM_LINE : CALM_LINE);
      return;
    }
    span.className = 'ticker-text';
    span.textContent = text;
    // Restart the animation: the span was just re-laid out without it.
    var distance = span.offsetWidth + dom.tickerWindow.clientWidth;
    span.style.animationDuration = Math.max(8, Math.round(distance / TICKER_SPEED)) + 's';
    span.classList.add('scrolling');
  }

  // ---------------------------------------------------------------------------------------
  // 9. Rotation: which item to show, for how long, and proof of play
  // ---------------------------------------------------------------------------------------

  var S = {
    mode: 'boot',
    preview: !!(CFG.preview || CFG.fromParent),
    token: null,
    screen: {},
    tz: DEFAULT_TZ,
    manifest: null,
    items: {}, // id -> item of the current manifest
    order: [], // item ids in manifest order
    cur: null, // what is on screen: {id, revision, item, pages, page, dur, started, pageEnd, ...}
    paged: null, // pagination cache of the item on screen
    seqKey: null,
    seqSegment: null,
    rotPos: -1,
    rotId: null,
    lastKind: null,
    urgentId: null,
    urgentSeen: {},
    idleNode: null,
    layoutLoading: false,
    metricsEpoch: 0,
    qrTarget: null,
    tickerText: null,
    online: false,
    socket: null,
    queued: 0,
    flushing: false,
    due: { status: 0, flush: 0, poll: 0, preview: 0, reconnect: 0 },
    pair: { secret: null, code: null, expires: 0, next: 0, busy: false },
    applySeq: 0
  };

  /** Index of the schedule segment containing `now`; null without schedule or outside it. */
  function segmentAt(now) {
    var schedule = S.manifest && S.manifest.schedule;
    if (!schedule || !schedule.length) return null;
    for (var i = 0; i < schedule.length; i++) {
      var seg = schedule[i];
      var from = parseTime(seg.from);
      var until = parseTime(seg.until);
      if ((from === null || from <= now) && (until === null || now < until)) return i;
    }
    return null;
  }

  /**
   * The rotation in force: the sequence of the segment containing now; without a schedule
   * (or past its horizon, e.g. long offline) every item of the manifest, in manifest order.
   */
  function rotationEntries(now) {
    var i = segmentAt(now);
    if (i !== null) {
      return {
        key: S.manifest.version + '#' + i,
        segment: String(S.manifest.schedule[i].from),
        list: S.manifest.schedule[i].sequence || []
      };
    }
    return {
      key: S.manifest.version + '#all',
      segment: 'all',
      list: S.order.map(function (id) {
        return { item: id, duration_s: S.items[id].duration_s };
      })
    };
  }

  /** True when a rotation item on screen is no longer in the rotation in force (a playlist
   *  changed): the operator expects the screen to follow at once, not after its pages. */
  function leftRotation(c, now) {
    if (c.urgent) return false;
    var list = rotationEntries(now).list;
    for (var i = 0; i < list.length; i++) {
      if (list[i] && list[i].item === c.id) return false;
    }
    return true;
  }

  function eligible(id, now) {
    var item = S.items[id];
    return !!item && !item.urgent && inWindow(item, now);
  }

  function nextRotation(now) {
    var r = rotationEntries(now);
    var list = r.list;
    if (!list.length) return null;
    var start;
    if (r.key !== S.seqKey) {
      // A new manifest: keep the place by item id. A new segment: its sequence from the
      // start, unless the item on screen is in it too.
      var sameSegment = r.segment === S.seqSegment;
      S.seqKey = r.key;
      S.seqSegment = r.segment;
      var found = -1;
      for (var k = 0; k < list.length && S.rotId !== null; k++) {
        var idx = (Math.max(0, S.rotPos) + k) % list.length;
        if (list[idx] && list[idx].item === S.rotId) {
          found = idx;
          break;
        }
      }
      start = found >= 0 ? found + 1 : sameSegment ? Math.max(0, S.rotPos) : 0;
    } else {
      start = S.rotPos + 1;
    }
    for (var n = 0; n < list.length; n++) {
      var j = (start + n) % list.length;
      var entry = list[j];
      if (entry && eligible(entry.item, now)) {
        S.rotPos = j;
        S.rotId = entry.item;
        return { id: entry.item, dur: entry.duration_s, kind: 'rotation' };
      }
    }
    return null;
  }

  function urgentIds(now) {
    return S.order.filter(function (id) {
      var item = S.items[id];
      return item.urgent && inWindow(item, now);
    });
  }

  function newUrgent(now) {
    var ids = urgentIds(now);
    for (var i = 0; i < ids.length; i++) {
      if (!S.urgentSeen[ids[i]]) return ids[i];
    }
    return null;
  }

  function nextUrgent(now) {
    var ids = urgentIds(now);
    if (!ids.length) return null;
    var id = ids[(ids.indexOf(S.urgentId) + 1) % ids.length];
    return { id: id, dur: null, kind: 'urgent' };
  }

  /** New urgent first; then urgent and rotation items alternate; idle when nothing is left. */
  function pickNext(now) {
    var fresh = newUrgent(now);
    if (fresh !== null) return { id: fresh, dur: null, kind: 'urgent' };
    var pick = null;
    if (S.lastKind !== 'urgent') pick = nextUrgent(now);
    if (!pick) pick = nextRotation(now);
    if (!pick) pick = nextUrgent(now);
    return pick;
  }

  function showNext(now) {
    if (S.layoutLoading) return; // the tick starts the next item once the stylesheet applies
    var pick = pickNext(now);
    if (!pick) {
      showIdle(now);
      return;
    }
    startDisplay(pick, now);
  }

  function startDisplay(pick, now) {
    var item = S.items[pick.id];
    if (pick.kind === 'urgent') {
      S.urgentSeen[pick.id] = true;
      S.urgentId = pick.id;
    }
    S.lastKind = pick.kind;
    S.idleNode = null;
    S.mode = 'playing';
    var dur = Number(pick.dur || item.duration_s || DEFAULT_DURATION_S);
    if (!(dur > 0)) dur = DEFAULT_DURATION_S;
    // The side region first: its text (category, validity) sizes the main region on some
    // layouts, and the pages are measured in the main region as it will be.
    renderSide(item);
    var pages = pagesFor(item);
    S.cur = {
      id: item.id,
      revision: item.revision,
      item: item,
      pages: pages,
      page: 0,
      dur: dur,
      started: now,
      pageEnd: now,
      urgent: pick.kind === 'urgent',
      stale: false,
      epoch: S.metricsEpoch
    };
    showPage(0, now);
    sendStatus();
  }

  /**
   * Put page `index` of the item on screen. Before it is painted, the page is checked where it
   * is shown: if a row or line is cut (measured under other styles or fonts), the item is
   * paginated again and the screen goes on from that content (`checked` stops a second round).
   */
  function showPage(index, now, checked) {
    var c = S.cur;
    c.page = Math.max(0, Math.min(index, c.pages.length - 1));
    c.pageEnd = now + c.dur * 1000;
    var page = c.pages[c.page];
    if (dom.main.firstChild !== page || dom.main.childNodes.length !== 1) {
      clear(dom.main);
      dom.main.appendChild(page);
    }
    if (!checked && !S.layoutLoading && pageCut(page)) {
      recut(c, now);
      return;
    }
    renderPageIndicator();
  }

  /** Close the display on screen and queue its proof-of-play record. */
  function endDisplay(now) {
    var c = S.cur;
    if (!c) return;
    S.cur = null;
    if (S.preview || !S.token) return;
    var shown = Math.max(0, now - c.started);
    if (shown < 100) return;
    queuePlayed({
      item: c.id,
      revision: c.revision,
      started_at: isoWithOffset(c.started, S.tz),
      duration_s: Math.round(shown / 100) / 10
    });
  }

  function showIdle(now, text) {
    endDisplay(now);
    var wasIdle = S.mode === 'idle' && S.idleNode && !text;
    S.mode = text ? 'boot' : 'idle';
    if (wasIdle) return;
    dropPaged();
    var box = el('div', 'idle');
    var node = {
      org: el('div', 'idle-org', orgName()),
      clock: el('div', 'idle-clock', clockText(now, S.tz)),
      date: el('div', 'idle-date', dateText(now, S.tz)),
      text: el('div', 'idle-text', text || '暂无公开内容')
    };
    box.appendChild(node.org);
    box.appendChild(node.clock);
    box.appendChild(node.date);
    box.appendChild(node.text);
    clear(dom.main);
    dom.main.appendChild(box);
    S.idleNode = node;
    renderSide(null);
    renderPageIndicator();
    sendStatus();
  }

  function enterTickerMode(now) {
    endDisplay(now);
    dropPaged();
    S.mode = 'ticker';
    S.idleNode = null;
    clear(dom.main);
  }

  /** Once a second: expiry, urgent interrupts, page and item changes. */
  function playTick(now) {
    if (!S.manifest || S.layoutLoading || S.mode === 'pairing' || S.mode === 'ticker') return;
    if (CFG.allPages) {
      checkSheet(now);
      return;
    }
    var c = S.cur;
    if (!c) {
      showNext(now);
      return;
    }
    var item = S.items[c.id];
    if (!item || !inWindow(item, now) || newUrgent(now) !== null) {
      endDisplay(now);
      showNext(now);
      return;
    }
    if (c.epoch !== S.metricsEpoch) reflow(c, now);
    else if (pageCut(c.pages[c.page])) recut(c, now);
    if (now < c.pageEnd) return;
    if (!c.stale && c.page + 1 < c.pages.length) {
      showPage(c.page + 1, now);
    } else {
      endDisplay(now);
      showNext(now);
    }
  }

  // ---------------------------------------------------------------------------------------
  // 10. Manifest: store -> prefetch files -> ack -> apply
  // ---------------------------------------------------------------------------------------

  function validManifest(m) {
    return !!m && typeof m === 'object' && typeof m.version === 'string' && Array.isArray(m.items);
  }

  function receiveManifest(m) {
    if (!validManifest(m)) {
      warn('ignoring a malformed manifest');
      return Promise.resolve();
    }
    var seq = ++S.applySeq;
    var stored = S.preview ? Promise.resolve() : Store.put('manifest', m);
    return stored
      .then(function () {
        return S.preview ? true : Assets.prefetch(m);
      })
      .then(function (complete) {
        if (complete && !S.preview) emit('ack', { version: m.version });
        if (seq !== S.applySeq) return null; // a newer manifest arrived meanwhile
        var changed = !S.manifest || S.manifest.version !== m.version;
        var applied = changed ? applyManifest(m) : Promise.resolve();
        return applied.then(function () {
          if (complete && !S.preview) return Assets.collect(m);
          return null;
        });
      })
      .catch(function (e) {
        warn('manifest not applied', e);
      });
  }

  /** Show manifest `m`; the page on screen stays unless its item left. */
  function applyManifest(m) {
    S.manifest = m;
    S.items = {};
    S.order = [];
    m.items.forEach(function (item) {
      if (!item || item.id === undefined || item.id === null || S.items[item.id]) return;
      S.items[item.id] = item;
      S.order.push(item.id);
    });
    Object.keys(S.urgentSeen).forEach(function (id) {
      if (!S.items[id]) delete S.urgentSeen[id];
    });
    var wanted = m.layout || S.screen.layout || 'landscape';
    return setLayout(wanted).then(function (layoutChanged) {
      var now = Date.now();
      showFrame();
      if (layoutChanged) {
        dropPaged();
        S.qrTarget = null;
        S.idleNode = null;
        shownClock.date = shownClock.clock = null;
      }
      renderClock(now);
      if (CFG.allPages) {
        showSheet(now, true);
        return;
      }
      if (layoutName === 'ticker') {
        enterTickerMode(now);
        renderTicker(now, true);
        return;
      }
      if (S.mode === 'ticker') S.mode = 'idle';
      var c = S.cur;
      var item = c && S.items[c.id];
      if (!c) {
        showNext(now);
      } else if (
        !item || !inWindow(item, now) || newUrgent(now) !== null || leftRotation(c, now)
      ) {
        endDisplay(now);
        showNext(now);
      } else if (item.revision !== c.revision || item.content_sha256 !== c.item.content_sha256) {
        c.stale = true; // finish this page, then move on
      } else {
        c.item = item;
        if (layoutChanged) reflow(c, now);
        renderSide(item);
      }
      renderTicker(now, layoutChanged);
    });
  }

  function setScreen(screen) {
    if (!screen || typeof screen !== 'object') return;
    var codeChanged = (S.screen.code || '') !== (screen.code || '');
    S.screen = screen;
    S.tz = validTimeZone(screen.timezone);
    shownClock.date = shownClock.clock = null;
    if (codeChanged && S.cur) {
      S.qrTarget = null;
      renderSide(S.cur.item);
    }
  }

  // ---------------------------------------------------------------------------------------
  // 11. Network: Socket.IO, backstop poll, status and proof-of-play batches
  // ---------------------------------------------------------------------------------------

  function emit(event, payload) {
    if (S.socket && S.socket.connected) S.socket.emit(event, payload);
  }

  function sendStatus() {
    if (S.preview) return;
    emit('status', {
      version: S.manifest ? S.manifest.version : null,
      current_item: S.cur ? S.cur.id : null,
      uptime_s: Math.round(mono() / 1000)
    });
  }

  function connect() {
    if (S.socket || S.preview || !S.token || typeof io !== 'function') return;
    // Reconnection with exponential backoff and jitter is socket.io-client's own: each attempt
    // waits reconnectionDelay * 2^n (capped at reconnectionDelayMax), randomised by +/- 50 %
    // (randomizationFactor), and it retries for ever.
    var socket = io(CFG.namespace, {
      path: CFG.socketPath,
      auth: { token: S.token },
      transports: ['websocket', 'polling'],
      tryAllTransports: true, // fall back to long-polling where a proxy blocks websockets
      reconnection: true,
      reconnectionDelay: 1000,
      reconnectionDelayMax: 60000,
      randomizationFactor: 0.5,
      forceNew: true
    });
    S.socket = socket;
    socket.on('connect', function () {
      S.online = true;
      S.due.reconnect = 0;
      sendStatus();
      flushPlayed();
    });
    socket.on('disconnect', function (reason) {
      S.online = false;
      // The server closed us on purpose (e.g. a revoked token): socket.io does not retry by
      // itself then; try again in a while, the refusal will tell us to pair again.
      if (reason === 'io server disconnect') S.due.reconnect = mono() + 5000 + Math.random() * 5000;
    });
    socket.on('connect_error', function (error) {
      S.online = false;
      var message = error && error.message;
      if (message === 'unauthorized' || message === 'revoked') unpair();
    });
    socket.on('hello', function (payload) {
      if (!payload || !payload.screen) return;
      setScreen(payload.screen);
      Store.put('hello', payload).catch(function (e) {
        warn('hello not stored', e);
      });
      if (!S.manifest && payload.screen.layout) setLayout(payload.screen.layout);
    });
    socket.on('manifest', function (m) {
      receiveManifest(m);
    });
  }

  function disconnect() {
    if (!S.socket) return;
    S.socket.off();
    S.socket.disconnect();
    S.socket = null;
    S.online = false;
  }

  function poll() {
    if (!S.token || S.preview) return Promise.resolve();
    var headers = { Authorization: 'Bearer ' + S.token, Accept: 'application/json' };
    if (S.manifest) headers['If-None-Match'] = '"' + S.manifest.version + '"';
    return fetch(CFG.api + '/player/manifest', { headers: headers, cache: 'no-store' })
      .then(function (response) {
        if (response.status === 401) {
          unpair();
          return null;
        }
        if (response.status === 200) {
          return response.json().then(receiveManifest);
        }
        return null;
      })
      .catch(function (e) {
        warn('manifest poll failed', e);
      });
  }

  function queuePlayed(record) {
    Store.addPlayed(record)
      .then(function (count) {
        S.queued = typeof count === 'number' ? count : S.queued + 1;
        if (S.queued >= FLUSH_AT) flushPlayed();
      })
      .catch(function (e) {
        warn('proof of play not stored', e);
      });
  }

  function emitWithAck(event, payload) {
    return new Promise(function (resolve) {
      var socket = S.socket;
      if (!socket || !socket.connected) {
        resolve(false);
        return;
      }
      socket.timeout(ACK_TIMEOUT_MS).emit(event, payload, function (error, reply) {
        resolve(error ? false : { reply: reply });
      });
    });
  }

  /** Send queued records in batches; each batch leaves the queue once the server acked it. */
  function flushPlayed() {
    if (S.flushing || S.preview || !S.socket || !S.socket.connected) return Promise.resolve();
    S.flushing = true;
    S.due.flush = mono() + FLUSH_MS;
    function round() {
      return Store.playedBatch(BATCH).then(function (batch) {
        if (!batch || !batch.length) return null;
        var records = batch.map(function (b) {
          return b.record;
        });
        return emitWithAck('played', records).then(function (ok) {
          if (!ok) return null;
          // Over the screen's rate the server defers records: keep the batch and send it again
          // at the next flush (what it already stored comes back as duplicates).
          if (ok.reply && ok.reply.deferred > 0) return null;
          return Store.deletePlayed(batch.map(function (b) {
            return b.key;
          })).then(function () {
            S.queued = Math.max(0, S.queued - batch.length);
            return batch.length === BATCH ? round() : null;
          });
        });
      });
    }
    return round()
      .catch(function (e) {
        warn('played not sent', e);
      })
      .then(function () {
        S.flushing = false;
      });
  }

  // ---------------------------------------------------------------------------------------
  // 12. Pairing
  // ---------------------------------------------------------------------------------------

  function startPairing() {
    disconnect();
    S.token = null;
    S.mode = 'pairing';
    S.manifest = null;
    S.items = {};
    S.order = [];
    S.cur = null;
    dropPaged();
    clear(dom.main);
    dom.boot.hidden = true;
    dom.frame.hidden = true;
    dom.pairing.hidden = false;
    setText(dom.pairServer, '服务器地址：' + location.origin);
    setText(dom.pairCode, '———');
    S.pair = { secret: null, code: null, expires: 0, next: 0, busy: false };
  }

  /** Forget the screen's identity (bad or revoked token) and pair again. */
  function unpair() {
    if (S.mode === 'pairing') return;
    endDisplay(Date.now());
    startPairing();
    Promise.all([Store.del('token'), Store.del('manifest'), Store.del('hello'), Store.clearPlayed()])
      .catch(function (e) {
        warn('could not forget the old token', e);
      });
  }

  function pairTick() {
    var p = S.pair;
    if (p.busy || mono() < p.next) return;
    p.busy = true;
    var job = !p.secret || Date.now() >= p.expires ? requestCode() : checkCode();
    job.then(function () {
      p.busy = false;
    });
  }

  function requestCode() {
    var p = S.pair;
    return fetch(CFG.api + '/player/pair', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
      body: JSON.stringify({ player_version: CFG.version }),
      credentials: 'omit',
      cache: 'no-store'
    })
      .then(function (response) {
        if (response.status !== 201 && response.status !== 200) {
          throw new Error('HTTP ' + response.status);
        }
        return response.json();
      })
      .then(function (d) {
        p.secret = d.secret;
        p.code = d.code;
        p.expires = parseTime(d.expires_at) || Date.now() + 10 * 60000;
        p.next = mono() + PAIR_POLL_MS;
        setText(dom.pairCode, d.code);
        setText(dom.pairStatus, '');
      })
      .catch(function () {
        p.next = mono() + PAIR_RETRY_MS;
        setText(dom.pairStatus, '暂时无法连接服务器，稍后自动重试…');
      });
  }

  function checkCode() {
    var p = S.pair;
    return fetch(CFG.api + '/player/pair/' + encodeURIComponent(p.secret), {
      headers: { Accept: 'application/json' },
      credentials: 'omit',
      cache: 'no-store'
    })
      .then(function (response) {
        if (response.status === 404 || response.status === 410) {
          p.secret = null; // expired: a new code at once
          p.next = 0;
          return null;
        }
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json().then(function (d) {
          if (d && d.state === 'paired' && d.token) {
            return Store.put('token', d.token).then(function () {
              return startPlayer(d.token);
            });
          }
          p.next = mono() + PAIR_POLL_MS;
          return null;
        });
      })
      .catch(function () {
        p.next = mono() + PAIR_POLL_MS;
      });
  }

  // ---------------------------------------------------------------------------------------
  // 13. Preview (operator's session; nothing is stored or reported)
  // ---------------------------------------------------------------------------------------

  function fetchPreview() {
    S.due.preview = mono() + PREVIEW_MS;
    if (!CFG.preview) return Promise.resolve(); // handed over by the framing page
    return fetch(CFG.preview, { credentials: 'same-origin', cache: 'no-store',
      headers: { Accept: 'application/json' } })
      .then(function (response) {
        if (!response.ok) throw new Error('HTTP ' + response.status);
        return response.json();
      })
      .then(function (d) {
        var m = d && d.manifest && d.manifest.items ? d.manifest : d;
        var screen = (d && d.screen) || (m && m.screen);
        if (screen) setScreen(screen);
        return receiveManifest(m);
      })
      .catch(function (e) {
        warn('preview not loaded', e);
        if (!S.manifest) showIdle(Date.now(), '预览加载失败，稍后自动重试');
      });
  }

  /** The editor's preview: take manifests from the page framing the player (same origin). */
  function listenToParent() {
    window.addEventListener('message', function (event) {
      var d = event.data;
      if (event.origin !== location.origin || event.source !== window.parent) return;
      if (d && d.type === 'signage-preview-manifest') receiveManifest(d.manifest);
    });
    tellParent({ type: 'signage-preview-ready', layout: CFG.previewLayout });
  }

  function tellParent(message) {
    if (window.parent === window) return;
    window.parent.postMessage(message, location.origin);
  }

  // All pages (?all_pages=1): the manifest's first item paginated as on screen, each page in
  // a copy of the frame, scaled down side by side and labelled "横屏 第1/3页".

  var LAYOUT_LABELS = { landscape: '横屏', portrait: '竖屏', led: 'LED 屏', ticker: '滚动字幕条' };
  var SHEET_GAP = 16; // CSS pixels between pages
  var SHEET_LABEL = 28; // CSS pixels of a page's label
  var sheet = null; // {node, pages: [{box, screen, frame}], recuts}

  /** Paginate the first item afresh and lay every page out (`fresh`: a new manifest). */
  function showSheet(now, fresh) {
    endDisplay(now);
    dropPaged();
    S.cur = null;
    if (!sheet) {
      sheet = { node: el('div', 'all-pages'), pages: [], recuts: 0 };
      document.documentElement.classList.add('all-pages-mode');
      document.body.appendChild(sheet.node);
      window.addEventListener('resize', placeSheet);
    }
    if (fresh) sheet.recuts = 0;
    var id = S.order[0];
    if (layoutName === 'ticker') {
      enterTickerMode(now);
    } else if (id === undefined) {
      showIdle(now);
    } else {
      startDisplay({ id: id, dur: null, kind: S.items[id].urgent ? 'urgent' : 'rotation' }, now);
    }
    renderTicker(now, true);
    var c = S.cur;
    var count = c ? c.pages.length : 1;
    var label = LAYOUT_LABELS[layoutName] || layoutName;
    clear(sheet.node);
    sheet.pages = [];
    for (var i = 0; i < count; i++) {
      if (c) {
        c.page = i;
        renderPageIndicator();
        clear(dom.main);
      }
      var frame = dom.frame.cloneNode(true);
      frame.removeAttribute('id');
      frame.removeChild(frame.querySelector('.measure'));
      Array.prototype.forEach.call(frame.querySelectorAll('[id]'), function (node) {
        node.removeAttribute('id');
      });
      var ticker = frame.querySelector('.ticker-text');
      if (ticker) ticker.classList.remove('scrolling'); // a still picture: the text from its start
      if (c) frame.querySelector('.region-main').appendChild(c.pages[i]);
      var box = el('div', 'all-pages-page');
      box.dataset.page = String(i + 1);
      box.appendChild(el('div', 'all-pages-label',
        c && count > 1 ? label + ' 第' + (i + 1) + '/' + count + '页' : label));
      var screen = el('div', 'all-pages-screen');
      screen.appendChild(frame);
      box.appendChild(screen);
      sheet.node.appendChild(box);
      sheet.pages.push({ box: box, screen: screen, frame: frame });
    }
    if (c) c.page = 0;
    sheet.node.dataset.layout = layoutName;
    sheet.node.dataset.pages = String(c ? count : 0);
    placeSheet();
  }

  /** Every tick: paginate again when the metrics changed or a page is cut where it is shown. */
  function checkSheet(now) {
    var c = S.cur;
    if (!sheet || !c) return;
    var stale = c.epoch !== S.metricsEpoch;
    if (!stale && sheet.recuts < 3 && c.pages.some(pageCut)) {
      sheet.recuts += 1;
      warn('a page of the preview is cut: paginating again');
      metricsChanged();
      stale = true;
    }
    if (stale) showSheet(now, false);
  }

  /** Scale the pages to the width of the viewport, in as many columns as fit. */
  function placeSheet() {
    if (!sheet || !sheet.pages.length) return;
    var size = LAYOUT_SIZES[layoutName] || LAYOUT_SIZES.landscape;
    var n = sheet.pages.length;
    var avail = Math.max(120, sheet.node.clientWidth);
    var narrowest = size[1] > size[0] ? 160 : 320;
    var cols = Math.max(1, Math.min(n, Math.floor((avail + SHEET_GAP) / (narrowest + SHEET_GAP))));
    var w = Math.min(size[0], Math.floor((avail - (cols - 1) * SHEET_GAP) / cols));
    var k = w / size[0];
    var h = Math.round(size[1] * k);
    sheet.pages.forEach(function (p, i) {
      var x = (i % cols) * (w + SHEET_GAP);
      var y = Math.floor(i / cols) * (SHEET_LABEL + h + SHEET_GAP);
      p.box.style.transform = 'translate(' + x + 'px,' + y + 'px)';
      p.box.style.width = w + 'px';
      p.screen.style.height = h + 'px';
      p.frame.style.transform = 'scale(' + k + ')';
    });
    var height = Math.ceil(n / cols) * (SHEET_LABEL + h + SHEET_GAP) - SHEET_GAP;
    sheet.node.style.height = height + 'px';
    tellParent({
      type: 'signage-preview-pages',
      layout: layoutName,
      pages: S.cur ? S.cur.pages.length : 0,
      height: height
    });
  }

  // ---------------------------------------------------------------------------------------
  // 14. Service Worker
  // ---------------------------------------------------------------------------------------

  function shellUrls() {
    var urls = [location.pathname];
    Array.prototype.forEach.call(document.querySelectorAll('script[src]'), function (s) {
      urls.push(s.src);
    });
    Array.prototype.forEach.call(document.querySelectorAll('link[rel="stylesheet"]'), function (l) {
      urls.push(l.href);
    });
    Object.keys(LAYOUT_SIZES).forEach(function (name) {
      urls.push(new URL(layoutHref(name), location.href).href);
    });
    return urls;
  }

  function registerServiceWorker() {
    if (S.preview || !CFG.sw || !('serviceWorker' in navigator)) return;
    var scope = CFG.sw.replace(/[^/]*$/, '');
    navigator.serviceWorker
      .register(CFG.sw + versionQuery(), { scope: scope })
      .then(function () {
        return navigator.serviceWorker.ready;
      })
      .then(function (registration) {
        if (registration.active) {
          registration.active.postMessage({ type: 'precache', urls: shellUrls() });
        }
      })
      .catch(function (e) {
        warn('service worker not registered', e);
      });
  }

  // ---------------------------------------------------------------------------------------
  // 15. Main loop, boot, test API
  // ---------------------------------------------------------------------------------------

  function jitteredPoll() {
    return POLL_MIN_MS + Math.random() * (POLL_MAX_MS - POLL_MIN_MS);
  }

  function tick() {
    var now = Date.now();
    var t = mono();
    try {
      if (S.mode === 'pairing') {
        pairTick();
        return;
      }
      if (!dom.frame.hidden) {
        renderClock(now);
        playTick(now);
        renderTicker(now, false);
      }
      if (S.preview) {
        if (t >= S.due.preview) fetchPreview();
        return;
      }
      if (!S.token) return;
      if (t >= S.due.status) {
        S.due.status = t + STATUS_MS;
        sendStatus();
      }
      if (t >= S.due.flush || S.queued >= FLUSH_AT) flushPlayed();
      if (t >= S.due.poll) {
        S.due.poll = t + jitteredPoll();
        poll();
      }
      if (S.due.reconnect && t >= S.due.reconnect && S.socket && !S.socket.connected) {
        S.due.reconnect = 0;
        S.socket.connect();
      }
    } catch (e) {
      warn('tick failed', e);
    }
  }

  function startPlayer(token) {
    S.token = token;
    S.mode = 'boot';
    dom.pairing.hidden = true;
    var t = mono();
    S.due.status = t + STATUS_MS;
    S.due.flush = t + FLUSH_MS;
    S.due.poll = t + FIRST_POLL_MS;
    var fontsReady = document.fonts && document.fonts.ready ? document.fonts.ready : null;
    return Promise.all([Store.get('hello'), Store.get('manifest'), Store.countPlayed(), fontsReady])
      .then(function (found) {
        if (found[0] && found[0].screen) setScreen(found[0].screen);
        S.queued = found[2] || 0;
        var m = found[1];
        if (validManifest(m)) return applyManifest(m);
        var layout = (found[0] && found[0].screen && found[0].screen.layout) || 'landscape';
        return setLayout(layout).then(function () {
          showFrame();
          renderClock(Date.now());
          showIdle(Date.now(), '正在获取公开内容…');
          renderTicker(Date.now(), true);
        });
      })
      .catch(function (e) {
        warn('stored state unreadable', e);
      })
      .then(function () {
        connect();
      });
  }

  /**
   * The screen token given in the address: `#token=…` (never sent to the server), or
   * `?token=…` from older links. Either is removed from the address bar at once.
   */
  function urlToken() {
    var params = new URLSearchParams(location.search);
    var hash = new URLSearchParams(location.hash.replace(/^#/, ''));
    var inHash = hash.get('token');
    var token = inHash || params.get('token');
    if (!token) return null;
    params.delete('token');
    hash.delete('token');
    var rest = params.toString();
    var fragment = inHash ? hash.toString() : location.hash.replace(/^#/, '');
    history.replaceState(history.state, '', location.pathname + (rest ? '?' + rest : '') +
      (fragment ? '#' + fragment : ''));
    return token;
  }

  var publicApi = Object.freeze({
    /** What the player is doing; `page` is 1-based (as on screen), 0 when nothing is shown. */
    state: function () {
      var c = S.cur;
      return {
        mode: S.mode,
        version: S.manifest ? S.manifest.version : null,
        item: c ? c.id : null,
        revision: c ? c.revision : null,
        page: c ? c.page + 1 : 0,
        pages: c ? c.pages.length : 0,
        segment: S.manifest ? segmentAt(Date.now()) : null,
        online: S.online,
        layout: layoutName,
        urgent: c ? c.urgent : false,
        preview: S.preview,
        queued: S.queued,
        ticker: S.tickerText || ''
      };
    },
    /** The pages of the item on screen: [{index, kind, text, blocks, rows, header}]. */
    pages: function () {
      return S.cur ? S.cur.pages.map(describePage) : [];
    },
    /** The table-cell rule (mirror of content/numbers.py) and the title's break points. */
    cells: Cells,
    titleParts: titleParts,
    version: CFG.version
  });

  function boot() {
    Object.defineProperty(window, 'signagePlayer', {
      value: publicApi, writable: false, configurable: false, enumerable: true
    });
    if (typeof qrcode === 'function' && qrcode.stringToBytesFuncs && qrcode.stringToBytesFuncs['UTF-8']) {
      qrcode.stringToBytes = qrcode.stringToBytesFuncs['UTF-8'];
    }
    setText(dom.board, BOARD_TITLE);
    window.addEventListener('resize', fit);
    watchMetrics();
    setInterval(tick, TICK_MS);
    if (S.preview) {
      setLayout(CFG.previewLayout || 'landscape').then(function () {
        showFrame();
        renderClock(Date.now());
        showIdle(Date.now(), '正在加载预览…');
        if (CFG.fromParent) listenToParent();
        else fetchPreview();
      });
      return;
    }
    var fromUrl = urlToken();
    registerServiceWorker();
    var ready = fromUrl
      ? Store.put('token', fromUrl).then(function () {
        return fromUrl;
      })
      : Store.get('token');
    ready
      .catch(function (e) {
        warn('token unreadable', e);
        return fromUrl;
      })
      .then(function (token) {
        if (token) startPlayer(token);
        else startPairing();
      });
  }

  boot();
})();
