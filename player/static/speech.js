/*
 * Reading a disclosure aloud (朗读) with the device's own speech engine (Web Speech API): what
 * is said, in which voice, and a small adapter around speechSynthesis. One module for the
 * villagers' pages (read-aloud.js, the 朗读 button) and the screens (aloud.js, 定时朗读).
 *
 * What is said: the title, then the body — paragraphs sentence by sentence, a table row by
 * row with its headers ("日期：2026-10-08，摘要：上级转移支付，收入：45000元。"), amounts as the
 * numbers they are (no grouping commas, a unit in the header said after the amount).
 *
 * Pure functions of their arguments, except createSpeaker, which only touches the engine it
 * is given. readingOf walks a tree with the DOM's core node API only (dom.js), so it runs in
 * Node on the fake document of the tests too.
 */
import { elementChildren, hasClass, rowsOf, tagOf } from './dom.js';

/** An utterance longer than this is cut at a sentence end (engines stop on long ones). */
export const MAX_CHARS = 160;

const HEADINGS = /^H[1-6]$/;
const BLOCKS = new Set(['P', 'DIV', 'LI', 'UL', 'OL', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6',
  'BLOCKQUOTE', 'FIGURE', 'FIGCAPTION', 'SECTION', 'ARTICLE', 'DL', 'DT', 'DD', 'PRE', 'HR']);
const SKIPPED = new Set(['SCRIPT', 'STYLE', 'TEMPLATE', 'BUTTON', 'NOSCRIPT', 'IMG', 'SVG']);
const SPACES = /[\s\u3000]+/g;
// 1,234,567.80 → 1234567.80; 45,000.00 → 45000 (a zero fraction is not said).
const GROUPED = /\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+\.0+(?!\d)/g;
// A unit at the end of a header: 收入（元）, 金额(万元).
const UNIT = /\s*[（(]\s*(元|万元|亿元|%|％)\s*[)）]\s*$/;

function attr(node, name) {
  return node && typeof node.getAttribute === 'function' ? node.getAttribute(name) : null;
}



function squeeze(text) {
  return String(text || '').replace(SPACES, ' ').trim();
}

/** True for a Chinese language tag (zh, zh-CN, zh-Hans-CN …). */
export function isChinese(lang) {
  return /^zh\b/i.test(String(lang || ''));
}

/** `text` with its amounts as a speech engine says numbers: 12,680.50 → 12680.50. */
export function spokenNumbers(text) {
  return String(text || '').replace(GROUPED, (n) => {
    const plain = n.replace(/,/g, '');
    return /\.0+$/.test(plain) ? plain.replace(/\.0+$/, '') : plain;
  });
}

/** The text of a node as read: hidden parts and other languages' parts left out. */
function textOf(node, lang) {
  if (node.nodeType === 3) return node.nodeValue || '';
  if (node.nodeType !== 1 || skipped(node, lang)) return '';
  if (tagOf(node) === 'BR') return ' ';
  let out = '';
  for (const child of node.childNodes) out += textOf(child, lang);
  return BLOCKS.has(tagOf(node)) ? ' ' + out + ' ' : out;
}

function sameLanguage(a, b) {
  return String(a).toLowerCase() === String(b).toLowerCase();
}

function skipped(node, lang) {
  if (SKIPPED.has(tagOf(node))) return true;
  if (attr(node, 'hidden') !== null || attr(node, 'aria-hidden') === 'true') return true;
  // A part in another language (a translation) has its own button and voice.
  const own = attr(node, 'lang');
  return !!(own && lang && !sameLanguage(own, lang));
}

/** The rows of a table, its header's first (whether or not in sections). */
function tableRows(table) {
  const rows = rowsOf(table);
  for (const section of elementChildren(table)) {
    if (['THEAD', 'TBODY', 'TFOOT'].includes(tagOf(section))) rows.push(...rowsOf(section));
  }
  return rows;
}

/** A rendered table (content/render.py) as {caption, header, rows, money}. */
function tableOf(table, lang) {
  const block = { kind: 'table', caption: '', header: [], rows: [], money: [] };
  for (const child of elementChildren(table)) {
    if (tagOf(child) === 'CAPTION') block.caption = squeeze(textOf(child, lang));
  }
  for (const tr of tableRows(table)) {
    const cells = elementChildren(tr).filter((c) => tagOf(c) === 'TD' || tagOf(c) === 'TH');
    if (cells.length && cells.every((c) => tagOf(c) === 'TH') && !block.rows.length) {
      block.header = cells.map((c) => squeeze(textOf(c, lang)));
      block.money = cells.map((c) => hasClass(c, 'money'));
      continue;
    }
    if (!block.header.length) {
      // No header row: each cell's own label (data-label), if it has one.
      block.header = cells.map((c) => squeeze(attr(c, 'data-label')));
    }
    cells.forEach((c, i) => {
      if (hasClass(c, 'money')) block.money[i] = true;
    });
    block.rows.push(cells.map((c) => squeeze(textOf(c, lang))));
  }
  return block;
}

