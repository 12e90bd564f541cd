/*
 * 定时开关屏 (power schedule) on the screen: whether the display is meant to be on, blanking
 * it when not, telling the box agent, and reporting the periods it was off.
 *
 * The manifest's `power` (docs/player-protocol.md) carries the weekly rows, the holiday row and
 * the days of the next two weeks the official calendar makes holidays or adjusted working days
 * (调休), so the player decides by its own clock, offline too:
 *
 *   {week: {mon: "07:00-22:00", ..., sun: "off"}, holiday: "off" | "weekday" | "HH:MM-HH:MM",
 *    days: {"2026-10-01": "holiday", "2026-10-10": "workday"}, days_from, days_until}
 *
 * A holiday uses the holiday row ("weekday": its weekday's row), an adjusted working day the
 * Monday row, any other day its weekday's row. An off time at or before the on time runs past
 * midnight. Without `power` the screen is always on.
 *
 * States: 'on'; 'off' (blank: black, nothing readable, rotation paused, no proof of play, no
 * reading aloud); 'woken' (off by schedule, but a live urgent item wakes it: it plays).
 *
 * With a box agent (deploy/kiosk: window.signageAgent is a function), the player sends it
 * {"type": "power", "on": bool} on every change and when it first sees the binding; the agent
 * switches the display by HDMI-CEC or DPMS. Blanking happens anyway.
 *
 * Every blank period is queued in the store (kv 'blanked') and sent as `blanked` [{from,
 * until}] (acknowledged {stored, duplicates, rejected}); a period still open is kept (kv
 * 'blankOpen', refreshed each minute) so a reload closes it at the last minute it was seen.
 *
 * The pure functions read no clock; createPower(ctx) is driven by the tick of main.js.
 */

import { isoWithOffset, numericParts, pad } from './time.js';

export const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];
export const QUEUE_KEY = 'blanked';
export const OPEN_KEY = 'blankOpen';
/** Periods per `blanked` message, and the most kept queued. */
export const BATCH = 200;
export const QUEUE_MAX = 2000;
export const SEEN_EVERY_MS = 60000;
export const ACK_TIMEOUT_MS = 15000;

/** A row's window as {on, off} minutes after midnight (off may pass 1440), or null (off). */
export function parseRow(text) {
  const m = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(String(text || ''));
  if (!m) return null;
  const on = Number(m[1]) * 60 + Number(m[2]);
  let off = Number(m[3]) * 60 + Number(m[4]);
  if (off <= on) off += 1440;
  return { on, off };
}

/** 'YYYY-MM-DD' of a calendar date. */
export function dateKey(y, mo, d) {
  return String(y) + '-' + pad(mo) + '-' + pad(d);
}

/** The calendar date `n` days after y-mo-d, as {y, mo, d, weekday} (weekday 0 = Monday). */
export function addDays(y, mo, d, n) {
  const t = new Date(Date.UTC(y, mo - 1, d + n));
  return {
    y: t.getUTCFullYear(), mo: t.getUTCMonth() + 1, d: t.getUTCDate(),
    weekday: (t.getUTCDay() + 6) % 7
  };
}

/** The window of a date (row text) by the schedule and the calendar days it carries. */
export function rowFor(power, date) {
  const kind = (power.days || {})[dateKey(date.y, date.mo, date.d)];
  if (kind === 'holiday' && power.holiday !== 'weekday') return parseRow(power.holiday);
  if (kind === 'workday') return parseRow(power.week && power.week.mon);
  return parseRow(power.week && power.week[DAYS[date.weekday]]);
}

/** True when the schedule has the screen on at `t` (ms) in the screen's zone `tz`. */
export function scheduledOn(power, t, tz) {
  if (!power || typeof power !== 'object' || !power.week) return true;
  const p = numericParts(t, tz);
  const minutes = p.h * 60 + p.mi;
  const today = addDays(p.y, p.mo, p.d, 0);
  const row = rowFor(power, today);
  if (row && row.on <= minutes && minutes < row.off) return true;
  const before = rowFor(power, addDays(p.y, p.mo, p.d, -1));
  return !!before && before.off > 1440 && minutes < before.off - 1440;
}

/** True when the rotation has an urgent item in its window at `now`. */
export function urgentLive(rotation, now) {
  return !!rotation && !!rotation.manifest && rotation.urgentIds(now).length > 0;
}

/** 'on', 'off' or 'woken' for manifest `m` at `now`. */
export function powerState(m, rotation, now, tz) {
  const power = m && m.power;
  if (!power || scheduledOn(power, now, tz)) return 'on';
  return urgentLive(rotation, now) ? 'woken' : 'off';
}

