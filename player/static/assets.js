/*
 * Assets: the content-addressed files of a manifest (images, PDF page images), cached for
 * ever and shown through blob: URLs. Kept in Cache Storage "signage-assets-v1" (shared with
 * sw.js, which serves /assets/<sha256> from it cache-first), or in the store's `assets`
 * blobs where Cache Storage is unavailable (an insecure http origin).
 */

/** The Cache Storage name; sw.js uses the same (a classic worker cannot import it). */
export const ASSET_CACHE = 'signage-assets-v1';

/** The sha256 of a PDF page entry (a string, or {sha256} / {asset}). */
export function pageSha(p) {
  if (!p) return null;
  if (typeof p === 'string') return p;
  return p.sha256 || p.asset || null;
}

/** The URL of file `sha` of `item`: the one its `assets` list gives, else /assets/<sha>. */
export function assetUrl(sha, item) {
  for (const a of (item && item.assets) || []) {
    if (a && a.sha256 === sha && a.url) return a.url;
  }
  return '/assets/' + sha;
}

/** Every {sha, url} a manifest needs (its items' assets, image and PDF page files), once. */
export function needed(manifest) {
  const seen = new Set();
  const out = [];
  function add(sha, item) {
    if (!sha || typeof sha !== 'string' || seen.has(sha)) return;
    seen.add(sha);
    out.push({ sha, url: assetUrl(sha, item) });
  }
  for (const item of manifest.items || []) {
    for (const a of item.assets || []) if (a) add(a.sha256, item);
    const body = item.body || {};
    if (body.type === 'image') add(body.asset, item);
    if (body.type === 'pdf') for (const p of body.pages || []) add(pageSha(p), item);
  }
  return out;
}

/**
 * The asset files of one player.
 *   caches   Cache Storage, or null where it cannot be used
 *   fetch    window.fetch
 *   store    the offline store (blobs when `caches` is null)
 *   token    () => the screen token (sent as a bearer token), or null
 *   preview  true for an operator's preview: files straight from the network, nothing kept
 *   urls     what makes blob: URLs (window.URL)
 */
export function createAssets({ caches, fetch, store, token, preview, urls, warn = () => {} }) {
  function fetchNetwork(u) {
    const headers = {};
    if (token()) headers.Authorization = 'Bearer ' + token();
    return fetch(u, { headers, credentials: 'same-origin' });
  }

  async function cached(u) {
    const cache = await caches.open(ASSET_CACHE);
    return cache.match(u, { ignoreVary: true });
  }

  async function has(asset) {
    if (caches) return !!(await cached(asset.url));
    return !!(await store.getAsset(asset.sha));
  }

  /** Fetch one file with the screen's token and keep it (in the page, in case no SW runs). */
  async function download(asset) {
    const response = await fetchNetwork(asset.url);
    if (!response.ok) throw new Error('HTTP ' + response.status + ' for ' + asset.url);
    if (caches) {
      const cache = await caches.open(ASSET_CACHE);
      await cache.put(asset.url, response.clone());
      return response;
    }
    const blob = await response.blob();
    await store.putAsset(asset.sha, blob);
    return blob;
  }

  /** Make sure every file of `manifest` is stored; resolve true when all are. */
  async function prefetch(manifest) {
    let ok = true;
    for (const asset of needed(manifest)) {
      try {
        if (!(await has(asset))) await download(asset);
      } catch (error) {
        ok = false;
        warn('could not fetch ' + asset.url, error);
      }
    }
    return ok;
  }

  /** Delete stored files that `manifest` no longer uses. */
  async function collect(manifest) {
    const keep = new Set(needed(manifest).map((a) => a.sha));
    try {
      if (caches) {
        const cache = await caches.open(ASSET_CACHE);
        const requests = await cache.keys();
        await Promise.all(requests.map((request) => {
          const sha = new URL(request.url).pathname.split('/').pop();
          return keep.has(sha) ? null : cache.delete(request);
        }));
        return;
      }
      const keys = await store.assetKeys();
      await Promise.all((keys || []).map((sha) => (keep.has(sha) ? null : store.deleteAsset(sha))));
    } catch (error) {
      warn('asset clean-up failed', error);
    }
  }

  /** A blob: URL for file `sha` of `item` (stored copy first, then the network). */
  async function objectUrl(sha, item) {
    const u = assetUrl(sha, item);
    let blob;
    if (preview) {
      const r = await fetch(u, { credentials: 'same-origin' });
      if (!r.ok) throw new Error('HTTP ' + r.status);
      blob = await r.blob();
    } else if (caches) {
      const response = (await cached(u)) || (await download({ sha, url: u }));
      blob = await response.blob();
    } else {
      blob = (await store.getAsset(sha)) || (await download({ sha, url: u }));
    }
    return urls.createObjectURL(blob);
  }

  return { prefetch, collect, objectUrl, has, download };
}
