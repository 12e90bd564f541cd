"""The audience rule (``disclosure.audience``) applied to stored items, screens and users:
the facts it needs, and how a revision stopped being public (from the audit trail).

The facts carry a notice's protection (:class:`Protection`: the one notice rule of
:mod:`.notices` on the working-day calendar, in the installation's time zone), so that the
rule's window (:mod:`.windows`) keeps a protected notice current past its ``valid_until``
on every surface alike: screens, QR pages, public pages, boards, posters, dossiers.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session

from signage_server import services as registry
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.audit.models import AuditRecord
from signage_server.config import Settings
from signage_server.disclosure import notices
from signage_server.disclosure import windows
from signage_server.disclosure.audience import Decision
from signage_server.disclosure.audience import Member
from signage_server.disclosure.audience import RevisionFacts
from signage_server.disclosure.audience import ScreenViewer
from signage_server.disclosure.audience import Status
from signage_server.disclosure.audience import Viewer
from signage_server.disclosure.audience import decide
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import State
from signage_server.orgs.models import Org
from signage_server.screens.models import Screen
from signage_server.workdays.rules import WorkdayCalendar
from signage_server.workdays.services import calendar_of

if TYPE_CHECKING:
    from flask import Flask

#: The actor name of what the system does by itself (expiry, replacement).
SYSTEM = "system"
#: Audit actions that end a revision's publication, newest decisive first.
ENDING_ACTIONS = (Action.WITHDRAW, Action.EXPIRE, Action.SUPERSEDE, Action.ARCHIVE)


def local_tz(app: Flask | None = None) -> dt.tzinfo:
    """Return the installation's time zone (where notice periods are counted), of ``app`` or
    the current app."""
    return zoneinfo.ZoneInfo(registry.get(Settings, app).timezone)


def notice_facts(revision: Revision) -> notices.NoticeFacts:
    """Return what the notice rule needs to know of ``revision``."""
    return notices.NoticeFacts(
        kind=revision.notice_kind,
        min_days=revision.notice_min_days,
        valid_from=revision.valid_from,
        valid_until=revision.valid_until,
        published_at=revision.published_at,
        election_on=revision.election_on,
    )


class Protection:
    """Notices' protection of stored revisions, in time zone ``tz``: the working-day
    calendar is the session's (:func:`~signage_server.workdays.services.calendar_of`),
    loaded when first needed."""

    def __init__(
        self, session: Session, tz: dt.tzinfo, calendar: WorkdayCalendar | None = None
    ) -> None:
        self.session = session
        self.tz = tz
        self._calendar = calendar

    @property
    def calendar(self) -> WorkdayCalendar:
        if self._calendar is None:
            self._calendar = calendar_of(self.session)
        return self._calendar

    def until(self, revision: Revision) -> dt.datetime | None:
        """Return until when ``revision`` is protected (``None``: not a published notice)."""
        return self.until_of(notice_facts(revision))

    def until_of(self, facts: notices.NoticeFacts) -> dt.datetime | None:
        """Return until when a revision with ``facts`` is protected (``None``: not a
        published notice; the calendar is loaded only for those)."""
        if facts.kind is None or facts.published_at is None:
            return None
        return notices.protected_until(facts, self.calendar, self.tz)

    def window(self, revision: Revision) -> windows.Window:
        """Return when ``revision`` may show: its validity, never ending before its
        protection (:func:`.windows.validity`)."""
        return self.window_of(notice_facts(revision))

    def window_of(self, facts: notices.NoticeFacts) -> windows.Window:
        """Return when a revision with ``facts`` may show (see :meth:`window`)."""
        return windows.validity(
            facts.valid_from, facts.valid_until, facts.published_at, self.until_of(facts)
        )

    def period(self, revision: Revision) -> windows.Window | None:
        """Return the notice period of ``revision`` as posters and pages show it (``None``:
        not a notice)."""
        if revision.notice_kind is None:
            return None
        return notices.period(notice_facts(revision), self.calendar, self.tz)

    def facts(self, revision: Revision, org: Org | None = None) -> RevisionFacts:
        """Return what the audience rule needs to know of ``revision`` (of an item of
        ``org``), its protection included."""
        return facts_of(revision, org or revision.item.org, self.until(revision))

    def decision(self, revision: Revision, viewer: Viewer, at: dt.datetime) -> Decision:
        return decide(self.facts(revision), viewer, at)

    def publication(
        self, revision: Revision, now: dt.datetime
    ) -> tuple[dt.datetime, dt.datetime] | None:
        """Return when ``revision`` was actually public (see :func:`.windows.publication`)."""
        return windows.publication(
            published_at=revision.published_at,
            valid=self.window(revision),
            ended_at=revision.ended_at,
            running=revision.state is State.PUBLISHED,
            now=now,
        )


def facts_of(revision: Revision, org: Org, protected_until: dt.datetime | None) -> RevisionFacts:
    """Return what the audience rule needs to know of ``revision`` of an item of ``org``,
    protected until ``protected_until`` (see :class:`Protection`)."""
    return RevisionFacts(
        state=revision.state,
        scope=revision.scope,
        org_path=org.path,
        valid_from=revision.valid_from,
        valid_until=revision.valid_until,
        published_at=revision.published_at,
        org_active=org.active,
        protected_until=protected_until,
    )


def protection(revision: Revision) -> Protection:
    """Return the protection of the session ``revision`` is in, in the installation's time
    zone."""
    session = object_session(revision)
    if session is None:
        raise ValueError("the revision is not in a session")
    return Protection(session, local_tz())


def facts(revision: Revision, org: Org | None = None) -> RevisionFacts:
    """Return what the audience rule needs to know of ``revision`` (of an item of ``org``)."""
    return protection(revision).facts(revision, org)


def window(revision: Revision) -> windows.Window:
    """Return when ``revision`` may show (its validity, never before its protection ends)."""
    return protection(revision).window(revision)


def member(principal: Principal) -> Member:
    return Member.of(principal.grants)


def screen_viewer(screen: Screen) -> ScreenViewer:
    return ScreenViewer(screen.audience, screen.org.path)


def decision(revision: Revision, viewer: Viewer, at: dt.datetime) -> Decision:
    return decide(facts(revision), viewer, at)


def title_for(item: Item | None, viewer: Viewer, at: dt.datetime) -> str:
    """Return the title of ``item``'s live revision when ``viewer`` may see it in full;
    otherwise an empty string."""
    revision = item.live if item is not None else None
    if revision is None:
        return ""
    return revision.title if decision(revision, viewer, at).full else ""


@dataclass(frozen=True)
class Ending:
    """How a revision stopped being public, as the audit trail tells it."""

    action: str
    at: dt.datetime
    #: Who did it: the name shown to the public (real name and post), or ``username (role)``;
    #: empty when the system did it by itself.
    actor: str
    role: str
    reason: str
    hash: str


def endings(session: Session, item: Item, revision: Revision) -> list[Ending]:
    """Return the records that ended ``revision``'s publication, oldest first (e.g. a
    withdrawal, then the archiving)."""
    records = session.scalars(
        sa.select(AuditRecord)
        .where(AuditRecord.item_id == item.id, AuditRecord.revision == revision.number)
        .where(AuditRecord.action.in_([a.value for a in ENDING_ACTIONS]))
        .order_by(AuditRecord.seq)
    ).all()
    return [
        Ending(r.action, r.at, actor, r.role, r.reason, r.hash)
        for r, actor in zip(records, _actors(session, records), strict=True)
    ]


#: The audit action that puts a revision in each ended status.
STATUS_ACTIONS = {
    Status.WITHDRAWN: Action.WITHDRAW.value,
    Status.EXPIRED: Action.EXPIRE.value,
    Status.SUPERSEDED: Action.SUPERSEDE.value,
    Status.ARCHIVED: Action.ARCHIVE.value,
}


def public_endings(
    session: Session, item: Item, revision: Revision, decision: Decision
) -> list[Ending]:
    """Return how ``revision`` ended, as far as a viewer with ``decision`` may know: when, by
    whom and why in the full view; only when in a limited one (a reason may tell the content,
    the signers name the accountable person)."""
    found = endings(session, item, revision)
    end = window(revision).end
    if not found and decision.status is Status.EXPIRED and end is not None:
        # Past its validity before the expiry job ran: it ended by itself at its end.
        found = [Ending(Action.EXPIRE.value, end, "", SYSTEM, "", "")]
    if not decision.full:
        found = [Ending(e.action, e.at, "", "", "", "") for e in found]
    return found


def _actors(session: Session, records: Iterable[AuditRecord]) -> list[str]:
    found = list(records)
    usernames = {r.actor for r in found if r.actor != SYSTEM}
    names = {
        username: display
        for username, display in session.execute(
            sa.select(User.username, User.display_name).where(User.username.in_(usernames))
        )
    }
    return [
        "" if r.actor == SYSTEM else (names.get(r.actor) or f"{r.actor} ({r.role})") for r in found
    ]
