/*
 * The display: puts the rotation's choices on screen, page by page, and queues the proof of
 * play of each display that ends. Decisions are the Rotation's (rotation.js); pages are the
 * renderers'; this module owns what is on screen (S.cur), the pagination cache (S.paged),
 * the idle page and the ticker mode, and applies a new manifest.
 *
 * Dependencies come in `ctx` (built by main.js): doc, dom, S, defs, frame, side, renderers,
 * net (sendStatus, queuePlayed), sheet (the preview of every page), overflows, urls, warn,
 * aloud (stop(): the reading, 定时朗读) and now() (the clock).
 *
 * While the item on screen is read aloud (S.reading, aloud.js) its display is held: the pages
 * follow the reading, and when it ends the rotation goes on with the next item (hold.js).
 * A display that ends stops its reading: nothing is read that is not on screen.
 */

import { bilingualMode } from './bilingual.js';
import { clear, el } from './dom.js';
import { holdStep, holding, pageSides, replan } from './hold.js';
import { pageAt, pageCut } from './paginator.js';
import { displaySeconds, playedRecord } from './rotation.js';
import { clockText, dateText, validTimeZone } from './time.js';
import { orgName } from './side.js';

/** The pagination cache key of `item`: the same item, revision, layout, metrics and way of
 *  showing a bilingual item. */
export function pagesKey(item, layout, epoch, mode) {
  const parts = [item.id, item.revision, item.content_sha256 || '', layout, epoch];
  if (item.translation && mode) parts.push(mode);
  return parts.join('|');
}

