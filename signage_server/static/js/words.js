/*
 * Titles on the villagers' pages break between words only (never "第三季/度" or "集/义村"):
 * each element with a data-words attribute gets <wbr> between its words and the class
 * "words" (word-break: keep-all in feedback.css). Nothing is added to the text itself.
 * The same rule as titleParts() in player/static/player.js (the screens' titles): breaks only
 * between Chinese words of two characters or more, not after 第…, not around a lone single
 * character, and before an opening bracket. Without Intl.Segmenter the page is unchanged.
 */
(function () {
  'use strict';
  if (typeof Intl === 'undefined' || typeof Intl.Segmenter !== 'function') return;
  var WORDS = new Intl.Segmenter('zh-CN', { granularity: 'word' });
  var HAN_WORD = /^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+$/;
  var OPENERS = '（《「『【〔〈“‘([{';

  function parts(text) {
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
      var lone = single[i] && !single[i + 1];
      var ok = han[i - 1] && han[i] && !single[i - 1] && a.charAt(0) !== '第' && !lone;
      if (OPENERS.indexOf(segs[i].charAt(0)) >= 0 && OPENERS.indexOf(a.slice(-1)) < 0 &&
          !/\s$/.test(a)) ok = true;
      if (ok) out.push(segs[i]);
      else out[out.length - 1] += segs[i];
    }
    return out;
  }

  Array.prototype.forEach.call(document.querySelectorAll('[data-words]'), function (node) {
    if (node.children.length) return; // plain text only
    var list = parts(node.textContent);
    if (list.length < 2) return;
    while (node.firstChild) node.removeChild(node.firstChild);
    list.forEach(function (part, i) {
      if (i) node.appendChild(document.createElement('wbr'));
      node.appendChild(document.createTextNode(part));
    });
    node.classList.add('words');
  });
})();
