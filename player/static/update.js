/*
 * The player updates itself: the server's `hello` says which player version it serves
 * (`player_version`, which changes with any player file); a page of another version asks the
 * Service Worker to update, waits until the new worker is active (at most UPDATE_WAIT_MS), and
 * reloads. At most once per version (remembered in the store): a server or proxy still handing
 * out the old page cannot make the screen reload in a loop.
 *
 * createUpdater(ctx) takes: version (the page's own, from data-player-version), store,
 * sw (navigator.serviceWorker, or null), reload(), setTimeout, clearTimeout, warn.
 */

/** The store key of the version last updated to. */
export const UPDATED_KEY = 'updated_to';
/** Longest wait for the new Service Worker before reloading anyway (ms). */
export const UPDATE_WAIT_MS = 30000;

/** Whether a page of version `own` must update to the server's `served`. */
export function needsUpdate(own, served) {
  return typeof own === 'string' && own !== '' && typeof served === 'string' && served !== '' &&
    served.length <= 64 && own !== served;
}

export function createUpdater(ctx) {
  const warn = ctx.warn || (() => {});
  let busy = false;

  /** Resolve once `worker` is activated (or gone), or after UPDATE_WAIT_MS. */
  function activated(worker) {
    return new Promise((resolve) => {
      let timer = null;
      const check = () => {
        if (worker.state !== 'activated' && worker.state !== 'redundant') return false;
        if (timer !== null) ctx.clearTimeout(timer);
        if (worker.removeEventListener) worker.removeEventListener('statechange', check);
        resolve();
        return true;
      };
      if (check()) return;
      timer = ctx.setTimeout(resolve, UPDATE_WAIT_MS);
      worker.addEventListener('statechange', check);
    });
  }

  /** Ask the Service Worker to fetch its script again; wait for a new one to take over. */
  async function refreshWorker() {
    const sw = ctx.sw;
    if (!sw || typeof sw.getRegistration !== 'function') return;
    try {
      const registration = await sw.getRegistration();
      if (!registration) return;
      await registration.update();
      const worker = registration.installing || registration.waiting;
      if (worker) await activated(worker);
    } catch (e) {
      warn('service worker not updated', e);
    }
  }

  /** The server serves `served`: update to it unless this page is it or tried it before. */
  async function check(served) {
    if (busy || !needsUpdate(ctx.version, served)) return false;
    busy = true;
    let tried = null;
    try {
      tried = await ctx.store.get(UPDATED_KEY);
    } catch (e) {
      warn('update state unreadable', e);
    }
    if (tried === served) {
      busy = false;
      warn('still not the server\'s player ' + served + ' after reloading for it: not reloading again');
      return false;
    }
    try {
      await ctx.store.put(UPDATED_KEY, served);
    } catch (e) {
      // Without a place to remember it, one reload could turn into a loop.
      warn('update state not stored: not reloading', e);
      busy = false;
      return false;
    }
    await refreshWorker();
    ctx.reload();
    return true;
  }

  return { check };
}
