/*
 * The paginator: lays a body out on as many pages as needed at the layout's readable size,
 * never shrinking text. Pages are built in the offscreen `measure` copy of the main region.
 *
 *   paginateBlocks   text and rich text: blocks in order; a block too tall is split (text
 *                    at a sentence end or comma, lists by items, tables by rows, header rows
 *                    repeated); a block that cannot be split gets a page of its own, clipped
 *   paginateTable    typed tables: rows never split, the header row on every page, a total
 *                    row never alone, the caption repeated with （续）, the note after the
 *                    last row (or on its own page: a table that fits whole on a page is
 *                    never split for its note). A table that cannot show a whole row per
 *                    page at the readable size (stackRecords, columns.js: LED boards) is
 *                    laid out as stacked records instead, one card per row (label and
 *                    value a line), paginated by card: no card cut or skipped, the total
 *                    card never alone
 *   pageUnits, markStarts, pageAt, pageCut
 *                    what a page holds, to go on from the same content after re-paginating
 *
 * Everything it measures goes through `metrics` (browserMetrics(document) on a screen):
 * overflows(body), height(node), lineHeight(node), slice(block, start, end), room(body) (the
 * height of an empty page body: without it tables are never stacked) and, for bilingual
 * pages side by side, lines(body). Node tests
 * give it a fake document and metrics of their own. How a page starts (title, urgent band)
 * and how a word-broken cell is made come from the renderers (newPage, wordsNode).
 */

import { stackRecords } from './columns.js';
import { descendants, el, elementChildren, firstDescendant, hasClass, rowsOf, tagOf } from './dom.js';

const CLOSERS = '，。、；：？！）》」』】〕〉”’…—%,.;:?!)]}،؛؟᠂᠃';
const OPENERS = '（《「『【〔〈“‘([{';
// Chinese, Latin, Arabic (Uyghur) and Mongolian sentence ends and commas.
const SENTENCE_ENDS = '。！？；!?;؛؟᠃';
const SOFT_BREAKS = '，、：,:،᠂';
// A letter of a script that spaces its words (Arabic, Mongolian, Latin ...), with the marks
// and joiners inside its words (Mongolian vowel separator, narrow no-break space, ZWJ/ZWNJ):
// cutting between two of them would split a word, and in a joining script break its letters'
// shapes. Han, kana and hangul syllables may be cut anywhere.
const WORD_LETTER = /[\p{L}\p{M}\p{N}\u180b-\u180f\u200c\u200d\u202f]/u;
const UNSPACED = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}]/u;
const KIND_CLASS = { money: 'num money', number: 'num', short: 'short', text: 'text' };
const LTR_RUN = /^[0-9\s.,:\-/%+−¥￥]+$/;

function wordChar(ch) {
  return !!ch && WORD_LETTER.test(ch) && !UNSPACED.test(ch);
}

/** Move a cut at `cut` out of a word of a spaced script to the space before it (or leave it). */
function wordStart(text, cut) {
  if (!(wordChar(text.charAt(cut - 1)) && wordChar(text.charAt(cut)))) return cut;
  let i = cut;
  while (i > 1 && wordChar(text.charAt(i - 1))) i -= 1;
  return i > 1 && i > cut - 60 ? i : cut;
}

/** Move a page break at character `best` back to a better place (sentence end, comma). */
export function niceCut(text, best) {
  const cut = chineseCut(text, best);
  return wordStart(text, cut);
}

function chineseCut(text, best) {
  // A mark between two digits is part of a number (31,200; 1.5), not a place to break.
  const breaksAt = (marks, i) => marks.includes(text.charAt(i - 1)) && !CLOSERS.includes(text.charAt(i)) &&
    !(/[0-9]/.test(text.charAt(i - 2)) && /[0-9]/.test(text.charAt(i)));
  for (let i = best; i > Math.max(1, best - 40); i--) {
    if (breaksAt(SENTENCE_ENDS, i)) return i;
  }
  for (let i = best; i > Math.max(1, best - 16); i--) {
    if (breaksAt(SOFT_BREAKS, i)) return i;
  }
  let cut = best;
  // Never start a page with closing punctuation, never end one with an opening mark,
  // never cut a number or a Latin word in two.
  while (cut > 1 && (CLOSERS.includes(text.charAt(cut)) ||
      OPENERS.includes(text.charAt(cut - 1)) ||
      (/[0-9A-Za-z]/.test(text.charAt(cut)) && /[0-9A-Za-z.,]/.test(text.charAt(cut - 1))))) {
    cut -= 1;
  }
  return cut > best - 24 ? cut : best;
}

