/*
 * Time on a screen: ISO 8601 parsing, validity windows and the screen's own time zone.
 *
 * Pure functions of their arguments (no clock is read here: callers pass `now`), so that
 * rotation, expiry and proof of play can be tested in Node with any instant and time zone.
 */

/** The zone used when the screen's own is missing or unknown to this browser. */
export const DEFAULT_TZ = 'Asia/Shanghai';

/** Milliseconds since the epoch of an ISO 8601 string, or null for null/empty/invalid. */
export function parseTime(value) {
  if (value === null || value === undefined || value === '') return null;
  const t = Date.parse(value);
  return Number.isNaN(t) ? null : t;
}

/** True when `now` is inside [valid_from, valid_until) of `x` (null = unbounded). */
export function inWindow(x, now) {
  const from = parseTime(x.valid_from);
  const until = parseTime(x.valid_until);
  return (from === null || from <= now) && (until === null || now < until);
}

/** `tz` when this browser knows it, else DEFAULT_TZ. */
export function validTimeZone(tz) {
  if (!tz) return DEFAULT_TZ;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return tz;
  } catch (e) {
    return DEFAULT_TZ;
  }
}

export function pad(n) {
  return (n < 10 ? '0' : '') + n;
}

const formatters = new Map();

function formatter(tz, kind) {
  const key = tz + '|' + kind;
  if (!formatters.has(key)) {
    formatters.set(key, kind === 'date'
      ? new Intl.DateTimeFormat('zh-CN', {
        timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric', weekday: 'long'
      })
      : new Intl.DateTimeFormat('en-US', {
        timeZone: tz, year: 'numeric', month: 'numeric', day: 'numeric',
        hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23'
      }));
  }
  return formatters.get(key);
}

function parts(t, tz, kind) {
  const out = {};
  for (const p of formatter(tz, kind).formatToParts(new Date(t))) out[p.type] = p.value;
  return out;
}

/** "2026年11月23日 星期一" in the screen's timezone. */
export function dateText(t, tz) {
  const p = parts(t, tz, 'date');
  return p.year + '年' + Number(p.month) + '月' + Number(p.day) + '日 ' + p.weekday;
}

/** "2026年12月31日" (no weekday). */
export function shortDateText(t, tz) {
  const p = parts(t, tz, 'date');
  return p.year + '年' + Number(p.month) + '月' + Number(p.day) + '日';
}

/** Year, month, day, hour, minute and second of `t` in `tz`, as numbers. */
export function numericParts(t, tz) {
  const p = parts(t, tz, 'iso');
  return {
    y: Number(p.year), mo: Number(p.month), d: Number(p.day),
    h: Number(p.hour) % 24, mi: Number(p.minute), s: Number(p.second)
  };
}

/** "09:05" in the screen's timezone. */
export function clockText(t, tz) {
  const p = numericParts(t, tz);
  return pad(p.h) + ':' + pad(p.mi);
}

/** The offset of `tz` from UTC at `t`, in milliseconds (+08:00 is 28800000). */
export function offsetMs(t, tz) {
  const whole = Math.floor(t / 1000) * 1000;
  const p = numericParts(whole, tz);
  return Date.UTC(p.y, p.mo - 1, p.d, p.h, p.mi, p.s) - whole;
}

/** "2026-11-23T09:00:00+08:00": ISO 8601 with the offset of the screen's timezone. */
export function isoWithOffset(t, tz) {
  const whole = Math.floor(t / 1000) * 1000;
  const p = numericParts(whole, tz);
  const offset = Math.round(offsetMs(whole, tz) / 60000);
  const sign = offset >= 0 ? '+' : '-';
  const abs = Math.abs(offset);
  return String(p.y) + '-' + pad(p.mo) + '-' + pad(p.d) + 'T' + pad(p.h) + ':' + pad(p.mi) +
    ':' + pad(p.s) + sign + pad(Math.floor(abs / 60)) + ':' + pad(abs % 60);
}