export function createPower(ctx) {
  const { S, store, doc } = ctx;
  const win = ctx.win || {};
  const warn = ctx.warn || (() => {});
  S.power = 'on';
  let agentSeen = false;
  let decided = false; // whether a tick decided before
  let open = null; // the blank period on screen: {from: ms, seen: ms}
  let queue = [];
  let restored = null; // the store read at start (a promise)
  let sending = false;
  let node = null;

  function agent() {
    return typeof win.signageAgent === 'function' ? win.signageAgent : null;
  }

  function tell(on) {
    const send = agent();
    if (!send) return;
    try {
      send(JSON.stringify({ type: 'power', on }));
    } catch (e) {
      warn('power message not sent to the agent', e);
    }
  }

  function saveQueue() {
    return store.put(QUEUE_KEY, queue.slice(-QUEUE_MAX)).catch((e) => warn('blank periods not stored', e));
  }

  function saveOpen() {
    const value = open ? { from: isoWithOffset(open.from, S.tz), seen: isoWithOffset(open.seen, S.tz) } : null;
    return store.put(OPEN_KEY, value).catch((e) => warn('blank period not stored', e));
  }

  /** Read what a previous page left: the queue, and a period it left open (closed when last seen). */
  function restore() {
    if (!restored) {
      restored = Promise.all([store.get(QUEUE_KEY), store.get(OPEN_KEY)])
        .then(([stored, left]) => {
          queue = Array.isArray(stored) ? stored.concat(queue) : queue;
          if (left && left.from && left.seen && left.from !== left.seen) {
            queue.push({ from: left.from, until: left.seen });
          }
          return Promise.all([saveQueue(), open ? saveOpen() : store.put(OPEN_KEY, null)]);
        })
        .catch((e) => warn('blank periods unreadable', e));
    }
    return restored;
  }

  function showBlank() {
    if (!doc) return;
    if (!node) {
      node = doc.createElement('div');
      node.id = 'power-blank';
      node.className = 'power-blank';
      node.setAttribute('aria-hidden', 'true');
      doc.body.appendChild(node);
    }
    node.hidden = false;
  }

  function hideBlank() {
    if (node) node.hidden = true;
  }

  function blank(at, first) {
    // Its proof of play ends here; at start (the page just put the first item up before the
    // first tick), nothing was really shown: no record at all.
    if (ctx.display && !first) ctx.display.endDisplay(at);
    if (ctx.aloud && ctx.aloud.reading) ctx.aloud.stop();
    S.cur = null;
    showBlank();
    open = { from: at, seen: at };
    saveOpen();
  }

  function unblank(at) {
    hideBlank();
    if (open) {
      queue.push({ from: isoWithOffset(open.from, S.tz), until: isoWithOffset(at, S.tz) });
      open = null;
      saveQueue();
      saveOpen();
    }
  }

  /** Once a second (main.js): decide, blank or wake, tell the agent. Returns the state. */
  function tick(at) {
    if (S.preview) return 'on';
    restore();
    const next = powerState(S.rotation.manifest, S.rotation, at, S.tz);
    const before = S.power;
    const first = !decided;
    decided = true;
    if (next !== before) {
      if (next === 'off') blank(at, first);
      else if (before === 'off') unblank(at);
      S.power = next;
      if ((next === 'off') !== (before === 'off')) tell(next !== 'off');
      if (ctx.net) ctx.net.sendStatus();
    } else if (open && at - open.seen >= SEEN_EVERY_MS) {
      open.seen = at;
      saveOpen();
    }
    const present = !!agent();
    if (present && !agentSeen) tell(S.power !== 'off');
    agentSeen = present;
    return S.power;
  }

  /** Send the queued periods; those the server answered for leave the queue. */
  async function flush() {
    if (sending || S.preview || !S.socket || !S.socket.connected) return;
    await restore();
    if (!queue.length) return;
    sending = true;
    try {
      const batch = queue.slice(0, BATCH);
      const reply = await new Promise((resolve) => {
        S.socket.timeout(ACK_TIMEOUT_MS).emit('blanked', batch, (error, answer) => {
          resolve(error ? null : answer);
        });
      });
      if (reply && !reply.error) {
        queue = queue.slice(batch.length);
        await saveQueue();
      }
    } catch (e) {
      warn('blank periods not sent', e);
    }
    sending = false;
  }

  return {
    tick, flush, restore,
    get state() {
      return S.power;
    },
    get queued() {
      return queue.slice();
    }
  };
}
