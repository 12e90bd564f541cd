"""Manifest deltas: send a screen only what changed since the manifest it acknowledged
(docs/player-protocol.md, ``manifest_delta``).

A delta goes from a *base* version (the screen's acknowledged manifest, as stored in the
``manifests`` table) to a new version. Items are whole entries keyed by id; every other
top-level field is sent whole when it changed. The player applies a delta only to a manifest
whose version is the delta's base, else it fetches the full manifest; the server sends the full
manifest instead whenever the base is not stored or the delta would not be smaller.

:func:`delta_of`, :func:`apply_delta` and :func:`wire_size` are pure; :func:`split` looks up
the stored base manifests of the screens' acknowledged versions.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.screens.models import Manifest

#: Top-level fields a delta never carries in ``rest``: the items (sent per entry) and the
#: version (the delta's own field).
NOT_REST = ("items", "version")

_MISSING = object()


def delta_of(base: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Return the delta that turns manifest ``base`` into manifest ``new``.

    ``items`` lists the new manifest's item ids in order; ``items_changed`` holds the entries
    that are new or differ from the base's entry of the same id (the rest are the base's);
    items of the base not in ``items`` are gone. ``rest`` holds every other top-level field
    whose value changed, whole; ``dropped`` the top-level fields the new manifest no longer has.
    """
    old = {entry["id"]: entry for entry in base.get("items", [])}
    return {
        "base": base["version"],
        "version": new["version"],
        "items": [entry["id"] for entry in new["items"]],
        "items_changed": [entry for entry in new["items"] if old.get(entry["id"]) != entry],
        "rest": {
            key: value
            for key, value in new.items()
            if key not in NOT_REST and base.get(key, _MISSING) != value
        },
        "dropped": sorted(key for key in base if key not in new and key not in NOT_REST),
    }


def apply_delta(base: dict[str, Any], delta: dict[str, Any]) -> dict[str, Any] | None:
    """Return the manifest ``delta`` makes of ``base``, or None when ``base`` is not the
    delta's base or the delta names an item neither it nor the base holds (the player's
    ``applyDelta`` in ``player/static/delta.js`` does the same)."""
    if base.get("version") != delta.get("base"):
        return None
    old = {entry["id"]: entry for entry in base.get("items", [])}
    changed = {entry["id"]: entry for entry in delta.get("items_changed", [])}
    items = []
    for item_id in delta.get("items", []):
        entry = changed.get(item_id, old.get(item_id))
        if entry is None:
            return None
        items.append(entry)
    dropped = set(delta.get("dropped", []))
    rebuilt = {k: v for k, v in base.items() if k not in dropped and k not in NOT_REST}
    rebuilt.update(delta.get("rest", {}))
    rebuilt["items"] = items
    rebuilt["version"] = delta["version"]
    return rebuilt


def wire_size(event: str, payload: Any) -> int:
    """Return the bytes of ``payload`` as a Socket.IO event on ``/player`` (JSON as
    python-socketio encodes it: ASCII with escapes), before any compression."""
    return len(f'42/player,["{event}",{json.dumps(payload)}]'.encode())


@dataclass
class Split:
    """Each new manifest's screens split into those sent it whole and those sent a delta."""

    #: (manifest, screen ids) sent the full ``manifest``.
    full: list[tuple[dict[str, Any], list[int]]] = field(default_factory=list)
    #: (delta, screen ids) sent ``manifest_delta``: one per (base, new version) pair.
    deltas: list[tuple[dict[str, Any], list[int]]] = field(default_factory=list)


def split(
    session: Session,
    changed: Iterable[tuple[dict[str, Any], Sequence[int]]],
    acked: Mapping[int, str | None],
) -> Split:
    """Group each new manifest's screens by the version they acknowledged (``acked``, by
    screen id); a group whose base manifest is stored and whose delta is smaller than the full
    manifest gets the delta."""
    out = Split()
    for manifest, screen_ids in changed:
        ids = list(screen_ids)
        by_base: dict[str, list[int]] = defaultdict(list)
        for screen_id in ids:
            by_base[acked.get(screen_id) or ""].append(screen_id)
        bases = [b for b in by_base if b and b != manifest["version"]]
        stored: dict[str, dict[str, Any]] = {}
        if bases:
            query = sa.select(Manifest.version, Manifest.body).where(Manifest.version.in_(bases))
            stored = {row[0]: row[1] for row in session.execute(query)}
        full: list[int] = []
        full_size = wire_size("manifest", manifest)
        for base, group in by_base.items():
            body = stored.get(base)
            if body is not None and body.get("version") == base:
                delta = delta_of(body, manifest)
                if wire_size("manifest_delta", delta) < full_size:
                    out.deltas.append((delta, group))
                    continue
            full.extend(group)
        if full:
            out.full.append((manifest, full))
    return out
