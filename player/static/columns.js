/*
 * Column widths of a typed table, measured once on the whole table in the browser so that
 * every page of it has the same columns. Short, number and money columns get the width of
 * their longest cell on one line; text columns share the rest (fillText, a pure function)
 * at the widths that make the table shortest (tuneText, measured).
 */

import { el } from './dom.js';

/**
 * Share `room` px among the text columns in proportion to their one-line widths, none
 * below its minimum nor above its one-line width (while others still want more).
 */
export function fillText(fixed, text, textMin, natural, room) {
  let widths = fixed.slice();
  const open = text.map((c, i) => ({ c, min: textMin[i], max: natural[c] }));
  let left = room;
  let changed = true;
  while (changed && open.length) {
    changed = false;
    const weight = open.reduce((a, o) => a + o.max, 0);
    for (let i = 0; i < open.length; i++) {
      const share = left * open[i].max / weight;
      if (share < open[i].min || share > open[i].max) {
        const w = share < open[i].min ? open[i].min : open[i].max;
        widths[open[i].c] = w;
        left -= w;
        open.splice(i, 1);
        changed = true;
        break;
      }
    }
  }
  const weightLeft = open.reduce((a, o) => a + o.max, 0);
  for (const o of open) widths[o.c] = left * o.max / weightLeft;
  if (!text.length) {
    // No text column to take the rest: spread it over all.
    const total = widths.reduce((a, b) => a + b, 0);
    widths = widths.map((w) => w + room * w / (total || 1));
  }
  return widths;
}

const sum = (list) => list.reduce((a, b) => a + b, 0);

/**
 * measureColumns(item, thead, trs, kinds, newPage, host) for the document `doc`: pages are
 * laid out in `host` (by default `measure`; a half of it for a bilingual page); `frame` is the scaled frame (client rectangles are divided by its scale).
 */
