/*
 * 定时朗读 on a screen: the manifest's read_aloud = {times: ["08:00", "18:00"], key: true} makes
 * the player read the item on screen aloud at those times of day (in the screen's time zone)
 * and/or when a key of the box is pressed (Enter, or a USB button or media key sending one).
 *
 * nextReading and readingsOfItem are pure; createAloud wires them to the player's clock (its
 * tick passes `now`, its `now` option is the player's clock for key presses: never the wall
 * clock here) and to a speech adapter (speech.js createSpeaker over the box's speechSynthesis,
 * or a fake in tests).
 *
 * While an item is read the rotation holds on it and its pages follow the reading (hold.js):
 * the reading is S.reading, which the display (display.js) consults every tick.
 */
import { cellDisplay, columnKinds } from './cells.js';
import { holding, pageSides, sideOf, startReading } from './hold.js';
import { chooseVoice, speechParts } from './speech.js';
import { numericParts, offsetMs } from './time.js';

/** A reading more than this late (the box was asleep or off) is skipped, not made up. */
export const LATE_MS = 10 * 60000;
/** Keys that start (or stop) a reading. */
export const READ_KEYS = ['Enter', 'NumpadEnter', 'MediaPlayPause', 'MediaPlay'];
export const STOP_KEYS = ['MediaStop', 'Escape'];

const DAY_MS = 86400000;

/** The instant of the wall time y-mo-d h:mi in `tz`. */
function instantOf(y, mo, d, h, mi, tz) {
  const local = Date.UTC(y, mo - 1, d, h, mi);
  const guess = local - offsetMs(local, tz);
  return local - offsetMs(guess, tz);
}

/**
 * The instant (ms) of the first reading strictly after `now`, for `times` ("HH:MM", the
 * screen's time of day in `tz`); null when there are none.
 */
export function nextReading(times, now, tz) {
  const valid = (times || []).map((t) => /^(\d{2}):(\d{2})$/.exec(t)).filter(Boolean);
  if (!valid.length) return null;
  const today = numericParts(now, tz);
  let best = null;
  for (let day = 0; day <= 2 && best === null; day++) {
    const date = new Date(Date.UTC(today.y, today.mo - 1, today.d) + day * DAY_MS);
    for (const m of valid) {
      const at = instantOf(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(),
        Number(m[1]), Number(m[2]), tz);
      if (at > now && (best === null || at < best)) best = at;
    }
  }
  return best;
}

function tableBlock(body) {
  const columns = body.columns || [];
  const rows = body.rows || [];
  const kinds = columnKinds(columns, rows);
  return {
    kind: 'table',
    caption: body.caption || '',
    header: columns.map(String),
    money: kinds.map((k) => k === 'money'),
    rows: rows.map((row) => row.map((cell, i) => cellDisplay(cell, kinds[i]))),
  };
}

function htmlText(html) {
  return String(html || '')
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6])\b[^>]*>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&nbsp;/g, ' ').replace(/&lt;/g, '<').replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

/** A manifest body as the blocks speech.js says. */
export function bodyBlocks(body) {
  if (!body) return [];
  if (body.type === 'table') {
    const blocks = [tableBlock(body)];
    if (body.note) blocks.push({ kind: 'text', text: body.note });
    return blocks;
  }
  if (body.type === 'text') {
    const text = body.format === 'html' ? htmlText(body.text) : String(body.text || '');
    return text.split(/\n\s*\n|\n/).filter((t) => t.trim()).map((t) => ({ kind: 'text', text: t }));
  }
  return body.caption ? [{ kind: 'text', text: body.caption }] : [];
}

/** What a manifest item says: its Chinese text, then its translation (with its own tag). */
export function readingsOfItem(item) {
  const out = [{ lang: 'zh-CN', title: item.title || '', blocks: bodyBlocks(item.body) }];
  const second = item.translation;
  if (second && second.body) {
    out.push({ lang: second.tag || second.lang, title: second.title || '', blocks: bodyBlocks(second.body) });
  }
  return out;
}

/**
 * The utterances of `item` for the voices the box has; languages without one are skipped.
 * Each part: {text, lang, voice, side, at, units}: its language's side (0 Chinese, 1 the
 * translation) and its place in that body (speech.js speechParts), for the pages (hold.js).
 */
export function utterancesOf(item, voices) {
  const parts = [];
  const missing = [];
  for (const reading of readingsOfItem(item)) {
    const voice = chooseVoice(voices, reading.lang);
    // A box that lists no voice at all may still speak Chinese (its engine's default).
    if (!voice && !(voices.length === 0 && reading.lang === 'zh-CN')) {
      missing.push(reading.lang);
      continue;
    }
    const said = speechParts(reading);
    const side = sideOf(reading.lang);
    for (const { text, at } of said.parts) {
      parts.push({ text, lang: reading.lang, voice, side, at, units: said.units });
    }
  }
  return { parts, missing };
}

/**
 * The screen's reader: tick(now) reads at the manifest's times, key(event) on a key press,
 * stop() ends the reading. `speaker` is speech.js createSpeaker (or a fake), `voices()` the
 * engine's voices, `now()` the player's clock. The reading (hold.js startReading) is put in
 * S.reading; the speaker moves it on (the part said, its end).
 */
export function createAloud({ S, speaker, voices, warn, now }) {
  let plan = null; // {times, tz, next}

  function setting() {
    const m = S.rotation && S.rotation.manifest;
    return m && m.read_aloud ? m.read_aloud : null;
  }

  /** Read the item on screen (not one whose content changed since: its new text is not shown). */
  function read(at) {
    const c = S.cur;
    if (!c || !c.item || c.stale) return false;
    const { parts, missing } = utterancesOf(c.item, voices());
    if (missing.length && warn) warn('no voice for ' + missing.join(', '));
    if (!parts.length) return false;
    const reading = startReading(c, parts, (c.pages || []).map(pageSides), at);
    S.reading = reading;
    speaker.speak(parts, (ok) => {
      if (!reading.ended) reading.ended = ok ? 'done' : 'stopped';
    }, (i) => {
      reading.at = i;
    });
    if (reading.ended === 'stopped' && S.reading === reading) {
      S.reading = null; // the engine refused at once: nothing holds the screen
      return false;
    }
    return true;
  }

  /** Stop the reading (if any). */
  function stop() {
    speaker.stop();
    if (S.reading && !S.reading.ended) S.reading.ended = 'stopped';
  }

  function tick(now) {
    const s = setting();
    const times = s && s.times ? s.times : [];
    const key = times.join(' ') + '|' + S.tz;
    if (!plan || plan.key !== key || now < plan.from) {
      plan = { key, from: now, next: nextReading(times, now, S.tz) };
    }
    if (plan.next === null || now < plan.next) return false;
    const late = now - plan.next;
    plan = { key, from: now, next: nextReading(times, now, S.tz) };
    return late <= LATE_MS ? read(now) : false;
  }

  function key(event) {
    const s = setting();
    if (!s || !s.key || event.repeat) return false;
    if (STOP_KEYS.includes(event.key)) {
      stop();
      return true;
    }
    if (!READ_KEYS.includes(event.key) && !READ_KEYS.includes(event.code)) return false;
    if (event.preventDefault) event.preventDefault();
    if (speaker.speaking || holding(S.reading, S.cur)) {
      stop();
      return true;
    }
    return read(now());
  }

  return {
    tick, key, read, stop,
    get next() { return plan ? plan.next : null; },
    /** True while the item on screen is being read. */
    get reading() { return holding(S.reading, S.cur); }
  };
}