/** Walk a body (`.content`) into blocks: text runs between block boundaries, and tables. */
function bodyBlocks(node, lang, blocks) {
  let run = '';
  const flush = () => {
    const text = squeeze(run);
    if (text) blocks.push({ kind: 'text', text });
    run = '';
  };
  const walk = (n) => {
    if (n.nodeType === 3) {
      run += n.nodeValue || '';
      return;
    }
    if (n.nodeType !== 1 || skipped(n, lang)) return;
    if (tagOf(n) === 'TABLE') {
      flush();
      blocks.push(tableOf(n, lang));
      return;
    }
    if (tagOf(n) === 'BR') {
      run += ' ';
      return;
    }
    const block = BLOCKS.has(tagOf(n));
    if (block) flush();
    for (const child of n.childNodes) walk(child);
    if (block) flush();
  };
  walk(node);
  flush();
  return blocks;
}

function find(node, test, lang, out, stopInside) {
  for (const child of node.childNodes) {
    if (child.nodeType !== 1 || skipped(child, lang)) continue;
    if (test(child)) {
      out.push(child);
      if (stopInside) continue;
    }
    find(child, test, lang, out, stopInside);
  }
  return out;
}

/**
 * What an element of a page says: {lang, title, blocks}. The title is its first heading; the
 * body every `.content` inside it (the disclosure as rendered by content/render.py). Parts in
 * another language than `lang` (a translation with its own lang attribute) are left out.
 */
export function readingOf(root, lang) {
  const headings = find(root, (n) => HEADINGS.test(tagOf(n)), lang, [], true);
  const bodies = find(root, (n) => hasClass(n, 'content'), lang, [], true);
  const blocks = [];
  for (const body of bodies) bodyBlocks(body, lang, blocks);
  return { lang, title: headings.length ? squeeze(textOf(headings[0], lang)) : '', blocks };
}

/** Cut a long text at sentence ends (。！？；!?; and a full stop before a space, never the
 * point of 12.50), joining short sentences into parts of at most `max` characters. */
export function sentences(text, max = MAX_CHARS) {
  const parts = String(text).split(/(?<=[。！？；!?;]+|\.(?=\s|$))/);
  const out = [];
  let cur = '';
  for (const part of parts) {
    if (cur && (cur + part).length > max) {
      out.push(cur.trim());
      cur = '';
    }
    cur += part;
    while (cur.length > max) {
      out.push(cur.slice(0, max).trim());
      cur = cur.slice(max);
    }
  }
  if (cur.trim()) out.push(cur.trim());
  return out.filter((s) => s && !/^[。！？；!?;.\s]+$/.test(s));
}

function punctuation(lang) {
  return isChinese(lang) ? { colon: '：', comma: '，', stop: '。' } : { colon: ': ', comma: ', ', stop: '.' };
}

/** One table row as said: "日期：2026-10-08，收入：45000元。" (empty cells left out). */
export function rowText(header, money, row, lang) {
  const p = punctuation(lang);
  const said = [];
  row.forEach((cell, i) => {
    let value = spokenNumbers(squeeze(cell));
    if (!value) return;
    let label = squeeze(header[i] || '');
    const unit = UNIT.exec(label);
    if (unit && money[i] && /^[+\-−]?[\d.]+$/.test(value)) {
      label = label.replace(UNIT, '');
      value += unit[1];
    }
    said.push(label ? label + p.colon + value : value);
  });
  return said.length ? said.join(p.comma) + p.stop : '';
}

/**
 * What is said, part by part: [{text, at}] and `units`, the size of the body. `at` is where a
 * part starts in the body, counted as the screen's paginator counts what a page holds: data
 * rows of a table (a reading with a table: its other text takes no room), else characters.
 * The title, said first, is at 0. A screen turns its pages by it (hold.js).
 */
