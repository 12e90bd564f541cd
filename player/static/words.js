/*
 * Where a Chinese title may break: between words only, never inside a name or a number, so
 * that "第三季/度" or "集/义村" cannot happen. One rule for the screens (renderers.js) and the
 * villagers' pages (served from here to both). Breaks are <wbr> elements: nothing is added
 * to the text. Rules between two word segments a|b (Intl.Segmenter): only between Chinese
 * words; not after a single character (a run of them is a name: 集|义|村, 李); not after 第…
 * (第三|季度); not before a lone single character (党委|会, 决策|及); always before an
 * opening bracket (收入 / （元）). Without Intl.Segmenter a title is one part.
 *
 * On a page, each element with a data-words attribute (plain text only) is split so and gets
 * the class "words" (word-break: keep-all in the page's stylesheet).
 */
(function () {
  'use strict';
  var WORDS = typeof Intl !== 'undefined' && typeof Intl.Segmenter === 'function'
    ? new Intl.Segmenter('zh-CN', { granularity: 'word' }) : null;
  var HAN_WORD = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
  var OPENERS = '（《「『【〔〈“‘([{';

  function parts(text) {
    text = String(text || '');
    if (!WORDS) return [text];
    var segs = [];
    var it = WORDS.segment(text)[Symbol.iterator]();
    for (var step = it.next(); !step.done; step = it.next()) segs.push(step.value.segment);
    var han = segs.map(function (s) {
      return HAN_WORD.test(s);
    });
    var single = segs.map(function (s, i) {
      return han[i] && s.length === 1;
    });
    var out = [segs[0] || ''];
    for (var i = 1; i < segs.length; i++) {
      var a = segs[i - 1];
      var lone = single[i] && !single[i + 1]; // a single character on its own
      var ok = han[i - 1] && han[i] && !single[i - 1] && a.charAt(0) !== '第' && !lone;
      if (OPENERS.indexOf(segs[i].charAt(0)) >= 0 && OPENERS.indexOf(a.slice(-1)) < 0 &&
          !/\s$/.test(a)) ok = true;
      if (ok) out.push(segs[i]);
      else out[out.length - 1] += segs[i];
    }
    return out;
  }

  /** Put `list` into `node` with <wbr> between the parts. */
  function fill(node, list) {
    while (node.firstChild) node.removeChild(node.firstChild);
    list.forEach(function (part, i) {
      if (i) node.appendChild(document.createElement('wbr'));
      node.appendChild(document.createTextNode(part));
    });
  }

  Object.defineProperty(window, 'signageWords', {
    value: Object.freeze({ parts: parts, fill: fill }),
    writable: false, configurable: false, enumerable: true
  });

  function applyToPage() {
    Array.prototype.forEach.call(document.querySelectorAll('[data-words]'), function (node) {
      if (node.children.length) return; // plain text only
      var list = parts(node.textContent);
      if (list.length < 2) return;
      fill(node, list);
      node.classList.add('words');
    });
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', applyToPage);
  else applyToPage();
})();
