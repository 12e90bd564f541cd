"""The screen wall hears of a screen's box at once: a new snapshot, a change of its health flags.

Each is a partial entry of the wall's ``screens`` news (``{"id", "fleet": {...}}``, the rest of
the screen's entry left out), sent through the app's notifier to the operators watching the
screen's organisations, as its other news is. A snapshot's news names it (id, time, size), never
its pixels: the image itself is served only to those who may see the screen's content.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Any

from signage_server import services as registry
from signage_server.fleet.snapshots.models import Snapshot
from signage_server.screens.interfaces import NOTIFIER
from signage_server.screens.models import Screen

if TYPE_CHECKING:  # the health services tell their news here
    from signage_server.fleet.health.services import State


@dataclass(frozen=True)
class Whose:
    """The screen the news is about, read while its session was open."""

    id: int
    org_path: str

    @classmethod
    def of(cls, screen: Screen) -> Whose:
        return cls(screen.id, screen.org.path)


def _tell(screen: Whose, fleet: dict[str, Any]) -> None:
    registry.get(NOTIFIER).screens_changed([({"id": screen.id, "fleet": fleet}, screen.org_path)])


def snapshot_taken(screen: Whose, snapshot: Snapshot) -> None:
    """Tell the wall of the screen's new snapshot."""
    _tell(
        screen,
        {
            "snapshot": {
                "id": snapshot.id,
                "taken_at": snapshot.taken_at.isoformat(),
                "width": snapshot.width,
                "height": snapshot.height,
            }
        },
    )


def health_changed(screen: Whose, before: State, after: State) -> None:
    """Tell the wall of the box's health when what the wall shows of it changed (whether an
    agent reports, and the reasons it needs attention)."""
    if (before.agent, before.flags) != (after.agent, after.flags):
        _tell(screen, {"agent": after.agent, "attention": [f.value for f in after.flags]})
