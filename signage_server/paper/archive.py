"""The archive: render an item's dossier, store it content-addressed, seal it in the audit
chain, find it again and check it against its seal.

* :func:`dossier_pdf` renders (an interim dossier, stored nowhere);
* :func:`make_dossier` renders, stores the PDF in the archive store (``paper.ARCHIVE``, named by
  its sha256), adds a :class:`~signage_server.paper.models.Dossier` row and seals the sha256 into
  the audit chain (subject ``dossier``); the caller commits;
* :func:`generate_due` makes the dossier of every item whose publication ended and has none
  for that ending yet (the scheduler calls it, a few per round, committing each);
* :func:`items_for_year` lists the items of a subtree whose publication ended in a year (the
  batch of ``signage print archive --org --year``);
* :func:`check_stored` tells whether a stored dossier still is what its seal says, and
  :func:`dossier_states` gives ``audit verify`` every dossier as the database and the store
  hold it now;
* for the archive's pages and API (``paper.archive_views``): :func:`make_now` (the use case:
  publish permission, seal, commit), :func:`current_pdf`, :func:`require_dossier`,
  :func:`archive_page` and :func:`archive_years`.

Call these inside an app context: they find the stores, the time zone and the templates there.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from flask import has_request_context
from flask import render_template
from flask_babel import force_locale
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from content.assets import AssetStore
from content.assets import sha256_hex
from content.languages import LANGUAGES
from signage_server import listing
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import acting_role
from signage_server.assets import STORE
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.audit.models import AuditRecord
from signage_server.audit.rules import Current
from signage_server.db import transaction
from signage_server.disclosure import viewing
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import Unavailable
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.orgs.services import get_by_code
from signage_server.paper import ARCHIVE
from signage_server.paper import dossier as gathering
from signage_server.paper import rules
from signage_server.paper.models import Dossier
from signage_server.paper.render import asset_url
from signage_server.paper.render import offload
from signage_server.paper.render import page_count
from signage_server.paper.render import render_pdf

logger = logging.getLogger(__name__)

#: The audit action that seals a dossier, and the state its record gives it.
SEAL_ACTION = "seal_dossier"
SEALED = "sealed"
#: A dossier that could not be made is tried again after this long (the scheduler's rounds
#: must not spend every second on the same broken item).
RETRY_AFTER = dt.timedelta(minutes=15)
#: The locale of every printed dossier: an official Chinese document, whoever asks for it.
LOCALE = "zh_Hans_CN"


# --- rendering --------------------------------------------------------------------------------


def dossier_html(session: Session, item: Item, *, now: dt.datetime, interim: bool) -> str:
    """Return the HTML of ``item``'s dossier as the database holds it at ``now``."""
    tz = viewing.local_tz()
    data = gathering.gather(session, item, now=now, tz=tz, asset_url=asset_url, interim=interim)

    def page() -> str:
        with force_locale(LOCALE):
            return render_template(
                "paper/dossier.html",
                d=data,
                tz=tz,
                rules=rules,
                problem_labels=gathering.PROBLEM_LABELS,
                languages=LANGUAGES,
                # The PDF's metadata: who issued it and when it was made.
                author=data.org_name,
                created=now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            )

    if has_request_context():
        return page()
    # Outside a request (the scheduler, the CLI, a job): the locale is forced all the same.
    with current_app.test_request_context():
        return page()


def _pdf(session: Session, item: Item, now: dt.datetime, interim: bool) -> bytes:
    html = dossier_html(session, item, now=now, interim=interim)
    # WeasyPrint in a native thread: the screens' sockets keep being served meanwhile.
    return offload(render_pdf, html, registry.get(STORE))


def dossier_pdf(session: Session, item: Item, *, now: dt.datetime) -> bytes:
    """Return an interim dossier of ``item`` (marked 临时卷宗, stored nowhere, sealed nowhere):
    what its dossier would say if it were made at ``now``."""
    return _pdf(session, item, now, interim=True)


def _year(moment: dt.datetime) -> int:
    return moment.astimezone(viewing.local_tz()).year


