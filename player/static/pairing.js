/*
 * Pairing: a screen without a token shows a code (POST /api/v1/player/pair) and polls
 * GET /api/v1/player/pair/<secret> until an operator attaches the code to a screen; then it
 * keeps the token and starts playing. A bad or revoked token brings the screen back here.
 *
 * createPairing(ctx) takes from `ctx`: S, dom, cfg, fetch, store, net, display, origin,
 * startPlayer(token), mono() and now() (clocks), warn.
 */

import { clear, setText } from './dom.js';
import { parseTime } from './time.js';

export const PAIR_POLL_MS = 3000;
export const PAIR_RETRY_MS = 10000;

export function createPairing(ctx) {
  const { S, dom, cfg } = ctx;
  const warn = ctx.warn || (() => {});

  function startPairing() {
    ctx.net.disconnect();
    S.token = null;
    S.mode = 'pairing';
    S.rotation.clear();
    S.cur = null;
    ctx.display.dropPaged();
    clear(dom.main);
    dom.boot.hidden = true;
    dom.frame.hidden = true;
    dom.pairing.hidden = false;
    setText(dom.pairServer, '服务器地址：' + ctx.origin);
    setText(dom.pairCode, '———');
    S.pair = { secret: null, code: null, expires: 0, next: 0, busy: false };
  }

  /** Forget the screen's identity (bad or revoked token) and pair again. */
  function unpair() {
    if (S.mode === 'pairing') return;
    ctx.display.endDisplay(ctx.now());
    startPairing();
    const store = ctx.store;
    Promise.all([store.del('token'), store.del('manifest'), store.del('hello'), store.clearPlayed()])
      .catch((e) => warn('could not forget the old token', e));
  }

  async function requestCode() {
    const p = S.pair;
    try {
      const response = await ctx.fetch(cfg.api + '/player/pair', {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify({ player_version: cfg.version }),
        credentials: 'omit',
        cache: 'no-store'
      });
      if (response.status !== 201 && response.status !== 200) throw new Error('HTTP ' + response.status);
      const d = await response.json();
      p.secret = d.secret;
      p.code = d.code;
      p.expires = parseTime(d.expires_at) || ctx.now() + 10 * 60000;
      p.next = ctx.mono() + PAIR_POLL_MS;
      setText(dom.pairCode, d.code);
      setText(dom.pairStatus, '');
    } catch (e) {
      p.next = ctx.mono() + PAIR_RETRY_MS;
      setText(dom.pairStatus, '暂时无法连接服务器，稍后自动重试…');
    }
  }

  async function checkCode() {
    const p = S.pair;
    try {
      const response = await ctx.fetch(cfg.api + '/player/pair/' + encodeURIComponent(p.secret), {
        headers: { Accept: 'application/json' },
        credentials: 'omit',
        cache: 'no-store'
      });
      if (response.status === 404 || response.status === 410) {
        p.secret = null; // expired: a new code at once
        p.next = 0;
        return;
      }
      if (!response.ok) throw new Error('HTTP ' + response.status);
      const d = await response.json();
      if (d && d.state === 'paired' && d.token) {
        await ctx.store.put('token', d.token);
        await ctx.startPlayer(d.token);
        return;
      }
      p.next = ctx.mono() + PAIR_POLL_MS;
    } catch (e) {
      p.next = ctx.mono() + PAIR_POLL_MS;
    }
  }

  /** Once a second while pairing: ask for a code, or whether it was attached. */
  function pairTick() {
    const p = S.pair;
    if (p.busy || ctx.mono() < p.next) return;
    p.busy = true;
    const job = !p.secret || ctx.now() >= p.expires ? requestCode() : checkCode();
    job.then(() => {
      p.busy = false;
    });
  }

  return { startPairing, unpair, pairTick, requestCode, checkCode };
}
