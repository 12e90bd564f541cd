/*
 * The operator's preview (docs/player-protocol.md): the player with the operator's session,
 * no socket, no Service Worker, no reports. Its manifest comes from `data-preview-manifest`
 * (fetched every 30 s) or from the page framing it (postMessage, same origin only).
 *
 * With ?all_pages=1 nothing rotates: the manifest's first item is paginated as on screen and
 * each page is laid out in a copy of the frame, scaled down side by side and labelled with
 * the layout's short name from the server (横屏 第1/3页).
 *
 * createPreview(ctx) takes from `ctx`: S, cfg, doc, win, dom, defs, fetch, net, display,
 * side, frame, overflows, mono(), now(), warn.
 */

import { clear, el } from './dom.js';
import { layoutSize } from './frame.js';
import { pageCut } from './paginator.js';

export const PREVIEW_MS = 30000;
/** CSS pixels between pages, and of a page's label. */
export const SHEET_GAP = 16;
export const SHEET_LABEL = 28;

/** The label over page `i` of `count` (0-based) of a layout called `label`. */
export function sheetLabel(label, i, count) {
  return count > 1 ? label + ' 第' + (i + 1) + '/' + count + '页' : label;
}

/**
 * Where `n` pages of a design of `size` go in `avail` CSS pixels of width: as many columns
 * as fit (pages at least 320 px wide, 160 for a portrait design), each scaled by `k`.
 */
export function sheetGeometry(size, n, availWidth) {
  const avail = Math.max(120, availWidth);
  const narrowest = size[1] > size[0] ? 160 : 320;
  const cols = Math.max(1, Math.min(n, Math.floor((avail + SHEET_GAP) / (narrowest + SHEET_GAP))));
  const w = Math.min(size[0], Math.floor((avail - (cols - 1) * SHEET_GAP) / cols));
  const k = w / size[0];
  const h = Math.round(size[1] * k);
  const places = [];
  for (let i = 0; i < n; i++) {
    places.push({
      x: (i % cols) * (w + SHEET_GAP),
      y: Math.floor(i / cols) * (SHEET_LABEL + h + SHEET_GAP)
    });
  }
  return { cols, w, h, k, places, height: Math.ceil(n / cols) * (SHEET_LABEL + h + SHEET_GAP) - SHEET_GAP };
}

export function createPreview(ctx) {
  const { S, cfg, doc, win, dom } = ctx;
  const warn = ctx.warn || (() => {});
  let sheet = null; // {node, pages: [{box, screen, frame}], recuts}

  function tellParent(message) {
    if (win.parent === win) return;
    win.parent.postMessage(message, win.location.origin);
  }

  async function fetchPreview() {
    S.due.preview = ctx.mono() + PREVIEW_MS;
    if (!cfg.preview) return; // handed over by the framing page
    try {
      const response = await ctx.fetch(cfg.preview, {
        credentials: 'same-origin', cache: 'no-store', headers: { Accept: 'application/json' }
      });
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const d = await response.json();
      const m = d && d.manifest && d.manifest.items ? d.manifest : d;
      const screen = (d && d.screen) || (m && m.screen);
      if (screen) ctx.display.setScreen(screen);
      await ctx.net.receiveManifest(m);
    } catch (e) {
      warn('preview not loaded', e);
      if (!S.rotation.manifest) ctx.display.showIdle(ctx.now(), '预览加载失败，稍后自动重试');
    }
  }

  /** The editor's preview: take manifests from the page framing the player (same origin). */
  function listenToParent() {
    win.addEventListener('message', (event) => {
      const d = event.data;
      if (event.origin !== win.location.origin || event.source !== win.parent) return;
      if (d && d.type === 'signage-preview-manifest') ctx.net.receiveManifest(d.manifest);
    });
    tellParent({ type: 'signage-preview-ready', layout: cfg.previewLayout });
  }

  /** Paginate the first item afresh and lay every page out (`fresh`: a new manifest). */
  function show(now, fresh) {
    const display = ctx.display;
    display.endDisplay(now);
    display.dropPaged();
    S.cur = null;
    if (!sheet) {
      sheet = { node: el(doc, 'div', 'all-pages'), pages: [], recuts: 0 };
      doc.documentElement.classList.add('all-pages-mode');
      doc.body.appendChild(sheet.node);
      win.addEventListener('resize', place);
    }
    if (fresh) sheet.recuts = 0;
    const id = S.rotation.order[0];
    if (S.layout === 'ticker') {
      display.enterTickerMode(now);
    } else if (id === undefined) {
      display.showIdle(now);
    } else {
      display.startDisplay({ id, dur: null, kind: S.rotation.items[id].urgent ? 'urgent' : 'rotation' }, now);
    }
    ctx.side.renderTicker(now, true);
    const c = S.cur;
    const count = c ? c.pages.length : 1;
    const label = ctx.defs.layouts[S.layout].label;
    clear(sheet.node);
    sheet.pages = [];
    for (let i = 0; i < count; i++) {
      if (c) {
        c.page = i;
        ctx.side.renderPageIndicator();
        clear(dom.main);
      }
      const frame = dom.frame.cloneNode(true);
      frame.removeAttribute('id');
      frame.removeChild(frame.querySelector('.measure'));
      for (const node of frame.querySelectorAll('[id]')) node.removeAttribute('id');
      const ticker = frame.querySelector('.ticker-text');
      if (ticker) ticker.classList.remove('scrolling'); // a still picture: the text from its start
      if (c) frame.querySelector('.region-main').appendChild(c.pages[i]);
      const box = el(doc, 'div', 'all-pages-page');
      box.dataset.page = String(i + 1);
      box.appendChild(el(doc, 'div', 'all-pages-label', c ? sheetLabel(label, i, count) : label));
      const screen = el(doc, 'div', 'all-pages-screen');
      screen.appendChild(frame);
      box.appendChild(screen);
      sheet.node.appendChild(box);
      sheet.pages.push({ box, screen, frame });
    }
    if (c) c.page = 0;
    sheet.node.dataset.layout = S.layout;
    sheet.node.dataset.pages = String(c ? count : 0);
    place();
  }

  /** Every tick: paginate again when the metrics changed or a page is cut where it is shown. */
  function check(now) {
    const c = S.cur;
    if (!sheet || !c) return;
    let stale = c.epoch !== S.metricsEpoch;
    if (!stale && sheet.recuts < 3 && c.pages.some((page) => pageCut(page, ctx.overflows))) {
      sheet.recuts += 1;
      warn('a page of the preview is cut: paginating again');
      ctx.frame.metricsChanged();
      stale = true;
    }
    if (stale) show(now, false);
  }

  /** Scale the pages to the width of the viewport, in as many columns as fit. */
  function place() {
    if (!sheet || !sheet.pages.length) return;
    const size = layoutSize(ctx.defs, S.layout);
    const g = sheetGeometry(size, sheet.pages.length, sheet.node.clientWidth);
    sheet.pages.forEach((p, i) => {
      p.box.style.transform = 'translate(' + g.places[i].x + 'px,' + g.places[i].y + 'px)';
      p.box.style.width = g.w + 'px';
      p.screen.style.height = g.h + 'px';
      p.frame.style.transform = 'scale(' + g.k + ')';
    });
    sheet.node.style.height = g.height + 'px';
    tellParent({
      type: 'signage-preview-pages',
      layout: S.layout,
      pages: S.cur ? S.cur.pages.length : 0,
      height: g.height
    });
  }

  return { fetchPreview, listenToParent, show, check };
}
