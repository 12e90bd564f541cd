"""What an organisation's public page (``/p/<org code>``) shows, as anybody may see it.

Everything shown of an item is decided by the audience rule for an anonymous visitor
(:func:`signage_server.disclosure.viewing.decision` with ``ANONYMOUS``): the page lists the
items the rule shows in full, never a ``party`` or ``unit`` item, not even as "limited". An
item's content is presented only while the rule says it is the current disclosure, and only
when it matches its seal in the audit chain; a revision that does not is not presented at all
(not even its title: it may be forged too), only counted, with a way to report it.

The pieces are the QR page's own (:mod:`signage_server.feedback.presenters`): the publication
record, the body rendered as on screens and posters, how an item ended, the feedback code
of the live revision.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server.audit.services import Head
from signage_server.audit.services import head as audit_head
from signage_server.disclosure import viewing
from signage_server.disclosure import windows
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.audience import Decision
from signage_server.disclosure.audience import Status
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.presenters import asset_url
from signage_server.disclosure.presenters import body_html
from signage_server.disclosure.presenters import translation_html
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.procedures import Seal
from signage_server.disclosure.rules import WAS_PUBLISHED
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Timing
from signage_server.disclosure.services import broken_seals
from signage_server.errors import NotFound
from signage_server.feedback import codes
from signage_server.feedback import links
from signage_server.feedback.services.scanning import PublicationStep
from signage_server.feedback.services.scanning import publication_record
from signage_server.i18n import N_
from signage_server.orgs import services as orgs
from signage_server.orgs.models import Org
from signage_server.public import rules

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CurrentItem:
    """A public item being disclosed now, with everything the page shows of it."""

    item_id: int
    title: str
    category: Category
    timing: Timing
    major: bool
    stage: str
    notice: NoticeKind | None
    notice_min_days: int | None
    #: The first and last local day it is disclosed (a notice: never before its minimum
    #: ends); no last day: until further notice.
    first_day: dt.date | None
    last_day: dt.date | None
    department: str
    accountable: str
    #: Village affairs: the joint meeting and the supervision committee's seal (the seal line).
    meeting: Meeting | None
    committee_seal: Seal | None
    body: Markup
    #: A bilingual item's second text (``disclosure.presenters.translation_html``).
    translation: dict[str, Any] | None
    attachments: list[str]
    steps: list[PublicationStep]
    content_sha256: str
    feedback_url: str


@dataclass(frozen=True)
class PastItem:
    """A public item whose publication ended: what it was, when it was shown, how it ended."""

    item_id: int
    title: str
    category: Category
    status: Status
    #: The first and the last local day it was disclosed.
    first_day: dt.date | None
    last_day: dt.date
    endings: list[viewing.Ending]
    #: The item's QR page, which keeps its publication record and says how it ended.
    url: str


@dataclass(frozen=True)
class Withheld:
    """A revision that does not match its seal: nothing of it is presented, but villagers
    may still write (or report) about it."""

    feedback_url: str


@dataclass
class Page:
    org: Org
    #: The organisations above, from the top (each has its own page).
    parents: list[Org]
    children: list[Org]
    now: dt.datetime
    audit_head: Head
    current: list[tuple[Category, list[CurrentItem]]] = field(default_factory=list)
    withheld: list[Withheld] = field(default_factory=list)
    #: ``(year, ended items)``, newest first, and the years listed on this page.
    years: list[tuple[int, int]] = field(default_factory=list)
    years_shown: list[int] = field(default_factory=list)
    past: list[tuple[int, list[PastItem]]] = field(default_factory=list)
    past_withheld: int = 0

    @property
    def current_count(self) -> int:
        return sum(len(items) for _category, items in self.current)

    @property
    def past_count(self) -> int:
        return sum(count for _year, count in self.years)


def find_org(session: Session, code: str) -> Org:
    """Return the active organisation with ``code`` (any case).

    :raise NotFound: no such organisation, or a dissolved one (its items are no longer public).
    """
    org = orgs.get_by_code(session, code)
    if org is None or not org.active:
        raise NotFound(
            N_("There is no public page for %(org)s."), code="org_not_found", org=code.strip()
        )
    return org


def directory(session: Session) -> list[tuple[Org, list[Org]]]:
    """Return every active organisation that has active ones below it, in tree order, with
    those directly below it (each of them has a page; those with their own below, a section)."""
    found = session.scalars(sa.select(Org).where(Org.active.is_(True))).all()
    ordered = [org for _depth, org in orgs.tree_order(found)]
    below: dict[int, list[Org]] = {}
    for org in ordered:
        if org.parent_id is not None:
            below.setdefault(org.parent_id, []).append(org)
    return [(org, below[org.id]) for org in ordered if org.id in below] or [
        (org, []) for org in ordered
    ]


def _parents(session: Session, org: Org) -> list[Org]:
    ids = [int(part) for part in org.path.strip("/").split("/")[:-1]]
    by_id = {o.id: o for o in session.scalars(sa.select(Org).where(Org.id.in_(ids)))}
    return [by_id[i] for i in ids if i in by_id and by_id[i].active]


def _feedback_url(item_id: int, number: int) -> str:
    return codes.form_path(links.item_code(item_id, number))


def _published(session: Session, org: Org) -> list[Revision]:
    """Return the live revision (the one published last) of each item of ``org`` that was
    ever published: what the audience rule then decides on. Only narrows the search."""
    return list(
        session.scalars(
            sa.select(Revision)
            .join(Item, sa.and_(Item.id == Revision.item_id, Item.live_number == Revision.number))
            .where(Item.org_id == org.id, Revision.state.in_(WAS_PUBLISHED))
            .options(selectinload(Revision.item), selectinload(Revision.catalog_entry))
        )
    )


def _intact(session: Session, revisions: list[Revision], org: Org) -> set[int]:
    """Return the ids of ``revisions`` that match their seal; log an alarm for the others."""
    broken = broken_seals(session, revisions)
    for revision in broken:
        logger.error(
            "INTEGRITY ALARM: item %s revision %s of %s does not match its seal; the public"
            " page does not present it",
            revision.item_id,
            revision.number,
            org.code,
        )
    return {r.id for r in revisions} - {r.id for r in broken}


def _current(session: Session, revision: Revision, tz: dt.tzinfo) -> CurrentItem:
    shown = viewing.window(revision)
    return CurrentItem(
        item_id=revision.item_id,
        title=revision.title,
        category=revision.category,
        timing=revision.timing,
        major=revision.major,
        stage=revision.stage,
        notice=revision.notice_kind,
        notice_min_days=revision.notice_min_days,
        first_day=shown.first_day(tz),
        last_day=shown.last_day(tz),
        department=revision.department,
        accountable=revision.accountable,
        meeting=revision.joint_meeting,
        committee_seal=revision.committee_seal,
        body=body_html(revision.body, revision.title),
        translation=translation_html(revision),
        attachments=[asset_url(sha) for sha in revision.attachments],
        steps=publication_record(session, revision.item, revision),
        content_sha256=revision.content_sha256,
        feedback_url=_feedback_url(revision.item_id, revision.number),
    )


def _past(
    session: Session, revision: Revision, decision: Decision, last: dt.date, tz: dt.tzinfo
) -> PastItem:
    return PastItem(
        item_id=revision.item_id,
        title=revision.title,
        category=revision.category,
        status=decision.status,
        first_day=viewing.window(revision).first_day(tz),
        last_day=last,
        endings=viewing.public_endings(session, revision.item, revision, decision),
        url=_feedback_url(revision.item_id, revision.number),
    )


def _ended(revision: Revision) -> dt.datetime | None:
    return windows.ended_at(revision.ended_at, viewing.window(revision), revision.published_at)


def _was_shown(revision: Revision) -> bool:
    """Tell whether an ended revision was ever disclosed (not withdrawn before its start)."""
    return not windows.Window(viewing.window(revision).start, _ended(revision)).empty


def _entry_position(revision: Revision) -> int | None:
    entry = revision.catalog_entry
    return entry.position if entry is not None else None


def page(session: Session, org: Org, now: dt.datetime, *, year: str | None = None) -> Page:
    """Return the public page of ``org`` at ``now``: its current public items by category,
    its ended ones by year (``year``: one year, ``all``, or the default of
    :func:`rules.years_shown`), the organisations around it.

    Items of the organisations below are on their own pages (linked from this one).
    """
    found = Page(
        org=org,
        parents=_parents(session, org),
        children=[child for child in org.children if child.active],
        now=now,
        audit_head=audit_head(session),
    )
    current: list[Revision] = []
    ended: list[tuple[Revision, Decision]] = []
    for revision in _published(session, org):
        decision = viewing.decision(revision, ANONYMOUS, now)
        if not decision.full:
            continue  # party and unit items are not on this page at all
        if decision.content and decision.status is Status.CURRENT:
            current.append(revision)
        elif decision.ended and _was_shown(revision):
            ended.append((revision, decision))
    intact = _intact(session, current, org)
    found.withheld = [
        Withheld(_feedback_url(r.item_id, r.number)) for r in current if r.id not in intact
    ]
    shown = sorted(
        (r for r in current if r.id in intact),
        key=lambda r: rules.current_order(r.category, _entry_position(r), viewing.window(r).start),
    )
    tz = local_tz()
    found.current = rules.grouped((_current(session, r, tz) for r in shown), lambda c: c.category)
    _add_past(session, found, ended, year)
    return found


def _add_past(
    session: Session, found: Page, ended: list[tuple[Revision, Decision]], year: str | None
) -> None:
    tz = local_tz()
    last = {r.id: windows.last_day(_ended(r) or found.now, tz) for r, _decision in ended}
    found.years = rules.year_counts(last[r.id].year for r, _decision in ended)
    found.years_shown = rules.years_shown(found.years, year)
    listed = [(r, d) for r, d in ended if last[r.id].year in found.years_shown]
    intact = _intact(session, [r for r, _decision in listed], found.org)
    found.past_withheld = sum(1 for r, _decision in listed if r.id not in intact)
    newest_first = sorted(
        (pair for pair in listed if pair[0].id in intact),
        key=lambda pair: -(_ended(pair[0]) or found.now).timestamp(),
    )
    found.past = rules.grouped(
        (_past(session, r, d, last[r.id], tz) for r, d in newest_first),
        lambda p: p.last_day.year,
    )
