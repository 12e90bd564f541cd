/*
 * Table cells: the mirror of content/numbers.py (same rule, same test vectors in
 * tests/unit/content/table_cells.json, run by tests/player/js/cells.test.js and the browser
 * tests). Money columns read 1,322.40; short columns (names, dates, 第7次党委会) never wrap; a
 * total row never stands alone; a caption repeating the title is not shown.
 *
 * Pure functions of their arguments.
 */

const MONEY_WORDS = ['金额', '元', '收入', '支出', '合计', '余额', '结余', '价', '费', '资金', '投资',
  '工资', '补贴', '补助'];
const NOT_MONEY_WORDS = ['单元', '公元', '元旦', '元月', '评价'];
const TOTAL_WORDS = ['合计', '总计', '小计', '共计', '累计'];
const SHORT_EMS = 8;
const NARROW_EM = 0.55;
// sign, currency, integer part, fraction, suffix
const NUMERIC = /^([+\-−]?)([¥￥]?)(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(%|‰|元|万元|亿元)?$/;
const WIDE = /[\u1100-\u115f\u2e80-\u303e\u3041-\u33ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6]/g;
const SPACES = /[\s\u3000]+/g;
const PHRASE_PUNCTUATION = /[，、；。：！？]/;
const CAPTION_NOISE = /[\s\u3000：:·,，。.]+/g;

/** A number written in full (no exponent, 2150.0 as 2150); text trimmed. */
export function numberText(value) {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return String(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return '';
    const s = String(value);
    if (!/e/i.test(s)) return s;
    // Exponent notation: write the digits out (what Python's Decimal(repr(x)) gives).
    const m = /^(-?)(\d)(?:\.(\d+))?e([+-]\d+)$/i.exec(s);
    if (!m) return s;
    const digits = m[2] + (m[3] || '');
    const point = 1 + Number(m[4]);
    if (point <= 0) return m[1] + '0.' + '0'.repeat(-point) + digits;
    if (point >= digits.length) return m[1] + digits + '0'.repeat(point - digits.length);
    return m[1] + digits.slice(0, point) + '.' + digits.slice(point);
  }
  return String(value).trim();
}

export function isNumeric(value) {
  if (typeof value === 'boolean') return false;
  if (typeof value === 'number') return numberText(value) !== '';
  if (typeof value !== 'string') return false;
  return NUMERIC.test(numberText(value));
}

export function isMoneyHeader(header) {
  let text = String(header || '');
  for (const w of NOT_MONEY_WORDS) text = text.split(w).join('');
  return MONEY_WORDS.some((w) => text.includes(w));
}

/** Add one to a string of decimal digits. */
function incrementDigits(digits) {
  const out = digits.split('');
  for (let i = out.length - 1; i >= 0; i--) {
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
export function formatMoney(value) {
  if (typeof value === 'boolean' || value === null || value === undefined) return null;
  const m = NUMERIC.exec(numberText(value));
  if (!m || m[5] === '%' || m[5] === '‰') return null;
  const whole = m[3].replace(/,/g, '').replace(/^0+(?=\d)/, '');
  const frac = (m[4] || '') + '000';
  let cents = whole + frac.slice(0, 2);
  if (frac.charAt(2) >= '5') cents = incrementDigits(cents);
  cents = cents.replace(/^0+(?=\d{3})/, '');
  while (cents.length < 3) cents = '0' + cents;
  const intPart = cents.slice(0, -2).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const negative = (m[1] === '-' || m[1] === '−') && /[1-9]/.test(cents);
  return (negative ? '-' : '') + m[2] + intPart + '.' + cents.slice(-2) + (m[5] || '');
}

function ems(text) {
  const wide = (text.match(WIDE) || []).length;
  return wide + (text.length - wide) * NARROW_EM;
}

export function isShort(value) {
  const text = numberText(value).replace(SPACES, ' ');
  return ems(text) <= SHORT_EMS && !PHRASE_PUNCTUATION.test(text);
}

/** Kind of each column: 'money', 'number', 'short' or 'text'. */
export function columnKinds(columns, rows) {
  let width = columns.length;
  for (const r of rows) width = Math.max(width, r.length);
  const kinds = [];
  for (let j = 0; j < width; j++) {
    const filled = rows.filter((r) => j < r.length && numberText(r[j]) !== '').map((r) => r[j]);
    if (filled.length && filled.every(isNumeric)) {
      const money = isMoneyHeader(columns[j] || '') && filled.every((v) => formatMoney(v) !== null);
      kinds.push(money ? 'money' : 'number');
    } else if (filled.every(isShort)) {
      kinds.push('short');
    } else {
      kinds.push('text');
    }
  }
  return kinds;
}

export function cellDisplay(value, kind) {
  if (kind === 'money') {
    const money = formatMoney(value);
    if (money !== null) return money;
  }
  return numberText(value);
}

export function isTotalRow(row) {
  for (const cell of row) {
    const text = numberText(cell).replace(SPACES, '');
    if (text) return TOTAL_WORDS.some((w) => text.indexOf(w) === 0);
  }
  return false;
}

export function captionRepeatsTitle(caption, title) {
  const short = String(caption || '').replace(CAPTION_NOISE, '');
  return short === '' || String(title || '').replace(CAPTION_NOISE, '').includes(short);
}
