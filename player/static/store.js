/*
 * The offline store: IndexedDB "signage-player" through idb (vendor/idb.js), holding
 *   kv      the screen token, the last `hello` and the last manifest (out-of-line keys),
 *   played  the proof-of-play queue (auto-increment keys: oldest first),
 *   assets  file blobs, used only where Cache Storage is unavailable (an insecure origin).
 *
 * createStore() takes how to open the database (main.js passes `opener(openDB)`), so Node
 * tests give it another object with the same methods as idb's database. Where IndexedDB
 * cannot be opened, the same operations run on memoryDb() for the life of the page.
 */

export const DB_NAME = 'signage-player';
export const DB_VERSION = 1;
/** Proof-of-play records kept at most; the oldest are dropped beyond it. */
export const QUEUE_MAX = 10000;

/** Create the object stores (idb's `upgrade` callback). */
export function upgrade(db) {
  if (!db.objectStoreNames.contains('kv')) db.createObjectStore('kv');
  if (!db.objectStoreNames.contains('played')) db.createObjectStore('played', { autoIncrement: true });
  if (!db.objectStoreNames.contains('assets')) db.createObjectStore('assets');
}

/** How to open the player's database with idb's `openDB` (null where IndexedDB is missing). */
export function opener(openDB, indexedDB) {
  return () => {
    if (!indexedDB) return null;
    return openDB(DB_NAME, DB_VERSION, {
      upgrade,
      // A newer version of the player wants the database: let it have it.
      blocking(current, wanted, event) {
        event.target.close();
      }
    });
  };
}

/**
 * The subset of idb's database API the store uses, kept in memory: get, put, delete, add,
 * count, clear, getAll and getAllKeys (with a count), and transaction(name).store.
 */
export function memoryDb() {
  const stores = { kv: new Map(), played: new Map(), assets: new Map() };
  let seq = 0;
  function api(name) {
    const map = stores[name];
    const first = (list, count) => (count ? list.slice(0, count) : list);
    return {
      async get(key) {
        return map.get(key);
      },
      async put(value, key) {
        map.set(key, value);
        return key;
      },
      async add(value) {
        seq += 1;
        map.set(seq, value);
        return seq;
      },
      async delete(key) {
        map.delete(key);
      },
      async count() {
        return map.size;
      },
      async clear() {
        map.clear();
      },
      async getAll(query, count) {
        return first(Array.from(map.values()), count);
      },
      async getAllKeys(query, count) {
        return first(Array.from(map.keys()), count);
      }
    };
  }
  const db = { transaction: (name) => ({ store: api(name), done: Promise.resolve() }) };
  for (const method of ['get', 'put', 'add', 'delete', 'count', 'clear', 'getAll', 'getAllKeys']) {
    db[method] = (name, ...args) => api(name)[method](...args);
  }
  return db;
}

/**
 * The player's store over the database `open()` resolves to (idb's, or memoryDb() when it
 * gives none or fails). Every method returns a promise.
 */
export function createStore({ open, warn = () => {}, queueMax = QUEUE_MAX }) {
  let opening = null;

  function db() {
    if (!opening) {
      opening = Promise.resolve()
        .then(open)
        .catch((error) => {
          warn('IndexedDB unavailable, keeping state in memory', error);
          return null;
        })
        .then((found) => found || memoryDb());
    }
    return opening;
  }

  return {
    open: db,
    get: async (key) => (await db()).get('kv', key),
    put: async (key, value) => {
      await (await db()).put('kv', value, key);
    },
    del: async (key) => {
      await (await db()).delete('kv', key);
    },
    countPlayed: async () => (await db()).count('played'),

    /** Queue one proof-of-play record; drop the oldest beyond queueMax. Resolves the count. */
    async addPlayed(record) {
      const tx = (await db()).transaction('played', 'readwrite');
      await tx.store.add(record);
      const count = await tx.store.count();
      if (count > queueMax) {
        const oldest = await tx.store.getAllKeys(null, count - queueMax);
        await Promise.all(oldest.map((key) => tx.store.delete(key)));
      }
      await tx.done;
      return Math.min(count, queueMax);
    },

    /** The oldest `n` queued records as [{key, record}]. */
    async playedBatch(n) {
      const tx = (await db()).transaction('played', 'readonly');
      const [keys, records] = await Promise.all([
        tx.store.getAllKeys(null, n),
        tx.store.getAll(null, n)
      ]);
      await tx.done;
      return keys.map((key, i) => ({ key, record: records[i] }));
    },

    async deletePlayed(keys) {
      const tx = (await db()).transaction('played', 'readwrite');
      await Promise.all(keys.map((key) => tx.store.delete(key)));
      await tx.done;
    },

    clearPlayed: async () => {
      await (await db()).clear('played');
    },

    // Asset blobs: used only when Cache Storage is unavailable (an insecure http origin).
    getAsset: async (sha) => (await db()).get('assets', sha),
    putAsset: async (sha, blob) => {
      await (await db()).put('assets', blob, sha);
    },
    assetKeys: async () => (await db()).getAllKeys('assets'),
    deleteAsset: async (sha) => {
      await (await db()).delete('assets', sha);
    }
  };
}
