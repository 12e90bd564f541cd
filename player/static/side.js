/*
 * The side region (QR code, category, validity, the supervision committee's seal line, page
 * indicator) and the footer ticker.
 *
 * The texts are pure functions of the item, the manifest and the time (tested in Node);
 * createSide() puts them on screen and draws the QR code with qrcode-generator.
 */

import { inWindow, clockText, numericParts, parseTime, shortDateText } from './time.js';
import { clear, setText } from './dom.js';

/** Design pixels per second of the scrolling ticker. */
export const TICKER_SPEED = 150;
export const TICKER_SEP = '\u3000\u3000◆\u3000\u3000';
export const CALM_LINE = '欢迎扫码对公开内容提出意见和建议';

/** The feedback address of `item` with the screen's code (`?s=<code>`), or ''. */
export function qrTarget(item, code) {
  if (!item || !item.qr_url) return '';
  if (!code) return item.qr_url;
  return item.qr_url + (item.qr_url.includes('?') ? '&' : '?') + 's=' + encodeURIComponent(code);
}

/** "公开至 2026年12月31日" (an exclusive midnight is the day before), or "公布于 …" without end. */
export function validityText(item, tz) {
  const until = parseTime(item.valid_until);
  if (until === null) {
    // No end date: say when it went up rather than "长期公开", which is a timing type.
    const since = parseTime(item.published_at);
    return since === null ? '' : '公布于 ' + shortDateText(since, tz);
  }
  let last = until;
  const p = numericParts(until, tz);
  if (p.h === 0 && p.mi === 0 && p.s === 0) last = until - 1; // exclusive midnight
  let text = '公开至 ' + shortDateText(last, tz);
  if (last === until) text += ' ' + clockText(until, tz);
  return text;
}

/** The item's category label, with "· 公示" for a notice. */
export function categoryText(item) {
  if (!item) return '';
  let category = item.category_label || '';
  if (item.notice) category = (category ? category + ' · ' : '') + '公示';
  return category;
}

/**
 * The seal line of a village-affairs item: "监委会审核盖章 刘长顺" (the member of the village
 * affairs supervision committee who signed and sealed it, without the post in brackets: one
 * line beside the QR code; the day is on the QR page and the poster), else ''.
 */
export function sealText(item) {
  if (!item || !item.seal || !item.seal.name) return '';
  const name = String(item.seal.name).replace(/[（(].*$/, '').trim();
  return name ? SEAL_LABEL + ' ' + name : '';
}

export const SEAL_LABEL = '监委会审核盖章';

/** "第 2/3 页" for a display of several pages, else ''. */
export function pageIndicator(c) {
  return c && c.pages.length > 1 ? '第 ' + (c.page + 1) + '/' + c.pages.length + ' 页' : '';
}

/** The organisation shown in the header: the manifest's, else the screen's. */
export function orgName(manifest, screen) {
  if (manifest && manifest.org && manifest.org.name) return manifest.org.name;
  return (screen && screen.org_name) || '';
}

/**
 * What the ticker scrolls at `now`: the manifest's ticker lines in their window, and on the
 * ticker layout the titles of the items in their window, in manifest order.
 */
export function tickerText(rotation, layout, now) {
  const m = rotation.manifest;
  if (!m) return '';
  const texts = [];
  for (const t of m.ticker || []) {
    if (t && t.text && inWindow(t, now)) texts.push(String(t.text));
  }
  if (layout === 'ticker') {
    for (const id of rotation.order) {
      const item = rotation.items[id];
      if (item.title && inWindow(item, now)) texts.push(item.title);
    }
  }
  return texts.join(TICKER_SEP);
}

/** Seconds one pass of the ticker takes over `distance` design pixels (at least 8). */
export function tickerSeconds(distance) {
  return Math.max(8, Math.round(distance / TICKER_SPEED));
}

/**
 * The side region and ticker of one player.
 *   S       the player's state (S.rotation, S.screen, S.tz, S.layout, S.qrTarget, S.tickerText)
 *   dom     the page's regions (qr, side, category, validity, seal, pageNo, ticker,
 *           tickerWindow)
 *   qrcode  qrcode-generator's function (window.qrcode), or null
 */
export function createSide({ doc, dom, S, qrcode, warn = () => {} }) {
  const view = doc.defaultView;

  function qrSvg(text) {
    const qr = qrcode(0, 'M');
    qr.addData(text);
    qr.make();
    const markup = qr.createSvgTag({ cellSize: 4, margin: 8, scalable: true });
    const svg = new view.DOMParser().parseFromString(markup, 'image/svg+xml');
    return doc.importNode(svg.documentElement, true);
  }

  function renderSide(item) {
    const target = qrTarget(item, S.screen && S.screen.code);
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
    setText(dom.category, categoryText(item));
    setText(dom.validity, item ? validityText(item, S.tz) : '');
    if (dom.seal) setText(dom.seal, sealText(item));
  }

  function renderPageIndicator() {
    setText(dom.pageNo, pageIndicator(S.cur));
  }

  function renderTicker(now, force) {
    const text = tickerText(S.rotation, S.layout, now);
    if (text === S.tickerText && !force) return;
    S.tickerText = text;
    const span = dom.ticker;
    span.classList.remove('scrolling');
    span.style.animationDuration = '';
    if (!text) {
      span.className = 'ticker-text calm';
      const org = orgName(S.rotation.manifest, S.screen);
      setText(span, S.layout === 'ticker' && org ? org + '\u3000' + CALM_LINE : CALM_LINE);
      return;
    }
    span.className = 'ticker-text';
    span.textContent = text;
    // Restart the animation: the span was just re-laid out without it.
    const distance = span.offsetWidth + dom.tickerWindow.clientWidth;
    span.style.animationDuration = tickerSeconds(distance) + 's';
    span.classList.add('scrolling');
  }

  return { renderSide, renderPageIndicator, renderTicker };
}
