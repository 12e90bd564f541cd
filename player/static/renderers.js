/*
 * Renderers: the pages of one item, by the type of its body (docs/player-protocol.md):
 *   text   plain text: one paragraph per line; rich text (`format: "html"`): the server's
 *          sanitised markup (content/sanitize.py, applied when the item is saved), parsed in
 *          an inert <template> and inserted as it is (no second sanitiser here; the page's CSP
 *          forbids inline script in any case)
 *   table  typed rows through the table-cell rule (cells.js)
 *   image  one page; pdf: one page per page image (blob: URLs of the cached files)
 *   other  one page saying the screen cannot show it
 * All but the media go through the paginator. Everything untrusted but that markup is put
 * in with textContent.
 */

import * as cells from './cells.js';
import { pageSha } from './assets.js';
import { markLanguage, secondItem } from './bilingual.js';
import { clear, descendants, el, elementChildren, hasClass, tagOf } from './dom.js';
import {
  bodyRowsUnder, createPaginator, markStarts, pageBodies, recordsUnder, replaceHeaderGroups
} from './paginator.js';

const BLOCK_TAGS = new Set(['P', 'UL', 'OL', 'H2', 'H3', 'H4', 'BLOCKQUOTE', 'TABLE']);
const UNSUPPORTED = '（此内容暂不支持在屏幕上显示，请扫码查看）';
/** Side by side needs at least this many lines of text in each half's page body. */
const MIN_HALF_LINES = 3;

/** The non-empty lines of plain text, trimmed (ideographic spaces too). */
export function plainLines(text) {
  return String(text || '')
    .replace(/\r\n?/g, '\n')
    .split(/\n+/)
    .map((line) => line.replace(/^[ \t\u3000]+|[ \t\u3000]+$/g, ''))
    .filter((line) => line.length > 0);
}

/**
 * The top-level blocks of parsed rich text: block elements as they are, loose inline content
 * between them wrapped in a <p> (whitespace alone between blocks dropped).
 */
export function groupBlocks(doc, nodes) {
  const blocks = [];
  let loose = null;
  for (const node of Array.prototype.slice.call(nodes)) {
    if (node.nodeType === 1 && BLOCK_TAGS.has(tagOf(node))) {
      loose = null;
      blocks.push(node);
      continue;
    }
    if (node.nodeType !== 1 && node.nodeType !== 3) continue;
    if (node.nodeType === 3 && !node.nodeValue.trim() && !loose) continue;
    if (!loose) {
      loose = doc.createElement('p');
      blocks.push(loose);
    }
    loose.appendChild(node);
  }
  return blocks;
}

/** The blocks of the server's sanitised rich text `html` (parsed inert, header rows moved). */
export function htmlBlocks(doc, html) {
  const template = doc.createElement('template');
  template.innerHTML = String(html || '');
  const content = doc.importNode(template.content, true);
  replaceHeaderGroups(doc, content);
  return groupBlocks(doc, content.childNodes);
}

/** What each of the four deliberations (四议) is called on the screen. */
export const PATH_STAGES = {
  proposal: '党支部提议',
  consultation: '两委商议',
  deliberation: '党员大会审议',
  resolution: '村民(代表)会议决议'
};

/**
 * The compact line under the title of an item that discloses a major village matter
 * (四议两公开): each stage with its date and vote, "党支部提议 9月2日 赞成5 → …"; '' for an
 * item without `path` (or a malformed one). Votes against or abstaining show only when any.
 */
export function pathText(path) {
  if (!Array.isArray(path) || path.length === 0) return '';
  const stages = [];
  for (const step of path) {
    if (!step || !PATH_STAGES[step.stage]) return '';
    const parts = [PATH_STAGES[step.stage]];
    const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(step.date || ''));
    if (day) parts.push(Number(day[2]) + '月' + Number(day[3]) + '日');
    const votes = String(step.vote || '').split('/').map(Number);
    if (votes.length === 3 && votes.every((n) => Number.isInteger(n) && n >= 0)) {
      let vote = '赞成' + votes[0];
      if (votes[1]) vote += ' 反对' + votes[1];
      if (votes[2]) vote += ' 弃权' + votes[2];
      parts.push(vote);
    }
    stages.push(parts.join(' '));
  }
  return '四议两公开：' + stages.join(' → ');
}

/**
 * The renderers of one player.
 *   doc, measure, main  the document, the offscreen measuring region and the main region
 *   words               words.js (window.signageWords), or null: where titles may break
 *   metrics, measureColumns   see paginator.js and columns.js
 *   assets              assets.js (blob: URLs of cached files); urls: window.URL
 */
