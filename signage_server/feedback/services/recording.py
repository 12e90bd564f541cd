"""Heard without a smartphone (代录): staff record a case a villager brought by the hotline,
a letter, the paper mailbox or a reception day, through the very intake of the QR form
(:func:`.intake.submit_case`: routing, deadlines, privacy, the audit chain); the receipt slip
they print for the villager; the look-up by receipt at the village office's counter.

Who may record, for which orgs, and how far back the day of receipt may lie are the pure
rules of ``feedback.rules`` (``RECORDING_ROLES``, ``check_received_on``). Recording gives
no sight of the case: the recorder sees it afterwards only if the visibility rule lets
them (a village clerk never sees the report they recorded about their own village), and
otherwise only the slip, for ``rules.SLIP_REPRINT_HOURS`` after recording.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Role
from signage_server.disclosure import viewing
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.rules import Channel
from signage_server.feedback.rules import Source
from signage_server.feedback.services import deadlines
from signage_server.feedback.services import intake
from signage_server.feedback.services import visibility
from signage_server.feedback.services.intake import Recording
from signage_server.feedback.services.intake import Submission
from signage_server.feedback.services.scanning import Target
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.orgs.services import get_by_code

logger = logging.getLogger(__name__)


def recording_orgs(session: Session, principal: Principal) -> list[Org]:
    """Return the active orgs the caller records cases for (their recording grants'
    subtrees), by path."""
    paths = rules.recording_paths(principal.grants)
    if not paths:
        return []
    return list(
        session.scalars(
            sa.select(Org).where(within(paths), Org.active.is_(True)).order_by(Org.path)
        )
    )


def recording_org(session: Session, principal: Principal, code: str) -> tuple[Org, Role]:
    """Return the org of ``code`` and the role the caller records cases for it in.

    :raise PermissionDenied: unknown, dissolved or out of the caller's reach (one answer:
        the code of another township's village tells nothing).
    """
    org = get_by_code(session, code) if code else None
    known = org is not None and org.active
    role = rules.check_may_record(principal.grants, org.path if known and org else None)
    assert org is not None
    return org, role


def public_items(session: Session, org: Org, now: dt.datetime) -> list[Revision]:
    """Return the live revision of each item of ``org`` that the audience rule shows to
    anybody in full (disclosed to the public, and published): what a recorded case may be
    about, as a villager could have scanned it. Newest first."""
    revisions = session.scalars(
        sa.select(Revision)
        .join(Item, sa.and_(Item.id == Revision.item_id, Item.live_number == Revision.number))
        .where(Item.org_id == org.id, Revision.published_at.is_not(None))
        .order_by(Revision.published_at.desc(), Item.id.desc())
    )
    return [r for r in revisions if viewing.decision(r, ANONYMOUS, now).full]


@dataclass(frozen=True)
class Heard:
    """What a villager said, and how staff heard it."""

    org: str
    channel: Channel
    received_on: dt.date
    submission: Submission
    #: The item it is about (one of :func:`public_items`), or ``None``: the org in general.
    item_id: int | None = None


def record_case(session: Session, principal: Principal, heard: Heard, now: dt.datetime) -> Case:
    """Record a case on a villager's behalf through :func:`.intake.submit_case`, commit, and
    return it.

    :raise PermissionDenied: the caller records no cases for that org.
    :raise BadRequest: the QR form's channel, a day of receipt in the future or too far back,
        an item that is not one of the org's public disclosures, a kind the form never offers.
    :raise RuleViolation: what the QR form refuses too (an objection off a voter list, late).
    """
    org, role = recording_org(session, principal, heard.org)
    if not heard.channel.recorded:
        raise BadRequest(N_("Say how the villager reached you."), code="bad_channel")
    terms = deadlines.terms(session)
    rules.check_received_on(heard.received_on, terms.today(now))
    target = Target(Source.RECORDED, org)
    if heard.item_id is not None:
        revision = next(
            (r for r in public_items(session, org, now) if r.item_id == heard.item_id), None
        )
        if revision is None:
            raise BadRequest(
                N_("Choose one of the organisation's public disclosures, or none."),
                code="bad_item",
            )
        target = Target(Source.RECORDED, org, item=revision.item, revision=revision)
    received = rules.received_moment(heard.received_on, now, terms.tz)
    recording = Recording(heard.channel, principal.user, role.value, received)
    submission = Submission(
        kind=heard.submission.kind,
        text=heard.submission.text,
        name=heard.submission.name,
        phone=heard.submission.phone,
        nonce=heard.submission.nonce,
        recording=recording,
    )
    case = intake.submit_case(session, target, submission, now)
    logger.info(
        "feedback case %s recorded by %s (%s) for %s",
        case.id,
        principal.user.username,
        heard.channel.value,
        org.code,
    )
    return case


def _no_case() -> NotFound:
    # One answer for an unknown receipt and a case the caller may not see: no oracle.
    return NotFound(
        N_("No case you may see has this receipt code. Please check it and try again."),
        code="no_receipt",
    )


def slip_case(session: Session, principal: Principal, receipt: str, now: dt.datetime) -> Case:
    """Return the case of a receipt slip: for whoever sees the case, and for its recorder
    for a while after recording (to print it again), never anybody else.

    :raise NotFound: unknown, or not the caller's to print.
    """
    canonical = rules.normalise_receipt(receipt)
    case = session.scalar(sa.select(Case).where(Case.receipt == canonical)) if canonical else None
    if case is None or not case.channel.recorded:
        raise _no_case()
    if visibility.can_see(principal, case) or rules.may_reprint_slip(
        case.recorded_at, case.recorded_by_id, principal.user.id, now
    ):
        return case
    raise _no_case()


def look_up(session: Session, principal: Principal, receipt: str) -> intake.Tracked:
    """Return the case of a receipt a villager brings to the counter, with whether its
    published replies are intact: only a case the caller may see (the visibility rule),
    whatever its channel. Every look-up is logged with its outcome.

    :raise NotFound: malformed, unknown, or a case the caller may not see (one answer).
    """
    try:
        tracked = intake.track(session, receipt)
    except NotFound:
        tracked = None
    found = tracked is not None and visibility.can_see(principal, tracked.case)
    logger.info(
        "feedback receipt looked up at the counter by %s: %s",
        principal.user.username,
        f"case {tracked.case.id}" if found and tracked is not None else "nothing shown",
    )
    if not found or tracked is None:
        raise _no_case()
    return tracked