export function createDisplay(ctx) {
  const { doc, dom, S } = ctx;

  /** Pages of `item` for the current layout: cached for the item shown, URLs revoked after. */
  function pagesFor(item) {
    const mode = bilingualMode(S.rotation.manifest);
    const key = pagesKey(item, S.layout, S.metricsEpoch, mode);
    if (S.paged && S.paged.key === key) return S.paged.pages;
    dropPaged();
    const entry = { key, pages: [], urls: [], dead: false };
    ctx.renderers.render(item, entry, mode);
    S.paged = entry;
    return entry.pages;
  }

  function dropPaged() {
    if (!S.paged) return;
    S.paged.dead = true;
    for (const u of S.paged.urls) ctx.urls.revokeObjectURL(u);
    S.paged = null;
  }

  /**
   * Paginate the item on screen again (after its measurements went stale) and go on from
   * the page holding the content the screen was showing, so nothing is skipped.
   */
  function reflow(c, now) {
    const page = c.pages[c.page];
    const start = page ? page.signageStart || 0 : 0;
    c.pages = pagesFor(c.item);
    c.epoch = S.metricsEpoch;
    if (holding(S.reading, c)) replan(S.reading, c.pages.map(pageSides));
    const end = c.pageEnd;
    showPage(pageAt(c.pages, start), now, true);
    c.pageEnd = end;
    const shown = c.pages[c.page];
    if (pageCut(shown, ctx.overflows)) {
      // Measured and shown alike and still cut: nothing better can be done for this page.
      shown.signageOversize = true;
      ctx.warn('page ' + (c.page + 1) + ' of item ' + c.id + ' cannot be shown whole');
    }
  }

  /** The page on screen is cut although it was measured whole: measure everything again. */
  function recut(c, now) {
    ctx.warn('page ' + (c.page + 1) + ' of item ' + c.id + ' was cut on screen: paginating again');
    ctx.frame.metricsChanged();
    reflow(c, now);
  }

  function showNext(now) {
    if (S.layoutLoading) return; // the tick starts the next item once the stylesheet applies
    const pick = S.rotation.pickNext(now);
    if (!pick) {
      showIdle(now);
      return;
    }
    startDisplay(pick, now);
  }

  function startDisplay(pick, now) {
    const item = S.rotation.items[pick.id];
    S.rotation.begin(pick);
    S.idleNode = null;
    S.mode = 'playing';
    const dur = displaySeconds(pick, item, ctx.defs.default_duration_s);
    // The side region first: its text (category, validity) sizes the main region on some
    // layouts, and the pages are measured in the main region as it will be.
    ctx.side.renderSide(item);
    const pages = pagesFor(item);
    S.cur = {
      id: item.id,
      revision: item.revision,
      item,
      pages,
      page: 0,
      dur,
      started: now,
      pageEnd: now,
      urgent: pick.kind === 'urgent',
      stale: false,
      epoch: S.metricsEpoch
    };
    showPage(0, now);
    ctx.net.sendStatus();
  }

  /**
   * Put page `index` of the item on screen. Before it is painted, the page is checked where it
   * is shown: if a row or line is cut (measured under other styles or fonts), the item is
   * paginated again and the screen goes on from that content (`checked` stops a second round).
   */
  function showPage(index, now, checked) {
    const c = S.cur;
    c.page = Math.max(0, Math.min(index, c.pages.length - 1));
    c.pageEnd = now + c.dur * 1000;
    const page = c.pages[c.page];
    if (dom.main.firstChild !== page || dom.main.childNodes.length !== 1) {
      clear(dom.main);
      dom.main.appendChild(page);
    }
    if (!checked && !S.layoutLoading && pageCut(page, ctx.overflows)) {
      recut(c, now);
      return;
    }
    ctx.side.renderPageIndicator();
  }

  /** Stop the reading of display `c`, if it is being read. */
  function stopReading(c) {
    if (holding(S.reading, c) && ctx.aloud) ctx.aloud.stop();
  }

  /**
   * Close the display on screen and queue its proof-of-play record (the time a reading held
   * it included: it was on screen). Its reading stops with it.
   */
  function endDisplay(now) {
    const c = S.cur;
    if (!c) return;
    stopReading(c);
    S.reading = null;
    S.cur = null;
    if (S.preview || !S.token) return;
    const record = playedRecord(c, now, S.tz);
    if (record) ctx.net.queuePlayed(record);
  }

  function showIdle(now, text) {
    endDisplay(now);
    const wasIdle = S.mode === 'idle' && S.idleNode && !text;
    S.mode = text ? 'boot' : 'idle';
    if (wasIdle) return;
    dropPaged();
    const box = el(doc, 'div', 'idle');
    const org = orgName(S.rotation.manifest, S.screen);
    const node = {
      org: el(doc, 'div', 'idle-org', org),
      clock: el(doc, 'div', 'idle-clock', clockText(now, S.tz)),
      date: el(doc, 'div', 'idle-date', dateText(now, S.tz)),
      text: el(doc, 'div', 'idle-text', text || '暂无公开内容')
    };
    box.appendChild(node.org);
    box.appendChild(node.clock);
    box.appendChild(node.date);
    box.appendChild(node.text);
    clear(dom.main);
    dom.main.appendChild(box);
    S.idleNode = node;
    ctx.side.renderSide(null);
    ctx.side.renderPageIndicator();
    ctx.net.sendStatus();
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
    if (!S.rotation.manifest || S.layoutLoading || S.mode === 'pairing' || S.mode === 'ticker') return;
    if (ctx.cfg.allPages) {
      ctx.sheet.check(now);
      return;
    }
    const c = S.cur;
    if (!c) {
      showNext(now);
      return;
    }
    if (S.rotation.interrupted(c, now)) {
      endDisplay(now);
      showNext(now);
      return;
    }
    if (c.epoch !== S.metricsEpoch) reflow(c, now);
    else if (pageCut(c.pages[c.page], ctx.overflows)) recut(c, now);
    if (readingTick(c, now)) return;
    const next = S.rotation.afterPage(c, now);
    if (next === 'page') {
      showPage(c.page + 1, now);
    } else if (next === 'next') {
      endDisplay(now);
      showNext(now);
    }
  }

  /**
   * A reading of display `c`: hold it on the page being read (true), or, once the reading
   * ended or was cut at its limit, let its last page stay a moment and then the next item.
   */
  function readingTick(c, now) {
    let step = holdStep(S.reading, c, now);
    if (step.kind === 'limit') {
      ctx.warn('reading of item ' + c.id + ' stopped: it held the screen too long');
      if (ctx.aloud) ctx.aloud.stop();
      S.reading.ended = 'stopped';
      step = holdStep(S.reading, c, now);
    }
    if (step.kind === 'hold') {
      if (step.page !== c.page) showPage(step.page, now);
      return true;
    }
    if (step.kind === 'release') {
      S.reading = null;
      c.pageEnd = step.pageEnd;
      c.read = true; // its pages were shown as they were read: the next item after this page
    }
    return false;
  }

  /** Show manifest `m`; the page on screen stays unless its item left. */
  async function applyManifest(m) {
    S.rotation.setManifest(m);
    const layoutChanged = await ctx.frame.setLayout(m.layout || S.screen.layout);
    const now = ctx.now();
    ctx.frame.showFrame();
    if (layoutChanged) {
      dropPaged();
      S.qrTarget = null;
      S.idleNode = null;
      ctx.frame.resetClock();
    }
    ctx.frame.renderClock(now);
    if (ctx.cfg.allPages) {
      ctx.sheet.show(now, true);
      return;
    }
    if (S.layout === 'ticker') {
      enterTickerMode(now);
      ctx.side.renderTicker(now, true);
      return;
    }
    if (S.mode === 'ticker') S.mode = 'idle';
    const c = S.cur;
    if (!c) {
      showNext(now);
    } else {
      const verdict = S.rotation.onManifest(c, now);
      if (verdict === 'next') {
        endDisplay(now);
        showNext(now);
      } else if (verdict === 'stale') {
        c.stale = true; // finish this page, then move on
        stopReading(c); // its text changed: the words said would no longer be the disclosure
      } else {
        c.item = S.rotation.items[c.id];
        if (layoutChanged) reflow(c, now);
        ctx.side.renderSide(c.item);
      }
    }
    ctx.side.renderTicker(now, layoutChanged);
  }

  /** Take the screen's facts from `hello` (time zone, code for the QR address). */
  function setScreen(screen) {
    if (!screen || typeof screen !== 'object') return;
    const codeChanged = (S.screen.code || '') !== (screen.code || '');
    S.screen = screen;
    S.tz = validTimeZone(screen.timezone);
    ctx.frame.resetClock();
    if (codeChanged && S.cur) {
      S.qrTarget = null;
      ctx.side.renderSide(S.cur.item);
    }
  }

  return {
    pagesFor, dropPaged, showNext, startDisplay, showPage, endDisplay, showIdle,
    enterTickerMode, playTick, applyManifest, setScreen
  };
}
