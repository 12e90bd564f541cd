/*
 * Bilingual items (docs/player-protocol.md, "Bilingual items"): an item whose organisation
 * discloses in Chinese and a second language carries `translation` = {lang, tag, name, dir,
 * vertical, font, title, body, ticker}; the manifest's `bilingual` says how the screen shows it:
 *
 *   side       each page holds the Chinese and the second language next to each other, each
 *              paginated in its half of the main region. Where a half is too narrow for its
 *              text at the readable size (a table whose columns would all have to wrap, or a
 *              page body of fewer than three lines, e.g. a vertical title on an LED board)
 *              the item is shown alternating instead: text is never made smaller
 *   alternate  the Chinese pages, then the second language's pages, in the item's turn.
 *              Every page lasts the item's duration_s (rotation.js), so the item's turn
 *              grows with its pages as for any long item: the schedule's rules (order,
 *              dayparts, urgent interrupts) are untouched
 *
 * The second language is marked on every element that shows it: lang (its BCP 47 tag), dir,
 * its font first with the Noto families after it, and for a vertical script (traditional
 * Mongolian) the class `vertical` (writing-mode: vertical-lr: top to bottom, columns left to
 * right). The chrome around it (urgent band, category, seal line, page indicator) stays
 * Chinese.
 *
 * Pure functions of their arguments (Node tests in tests/player/js/bilingual.test.js).
 */

/** The Noto families that draw the second languages, after the manifest's font. */
// (Chinese before Korean: Han characters in a second-language text, e.g. the urgent band's
// 紧急通知, take their Chinese forms.)
export const SECOND_FONTS = [
  'Noto Naskh Arabic', 'Noto Sans Mongolian', 'Noto Serif Tibetan', 'Noto Sans Yi',
  'Noto Sans', 'Noto Sans CJK SC', 'Noto Sans CJK KR'
];

export const MODES = ['side', 'alternate'];

/** How the manifest wants bilingual items shown: 'side' (the default) or 'alternate'. */
export function bilingualMode(manifest) {
  const mode = manifest && manifest.bilingual;
  return MODES.includes(mode) ? mode : 'side';
}

/** The CSS font-family of a second language: its own font, then the Noto families. */
export function fontFamily(font) {
  const names = [];
  for (const name of [font, ...SECOND_FONTS]) {
    const clean = String(name || '').replace(/["\\]/g, '').trim();
    if (clean && !names.includes(clean)) names.push(clean);
  }
  return names.map((n) => '"' + n + '"').join(', ') + ', sans-serif';
}

/** A language description of the manifest ({lang, tag, dir, vertical, font}), checked. */
export function languageOf(t) {
  if (!t || typeof t !== 'object') return null;
  return {
    lang: String(t.lang || ''),
    tag: String(t.tag || t.lang || ''),
    dir: t.dir === 'rtl' ? 'rtl' : 'ltr',
    vertical: t.vertical === true,
    font: String(t.font || '')
  };
}

/**
 * Mark `node` as showing the second language `t` (lang, dir, font, and `vertical` where the
 * script is set vertically and `upright` allows it: not on the ticker, see tickerMotion): the
 * one place where the player sets a language, so that no second-language element is left
 * unmarked.
 */
export function markLanguage(node, t, upright = true) {
  const language = languageOf(t);
  if (!language) return node;
  node.setAttribute('lang', language.tag);
  node.setAttribute('dir', language.dir);
  node.style.fontFamily = fontFamily(language.font);
  node.classList.add('second');
  if (language.vertical && upright) node.classList.add('vertical');
  return node;
}

/**
 * The second-language text of `item` as an item of its own (its title and body, the same id,
 * validity and urgency), or null when it has none. `second` holds the language; the path of
 * a major matter (四议两公开) is Chinese chrome and stays on the Chinese pages.
 */
export function secondItem(item) {
  const t = item && item.translation;
  if (!t || typeof t !== 'object' || !t.body || typeof t.body !== 'object') return null;
  return Object.assign({}, item, { title: String(t.title || ''), body: t.body, path: null, second: t });
}

/**
 * Which way a ticker line moves for its language: 'left' (it enters from the right, the
 * head of the line first: Chinese, and every left-to-right script) or 'right' (it enters from
 * the left: Uyghur and the other right-to-left scripts, whose head is their right end).
 *
 * Traditional Mongolian is set vertically on pages, but a ticker strip (120 design pixels
 * high) holds two or three letters of a vertical column: it cannot scroll a column. Its
 * line is shown horizontally as Unicode and its fonts lay Mongolian out in horizontal text
 * (the letters turned a quarter to the left, read left to right), so it moves like Chinese,
 * entering from the right. Turning a vertical column on its side by CSS would be wrong:
 * the words would read bottom to top.
 */
export function tickerMotion(language) {
  return language && language.dir === 'rtl' ? 'right' : 'left';
}