def make_dossier(
    session: Session,
    item: Item,
    *,
    now: dt.datetime,
    actor: str = "system",
    role: str = "system",
) -> Dossier:
    """Render ``item``'s dossier, store it, record it and seal its sha256 into the audit chain
    (flushed; the caller commits).

    The dossier is of the item's live revision: how its publication ended (``expired``,
    ``withdrawn``, ``archived``), or ``manual`` while it is still published.

    :raise Conflict: the item was never published (there is nothing to archive).
    """
    live = item.live
    if live is None:
        raise Conflict(N_("The item has never been published."), code="never_published")
    pdf = _pdf(session, item, now, interim=False)
    sha256 = registry.get(ARCHIVE).put(pdf)
    ending = gathering.ending_of(session, live)
    ended = live.ended_at if live.state in rules.ENDED and live.ended_at else now
    dossier = Dossier(
        item_id=item.id,
        revision=live.number,
        org_id=item.org_id,
        category=live.category.value,
        year=_year(ended),
        title=live.title[:200],
        ending=ending,
        sha256=sha256,
        size=len(pdf),
        pages=page_count(pdf),
        generated_at=now,
        generated_by=actor[:64],
    )
    session.add(dossier)
    session.flush()
    record = audit.record_event(
        session,
        subject=audit_rules.DOSSIER,
        subject_id=dossier.id,
        actor=actor,
        role=role,
        action=SEAL_ACTION,
        reason="",
        at=now,
        state=SEALED,
        details=_sealed_facts(dossier),
        content_sha256=sha256,
    )
    dossier.audit_seq = record.seq
    session.flush()
    logger.info(
        "dossier %s of item %s revision %s (%s): %s, %d pages, %d bytes, audit record %s",
        dossier.id,
        item.id,
        live.number,
        ending,
        sha256,
        dossier.pages,
        dossier.size,
        record.seq,
    )
    return dossier


def make_now(session: Session, actor: Principal, item: Item, *, now: dt.datetime) -> Dossier:
    """Make, store and seal ``item``'s dossier now, as ``actor`` (publish permission at its
    organisation, recorded in the capacity that gives it); one transaction.

    :raise PermissionDenied: the actor may not publish there.
    :raise Conflict: the item was never published.
    """
    with transaction(session):
        actor.require(Permission.PUBLISH_ITEMS, item.org)
        role = acting_role(actor.grants, (Permission.PUBLISH_ITEMS,), item.org.path)
        return make_dossier(
            session,
            item,
            now=now,
            actor=actor.user.username,
            role=role.value if role else "operator",
        )


def _sealed_facts(dossier: Dossier) -> dict[str, object]:
    """What a dossier's seal records besides its sha256 (compared by ``audit verify``)."""
    return {
        "item": dossier.item_id,
        "revision": dossier.revision,
        "org": dossier.org_id,
        "year": dossier.year,
        "ending": dossier.ending,
        "size": dossier.size,
        "pages": dossier.pages,
    }


# --- automatic generation ------------------------------------------------------------------

#: Items whose dossier failed, by (item, revision): when they may be tried again. Per process.
_failed: dict[tuple[int, int], dt.datetime] = {}


def _of_ending(item_id: Any, revision: Any) -> sa.ColumnElement[bool]:
    """SQL condition: a :class:`Dossier` made of that revision's ended publication (not one
    asked for while it was still published); ``item_id`` and ``revision`` are values or
    columns (correlated)."""
    return sa.and_(
        Dossier.item_id == item_id,
        Dossier.revision == revision,
        Dossier.ending != rules.Ending.MANUAL,
    )


def archived(session: Session, item: Item) -> Dossier | None:
    """Return the newest dossier of the ended publication of ``item``'s live revision, if it
    was made (by the scheduler, or a year's batch)."""
    return session.scalar(
        sa.select(Dossier)
        .where(_of_ending(item.id, item.live_number))
        .order_by(Dossier.generated_at.desc(), Dossier.id.desc())
        .limit(1)
    )