/*
 * Header rows go in a <tbody class="thead">, never in a <thead>: Chromium (seen with 156)
 * keeps some memory for good each time a <thead> is styled, and the player styles a table's
 * header again on every page it shows. With the demo that was ~70 KB of Blink heap an hour,
 * for ever (docs/benchmarks.md). A <tbody> has the same default style.
 */
export function headerGroup(doc) {
  return el(doc, 'tbody', 'thead');
}

/** Turn every <thead> under `root` into a headerGroup above the table's rows. */
export function replaceHeaderGroups(doc, root) {
  for (const thead of descendants(root, (n) => tagOf(n) === 'THEAD')) {
    const table = thead.parentNode;
    const group = headerGroup(thead.ownerDocument || doc);
    while (thead.firstChild) group.appendChild(thead.firstChild);
    const before = elementChildren(table).find((n) => n !== thead && ['TBODY', 'TR'].includes(tagOf(n)));
    table.removeChild(thead);
    table.insertBefore(group, before || null);
  }
}

/** Measurements taken from the browser's layout of `doc`. */
export function browserMetrics(doc) {
  const view = doc.defaultView;

  function pointAt(range, root, offset, isStart) {
    const walker = doc.createTreeWalker(root, view.NodeFilter.SHOW_TEXT, null);
    let seen = 0;
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const len = node.nodeValue.length;
      if (isStart ? offset < seen + len : offset <= seen + len) {
        if (isStart) range.setStart(node, offset - seen);
        else range.setEnd(node, offset - seen);
        return;
      }
      seen += len;
    }
    if (isStart) range.setStart(root, root.childNodes.length);
    else range.setEnd(root, root.childNodes.length);
  }

  /** True for a node set vertically (traditional Mongolian): its lines are columns. */
  const vertical = (node) => String(view.getComputedStyle(node).writingMode || '').indexOf('vertical') === 0;

  return {
    // A vertical body fills its columns left to right: it overflows in width.
    overflows: (body) => body.scrollHeight > body.clientHeight + 1 ||
      (body.scrollWidth > body.clientWidth + 1 && vertical(body)),
    /** The extent of `node` across its lines (its height, its width when vertical). */
    height: (node) => (vertical(node) ? node.offsetWidth : node.offsetHeight),
    /** The extent of an empty page body across its lines (its height; width when vertical). */
    room: (body) => (vertical(body) ? body.clientWidth : body.clientHeight),
    /** How many lines of its text an empty page body holds. */
    lines(body) {
      const style = view.getComputedStyle(body);
      const lh = parseFloat(style.lineHeight) || parseFloat(style.fontSize) * 1.5;
      return (vertical(body) ? body.clientWidth : body.clientHeight) / lh;
    },
    lineHeight(node) {
      const style = view.getComputedStyle(node);
      const lh = parseFloat(style.lineHeight);
      return Number.isNaN(lh) ? parseFloat(style.fontSize) * 1.5 : lh;
    },
    /** A shallow copy of `block` holding its content between character offsets start and end. */
    slice(block, start, end) {
      const range = doc.createRange();
      if (start <= 0) range.setStart(block, 0);
      else pointAt(range, block, start, true);
      pointAt(range, block, end, false);
      const out = block.cloneNode(false);
      out.appendChild(range.cloneContents());
      return out;
    }
  };
}

/**
 * A paginator drawing into `measure`.
 *   newPage(item, kind) -> {page, body}   an empty page of `item` (title, band, body)
 *   wordsNode(tag, cls, text)             an element whose text breaks between words only
 *   measureColumns(item, thead, trs, kinds, newPage, host) -> column layout or null
 *                                         (columns.js; measured in `host`, this `measure`)
 */
