"""What the operators' pages show of the fleet: the wall's tiles (latest snapshot, "no snapshot
agent", health flags), a screen's page (health details, recent snapshots), an item's page (its
snapshots) and the screen JSON of the API. Templates call these through the Jinja globals
``fleet_wall``, ``fleet_screen`` and ``fleet_item`` (registered by ``fleet.init_app``)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from flask import url_for

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.fleet.health import services as health
from signage_server.fleet.health.models import BoxRestart
from signage_server.fleet.snapshots import services as snapshots
from signage_server.fleet.snapshots.models import Snapshot
from signage_server.screens.models import Screen
from signage_server.screens.showing import revision_titles
from signage_server.unit_of_work import session as current_session


@dataclass(frozen=True)
class Tile:
    """The fleet part of a screen's tile on the wall."""

    box: health.State
    #: The newest snapshot, None when there is none or the viewer may not see it.
    snapshot: Snapshot | None
    #: Whether the viewer may see this screen's snapshots.
    visible: bool

    @property
    def no_agent(self) -> bool:
        """No agent reports and no snapshot exists: the wall says so, and shows nothing."""
        return not self.box.agent and self.snapshot is None


def snapshot_url(snapshot: Snapshot) -> str:
    return url_for("snapshots.image", screen_id=snapshot.screen_id, snapshot_id=snapshot.id)


def wall(screens: Iterable[Screen]) -> dict[int, Tile]:
    """Return the fleet part of each screen's tile, for the current user."""
    found = list(screens)
    session = current_session()
    principal = current_principal()
    states = health.states(session, found, registry.now())
    visible = {s.id: snapshots.may_view(principal, s) for s in found}
    newest = snapshots.latest(session, [s.id for s in found if visible[s.id]])
    return {s.id: Tile(states[s.id], newest.get(s.id), visible[s.id]) for s in found}


@dataclass(frozen=True)
class ScreenPanel:
    tile: Tile
    snapshots: list[Snapshot]
    restarts: list[BoxRestart]
    #: The titles of the item revisions the snapshots name (as the played table shows them).
    titles: dict[tuple[int, int], str]


def screen(item: Screen) -> ScreenPanel:
    """Return what a screen's page shows of its box and snapshots."""
    tile = wall([item])[item.id]
    shots = snapshots.of_screen(item) if tile.visible else []
    session = current_session()
    titles = revision_titles(
        session, ((s.item_id, s.revision) for s in shots if s.item_id and s.revision)
    )
    return ScreenPanel(tile, shots, health.recent_restarts(session, item), titles)


def item(item_id: int) -> list[snapshots.Seen]:
    """Return the snapshots taken while the item was on screen that the user may see."""
    return snapshots.of_item(current_session(), item_id, current_principal())


def snapshot_json(snapshot: Snapshot) -> dict[str, Any]:
    return {
        "id": snapshot.id,
        "taken_at": snapshot.taken_at.isoformat(),
        "url": snapshot_url(snapshot),
        "sha256": snapshot.sha256,
        "width": snapshot.width,
        "height": snapshot.height,
        "item": snapshot.item_id,
        "revision": snapshot.revision,
        "play_record": snapshot.play_record_id,
        "audit_head": {"seq": snapshot.audit_seq, "hash": snapshot.audit_hash},
        "reason": snapshot.reason,
    }


def screen_json(item: Screen) -> dict[str, Any]:
    """The fleet part of a screen's JSON in the API: health, flags and the latest snapshot."""
    tile = wall([item])[item.id]
    data = tile.box.json()
    data["snapshot_every_min"] = item.snapshot_every_min
    data["latest_snapshot"] = None if tile.snapshot is None else snapshot_json(tile.snapshot)
    return data
