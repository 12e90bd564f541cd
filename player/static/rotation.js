/*
 * Rotation: which item a screen shows, for how long, and when it stops.
 *
 * The manifest's schedule gives, per segment of time, the sequence to rotate through
 * (playlists, dayparts and priorities resolved by the server); without a schedule, or past
 * its horizon, every item of the manifest in manifest order. Items outside their window are
 * skipped; a newly seen urgent item interrupts at once, then urgent and rotation items
 * alternate until the urgent ones expire. Every page of a display lasts its duration_s
 * (the sequence slot's, else the item's: both set by the server).
 *
 * A Rotation reads no clock: every decision takes `now` (ms since the epoch), so Node tests
 * drive it with any instant. The display (display.js) acts on its answers.
 */

import { inWindow, isoWithOffset, parseTime } from './time.js';

/** Seconds of one page: the slot's duration, else the item's, else `fallback`. */
export function displaySeconds(pick, item, fallback) {
  const dur = Number(pick.dur || (item && item.duration_s) || fallback);
  return dur > 0 ? dur : fallback;
}

/**
 * The proof-of-play record of display `c` ended at `now` (started_at in the screen's zone
 * `tz`, duration to a tenth of a second), or null when it was on screen under 0.1 s.
 */
export function playedRecord(c, now, tz) {
  const shown = Math.max(0, now - c.started);
  if (shown < 100) return null;
  return {
    item: c.id,
    revision: c.revision,
    started_at: isoWithOffset(c.started, tz),
    duration_s: Math.round(shown / 100) / 10
  };
}

/** True for a manifest the player can use. */
export function validManifest(m) {
  return !!m && typeof m === 'object' && typeof m.version === 'string' && Array.isArray(m.items);
}

export class Rotation {
  constructor() {
    this.clear();
    this.seqKey = null;
    this.seqSegment = null;
    this.rotPos = -1;
    this.rotId = null;
    this.lastKind = null;
    this.urgentId = null;
    this.urgentSeen = {};
  }

  /** Forget the manifest (the screen pairs again). */
  clear() {
    this.manifest = null;
    this.items = {}; // id -> item of the current manifest
    this.order = []; // item ids in manifest order
  }

  /** Take manifest `m` (items by id, first of a repeated id kept). */
  setManifest(m) {
    this.manifest = m;
    this.items = {};
    this.order = [];
    for (const item of m.items) {
      if (!item || item.id === undefined || item.id === null || this.items[item.id]) continue;
      this.items[item.id] = item;
      this.order.push(item.id);
    }
    for (const id of Object.keys(this.urgentSeen)) {
      if (!this.items[id]) delete this.urgentSeen[id];
    }
  }

  /** Index of the schedule segment containing `now`; null without schedule or outside it. */
  segmentAt(now) {
    const schedule = this.manifest && this.manifest.schedule;
    if (!schedule || !schedule.length) return null;
    for (let i = 0; i < schedule.length; i++) {
      const from = parseTime(schedule[i].from);
      const until = parseTime(schedule[i].until);
      if ((from === null || from <= now) && (until === null || now < until)) return i;
    }
    return null;
  }

  /**
   * The rotation in force: the sequence of the segment containing now; without a schedule
   * (or past its horizon, e.g. long offline) every item of the manifest, in manifest order.
   */
  entries(now) {
    const i = this.segmentAt(now);
    if (i !== null) {
      return {
        key: this.manifest.version + '#' + i,
        segment: String(this.manifest.schedule[i].from),
        list: this.manifest.schedule[i].sequence || []
      };
    }
    return {
      key: this.manifest.version + '#all',
      segment: 'all',
      list: this.order.map((id) => ({ item: id, duration_s: this.items[id].duration_s }))
    };
  }

  /** True when a rotation item on screen is no longer in the rotation in force (a playlist
   *  changed): the operator expects the screen to follow at once, not after its pages. */
  leftRotation(c, now) {
    if (c.urgent) return false;
    return !this.entries(now).list.some((entry) => entry && entry.item === c.id);
  }

