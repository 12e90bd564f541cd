/*
 * Remote commands from the screen wall (docs/player-protocol.md, "Remote commands"):
 *
 *   server -> player  command {id, kind, issued_at, expires_at}
 *   player -> server  command_done {id, ok, error?}
 *
 *   reload       acknowledge, then reload the page
 *   clear_cache  acknowledge, delete the player's Cache Storage caches and its stored manifest,
 *                hello and asset blobs (the screen token and the proof-of-play queue stay), reload
 *   identify     the screen's name and code full screen, in very large type, for 30 s (by the
 *                monotonic clock)
 *   reboot, snapshot
 *                for the box agent (deploy/kiosk): handed to window.signageAgent when the agent
 *                attached it, else answered {ok: false, error: "no_agent"}
 *
 * A command id already handled (sent again after a reconnect, or after the reload it asked
 * for) is not run twice: the ids of recent commands and their outcome are kept in the store
 * across reloads (before the reload, reboot or snapshot starts), and such a command is only
 * answered again.
 *
 * createCommands(ctx) takes: S (screen facts in S.screen), store, doc, win (for signageAgent),
 * caches (Cache Storage or null), mono() (monotonic ms), send(event, payload) → promise
 * (resolves once the server answered, or gave up), reload(), warn.
 */

/** How long the identify overlay stays (ms). */
export const IDENTIFY_MS = 30000;
/** Command ids remembered as handled. */
export const REMEMBER = 50;
/** The store key of the ids handled. */
export const HANDLED_KEY = 'commands_handled';
/** What clearing the cache drops from the store (the token and the played queue stay). */
export const CLEARED_KEYS = ['manifest', 'hello'];
/** The kinds the box agent carries out. */
export const AGENT_KINDS = ['reboot', 'snapshot'];

/** A well-formed `command` event, or null. */
export function validCommand(c) {
  if (!c || typeof c !== 'object') return null;
  if (!Number.isInteger(c.id) || c.id <= 0 || typeof c.kind !== 'string') return null;
  return { id: c.id, kind: c.kind };
}

/** Whether the box agent attached its binding to this page. */
export function agentAttached(win) {
  return !!win && typeof win.signageAgent === 'function';
}

/** The message a command for the agent is handed over as (a JSON string). */
export function agentMessage(command) {
  return JSON.stringify({ type: 'command', id: command.id, kind: command.kind });
}

export function createCommands(ctx) {
  const { S, store } = ctx;
  const warn = ctx.warn || (() => {});
  /** The ids handled, newest last (loaded from the store once). */
  let handled = null;
  /** The identify overlay on screen: {node, until} (monotonic ms), or null. */
  let identifying = null;

  /** The commands handled, oldest first: [{id, ok, error?}] (loaded from the store once). */
  async function handledList() {
    if (handled) return handled;
    let stored = null;
    try {
      stored = await store.get(HANDLED_KEY);
    } catch (e) {
      warn('handled commands unreadable', e);
    }
    handled = Array.isArray(stored) ? stored.filter((e) => e && Number.isInteger(e.id)) : [];
    return handled;
  }

  /** Remember what became of a command, before anything that may end the page. */
  async function remember(entry) {
    const list = await handledList();
    list.push(entry);
    while (list.length > REMEMBER) list.shift();
    try {
      await store.put(HANDLED_KEY, list.slice());
    } catch (e) {
      warn('handled command not stored', e);
    }
  }

  function done(id, ok, error) {
    const payload = ok ? { id, ok: true } : { id, ok: false, error };
    return Promise.resolve(ctx.send('command_done', payload)).catch((e) => warn('command_done not sent', e));
  }

  function showIdentify() {
    hideIdentify();
    const doc = ctx.doc;
    const node = doc.createElement('div');
    node.className = 'identify-overlay';
    node.setAttribute('role', 'alert');
    const name = doc.createElement('div');
    name.className = 'identify-name';
    name.textContent = (S.screen && S.screen.name) || '';
    const code = doc.createElement('div');
    code.className = 'identify-code';
    code.textContent = (S.screen && S.screen.code) || '';
    const hint = doc.createElement('div');
    hint.className = 'identify-hint';
    hint.textContent = '屏幕识别码';
    node.appendChild(name);
    node.appendChild(hint);
    node.appendChild(code);
    doc.body.appendChild(node);
    identifying = { node, until: ctx.mono() + IDENTIFY_MS };
  }

  function hideIdentify() {
    if (!identifying) return;
    const node = identifying.node;
    if (node.parentNode) node.parentNode.removeChild(node);
    identifying = null;
  }

  /** From the one-second tick: take the overlay away once its time is up. */
  function tick(t) {
    if (identifying && t >= identifying.until) hideIdentify();
  }

  async function clearCache() {
    const caches = ctx.caches;
    if (caches) {
      const names = await caches.keys();
      await Promise.all(names.map((name) => caches.delete(name)));
    }
    await Promise.all(CLEARED_KEYS.map((key) => store.del(key)));
    if (store.assetKeys) {
      const keys = await store.assetKeys();
      await Promise.all((keys || []).map((sha) => store.deleteAsset(sha)));
    }
  }

  /** Remember the outcome, tell the server, and only then do what ends the page. */
  async function finish(command, ok, error, then) {
    await remember(ok ? { id: command.id, ok } : { id: command.id, ok, error });
    await done(command.id, ok, error);
    if (then) then();
  }

  async function run(command) {
    switch (command.kind) {
      case 'reload':
        return finish(command, true, null, ctx.reload);
      case 'clear_cache':
        try {
          await clearCache();
        } catch (e) {
          warn('cache not cleared', e);
          return finish(command, false, 'clear_failed');
        }
        return finish(command, true, null, ctx.reload);
      case 'identify':
        showIdentify();
        return finish(command, true);
      case 'reboot':
      case 'snapshot':
        if (!agentAttached(ctx.win)) return finish(command, false, 'no_agent');
        // Answered before the agent acts: a reboot must not come back after it.
        return finish(command, true, null, () => {
          try {
            ctx.win.signageAgent(agentMessage(command));
          } catch (e) {
            warn('the agent refused the command', e);
          }
        });
      default:
        return finish(command, false, 'unknown_kind');
    }
  }

  /** A `command` from the server: run it once (a repeat is answered again, not run). */
  async function receive(payload) {
    const command = validCommand(payload);
    if (!command) {
      warn('ignoring a malformed command');
      return;
    }
    const prior = (await handledList()).find((e) => e.id === command.id);
    if (prior) {
      await done(prior.id, prior.ok, prior.error);
      return;
    }
    await run(command);
  }

  return {
    receive,
    tick,
    get identifying() {
      return identifying ? { until: identifying.until } : null;
    }
  };
}
