/*
 * The 朗读 button of the villagers' pages (the QR page of an item, an organisation's public
 * page): reads the element it points at aloud with the phone's own speech engine.
 *
 * Progressive enhancement: the button is rendered hidden and shown here only when the
 * browser has speechSynthesis; without JavaScript (or an engine) nothing is broken or shown.
 * Markup (templates/_read_aloud.html):
 *   <p class="read-aloud" hidden>
 *     <button data-read-aloud="ID" [data-lang="zh-CN"] data-label-read="朗读"
 *             data-label-stop="停止" data-no-voice="…" aria-pressed="false">
 *     <span class="read-aloud-note" role="status" hidden></span></p>
 * The language is data-lang, else the element's own (its closest lang attribute); its voice
 * is chosen for that language, and when the phone has none, the note says so instead of
 * reading it in another language's voice. Pressing again stops; one reading at a time.
 * Every text shown comes from the page (translated on the server).
 */
import { chooseVoice, createSpeaker, readingOf, speechTexts } from './speech.js';

const VOICES_WAIT_MS = 1500;

const synth = window.speechSynthesis;
const Utterance = window.SpeechSynthesisUtterance;

/** The engine's voices; some browsers list them only after 'voiceschanged'. */
function voices() {
  const now = synth.getVoices();
  if (now.length) return Promise.resolve(now);
  return new Promise((resolve) => {
    const done = () => {
      synth.removeEventListener('voiceschanged', done);
      resolve(synth.getVoices());
    };
    synth.addEventListener('voiceschanged', done);
    setTimeout(done, VOICES_WAIT_MS);
  });
}

function langOf(button, target) {
  if (button.dataset.lang) return button.dataset.lang;
  const owner = target.closest('[lang]');
  return owner ? owner.getAttribute('lang') : '';
}

function noteOf(button) {
  const next = button.nextElementSibling;
  return next && next.classList.contains('read-aloud-note') ? next : null;
}

function init() {
  const speaker = createSpeaker({ synth, Utterance });
  let active = null;

  function show(button, reading) {
    button.textContent = reading ? button.dataset.labelStop : button.dataset.labelRead;
    button.setAttribute('aria-pressed', reading ? 'true' : 'false');
  }

  function say(button, text) {
    const note = noteOf(button);
    if (!note) return;
    note.textContent = text || '';
    note.hidden = !text;
  }

  async function read(button) {
    const target = document.getElementById(button.dataset.readAloud);
    if (!target) return;
    const lang = langOf(button, target);
    const list = await voices();
    const voice = chooseVoice(list, lang);
    // No voice listed at all: some phones speak without listing theirs; trust the engine
    // only for the page's own language, never for another one.
    const pageLang = document.documentElement.getAttribute('lang') || '';
    const trusted = !list.length && lang.split('-')[0] === pageLang.split('-')[0];
    if (!voice && !trusted) {
      say(button, button.dataset.noVoice);
      return;
    }
    const texts = speechTexts(readingOf(target, lang));
    active = button;
    show(button, true);
    speaker.speak(texts.map((text) => ({ text, lang, voice })), () => {
      if (active === button) active = null;
      show(button, false);
    });
  }

  for (const button of document.querySelectorAll('button[data-read-aloud]')) {
    const row = button.closest('.read-aloud');
    if (row) row.hidden = false;
    button.addEventListener('click', () => {
      say(button, '');
      if (active === button) {
        speaker.stop();
        return;
      }
      if (active) speaker.stop();
      read(button);
    });
  }
  // Leaving the page (or a phone putting it away) stops the voice.
  window.addEventListener('pagehide', () => speaker.stop());
}

if (synth && Utterance && typeof synth.speak === 'function') init();