def due(session: Session, limit: int) -> list[tuple[int, int]]:
    """Return ``(item, revision)`` of items whose publication ended (their live revision
    expired, was withdrawn or archived) and that have no dossier of that ending yet, the
    longest ended first."""
    made = sa.select(Dossier.id).where(_of_ending(Item.id, Revision.number)).exists()
    query = (
        sa.select(Item.id, Revision.number)
        .join(Revision, sa.and_(Revision.item_id == Item.id, Revision.number == Item.live_number))
        .where(Revision.state.in_([s.value for s in rules.ENDED]), ~made)
        .order_by(Revision.ended_at, Item.id)
        .limit(limit)
    )
    return [(item_id, number) for item_id, number in session.execute(query)]


def generate_due(session: Session, now: dt.datetime, limit: int = 1) -> list[Dossier]:
    """Make the dossiers that are due (see :func:`due`), at most ``limit``, committing each.

    A dossier that fails is logged, rolled back and tried again after :data:`RETRY_AFTER`
    (by this process), so that one broken item never blocks the others.
    """
    for key, until in list(_failed.items()):
        if until <= now:
            del _failed[key]
    wanted = [key for key in due(session, limit + len(_failed)) if key not in _failed][:limit]
    made = []
    for item_id, number in wanted:
        try:
            item = session.get(Item, item_id, options=[selectinload(Item.revisions)])
            if item is None or item.live_number != number:
                continue
            dossier = make_dossier(session, item, now=now)
            session.commit()
        except Exception:
            session.rollback()
            _failed[(item_id, number)] = now + RETRY_AFTER
            logger.exception("could not make the dossier of item %s revision %s", item_id, number)
            continue
        made.append(dossier)
    return made


# --- finding dossiers -------------------------------------------------------------------------


def newest(session: Session, item: Item) -> Dossier | None:
    """Return the item's newest stored dossier, if any."""
    return session.scalar(
        sa.select(Dossier)
        .where(Dossier.item_id == item.id)
        .order_by(Dossier.generated_at.desc(), Dossier.id.desc())
        .limit(1)
    )


def require_dossier(session: Session, dossier_id: int) -> Dossier:
    """Return the stored dossier ``dossier_id``.

    :raise NotFound: no such dossier.
    """
    dossier = session.get(Dossier, dossier_id)
    if dossier is None:
        raise NotFound(N_("No such dossier."), code="dossier_not_found")
    return dossier


def current_pdf(
    session: Session, item: Item, *, now: dt.datetime, store: AssetStore
) -> tuple[bytes, Dossier | None]:
    """Return the PDF of ``item``'s newest stored dossier (checked against its seal) with the
    dossier; without one, an interim dossier rendered now, stored nowhere, and ``None``.

    :raise Unavailable: the stored dossier does not match its seal.
    """
    stored = newest(session, item)
    if stored is not None:
        return check_stored(session, stored, store), stored
    return dossier_pdf(session, item, now=now), None


def of_item(session: Session, item: Item) -> list[Dossier]:
    """Return the item's stored dossiers, newest first."""
    return list(
        session.scalars(
            sa.select(Dossier)
            .where(Dossier.item_id == item.id)
            .order_by(Dossier.generated_at.desc(), Dossier.id.desc())
        )
    )