export function speechParts(reading) {
  const lang = reading.lang;
  const out = [];
  const title = squeeze(reading.title);
  if (title) out.push({ text: title, at: 0 });
  const rowsOnly = (reading.blocks || []).some((block) => block.kind === 'table');
  let at = 0;
  for (const block of reading.blocks || []) {
    if (block.kind === 'table') {
      if (block.caption) out.push({ text: squeeze(block.caption), at });
      for (const row of block.rows) {
        const text = rowText(block.header || [], block.money || [], row, lang);
        if (text) out.push({ text, at });
        at += 1;
      }
      continue;
    }
    for (const text of sentences(spokenNumbers(squeeze(block.text)))) {
      out.push({ text, at });
      if (!rowsOnly) at += text.length;
    }
  }
  return { parts: out, units: at };
}

/** What is said, as the texts of successive utterances: title, paragraphs, table rows. */
export function speechTexts(reading) {
  return speechParts(reading).parts.map((part) => part.text);
}

function tagParts(tag) {
  const sub = String(tag || '').replace(/_/g, '-').toLowerCase().split('-');
  const out = { language: sub[0] || '', script: '', region: '' };
  for (const s of sub.slice(1)) {
    if (s.length === 4) out.script = s;
    else if (s.length === 2 || /^\d{3}$/.test(s)) out.region = s;
  }
  return out;
}

// The script a voice without one in its tag reads: a voice for "mn" reads Cyrillic Mongolian,
// not the traditional script of Inner Mongolia ("mn-Mong"). Chinese voices read both sets.
const USUAL_SCRIPT = { mn: 'cyrl', ug: 'arab', bo: 'tibt', ii: 'yiii', kk: 'cyrl', ko: 'kore' };

function readsScript(voice, want) {
  if (!want.script) return true;
  if (voice.script) return voice.script === want.script;
  if (want.language === 'zh') return true;
  const usual = USUAL_SCRIPT[want.language];
  return !usual || usual === want.script;
}

/**
 * The best voice of `voices` (SpeechSynthesisVoice-like: {lang, localService, default}) for
 * the language `tag`, or null when none speaks it: never a voice of another language.
 * Preferred: the same tag, then the same region, a voice with no region, another region.
 */
export function chooseVoice(voices, tag) {
  const want = tagParts(tag);
  if (!want.language) return null;
  let best = null;
  let bestScore = 0;
  for (const voice of voices || []) {
    const has = tagParts(voice.lang);
    if (has.language !== want.language || !readsScript(has, want)) continue;
    let score = 1;
    if (String(voice.lang).replace(/_/g, '-').toLowerCase() === String(tag).toLowerCase()) score = 8;
    else if (want.region && has.region === want.region) score = 6;
    else if (!has.region) score = 4;
    else if (want.language === 'zh' && (has.region === 'cn' || has.region === 'sg')) score = 5;
    else if (want.language === 'zh' && has.region === 'tw') score = 3; // Mandarin; hk is Cantonese
    score += voice.localService ? 0.5 : 0;
    score += voice.default ? 0.25 : 0;
    if (score > bestScore) {
      best = voice;
      bestScore = score;
    }
  }
  return best;
}

/**
 * The adapter around a speech engine (window.speechSynthesis and SpeechSynthesisUtterance, or
 * fakes in tests). speak(parts, onEnd, onPart) says [{text, lang, voice}] one after the other,
 * calling onPart(i) when part i - 1 is done and part i comes next (a screen turns its page
 * then), then onEnd(true) — or onEnd(false) when stopped or failed; a new speak or stop()
 * ends the one before (its onEnd(false) is called).
 */
export function createSpeaker({ synth, Utterance }) {
  let run = 0;
  let ending = null;

  function finish(ok) {
    const done = ending;
    ending = null;
    if (done) done(ok);
  }

  function stop() {
    run++;
    finish(false);
    if (synth) synth.cancel();
  }

  function speak(parts, onEnd, onPart) {
    stop();
    const mine = run;
    ending = onEnd || null;
    if (!parts.length) {
      finish(true);
      return;
    }
    parts.forEach((part, i) => {
      const u = new Utterance(part.text);
      if (part.lang) u.lang = part.lang;
      if (part.voice) u.voice = part.voice;
      u.onend = () => {
        if (run !== mine) return;
        if (i === parts.length - 1) finish(true);
        else if (onPart) onPart(i + 1);
      };
      u.onerror = () => {
        if (run === mine) stop();
      };
      synth.speak(u);
    });
  }

  return { speak, stop, get speaking() { return ending !== null; } };
}