export function createColumnMeter({ doc, measure, frame }) {
  const view = doc.defaultView;

  /**
   * How much the frame is scaled on this screen (fit(): a 1366×768 television shows the
   * 1920×1080 design at 0.71; an editor's preview far smaller). Client rectangles are scaled,
   * layout sizes (clientWidth, the design) are not: widths compared with them are divided by it.
   */
  function frameScale() {
    const design = frame.offsetWidth;
    const shown = frame.getBoundingClientRect().width;
    return design > 0 && shown > 0 ? shown / design : 1;
  }

  /** Width (px, border box) of each of the first `n` cells of the table's first row. */
  function firstRowWidths(table, n) {
    const row = table.rows[0];
    const out = [];
    const k = frameScale();
    for (let c = 0; c < n; c++) {
      const cell = row && row.cells[c];
      out.push(cell ? cell.getBoundingClientRect().width / k : 0);
    }
    return out;
  }

  /**
   * Widths of the text columns that make the table shortest. Each text column is tried at
   * every whole number of characters between its minimum and its one-line width (one layout
   * per width, all columns at once: a cell's height depends on its own column only); then
   * the combination with the least total row height that fits `room` is taken (ties: the
   * most even), and what is left is shared in proportion.
   */
  function tuneText(table, widths, text, textMin, natural, em, pad, room) {
    const group = el(doc, 'colgroup');
    const cols = widths.map((w) => {
      const col = el(doc, 'col');
      col.style.width = w + 'px';
      group.appendChild(col);
      return col;
    });
    table.className = '';
    table.style.tableLayout = 'fixed';
    table.insertBefore(group, table.firstChild);
    const body = table.querySelector('tbody:not(.thead)');
    const rows = Array.prototype.slice.call(body.rows);
    const range = doc.createRange();
    const lo = text.map((c, i) => Math.max(1, Math.ceil((textMin[i] - pad - 2) / em - 0.01)));
    const hi = text.map((c, i) => Math.max(lo[i], Math.ceil((natural[c] - pad - 2) / em - 0.01)));
    const top = Math.max(...hi);
    const bottom = Math.min(...lo);
    // heights[i][k - lo[i]][r]: content height of row r's cell in text column i at k characters.
    const heights = text.map(() => []);
    const fixedWidth = widths.reduce((a, w, c) => (text.includes(c) ? a : a + w), 0);
    try {
      for (let k = bottom; k <= top; k++) {
        let total = fixedWidth;
        text.forEach((c, i) => {
          const w = Math.min(Math.max(k, lo[i]), hi[i]) * em + pad + 2;
          cols[c].style.width = w + 'px';
          total += w;
        });
        table.style.width = total + 'px';
        text.forEach((c, i) => {
          if (k < lo[i] || k > hi[i]) return;
          heights[i].push(rows.map((tr) => {
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
    const budget = Math.floor((room - text.length * (pad + 2)) / em + 0.001);
    let best = null;
    let bestCost = Infinity;
    let bestSpread = Infinity;
    const pick = lo.slice();
    let combos = 0;
    function visit(i, used) {
      if (combos > 200000) return;
      if (i === text.length) {
        combos += 1;
        let cost = 0;
        for (let r = 0; r < rows.length; r++) {
          let h = 0;
          for (let j = 0; j < text.length; j++) h = Math.max(h, heights[j][pick[j] - lo[j]][r]);
          cost += h;
        }
        let spread = 0;
        for (let m = 0; m < text.length; m++) spread += Math.abs(pick[m] / hi[m] - used / budget);
        if (cost < bestCost - 0.5 || (cost < bestCost + 0.5 && spread < bestSpread)) {
          best = pick.slice();
          bestCost = cost;
          bestSpread = spread;
        }
        return;
      }
      for (let kk = lo[i]; kk <= hi[i] && used + kk <= budget; kk++) {
        pick[i] = kk;
        visit(i + 1, used + kk);
      }
    }
    visit(0, 0);
    if (!best || combos > 200000) return widths;
    const out = widths.slice();
    let spent = 0;
    text.forEach((c, i) => {
      out[c] = best[i] * em + pad + 2;
      spent += out[c];
    });
    // The room left is shared in proportion to the one-line widths.
    const weight = text.reduce((a, c) => a + natural[c], 0);
    for (const c of text) out[c] += (room - spent) * natural[c] / weight;
    return out;
  }

  /**
   * Column widths (percent) for the whole table, or null. Short, number and money columns get
   * the width of their longest cell on one line (names, amounts, 第7次党委会 never wrap); the
   * text columns share the rest, each at least four characters and its header wide. When the
   * short columns cannot fit even so, their headers may wrap (at punctuation); when they
   * still do not fit, the browser's own layout is taken and `squeezed` lets every cell wrap.
   * A text column of a second language is never narrower than its widest word.
   */
  function measureColumns(item, thead, trs, kinds, newPage, host = measure) {
    if (!trs.length) return null;
    const n = kinds.length;
    const p = newPage(item, 'table');
    const table = el(doc, 'table', 'natural');
    const tbody = el(doc, 'tbody');
    for (const tr of trs) tbody.appendChild(tr);
    p.body.appendChild(table);
    host.appendChild(p.page);
    try {
      const avail = p.body.clientWidth;
      table.appendChild(tbody);
      const bodyNat = firstRowWidths(table, n);
      // The widest word of each column (its cells' min-content width). A second language's
      // words never break inside (player.css: a joining script such as Uyghur would have its
      // letters pulled apart), so none of its columns may be narrower than that.
      let wordMin = bodyNat.map(() => 0);
      if (item.second) {
        table.className = 'shrink';
        wordMin = firstRowWidths(table, n);
        table.className = 'natural';
      }
      let headNat = bodyNat.map(() => 0);
      let headMin = headNat.slice();
      let headAny = headNat.slice();
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
      const cell = tbody.rows[0].cells[0];
      const style = view.getComputedStyle(cell);
      const em = parseFloat(style.fontSize) || 16;
      const pad = (parseFloat(style.paddingLeft) || 0) + (parseFloat(style.paddingRight) || 0) +
        (parseFloat(style.borderLeftWidth) || 0);
      const SLACK = 2; // px: rounding of percentages must not push a one-line cell onto two
      const text = [];
      let textMin = [];
      const natural = [];
      for (let c = 0; c < n; c++) {
        natural.push(Math.max(bodyNat[c], headNat[c]) + SLACK);
        if (kinds[c] === 'text') {
          text.push(c);
          textMin.push(Math.min(natural[c], Math.max(headMin[c], 4 * em + pad, wordMin[c]) + SLACK));
        }
      }
      let widths = null;
      let anyBreak = false;
      let narrowText = false;
      if (sum(natural) <= avail) {
        // Everything fits on one line: spread the spare width in proportion.
        const scale = avail / sum(natural);
        widths = natural.map((w) => w * scale);
      } else {
        let minText = sum(textMin);
        let fixed = kinds.map((kind, k) => (kind === 'text' ? 0 : natural[k]));
        const narrow = (heads) => fixed.map((w, i) => (
          kinds[i] === 'text' ? 0 : Math.max(bodyNat[i], heads[i]) + SLACK));
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
          textMin = text.map((c) => Math.min(natural[c], Math.max(headAny[c], 2 * em + pad, wordMin[c]) + SLACK));
          minText = sum(textMin);
        }
        if (text.length && (avail - sum(fixed)) / text.length < 8 * em + pad) {
          // Text columns narrower than about eight characters wrap between any two characters
          // (between words only, they would waste too much of each line).
          narrowText = true;
        }
        if (narrowText) {
          for (const td of table.querySelectorAll('td.words')) td.classList.remove('words');
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
        const auto = firstRowWidths(table, n);
        const total = table.getBoundingClientRect().width || 1;
        return {
          squeezed: true,
          narrowText: true,
          widths: auto.map((w) => Math.round(w / total * 10000) / 100)
        };
      }
      return {
        squeezed: false,
        narrowText,
        headersBreak: !!anyBreak,
        widths: widths.map((w) => Math.floor(w / avail * 10000) / 100)
      };
    } finally {
      host.removeChild(p.page);
    }
  }

  return measureColumns;
}

/**
 * True when a typed table is to be shown as stacked records (each row a card, one line of
 * label and value per column) rather than as a table: when the table cannot show at least one
 * whole row per page at the readable size (an LED board's narrow, short page), when its total
 * row cannot share a page with the row before it, or when its columns only fit with every
 * cell wrapping (`squeezed`: names and amounts would be broken inside). Heights are those of
 * the table laid out at its column widths, in px:
 *   room    an empty page body           head   the caption and the header row
 *   rows    each data row                totals which rows are total rows (合计, جەمئىي)
 * A pure function of its arguments; `slack` px absorbs the rounding of collapsed borders.
 */
export function stackRecords({ room, head = 0, rows = [], totals = [], squeezed = false, slack = 1 }) {
  if (!rows.length || !(room > 0)) return false;
  if (squeezed) return true;
  const fits = (height) => head + height <= room + slack;
  for (let i = 0; i < rows.length; i++) {
    if (!fits(rows[i])) return true;
    if (totals[i] && i > 0 && !fits(rows[i - 1] + rows[i])) return true;
  }
  return false;
}
