"""A villager's submission becomes a case (``submit_case``), routed to the org that handles
it; the villager follows it with the receipt (``track``)."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.models import User
from signage_server.disclosure import notices
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.viewing import notice_facts
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.models import CaseEvent
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import Channel
from signage_server.feedback.rules import Kind
from signage_server.feedback.services import deadlines
from signage_server.feedback.services.scanning import Target
from signage_server.feedback.services.scanning import fill_shown
from signage_server.feedback.services.sealing import replies_intact
from signage_server.feedback.services.sealing import seal
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Recording:
    """Who recorded a case on the villager's behalf (代录), how it came and when it was
    received (``recording.record_case`` checks all three)."""

    channel: Channel
    by: User
    #: The role it was recorded in (sealed as the receiving step's role).
    role: str
    received_at: dt.datetime


@dataclass(frozen=True)
class Submission:
    kind: Kind
    text: str
    name: str = ""
    phone: str = ""
    nonce: str | None = None
    #: A field that people leave empty and robots fill in.
    honeypot: str = ""
    #: Recorded by staff (not sent from the QR form).
    recording: Recording | None = None


def handling_org(session: Session, org: Org, kind: Kind) -> Org:
    """Return the org that handles feedback of ``kind`` about ``org`` (``rules.handling_path``:
    the parent for reports)."""
    parent = (
        session.get(Org, org.parent_id)
        if org.parent_id and kind in rules.HANDLED_ABOVE  # no need to read it otherwise
        else None
    )
    path = rules.handling_path(kind, org.path, parent.path if parent else None)
    return parent if parent is not None and path == parent.path else org


def routed_kind(session: Session, target: Target, kind: Kind, now: dt.datetime) -> Kind:
    """Return the kind a submission about ``target`` is stored (and routed) as
    (``rules.routed_kind``); refuse what the form may not send there.

    :raise BadRequest: a kind the form never offers.
    :raise RuleViolation: an objection on anything but a voter list, or after its 5 days
        (``rules.check_objection_window``).
    """
    if kind not in rules.SUBMITTED_KINDS:
        raise BadRequest(N_("Choose what your message is about."), code="bad_kind")
    revision = target.revision
    if kind is Kind.OBJECTION:
        if revision is None or revision.notice_kind is not NoticeKind.VOTER_LIST:
            raise RuleViolation(
                N_("Objections are filed against a voter list, on its own form."),
                code="not_a_voter_list",
            )
        public = notices.went_public(notice_facts(revision))
        if public is not None:
            terms = deadlines.terms(session)
            rules.check_objection_window(terms.today(public), terms.today(now), terms.days)
    return rules.routed_kind(
        kind,
        village=target.org.kind is OrgKind.VILLAGE,
        village_affairs=revision is not None and revision.category is Category.VILLAGE_AFFAIRS,
    )


def submit_case(session: Session, target: Target, submission: Submission, now: dt.datetime) -> Case:
    """Store a submission as a case, commit, and return it (the same case when the same form,
    by its nonce, comes twice with the same content). A case staff recorded
    (``submission.recording``) counts as received when its recording says, and its receiving
    step is sealed with the recorder, the channel and the day received.

    A nonce sent again with other content (a form page kept in a browser's cache, or
    replayed on purpose) makes a new case: nothing a villager wrote hides behind another
    submission's receipt. Honeypot hits are stored too, hidden: nothing acknowledged is
    ever thrown away.
    """
    recording = submission.recording
    received = recording.received_at if recording is not None else now
    kind = routed_kind(session, target, submission.kind, received)
    text = rules.clean_text(submission.text)
    name = rules.clean_text(submission.name).replace("\n", " ")
    dedupe = None
    if submission.nonce:
        recorded = (
            (recording.channel.value, str(recording.by.id), received.isoformat())
            if recording is not None
            else ()
        )
        dedupe = rules.submission_key(
            submission.nonce,
            target.code,
            str(target.org.id),
            str(target.item.id if target.item else ""),
            str(target.revision.number if target.revision else ""),
            str(target.screen.id if target.screen else ""),
            submission.kind.value,
            text,
            name,
            submission.phone,
            *recorded,
        )
    if dedupe is not None:
        existing = session.scalar(sa.select(Case).where(Case.nonce == dedupe))
        if existing is not None:
            return existing
    org = target.org
    case = Case(
        receipt=rules.new_receipt(),
        nonce=dedupe,
        kind=kind,
        state=rules.RECEIVED_STATE,
        source=target.source,
        org=org,
        handling_org=handling_org(session, org, kind),
        item=target.item,
        revision=target.revision.number if target.revision else None,
        screen=target.screen,
        text=text,
        name=name,
        phone=submission.phone,
        received_at=received,
        channel=recording.channel if recording is not None else Channel.QR,
        recorded_by=recording.by if recording is not None else None,
        recorded_at=now if recording is not None else None,
        decision=rules.received_decision(kind),
        decision_reason="",
        hidden_reason="",
        replies=[],  # new: nothing to load when its state is sealed
    )
    fill_shown(session, case)
    if submission.honeypot:
        case.hidden_at = now
        case.hidden_reason = "honeypot"
    while session.scalar(sa.select(Case.id).where(Case.receipt == case.receipt)) is not None:
        case.receipt = rules.new_receipt()  # 31¹⁰ codes: practically never taken
    session.add(case)
    if recording is None:
        case.events.append(CaseEvent(action=Action.RECEIVE, at=now, note=""))
        seal(case, Action.RECEIVE, "public", "public", now, "")
    else:
        case.events.append(CaseEvent(action=Action.RECEIVE, actor=recording.by, at=now, note=""))
        seal(case, Action.RECEIVE, recording.by.username, recording.role, now, "")
    session.commit()
    return case


def by_receipt(session: Session, receipt: str) -> Case:
    """Return the case of a receipt someone typed.

    :raise NotFound: malformed or unknown.
    """
    canonical = rules.normalise_receipt(receipt)
    case = session.scalar(sa.select(Case).where(Case.receipt == canonical)) if canonical else None
    if case is None:
        raise NotFound(
            N_("No case has this receipt code. Please check it and try again."), code="no_receipt"
        )
    return case


@dataclass(frozen=True)
class Tracked:
    case: Case
    #: The published replies match their seal (otherwise none is presented).
    replies_intact: bool


def track(session: Session, receipt: str) -> Tracked:
    """Return the case of a receipt and whether its published replies are intact.

    :raise NotFound: malformed or unknown receipt.
    """
    case = by_receipt(session, receipt)
    intact = replies_intact(session, case)
    if not intact:
        logger.error(
            "INTEGRITY ALARM: the published replies of feedback case %s do not match their seal",
            case.id,
        )
    return Tracked(case, intact)
