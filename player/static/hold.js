/*
 * The rotation held by a reading (定时朗读, aloud.js): while the item on screen is read aloud,
 * the screen stays on it and turns its pages as the reading goes through them.
 *
 *   - Each part said (title, sentence, table row) is placed on the page that shows it: its
 *     place in the body (speech.js speechParts: rows of a table, else characters) against
 *     what each page holds (paginator.js pageUnits), in the pages of the language said: the
 *     Chinese pages while Chinese is read, then the translation's (alternating pages, or the
 *     same pages side by side). The page turns when the part before it has been said.
 *   - A reading ends when it is said, stopped (a key, a new reading) or cut at MAX_READING_MS
 *     (a stuck speech engine never freezes the screen). The page on screen then stays
 *     AFTER_READING_MS more (at most its own duration), and the rotation goes on with the item
 *     after the one read: its pages have been shown as they were read.
 *   - A reading lives as long as the display it reads (display.js stops it when the display
 *     ends: an urgent item, the item withdrawn, expired or out of the rotation, a new revision).
 *
 * Pure functions of their arguments (`now` is passed in, never read), except pageSides, which
 * reads a page's tree through the DOM's core node API (dom.js), so Node tests run it on the
 * fake document.
 */
import { elementChildren } from './dom.js';
import { pageBodies, pageUnits } from './paginator.js';
import { isChinese } from './speech.js';

/** A reading never holds the screen longer than this. */
export const MAX_READING_MS = 10 * 60000;
/** After a reading, its last page stays this long (at most its duration) before the next item. */
export const AFTER_READING_MS = 3000;

/** 0 for the Chinese text, 1 for the translation. */
export function sideOf(lang) {
  return lang && !isChinese(lang) ? 1 : 0;
}

function languageAbove(body, page) {
  for (let n = body.parentNode; n; n = n.parentNode) {
    const lang = n.getAttribute ? n.getAttribute('lang') : null;
    if (lang) return lang;
    if (n === page) break;
  }
  return null;
}

/**
 * What page `page` holds of each language: [chinese, translation], each {units, empty} or
 * null when the page does not show that language (`empty`: a page with a title only, kept
 * beside the other language's longer text).
 */
export function pageSides(page) {
  const out = [null, null];
  for (const body of pageBodies(page)) {
    const side = sideOf(languageAbove(body, page));
    const units = body.parentNode ? pageUnits(body.parentNode) : 0;
    out[side] = { units, empty: elementChildren(body).length === 0 };
  }
  return out;
}

/** The page of `list` ([{index, start, units, empty}]) showing the place `x`. */
function pageOfPlace(list, x) {
  const holding = list.find((p) => p.units > 0 && p.start <= x && x < p.start + p.units);
  if (holding) return holding.index;
  const shown = list.filter((p) => !p.empty);
  const pick = shown.length ? shown : list;
  if (!pick.length) return null;
  return x <= 0 ? pick[0].index : pick[pick.length - 1].index;
}

/**
 * The page of each part said: `parts` [{side, at, units}] (`units` the size of that
 * language's body, as speechParts counts it), `sides` pageSides of every page. A part goes to
 * the page holding the same share of its language's pages as it is into its body; a page
 * never goes back within a language.
 */
export function partPages(parts, sides) {
  const lists = [[], []];
  const totals = [0, 0];
  sides.forEach((both, index) => {
    both.forEach((s, side) => {
      if (!s) return;
      lists[side].push({ index, start: totals[side], units: s.units, empty: s.empty });
      totals[side] += s.units;
    });
  });
  const last = [null, null];
  let previous = 0;
  return parts.map((part) => {
    const side = part.side ? 1 : 0;
    const x = part.units > 0 ? (part.at * totals[side]) / part.units : 0;
    let page = pageOfPlace(lists[side], x);
    if (page === null) page = previous;
    if (last[side] !== null && page < last[side]) page = last[side];
    last[side] = page;
    previous = page;
    return page;
  });
}

/**
 * A reading of display `c` starting at `now`: `parts` [{side, at, units}] as said, `sides`
 * the pages' pageSides. `at` is the part being said, `ended` null, 'done' or 'stopped'.
 */
export function startReading(c, parts, sides, now) {
  const plan = parts.map((p) => ({ side: p.side ? 1 : 0, at: p.at || 0, units: p.units || 0 }));
  return {
    display: c,
    parts: plan,
    pages: partPages(plan, sides),
    at: 0,
    started: now,
    until: now + MAX_READING_MS,
    ended: null
  };
}

/** The reading placed on new pages (the display was paginated again). */
export function replan(reading, sides) {
  reading.pages = partPages(reading.parts, sides);
  return reading;
}

/** True while `reading` holds display `c`. */
export function holding(reading, c) {
  return !!reading && !!c && reading.display === c && !reading.ended;
}

/**
 * What the display does with `reading` at `now` for display `c`:
 *   {kind: 'free'}              no reading of this display: rotate as usual
 *   {kind: 'hold', page}        stay on the item, on `page` (the page of the part being said)
 *   {kind: 'limit'}             held too long: stop the speech engine, then release
 *   {kind: 'release', pageEnd}  the reading ended: the page stays until pageEnd, then the
 *                               next item
 */
export function holdStep(reading, c, now) {
  if (!reading || !c || reading.display !== c) return { kind: 'free' };
  if (reading.ended) {
    const pause = Math.min(AFTER_READING_MS, Math.max(0, (c.dur || 0) * 1000));
    return { kind: 'release', pageEnd: now + pause };
  }
  if (now >= reading.until) return { kind: 'limit' };
  const pages = reading.pages;
  const page = pages.length ? pages[Math.max(0, Math.min(reading.at, pages.length - 1))] : c.page;
  return { kind: 'hold', page };
}