export function createRenderers({ doc, measure, main, words, metrics, measureColumns, assets, urls,
  warn = () => {} }) {
  /** The title split where a line may break: words.js, the rule the villagers' pages use. */
  function titleParts(text) {
    return words ? words.parts(text) : [String(text || '')];
  }

  /** An element showing `text` that breaks only between its words (see titleParts). */
  function wordsNode(tag, cls, text) {
    const node = el(doc, tag, cls);
    const parts = titleParts(String(text || ''));
    if (parts.length > 1) node.classList.add('words');
    if (words) words.fill(node, parts);
    else node.textContent = parts.join('');
    return node;
  }

  /**
   * An element showing second-language `text` as it is: one text node (no <wbr>, no spans),
   * so that nothing splits the letters of a joining script (Uyghur) or a Mongolian word.
   */
  function plainNode(tag, cls, text) {
    return el(doc, tag, cls, String(text || ''));
  }

  /**
   * An empty page of `item`: the urgent band, the title, an empty body of `kind`. A page of
   * an item's second language (item.second, see bilingual.js) is marked with its language;
   * its urgent band stays Chinese.
   */
  function newPage(item, kind) {
    const page = el(doc, 'div', 'page page-' + kind);
    if (item.second) markLanguage(page, item.second);
    if (item.urgent) {
      page.classList.add('page-urgent');
      const band = el(doc, 'div', 'urgent-band', '紧急通知');
      if (item.second) band.setAttribute('lang', 'zh-Hans');
      page.appendChild(band);
    }
    page.appendChild((item.second ? plainNode : wordsNode)('h1', 'item-title', item.title));
    const path = pathText(item.path);
    if (path) page.appendChild(el(doc, 'p', 'item-path', path));
    const body = el(doc, 'div', 'body body-' + kind);
    page.appendChild(body);
    return { page, body };
  }

  /** A paginator laying pages of `item` out in `host` (the measuring region or a half of it). */
  function paginatorFor(item, host) {
    return createPaginator({
      doc, measure: host, metrics, newPage, wordsNode: item.second ? plainNode : wordsNode, measureColumns
    });
  }

  /** One image page; its blob: URL is kept in `entry.urls` (revoked when the entry dies). */
  function mediaPage(item, sha, entry, alt) {
    const p = newPage(item, 'media');
    if (!sha) {
      p.body.appendChild(el(doc, 'div', 'media-missing', '图片暂不可用'));
      return p.page;
    }
    const img = el(doc, 'img');
    img.alt = alt || item.title || '';
    img.decoding = 'async';
    p.body.appendChild(img);
    assets.objectUrl(sha, item).then((u) => {
      if (entry.dead) {
        urls.revokeObjectURL(u);
        return;
      }
      entry.urls.push(u);
      img.src = u;
    }).catch((error) => {
      warn('image ' + sha + ' unavailable', error);
      if (img.parentNode) {
        img.parentNode.replaceChild(el(doc, 'div', 'media-missing', '图片暂不可用（等待网络恢复）'), img);
      }
    });
    return p.page;
  }

  function plainBlocks(text) {
    return plainLines(text).map((line) => el(doc, 'p', null, line));
  }

  /**
   * The pages of `item` (its Chinese text, or its second language's: see secondItem) laid out
   * in `host`. `primary`: the Chinese body of a translation (a translated table follows its
   * Chinese table's column kinds and total row).
   */
  function pagesOf(item, host, entry, primary) {
    const body = item.body || {};
    const paginator = paginatorFor(item, host);
    if (body.type === 'table') {
      return paginator.paginateTable(item, body, cells, primary && primary.type === 'table' ? primary : null);
    }
    if (body.type === 'image') return [mediaPage(item, body.asset, entry, body.caption)];
    if (body.type === 'pdf') {
      const list = body.pages || [];
      return list.length
        ? list.map((p, i) => mediaPage(item, pageSha(p), entry, (item.title || '') + ' 第' + (i + 1) + '页'))
        : [mediaPage(item, null, entry)];
    }
    if (body.type === 'text') {
      const html = body.format === 'html';
      const blocks = html ? htmlBlocks(doc, body.text || body.html || '') : plainBlocks(body.text);
      return paginator.paginateBlocks(item, blocks, html ? 'html' : 'text');
    }
    return paginator.paginateBlocks(item, [el(doc, 'p', 'cont', UNSUPPORTED)], 'text');
  }

  /**
   * True when half the main region is too narrow for `pages` (laid out in `half`): a table had
   * to let every cell wrap (too narrow for its columns) or be stacked as records (its rows too
   * tall for a page), or a page's body holds fewer than
   * three lines (a vertical title takes most of a small board's half).
   */
  function cramped(pages, half, item) {
    const narrow = (n) => (tagOf(n) === 'TABLE' && hasClass(n, 'squeezed')) || hasClass(n, 'records');
    if (pages.some((page) => descendants(page, narrow).length)) {
      return true;
    }
    if (!metrics.lines) return false;
    const empty = newPage(item, 'text');
    half.appendChild(empty.page);
    const lines = metrics.lines(empty.body);
    half.removeChild(empty.page);
    return lines < MIN_HALF_LINES;
  }

  /**
   * Side by side: the Chinese pages in the left half, the second language's in the right one,
   * each paginated in its half; the language with fewer pages keeps its title on the pages
   * after its last. Null when a half is too narrow for its text (see cramped): alternate then.
   */
  function sideBySide(item, second, entry) {
    const pair = el(doc, 'div', 'pair');
    const halves = [el(doc, 'div', 'half'), el(doc, 'div', 'half')];
    for (const half of halves) pair.appendChild(half);
    measure.appendChild(pair);
    const parts = [[item, pagesOf(item, halves[0], entry)], [second, pagesOf(second, halves[1], entry, item.body)]];
    const narrow = parts.some(([which, pages], i) => cramped(pages, halves[i], which));
    measure.removeChild(pair);
    if (narrow) return null;
    const count = Math.max(parts[0][1].length, parts[1][1].length);
    const pages = [];
    for (let i = 0; i < count; i++) {
      const page = el(doc, 'div', 'pair');
      for (const [which, list] of parts) {
        const half = el(doc, 'div', 'half');
        const shown = list[i] || newPage(which, 'text').page;
        if (shown.signageOversize) page.signageOversize = true;
        half.appendChild(shown);
        page.appendChild(half);
      }
      pages.push(page);
    }
    return pages;
  }

  /**
   * The pages of `item` for the layout on screen, into `entry` ({pages, urls, dead}). A
   * bilingual item is shown as `mode` says ('side' or 'alternate', see bilingual.js).
   */
  function render(item, entry, mode = 'side') {
    clear(measure);
    measure.style.width = main.offsetWidth + 'px';
    measure.style.height = main.offsetHeight + 'px';
    try {
      const second = secondItem(item);
      let pages = second && mode === 'side' ? sideBySide(item, second, entry) : null;
      if (!pages) {
        pages = pagesOf(item, measure, entry);
        if (second) pages = pages.concat(pagesOf(second, measure, entry, item.body));
      }
      entry.pages = pages;
      markStarts(entry.pages);
    } finally {
      clear(measure);
    }
    return entry;
  }

  return { render, newPage, wordsNode, titleParts };
}