export function createPaginator({ doc, measure, metrics, newPage, wordsNode, measureColumns }) {
  const overflows = metrics.overflows;

  /**
   * Split a text block so that its first part fits in `body` (which may already hold blocks).
   * On a page that already has content, a split is only worth it when two lines or more fit.
   */
  function splitText(block, body, pageHasContent) {
    const text = block.textContent;
    const total = text.length;
    if (total < 2) return null;
    let lo = 1;
    let hi = total - 1;
    let best = 0;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const probe = metrics.slice(block, 0, mid);
      body.appendChild(probe);
      const over = overflows(body);
      body.removeChild(probe);
      if (over) {
        hi = mid - 1;
      } else {
        best = mid;
        lo = mid + 1;
      }
    }
    if (best < 1) return null;
    const cut = niceCut(text, best);
    const head = metrics.slice(block, 0, cut);
    const rest = metrics.slice(block, cut, total);
    if (!rest.textContent.trim()) return null;
    head.classList.add('split-head');
    rest.classList.add('cont');
    if (pageHasContent) {
      body.appendChild(head);
      const tall = metrics.height(head) >= 1.9 * metrics.lineHeight(head);
      body.removeChild(head);
      if (!tall) return null;
    }
    return [head, rest];
  }

  function splitList(list, body, pageHasContent) {
    const items = elementChildren(list);
    const head = list.cloneNode(false);
    body.appendChild(head);
    let n = 0;
    for (const item of items) {
      head.appendChild(item.cloneNode(true));
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
    const rest = list.cloneNode(false);
    for (const item of items.slice(n)) rest.appendChild(item.cloneNode(true));
    if (tagOf(list) === 'OL') {
      const start = parseInt(list.getAttribute('start'), 10) || 1;
      rest.setAttribute('start', String(start + n));
    }
    return [head, rest];
  }

  /** Split an HTML <table> by rows, repeating its header rows (see headerGroup). */
  function splitTable(table, body, pageHasContent) {
    const thead = elementChildren(table).find((n) => hasClass(n, 'thead'));
    const rows = bodyRowsUnder(table);
    function shell() {
      const t = table.cloneNode(false);
      if (thead) t.appendChild(thead.cloneNode(true));
      const tbody = doc.createElement('tbody');
      t.appendChild(tbody);
      return { table: t, tbody };
    }
    const head = shell();
    body.appendChild(head.table);
    let n = 0;
    for (const row of rows) {
      head.tbody.appendChild(row.cloneNode(true));
      if (overflows(body)) {
        head.tbody.removeChild(head.tbody.lastChild);
        break;
      }
      n += 1;
    }
    body.removeChild(head.table);
    if (n === 0 || n === rows.length || (pageHasContent && n < 2)) return null;
    const rest = shell();
    for (const row of rows.slice(n)) rest.tbody.appendChild(row.cloneNode(true));
    return [head.table, rest.table];
  }

  function splitBlock(block, body, pageHasContent) {
    const tag = tagOf(block);
    if ((tag === 'UL' || tag === 'OL') && elementChildren(block).length > 1) {
      return splitList(block, body, pageHasContent);
    }
    if (tag === 'TABLE') return splitTable(block, body, pageHasContent);
    return splitText(block, body, pageHasContent);
  }

  /** Lay `blocks` out on as many pages as needed; a block too tall for a page is split. */
  function paginateBlocks(item, blocks, kind) {
    const pages = [];
    let cur = null;
    function start() {
      cur = newPage(item, kind);
      measure.appendChild(cur.page);
    }
    function finish() {
      measure.removeChild(cur.page);
      pages.push(cur.page);
      cur = null;
    }
    start();
    const queue = blocks.slice();
    let guard = 0;
    while (queue.length && guard < 10000) {
      guard += 1;
      const block = queue.shift();
      cur.body.appendChild(block);
      if (!overflows(cur.body)) continue;
      cur.body.removeChild(block);
      const hasContent = !!cur.body.firstChild;
      const split = splitBlock(block, cur.body, hasContent);
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
    else measure.removeChild(cur.page);
    return pages;
  }

  /**
   * Typed table body: header row repeated on every page, note under the last one (or stacked
   * records: see wantsRecords). Amounts in
   * money columns read 1,322.40; short columns never wrap (see measureColumns); a total row
   * never starts a page alone; a caption that repeats the title is left out.
   * `cells` is cells.js (the table-cell rule). `primary`: the Chinese table of a translated
   * one (same shape, same numbers), whose headers and first cells decide the kind of each
   * column (money reads 45,000.00 in both) and which row is the total (合计, جەمئىي).
   */
  function paginateTable(item, body, cells, primary) {
    const rowsOfBody = (b) => (b.rows || []).map((r) => (Array.isArray(r) ? r : [r]));
    const columns = (body.columns || []).map(cells.numberText);
    const rows = rowsOfBody(body);
    const ruleRows = primary ? rowsOfBody(primary) : rows;
    const kinds = primary
      ? cells.columnKinds((primary.columns || []).map(cells.numberText), ruleRows)
      : cells.columnKinds(columns, rows);
    const isTotal = (i) => cells.isTotalRow(ruleRows[i] || rows[i]);
    const width = kinds.length;
    const caption = body.caption && !cells.captionRepeatsTitle(body.caption, item.title)
      ? cells.numberText(body.caption) : '';
    const pages = [];
    let cur = null;
    let layout = null;
    let records = false;
    /**
     * Whether the table is shown as stacked records (stackRecords, columns.js): it is laid out
     * whole once, at its column widths, and its rows measured against an empty page.
     */
    function wantsRecords() {
      if (!metrics.room || !rows.length) return false;
      start();
      const trs = rows.map(makeRow);
      for (const tr of trs) cur.tbody.appendChild(tr);
      const table = cur.tbody.parentNode;
      let head = 0;
      for (const node of elementChildren(table)) {
        if (tagOf(node) === 'CAPTION' || hasClass(node, 'thead')) head += metrics.height(node);
      }
      const decision = stackRecords({
        room: metrics.room(cur.body),
        head,
        rows: trs.map((tr) => metrics.height(tr)),
        totals: rows.map((r, i) => isTotal(i)),
        squeezed: !!(layout && layout.squeezed)
      });
      measure.removeChild(cur.page);
      cur = null;
      return decision;
    }
    function header() {
      const thead = headerGroup(doc);
      const tr = el(doc, 'tr');
      for (let c = 0; c < width; c++) {
        const th = wordsNode('th', KIND_CLASS[kinds[c]], columns[c] || '');
        th.scope = 'col';
        tr.appendChild(th);
      }
      thead.appendChild(tr);
      return thead;
    }
    function start() {
      const p = newPage(item, 'table');
      const more = pages.length ? (item.second ? ' …' : '（续）') : '';
      if (records) {
        // Stacked records: the caption over the cards, the cards in a list of their own.
        p.body.classList.add('records');
        if (caption) p.body.appendChild(el(doc, 'p', 'records-caption', caption + more));
        const list = el(doc, 'div', 'record-list');
        p.body.appendChild(list);
        measure.appendChild(p.page);
        cur = { page: p.page, body: p.body, tbody: list };
        return;
      }
      const table = el(doc, 'table');
      if (caption) {
        table.appendChild(el(doc, 'caption', null, caption + more));
      }
      if (layout) {
        // Same column widths on every page (measured once on the whole table).
        table.style.tableLayout = 'fixed';
        if (layout.squeezed) table.classList.add('squeezed');
        if (layout.headersBreak) table.classList.add('any');
        const group = el(doc, 'colgroup');
        for (const w of layout.widths) {
          const col = el(doc, 'col');
          col.style.width = w + '%';
          group.appendChild(col);
        }
        table.appendChild(group);
      }
      if (columns.length) table.appendChild(header());
      const tbody = el(doc, 'tbody');
      table.appendChild(tbody);
      p.body.appendChild(table);
      measure.appendChild(p.page);
      cur = { page: p.page, body: p.body, tbody };
    }
    function finish() {
      // A single row (or record line) taller than the page can only be shown cut.
      if (overflows(cur.body)) cur.page.signageOversize = true;
      measure.removeChild(cur.page);
      pages.push(cur.page);
      cur = null;
    }
    function makeRow(r, i) {
      const tr = el(doc, 'tr', isTotal(i) ? 'total' : null);
      for (let c = 0; c < width; c++) {
        const text = cells.cellDisplay(r[c], kinds[c]);
        // Text cells, like titles, wrap between words (道路/硬化, not 道路硬/化).
        const words = kinds[c] === 'text' && !(layout && layout.narrowText);
        const td = words ? wordsNode('td', 'text', text) : el(doc, 'td', KIND_CLASS[kinds[c]], text);
        // Dates and codes (2026-10-08) are left-to-right runs, in a right-to-left table too.
        if (kinds[c] === 'short' && LTR_RUN.test(text)) td.classList.add('ltr');
        tr.appendChild(td);
      }
      return tr;
    }
    /**
     * A row as a record card: one line of label (the column's header) and value per filled
     * cell, the value as in the table (money 45,000.00, names and dates on one line). A total
     * row's first cell (合计) heads its card, beside its amounts.
     */
    function makeCard(r, i) {
      const total = isTotal(i);
      const card = el(doc, 'div', total ? 'record total' : 'record');
      let headed = !total;
      for (let c = 0; c < width; c++) {
        const text = cells.cellDisplay(r[c], kinds[c]);
        if (!text) continue;
        if (!headed) {
          headed = true;
          card.appendChild(wordsNode('div', 'record-head', text));
          continue;
        }
        const field = el(doc, 'div', 'field');
        field.appendChild(wordsNode('span', 'label', columns[c] || ''));
        const value = kinds[c] === 'text' ? wordsNode('span', 'value text', text)
          : el(doc, 'span', 'value ' + KIND_CLASS[kinds[c]], text);
        if (kinds[c] === 'short' && LTR_RUN.test(text)) value.classList.add('ltr');
        field.appendChild(value);
        card.appendChild(field);
      }
      return card;
    }
    /** The first `k` lines of `card` and the rest (a continued card), or null. */
    function splitCard(card, k) {
      const parts = elementChildren(card);
      if (k < 1 || k >= parts.length) return null;
      const head = card.cloneNode(false);
      const rest = card.cloneNode(false);
      rest.classList.add('cont');
      parts.forEach((part, j) => (j < k ? head : rest).appendChild(part.cloneNode(true)));
      return [head, rest];
    }
    const rowCount = () => (records ? elementChildren(cur.tbody) : rowsOf(cur.tbody)).length;
    /** True when `nodes` (cards) fit on an empty page of the table by themselves. */
    function fitsAlone(nodes) {
      const saved = cur;
      start();
      for (const node of nodes) cur.tbody.appendChild(node.cloneNode(true));
      const fits = !overflows(cur.body);
      measure.removeChild(cur.page);
      cur = saved;
      return fits;
    }
    /**
     * Rows to carry over to the next page with the last one: a total row takes one more (on a
     * page of just the two, the note has a page of its own rather than the total go alone).
     */
    function tail() {
      const list = records ? elementChildren(cur.tbody) : rowsOf(cur.tbody);
      const n = list.length;
      return n > 1 && hasClass(list[n - 1], 'total') ? 2 : 1;
    }
    /** Close the page, moving its last `n` rows onto the next one. */
    function breakBefore(n) {
      const moved = [];
      for (let i = 0; i < n; i++) moved.unshift(cur.tbody.removeChild(cur.tbody.lastChild));
      finish();
      start();
      for (const tr of moved) cur.tbody.appendChild(tr);
    }
    /**
     * A card alone on its page that does not fit: its lines go on as a continued card on the
     * next page(s), never cut (only a single line taller than a page is shown cut).
     */
    function spillCard() {
      while (overflows(cur.body)) {
        const card = cur.tbody.lastChild;
        let split = null;
        for (let k = elementChildren(card).length - 1; k >= 1 && !split; k--) {
          const trial = splitCard(card, k);
          cur.tbody.replaceChild(trial[0], card);
          if (!overflows(cur.body)) split = trial;
          cur.tbody.replaceChild(card, trial[0]);
        }
        if (!split) return; // one line taller than the page: shown cut (signageOversize)
        cur.tbody.replaceChild(split[0], card);
        finish();
        start();
        cur.tbody.appendChild(split[1]);
      }
    }
    /**
     * The total card does not fit under the cards on its page: it takes the card before it
     * onto the next page; when the two do not fit on a page together, the lines of the card
     * before it are shared between the pages so that the total never stands alone.
     */
    function placeTotal() {
      const total = cur.tbody.lastChild;
      const before = total.previousSibling;
      if (!before) {
        spillCard();
        return;
      }
      if (rowCount() > 2 && fitsAlone([before, total])) {
        breakBefore(2);
        return;
      }
      for (let k = elementChildren(before).length - 1; k >= 1; k--) {
        const split = splitCard(before, k);
        if (!fitsAlone([split[1], total])) continue;
        cur.tbody.removeChild(total);
        cur.tbody.replaceChild(split[0], before);
        finish();
        start();
        cur.tbody.appendChild(split[1]);
        cur.tbody.appendChild(total);
        return;
      }
      breakBefore(1);
      spillCard();
    }
    layout = measureColumns
      ? measureColumns(item, columns.length ? header() : null, rows.map(makeRow), kinds, newPage, measure)
      : null;
    records = wantsRecords();
    start();
    rows.forEach((r, i) => {
      if (records) {
        cur.tbody.appendChild(makeCard(r, i));
        if (!overflows(cur.body)) return;
        if (isTotal(i)) placeTotal();
        else if (rowCount() > 1) breakBefore(1);
        if (overflows(cur.body)) spillCard();
        return;
      }
      cur.tbody.appendChild(makeRow(r, i));
      if (overflows(cur.body) && rowCount() > 1) {
        // The row does not fit: it starts the next page (a total row with the row before it).
        breakBefore(rowCount() > 2 && isTotal(i) ? 2 : 1);
      }
    });
    if (body.note) {
      const note = el(doc, 'p', 'table-note', body.note);
      cur.body.appendChild(note);
      if (overflows(cur.body)) {
        cur.body.removeChild(note);
        let placed = false;
        // A table whole on its page is never split for its note (its rows read together,
        // the total with them): the note takes a page of its own. A table that already runs
        // over pages ends with its last row (and the row before a total) and the note...
        if (pages.length && rowCount() > tail()) {
          breakBefore(tail());
          cur.body.appendChild(note);
          placed = !overflows(cur.body);
          if (!placed) cur.body.removeChild(note);
        }
        if (!placed) {
          // ... or the note has a page of its own when even that does not fit.
          finish();
          const p = newPage(item, 'table');
          p.body.appendChild(note);
          measure.appendChild(p.page);
          cur = { page: p.page, body: p.body, tbody: null };
        }
      }
    }
    finish();
    return pages;
  }

  return { paginateBlocks, paginateTable, splitText, splitList, splitTable };
}

/** The body region of a page. */
export function pageBody(page) {
  return firstDescendant(page, (n) => hasClass(n, 'body'));
}

/**
 * What a page holds, counted so that two paginations of the same item can be compared:
 * data rows of a table, characters of text (without the header rows and captions repeated
 * on continued pages).
 */
export function pageUnits(page) {
  let n = 0;
  for (const body of pageBodies(page)) {
    if (hasClass(body, 'body-table')) {
      n += bodyRowsUnder(body).length + recordsUnder(body).length;
      continue;
    }
    n += body.textContent.length;
    for (const x of descendants(body, (e) => hasClass(e, 'thead') || tagOf(e) === 'CAPTION')) {
      n -= x.textContent.length;
    }
  }
  return n;
}

/** Every body region of a page: one, or two on a bilingual page shown side by side. */
export function pageBodies(page) {
  return descendants(page, (n) => hasClass(n, 'body'));
}

/** Data rows under `root`: rows not in a header group. */
export function bodyRowsUnder(root) {
  return descendants(root, (n) => tagOf(n) === 'TR' && !hasClass(n.parentNode, 'thead'));
}

/** Record cards under `root` (a stacked table), a card's continuation on a next page aside. */
export function recordsUnder(root) {
  return descendants(root, (n) => hasClass(n, 'record') && !hasClass(n, 'cont'));
}

/** Number each page with the units that come before it (page.signageStart). */
export function markStarts(pages) {
  let start = 0;
  for (const page of pages) {
    page.signageStart = start;
    start += pageUnits(page);
  }
}

/** The page of `pages` holding the content that starts at `start` (the first if several). */
export function pageAt(pages, start) {
  let found = 0;
  for (let i = 0; i < pages.length; i++) {
    const s = pages[i].signageStart || 0;
    if (s > start) break;
    if (s < start || (pages[found].signageStart || 0) !== s) found = i;
  }
  return found;
}

/**
 * True when the page on screen does not show all it holds (a row or a line cut at the
 * bottom) although pagination made it fit: its measurements are out of date.
 */
export function pageCut(page, overflows) {
  if (page.signageOversize) return false;
  return pageBodies(page).some((body) => !hasClass(body, 'body-image') && !hasClass(body, 'body-pdf') &&
    overflows(body));
}