def year_bounds(year: int, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
    """Return the moments (UTC) at which the local ``year`` begins and the next one begins."""
    return (
        dt.datetime(year, 1, 1, tzinfo=tz).astimezone(dt.UTC),
        dt.datetime(year + 1, 1, 1, tzinfo=tz).astimezone(dt.UTC),
    )


def items_for_year(session: Session, org: Org, year: int) -> list[Item]:
    """Return the items of ``org``'s subtree whose publication ended (expired, withdrawn or
    archived) in the local ``year``, in the order they ended."""
    start, end = year_bounds(year, viewing.local_tz())
    query = (
        sa.select(Item)
        .join(Org, Item.org_id == Org.id)
        .join(Revision, sa.and_(Revision.item_id == Item.id, Revision.number == Item.live_number))
        .where(
            Org.path.like(org.path + "%"),
            Revision.state.in_([s.value for s in rules.ENDED]),
            Revision.ended_at >= start,
            Revision.ended_at < end,
        )
        .options(selectinload(Item.revisions), selectinload(Item.org))
        .order_by(Revision.ended_at, Item.id)
    )
    return list(session.scalars(query))


@dataclass(frozen=True)
class ArchiveFilters:
    #: Words of the title, or the beginning of the sha256.
    text: str = ""
    #: Only dossiers of the org with this code and those below it (unknown: all).
    org: str = ""
    category: str = ""
    year: int | None = None


def archive_query(
    org_condition: sa.ColumnElement[bool], filters: ArchiveFilters, org: Org | None = None
) -> sa.Select[Dossier]:
    """Return the dossiers of the orgs matching ``org_condition`` (an SQL condition on ``Org``:
    those the caller may view), newest first, narrowed by ``filters`` (and to ``org``'s
    subtree, when given)."""
    query = (
        sa.select(Dossier)
        .join(Org, Dossier.org_id == Org.id)
        .where(org_condition)
        .options(selectinload(Dossier.org), selectinload(Dossier.item).selectinload(Item.revisions))
    )
    if org is not None:
        query = query.where(within([org.path]))
    if filters.category:
        query = query.where(Dossier.category == filters.category)
    if filters.year is not None:
        query = query.where(Dossier.year == filters.year)
    if filters.text:
        query = query.where(listing.text_match(filters.text, Dossier.title, Dossier.sha256))
    return query.order_by(Dossier.generated_at.desc(), Dossier.id.desc())


def archive_page(
    session: Session, actor: Principal, filters: ArchiveFilters, number: int
) -> listing.Page[Dossier]:
    """Return page ``number`` of the dossiers ``actor`` may view, newest first."""
    org = get_by_code(session, filters.org) if filters.org else None
    query = archive_query(actor.org_condition(), filters, org)
    return listing.paginate(session, query, number)


def archive_years(session: Session, actor: Principal) -> list[int]:
    """Return the years of the dossiers ``actor`` may view, newest first."""
    return [
        int(year)
        for year in session.scalars(
            sa.select(Dossier.year)
            .join(Org, Dossier.org_id == Org.id)
            .where(actor.org_condition())
            .distinct()
            .order_by(Dossier.year.desc())
        )
    ]


# --- checking against the seal ------------------------------------------------------------


def seal_of(session: Session, dossier: Dossier) -> AuditRecord | None:
    """Return the audit record that sealed ``dossier`` (its newest record)."""
    return audit.last_record(session, audit_rules.DOSSIER, dossier.id)


def _current(dossier: Dossier, content: bytes | None) -> Current:
    return Current(
        subject=audit_rules.DOSSIER,
        subject_id=dossier.id,
        revision=None,
        state=SEALED,
        label=f"archive dossier {dossier.id} (item {dossier.item_id})",
        # The file as stored now: a file changed, replaced or lost does not hash to the seal.
        content_sha256=sha256_hex(content) if content is not None else "missing",
        details=_sealed_facts(dossier),
    )


def check_stored(session: Session, dossier: Dossier, store: AssetStore) -> bytes:
    """Return the stored PDF of ``dossier`` after checking it against its seal: the record is
    genuine and seals this dossier's facts and sha256, and the file hashes to it.

    :raise Unavailable: it does not match (logged as an integrity alarm): never serve it as
        the genuine dossier.
    """
    content = store.get(dossier.sha256)
    record = seal_of(session, dossier)
    problem = None
    if record is None or not audit.is_genuine(session, record):
        problem = "no genuine seal"
    else:
        found = audit_rules.check_current(_current(dossier, content), record.entry())
        if found is not None:
            problem = found.message
        elif record.content_sha256 != dossier.sha256:
            problem = "the record seals another file"
    if problem is not None or content is None:
        logger.critical(
            "INTEGRITY ALARM: archive dossier %s of item %s does not match its seal: %s",
            dossier.id,
            dossier.item_id,
            problem or "file missing",
        )
        raise Unavailable(
            N_(
                "The stored archive dossier does not match its seal in the audit chain: it is"
                " not served. The administrators have been alerted."
            ),
            code="dossier_tampered",
        )
    return content


def dossier_states(store: AssetStore) -> Callable[[Session], Iterator[Current]]:
    """Return the provider of every dossier's state for ``audit verify``: its facts as the
    database holds them and the sha256 of its file as the store holds it now."""

    def states(session: Session) -> Iterator[Current]:
        for dossier in session.scalars(sa.select(Dossier).order_by(Dossier.id)):
            yield _current(dossier, store.get(dossier.sha256))

    return states