/**
 * What a page shows, for tests: {index, kind, text, blocks, rows, header, records}: `records`,
 * the record cards of a table stacked as records (rows: 0; `cards` their lines). Of a page side by
 * side, its Chinese half, with `second` describing the other half; `lang`: the language tag
 * of a second-language page or half (none for Chinese); `oversize` for a page that holds a
 * row taller than a page (shown cut, the paginator's last resort).
 */
export function describePage(page, index) {
  const bodies = pageBodies(page);
  const out = describeBody(bodies[0], index);
  const half = bodies[1] ? bodies[1].parentNode : page;
  const lang = half.getAttribute && half.getAttribute('lang');
  if (lang) out.lang = lang;
  if (bodies[1]) out.second = describeBody(bodies[1], index);
  if (page.signageOversize) out.oversize = true; // shown cut: one row taller than the page
  return out;
}

function describeBody(body, index) {
  const kind = (body.className.match(/body-(\w+)/) || [])[1] || '';
  const header = [];
  for (const group of descendants(body, (n) => hasClass(n, 'thead'))) {
    for (const th of descendants(group, (n) => tagOf(n) === 'TH')) header.push(th.textContent);
  }
  const out = {
    index: index + 1,
    kind,
    text: body.textContent,
    blocks: elementChildren(body).length,
    rows: bodyRowsUnder(body).length,
    header
  };
  if (hasClass(body, 'records')) {
    out.records = recordsUnder(body).length;
    out.cards = descendants(body, (n) => hasClass(n, 'record')).map((card) => ({
      total: hasClass(card, 'total'),
      cont: hasClass(card, 'cont'),
      lines: elementChildren(card).map((line) => line.textContent)
    }));
  }
  return out;
}
