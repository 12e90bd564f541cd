/*
 * The side region (QR code, category, validity, the supervision committee's seal line, page
 * indicator) and the footer ticker.
 *
 * The texts are pure functions of the item, the manifest and the time (tested in Node);
 * createSide() puts them on screen and draws the QR code with qrcode-generator.
 */

import { inWindow, clockText, numericParts, parseTime, shortDateText } from './time.js';
import { languageOf, markLanguage, tickerMotion } from './bilingual.js';
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

/** Between the lines of a second language (not ideographic spaces: not every script has them). */
export const SECOND_SEP = '\u2003\u2003◆\u2003\u2003';

/**
 * The ticker's runs at `now`: the Chinese lines (tickerText) first, then the lines of each
 * second language, [{text, language}] (language null for Chinese, else {lang, tag, dir,
 * vertical, font}). One run scrolls on and on as ever; several take turns, one pass each,
 * each moving the way its script reads (tickerMotion): a ticker line cannot move two ways.
 */
export function tickerRuns(rotation, layout, now) {
  const m = rotation.manifest;
  if (!m) return [];
  const runs = [];
  const zh = tickerText(rotation, layout, now);
  if (zh) runs.push({ text: zh, language: null });
  const seconds = [];
  function add(t, text) {
    const language = languageOf(t);
    if (!language || !text) return;
    let run = seconds.find((r) => r.language.tag === language.tag);
    if (!run) {
      run = { language, texts: [] };
      seconds.push(run);
    }
    run.texts.push(String(text));
  }
  for (const t of m.ticker || []) {
    if (t && t.text && inWindow(t, now) && t.translation) add(t.translation, t.translation.text);
  }
  if (layout === 'ticker') {
    for (const id of rotation.order) {
      const item = rotation.items[id];
      if (item.title && inWindow(item, now) && item.translation) add(item.translation, item.translation.title);
    }
  }
  for (const run of seconds) runs.push({ text: run.texts.join(SECOND_SEP), language: run.language });
  return runs;
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

  /**
   * Every tick: the ticker's runs (tickerRuns) when they change; with several runs, the next
   * one once a pass of the one shown is over (S.tickerUntil, on the player's clock).
   */
  function renderTicker(now, force) {
    const runs = tickerRuns(S.rotation, S.layout, now);
    const key = runs.map((r) => r.text).join('\n');
    let index = 0;
    if (key === S.tickerKey && !force) {
      if (runs.length < 2 || now < S.tickerUntil) return;
      index = (S.tickerRun + 1) % runs.length;
    }
    S.tickerKey = key;
    S.tickerRun = index;
    const run = runs[index];
    S.tickerText = run ? run.text : '';
    const span = dom.ticker;
    span.classList.remove('scrolling');
    span.style.animationDuration = '';
    span.style.fontFamily = '';
    span.removeAttribute('lang');
    span.removeAttribute('dir');
    if (!run) {
      span.className = 'ticker-text calm';
      const org = orgName(S.rotation.manifest, S.screen);
      setText(span, S.layout === 'ticker' && org ? org + '\u3000' + CALM_LINE : CALM_LINE);
      return;
    }
    span.className = 'ticker-text';
    span.textContent = run.text;
    // Never set vertically in the strip (see tickerMotion).
    if (run.language) markLanguage(span, run.language, false);
    if (tickerMotion(run.language) === 'right') span.classList.add('from-left');
    // Restart the animation: the span was just re-laid out without it.
    const distance = span.offsetWidth + dom.tickerWindow.clientWidth;
    const seconds = tickerSeconds(distance);
    span.style.animationDuration = seconds + 's';
    if (runs.length > 1) {
      span.classList.add('once');
      S.tickerUntil = now + seconds * 1000;
    }
    span.classList.add('scrolling');
  }

  return { renderSide, renderPageIndicator, renderTicker };
}
