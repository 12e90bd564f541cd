"""What changed for screens in a transaction, acted upon once it commits.

Services call :func:`touch_orgs`, :func:`touch_screens`, :func:`touch_all` or
:func:`disconnect_screen`; the marks ride in ``session.info`` and, after the commit succeeds,
the realtime dispatcher recompiles the manifests of the affected screens only and pushes
the new ones (DESIGN.md §4; side effects only after commit). A rolled-back transaction
pushes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from dataclasses import field

from sqlalchemy.orm import Session

KEY = "signage_screen_changes"


@dataclass
class Changes:
    """Marks collected in one transaction."""

    orgs: set[int] = field(default_factory=set)
    screens: set[int] = field(default_factory=set)
    everything: bool = False
    disconnect: set[int] = field(default_factory=set)

    def __bool__(self) -> bool:
        return bool(self.orgs or self.screens or self.everything or self.disconnect)

    def merge(self, other: Changes) -> None:
        self.orgs |= other.orgs
        self.screens |= other.screens
        self.everything = self.everything or other.everything
        self.disconnect |= other.disconnect


def _changes(session: Session) -> Changes:
    found = session.info.get(KEY)
    if not isinstance(found, Changes):
        found = Changes()
        session.info[KEY] = found
    return found


def touch_orgs(session: Session, org_ids: Iterable[int]) -> None:
    """Mark the screens of these orgs' subtrees (items of those orgs changed)."""
    _changes(session).orgs.update(org_ids)


def touch_screens(session: Session, screen_ids: Iterable[int]) -> None:
    """Mark these screens (their settings or playlists changed)."""
    _changes(session).screens.update(screen_ids)


def touch_all(session: Session) -> None:
    """Mark every screen (a new day began: the horizon moved)."""
    _changes(session).everything = True


def disconnect_screen(session: Session, screen_id: int) -> None:
    """Close the screen's connections once committed (its token changed or was revoked)."""
    _changes(session).disconnect.add(screen_id)
    _changes(session).screens.add(screen_id)


def take(session: Session) -> Changes:
    """Remove and return the marks of ``session`` (called after its commit)."""
    found = session.info.pop(KEY, None)
    return found if isinstance(found, Changes) else Changes()


def discard(session: Session) -> None:
    """Forget the marks (the transaction rolled back)."""
    session.info.pop(KEY, None)
