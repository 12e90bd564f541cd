/*
 * The frame: the layout's stylesheet and design size, scale-to-fit, and the header clock.
 *
 * Layout names and design sizes are the server's (layouts/<name>.json), handed to the page
 * in its `data-definitions` attribute (screens/layouts.py: player_definitions): the player
 * keeps no copy of them. The frame is drawn at the design size and scaled to the viewport,
 * centred and letterboxed, so text is never re-flowed smaller.
 */

import { clockText, dateText } from './time.js';
import { setText } from './dom.js';
import { orgName } from './side.js';

/** The default layout: the first the server lists (landscape). */
export function defaultLayout(defs) {
  return Object.keys(defs.layouts)[0];
}

/** `name` when the server defines it, else the default layout. */
export function knownLayout(defs, name) {
  return Object.prototype.hasOwnProperty.call(defs.layouts, name) ? name : defaultLayout(defs);
}

/** [width, height] of layout `name` (the default layout's for an unknown name). */
export function layoutSize(defs, name) {
  const layout = defs.layouts[knownLayout(defs, name)];
  return [layout.width, layout.height];
}

/** Size and transform that fit a design of `size` into a `vw`×`vh` viewport, centred. */
export function fitBox(size, vw, vh) {
  const w = vw || size[0];
  const h = vh || size[1];
  const k = Math.min(w / size[0], h / size[1]);
  const x = Math.round((w - size[0] * k) / 2);
  const y = Math.round((h - size[1] * k) / 2);
  return {
    width: size[0] + 'px',
    height: size[1] + 'px',
    transform: 'translate(' + x + 'px,' + y + 'px) scale(' + k + ')'
  };
}

/**
 * The frame of one player.
 *   S            the player's state (S.layout, S.layoutLoading, S.metricsEpoch, S.tz, ...)
 *   defs         the server's definitions ({layouts: {name: {width, height, label}}})
 *   layoutHref   name -> URL of the layout's stylesheet
 */
export function createFrame({ doc, win, dom, S, defs, layoutHref }) {
  let load = null; // the stylesheet being loaded: {gen, promise}
  let gen = 0;
  const shown = { date: null, clock: null };

  /**
   * Whatever changes the size of text or of the main region (a layout stylesheet applied, a
   * font loaded, the region resized) invalidates every pagination made before it.
   */
  function metricsChanged() {
    S.metricsEpoch += 1;
  }

  function watchMetrics() {
    if (doc.fonts && doc.fonts.addEventListener) doc.fonts.addEventListener('loadingdone', metricsChanged);
    if (typeof win.ResizeObserver === 'function') {
      let last = '';
      new win.ResizeObserver(() => {
        const size = dom.main.offsetWidth + 'x' + dom.main.offsetHeight;
        if (size === last) return;
        last = size;
        metricsChanged();
      }).observe(dom.main);
    }
  }

  /** Scale the frame (design size) to fit the viewport, centred, letterboxed in black. */
  function fit() {
    const box = fitBox(layoutSize(defs, S.layout), win.innerWidth, win.innerHeight);
    dom.frame.style.width = box.width;
    dom.frame.style.height = box.height;
    dom.frame.style.transform = box.transform;
  }

  /** Remove every layout stylesheet but `keep`. */
  function dropLayoutLinks(keep) {
    for (const link of doc.querySelectorAll('link#layout-css, link[data-layout]')) {
      if (link !== keep && link.parentNode) link.parentNode.removeChild(link);
    }
  }

  /**
   * Switch to layout `name` (its stylesheet and design size); resolve true when it changed,
   * once its stylesheet applies. Nothing is paginated while a stylesheet loads
   * (S.layoutLoading): a caller asking for the layout being loaded waits for that same load,
   * and a load overtaken by another layout hands over to the newer one.
   */
  function setLayout(wanted) {
    const name = knownLayout(defs, wanted);
    if (name === S.layout) return load ? load.promise : Promise.resolve(false);
    S.layout = name;
    dom.frame.className = 'frame layout-' + name;
    fit();
    const old = doc.getElementById('layout-css');
    const href = layoutHref(name);
    const mine = ++gen;
    if (old && old.getAttribute('href') === href) {
      dropLayoutLinks(old);
      load = null;
      S.layoutLoading = false;
      metricsChanged();
      return Promise.resolve(true);
    }
    S.layoutLoading = true; // no pagination with the wrong stylesheet
    const current = { gen: mine, promise: null };
    current.promise = new Promise((resolve) => {
      const link = doc.createElement('link');
      let done = false;
      function finish() {
        if (done) return;
        done = true;
        link.onload = link.onerror = null;
        if (mine !== gen) {
          // Overtaken by another layout: that one decides when pagination may start.
          if (link.parentNode) link.parentNode.removeChild(link);
          resolve(load ? load.promise : true);
          return;
        }
        dropLayoutLinks(link);
        link.id = 'layout-css';
        load = null;
        S.layoutLoading = false;
        metricsChanged();
        resolve(true);
      }
      link.rel = 'stylesheet';
      link.setAttribute('data-layout', name);
      link.onload = finish;
      link.onerror = finish;
      link.href = href;
      doc.head.appendChild(link);
    });
    load = current;
    return current.promise;
  }

  function showFrame() {
    dom.boot.hidden = true;
    dom.pairing.hidden = true;
    dom.frame.hidden = false;
    fit();
  }

  /** Draw the header's date and clock again at the next renderClock (a new zone, layout). */
  function resetClock() {
    shown.date = shown.clock = null;
  }

  function renderClock(now) {
    const date = dateText(now, S.tz);
    const clock = clockText(now, S.tz);
    if (date !== shown.date) {
      shown.date = date;
      setText(dom.date, date);
    }
    if (clock !== shown.clock) {
      shown.clock = clock;
      setText(dom.clock, clock);
    }
    const org = orgName(S.rotation.manifest, S.screen);
    setText(dom.org, org);
    if (S.idleNode) {
      setText(S.idleNode.clock, clock);
      setText(S.idleNode.date, date);
      setText(S.idleNode.org, org);
    }
  }

  return { setLayout, fit, showFrame, metricsChanged, watchMetrics, renderClock, resetClock };
}
