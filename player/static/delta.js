/*
 * Manifest deltas (docs/player-protocol.md, `manifest_delta`): the server sends a screen that
 * acknowledged a manifest only what changed since. applyDelta() rebuilds the full manifest,
 * as signage_server/screens/deltas.py: apply_delta does; it never mixes two manifests.
 *
 *   {base, version, items: [ids in order], items_changed: [whole entries],
 *    rest: {changed top-level fields, whole}, dropped: [top-level fields gone]}
 */

const NOT_REST = new Set(['items', 'version']);

/**
 * The manifest `delta` makes of `base`, or null when `base` is not the delta's base, the delta
 * is malformed, or it names an item neither it nor the base holds (then ask for the full one).
 */
export function applyDelta(base, delta) {
  if (!base || !delta || typeof delta.version !== 'string' || base.version !== delta.base) return null;
  if (!Array.isArray(delta.items) || !Array.isArray(base.items)) return null;
  const changed = Array.isArray(delta.items_changed) ? delta.items_changed : [];
  const old = new Map(base.items.map((entry) => [entry.id, entry]));
  const fresh = new Map(changed.map((entry) => [entry.id, entry]));
  const items = [];
  for (const id of delta.items) {
    const entry = fresh.has(id) ? fresh.get(id) : old.get(id);
    if (!entry) return null;
    items.push(entry);
  }
  const dropped = new Set(Array.isArray(delta.dropped) ? delta.dropped : []);
  const rebuilt = {};
  for (const [key, value] of Object.entries(base)) {
    if (!dropped.has(key) && !NOT_REST.has(key)) rebuilt[key] = value;
  }
  const rest = delta.rest && typeof delta.rest === 'object' ? delta.rest : {};
  for (const [key, value] of Object.entries(rest)) {
    if (!NOT_REST.has(key)) rebuilt[key] = value;
  }
  rebuilt.items = items;
  rebuilt.version = delta.version;
  return rebuilt;
}
