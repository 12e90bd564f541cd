"""What a scanned code names (an item revision on a screen, an item on paper, a screen), what
that screen showed of the item at the time (proof of play), and the publication record the
QR page shows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.models import User
from signage_server.audit.models import AuditRecord
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import NoticeKind
from signage_server.errors import NotFound
from signage_server.feedback import codes
from signage_server.feedback import links
from signage_server.feedback.models import Case
from signage_server.feedback.rules import Source
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen

#: How far back proof of play is searched for what a screen showed when its code was scanned.
SHOWN_LOOKBACK = dt.timedelta(hours=6)


@dataclass(frozen=True)
class Target:
    """What the form is about: an item revision (on a screen or a poster) or a screen."""

    source: Source
    org: Org
    item: Item | None = None
    revision: Revision | None = None
    screen: Screen | None = None
    #: The code as scanned (canonical), and the screen code if one came with it.
    code: str = ""
    screen_code: str = ""


def _not_found() -> NotFound:
    return NotFound(N_("This code is not valid. Please scan the code again."), code="bad_code")


def _shown_revision(revision: Revision) -> bool:
    """Tell whether ``revision`` ever went public (codes of drafts open nothing)."""
    return revision.published_at is not None


def resolve(session: Session, code: str, screen_code: str | None = None) -> Target:
    """Return what ``code`` (and the screen code ``?s=``) name, under this installation's key.

    :raise NotFound: malformed, forged or unknown codes, items never published.
    """
    key = links.code_key()
    named = codes.read(key, code)
    if named is None or named.kind not in codes.FORM_KINDS:
        raise _not_found()
    screen: Screen | None = None
    if screen_code:
        at = codes.read(key, screen_code)
        if at is None or at.kind != "s":
            raise _not_found()
        screen = session.get(Screen, at.numbers[0])
        if screen is None:
            raise _not_found()
    canonical = code.strip().upper()
    if named.kind == "s":
        if screen is not None:
            raise _not_found()
        screen = session.get(Screen, named.numbers[0])
        if screen is None:
            raise _not_found()
        return Target(Source.SCREEN_GENERAL, screen.org, screen=screen, code=canonical)
    item = session.get(Item, named.numbers[0])
    if item is None:
        raise _not_found()
    if named.kind == "r":
        revision = item.revision(named.numbers[1])
        source = Source.SCREEN
    else:
        revision = item.live
        source = Source.POSTER if screen is None else Source.SCREEN
    if revision is None or not _shown_revision(revision):
        raise _not_found()
    return Target(
        source,
        item.org,
        item=item,
        revision=revision,
        screen=screen,
        code=canonical,
        screen_code=screen_code.strip().upper() if screen_code else "",
    )


def is_voter_list(target: Target) -> bool:
    """Tell whether the form is about a voter list (选民名单): it then takes objections."""
    return target.revision is not None and target.revision.notice_kind is NoticeKind.VOTER_LIST


def shown_on(
    session: Session, screen: Screen, item: Item, at: dt.datetime
) -> tuple[int, dt.datetime] | None:
    """Return the revision of ``item`` that ``screen`` last started showing before ``at``
    (from proof of play) and when, or ``None`` when it has not reported one recently."""
    record = session.scalar(
        sa.select(PlayRecord)
        .where(
            PlayRecord.screen_id == screen.id,
            PlayRecord.item_id == item.id,
            PlayRecord.started_at <= at,
            PlayRecord.started_at >= at - SHOWN_LOOKBACK,
        )
        .order_by(PlayRecord.started_at.desc())
        .limit(1)
    )
    if record is None:
        return None
    return record.revision, record.started_at


def fill_shown(session: Session, case: Case) -> bool:
    """Record what the screen showed of the item when the case came in, if proof of play
    tells (at submission, and again later: players send it in batches). Return whether the
    case changed (the caller commits)."""
    if case.shown_revision is not None or case.screen is None or case.item is None:
        return False
    shown = shown_on(session, case.screen, case.item, case.received_at)
    if shown is None:
        return False
    case.shown_revision, case.shown_at = shown
    return True


@dataclass(frozen=True)
class PublicationStep:
    action: str
    actor: str
    role: str
    at: dt.datetime
    hash: str


def publication_record(session: Session, item: Item, revision: Revision) -> list[PublicationStep]:
    """Return the audit records of ``revision`` that show how it went public, with the
    display names of the people who signed (their names are public: 谁主管谁负责)."""
    records = session.scalars(
        sa.select(AuditRecord)
        .where(AuditRecord.item_id == item.id, AuditRecord.revision == revision.number)
        .where(
            AuditRecord.action.in_(
                ("submit", "review", "approve", "decide", "seal", "superior_approve", "publish")
            )
        )
        .order_by(AuditRecord.seq)
    ).all()
    usernames = {r.actor for r in records}
    names = {
        username: display
        for username, display in session.execute(
            sa.select(User.username, User.display_name).where(User.username.in_(usernames))
        )
    }
    return [
        PublicationStep(r.action, names.get(r.actor) or r.actor, r.role, r.at, r.hash)
        for r in records
    ]