  eligible(id, now) {
    const item = this.items[id];
    return !!item && !item.urgent && inWindow(item, now);
  }

  nextRotation(now) {
    const r = this.entries(now);
    const list = r.list;
    if (!list.length) return null;
    let start;
    if (r.key !== this.seqKey) {
      // A new manifest: keep the place by item id. A new segment: its sequence from the
      // start, unless the item on screen is in it too.
      const sameSegment = r.segment === this.seqSegment;
      this.seqKey = r.key;
      this.seqSegment = r.segment;
      let found = -1;
      for (let k = 0; k < list.length && this.rotId !== null; k++) {
        const idx = (Math.max(0, this.rotPos) + k) % list.length;
        if (list[idx] && list[idx].item === this.rotId) {
          found = idx;
          break;
        }
      }
      start = found >= 0 ? found + 1 : sameSegment ? Math.max(0, this.rotPos) : 0;
    } else {
      start = this.rotPos + 1;
    }
    for (let n = 0; n < list.length; n++) {
      const j = (start + n) % list.length;
      const entry = list[j];
      if (entry && this.eligible(entry.item, now)) {
        this.rotPos = j;
        this.rotId = entry.item;
        return { id: entry.item, dur: entry.duration_s, kind: 'rotation' };
      }
    }
    return null;
  }

  urgentIds(now) {
    return this.order.filter((id) => this.items[id].urgent && inWindow(this.items[id], now));
  }

  /** An urgent item in its window not shown yet, or null. */
  newUrgent(now) {
    return this.urgentIds(now).find((id) => !this.urgentSeen[id]) ?? null;
  }

  nextUrgent(now) {
    const ids = this.urgentIds(now);
    if (!ids.length) return null;
    const id = ids[(ids.indexOf(this.urgentId) + 1) % ids.length];
    return { id, dur: null, kind: 'urgent' };
  }

  /** New urgent first; then urgent and rotation items alternate; null when nothing is left. */
  pickNext(now) {
    const fresh = this.newUrgent(now);
    if (fresh !== null) return { id: fresh, dur: null, kind: 'urgent' };
    let pick = null;
    if (this.lastKind !== 'urgent') pick = this.nextUrgent(now);
    if (!pick) pick = this.nextRotation(now);
    if (!pick) pick = this.nextUrgent(now);
    return pick;
  }

  /** Note that `pick` goes on screen. */
  begin(pick) {
    if (pick.kind === 'urgent') {
      this.urgentSeen[pick.id] = true;
      this.urgentId = pick.id;
    }
    this.lastKind = pick.kind;
  }

  /** True when display `c` must stop at `now`: its item left or expired, or an urgent came. */
  interrupted(c, now) {
    const item = this.items[c.id];
    return !item || !inWindow(item, now) || this.newUrgent(now) !== null;
  }

  /**
   * After a page's time: 'wait' (not over), 'page' (the next page) or 'next' (next item: also
   * after the last page of a display whose content changed, `stale`, or that was read aloud,
   * `read`: its pages were shown as the reading went through them, hold.js).
   */
  afterPage(c, now) {
    if (now < c.pageEnd) return 'wait';
    return !c.stale && !c.read && c.page + 1 < c.pages.length ? 'page' : 'next';
  }

  /**
   * What a new manifest means for display `c`: 'next' (stop it now: its item left, expired
   * or left the rotation, or an urgent came), 'stale' (its content changed: finish the page,
   * then move on) or 'keep'.
   */
  onManifest(c, now) {
    const item = this.items[c.id];
    if (this.interrupted(c, now) || this.leftRotation(c, now)) return 'next';
    if (item.revision !== c.revision || item.content_sha256 !== c.item.content_sha256) return 'stale';
    return 'keep';
  }
}
