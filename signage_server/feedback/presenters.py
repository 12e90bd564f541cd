"""How feedback looks from outside: a case as JSON (the submitter's identity only for those
allowed to see it), what anybody holding a receipt may know, and what the QR page shows of
the item behind a code (its publication record, its content while it is the disclosure, how
it ended) — as the one audience rule decides for an anonymous visitor."""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from signage_server.disclosure import viewing
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.audience import Decision as Disclosed
from signage_server.disclosure.audience import Status
from signage_server.disclosure.models import Revision
from signage_server.disclosure.presenters import asset_url
from signage_server.disclosure.presenters import body_html
from signage_server.disclosure.presenters import translation_html
from signage_server.disclosure.services import seal_intact
from signage_server.feedback import codes
from signage_server.feedback import links
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.models import Reply
from signage_server.feedback.rules import PUBLIC_DUTY_LABELS
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import Decision
from signage_server.feedback.services import deadlines
from signage_server.feedback.services import handling
from signage_server.feedback.services.inbox import CaseRow
from signage_server.feedback.services.scanning import Target
from signage_server.feedback.services.scanning import publication_record
from signage_server.matters import presenters as matters

logger = logging.getLogger(__name__)


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def case_json(row: CaseRow) -> dict[str, Any]:
    """A case as the API answers it to a handler (name and phone only with ``identity``)."""
    case = row.case
    return {
        "id": case.id,
        "receipt": case.receipt,
        "kind": case.kind.value,
        "state": case.state.value,
        "source": case.source.value,
        "channel": case.channel.value,
        "recorded_by": case.recorded_by.username if case.recorded_by else None,
        "recorded_at": _iso(case.recorded_at),
        "org": case.org.code,
        "handling_org": case.handling_org.code,
        "item": case.item_id,
        "revision": case.revision,
        "screen": case.screen_id,
        "shown_revision": case.shown_revision,
        "shown_at": _iso(case.shown_at),
        "text": case.text,
        "real_name": case.real_name,
        "name": case.name if row.identity else None,
        "phone": case.phone if row.identity else None,
        "received_at": _iso(case.received_at),
        "assignee": case.assignee.username if case.assignee else None,
        "acknowledged_at": _iso(case.acknowledged_at),
        "concluded_at": _iso(case.concluded_at),
        "answered_at": _iso(case.answered_at),
        "closed_at": _iso(case.closed_at),
        "decision": case.decision.value if case.decision else None,
        "decision_reason": case.decision_reason,
        "decided_at": _iso(case.decided_at),
        "extended_at": _iso(case.extended_at),
        "objected_at": _iso(case.objected_at),
        "transfers": [
            {
                "from": t.from_org.code,
                "to": t.to_org.code,
                "at": _iso(t.at),
                "by": t.actor.username if t.actor else None,
                "note": t.note,
            }
            for t in case.transfers
        ],
        "hidden": case.hidden,
        "hidden_reason": case.hidden_reason,
        "deadlines": [
            {
                "duty": d.duty.value,
                "due": d.due.isoformat(),
                "met_at": _iso(d.met_at),
                "overdue": d.overdue(row.today),
                "estimated": d.estimated,
            }
            for d in row.deadlines
        ],
        "replies": [
            {
                "id": r.id,
                "text": r.text,
                "created_at": _iso(r.created_at),
                "published_at": _iso(r.published_at),
                "author": r.author.username if r.author else None,
                "item": r.item_id,
            }
            for r in case.replies
        ],
    }


def extension_reason(case: Case) -> str:
    """Return why the time to decide the request was extended (its history's note), or an
    empty string when it was not."""
    if case.extended_at is None:
        return ""
    return next((e.note for e in reversed(case.events) if e.action is Action.EXTEND), "")


def public_case_json(case: Case, *, replies_intact: bool = True) -> dict[str, Any]:
    """What anybody holding the receipt may know: no names, no phone, no handler; no reply
    that does not match its seal in the audit chain."""
    return {
        "extended_at": _iso(case.extended_at),
        "extension_reason": extension_reason(case),
        "receipt": case.receipt,
        "kind": case.kind.value,
        "state": "hidden" if case.hidden else case.state.value,
        "received_at": case.received_at.isoformat(),
        "decision": case.decision.value if case.decision else None,
        "decision_reason": case.decision_reason if case.decision is Decision.REFUSED else "",
        "replies": [
            {"text": r.text, "published_at": r.published_at.isoformat()}
            for r in case.published_replies
            if r.published_at is not None and replies_intact
        ],
        "replies_intact": replies_intact,
        # 转办: only the fact, the date and the receiving body (never the internal note).
        "transfers": [{"at": t.at.isoformat(), "to": t.to_org.name} for t in case.transfers],
        "objected_at": _iso(case.objected_at),
    }


def may_object(case: Case) -> bool:
    """Tell whether the tracking page offers the reporter an objection to the handling
    result (the workflow table's answer for the holder of the receipt)."""
    return Action.OBJECT in rules.offered(
        handling.workflow_facts(case), frozenset({rules.Capacity.SUBMITTER})
    )


def answered_by(reply: Reply) -> str:
    """Who answered, as the public record names people: real name and post (the account's
    display name); empty when the account has none (the organisation then answers)."""
    person = reply.published_by or reply.author
    return person.display_name if person is not None else ""


def _revision_of(case: Case) -> Revision | None:
    """The revision the case is about: the one whose code was scanned (a poster's: the
    live one then)."""
    if case.item is None:
        return None
    return case.item.revision(case.revision) if case.revision is not None else case.item.live


def case_context(session: Session, case: Case, now: dt.datetime) -> dict[str, Any]:
    """What the receipt and tracking pages say about a case besides its state: the title of
    the item it is about (only when the audience rule lets anybody read it, as on the QR
    page), the deadlines in working days (the handlers' own), and who answered."""
    terms = deadlines.terms(session)
    revision = _revision_of(case)
    title = ""
    if revision is not None and viewing.decision(revision, ANONYMOUS, now).full:
        title = revision.title if seal_intact(revision) else ""
    return {
        "about_org": case.org.name,
        "about_title": title,
        "deadlines": deadlines.deadlines(case, terms),
        "extension_reason": extension_reason(case),
        "duty_labels": PUBLIC_DUTY_LABELS,
        "today": terms.today(now),
        "answered_by": answered_by,
    }


def disclosed(target: Target, now: dt.datetime) -> Disclosed | None:
    """What anybody with the code may see of the item: the one audience rule, as anonymous
    (the QR page is public; a login changes nothing here)."""
    if target.revision is None:
        return None
    return viewing.decision(target.revision, ANONYMOUS, now)


def publication(session: Session, target: Target, decision: Disclosed | None) -> dict[str, Any]:
    """The item's publication record, and its content only while it is the disclosure."""
    if target.item is None or target.revision is None or decision is None or not decision.full:
        return {}
    revision: Revision = target.revision
    # A body that does not match its seal in the audit chain (changed in the database) is
    # never presented as the disclosed content (DESIGN.md §2, tamper evidence).
    intact = seal_intact(revision)
    if not intact:
        logger.error(
            "INTEGRITY ALARM: item %s revision %s does not match its seal; the QR page"
            " does not present it",
            revision.item_id,
            revision.number,
        )
    content = decision.content and intact
    return {
        # Who answers for it (第一责任人) and who supplied it, as sealed: nothing of a revision
        # that fails its seal is presented (it may be forged too).
        "accountable": revision.accountable if intact else "",
        "department": revision.department if intact else "",
        # Village affairs: the joint meeting that decided it and the supervision committee's
        # seal, as sealed with those steps.
        "meeting": revision.joint_meeting if intact else None,
        "seal": revision.committee_seal if intact else None,
        "steps": publication_record(session, target.item, revision),
        "content_sha256": revision.content_sha256,
        "intact": intact,
        "body": body_html(revision.body, revision.title) if content else None,
        # A bilingual item's second text: sealed with the first, presented with it or not at all.
        "translation": translation_html(revision) if content else None,
        "attachments": [asset_url(sha) for sha in revision.attachments] if content else [],
        "current": target.item.live_number == revision.number,
    }


def matter_path(
    session: Session, target: Target, decision: Disclosed | None, now: dt.datetime
) -> dict[str, Any] | None:
    """The 四议两公开 path of the major matter the item discloses (its resolution or its
    result): only when the item may be shown in full and its revision matches its seal, as
    its title is; the other disclosure's title only when that one may be shown too, with the
    link to its own QR page."""
    if target.item is None or target.revision is None or decision is None or not decision.full:
        return None
    if not seal_intact(target.revision):
        return None
    path = matters.public_path(session, target.item.id, now)
    if path is None:
        return None
    for which in ("decision", "result"):
        linked = path[which]
        path[which] = (
            {
                "title": linked.title,
                "href": codes.form_path(links.item_code(linked.item_id, linked.revision)),
                "here": linked.item_id == target.item.id,
            }
            if linked is not None
            else None
        )
    return path


def status(
    session: Session, target: Target, decision: Disclosed | None, now: dt.datetime
) -> dict[str, Any]:
    """How the item stands when it is not (or no longer, or not yet) the current disclosure:
    when, by whom and why it ended (only the when for a limited view), and where the current
    revision is when that one may be shown."""
    if target.item is None or target.revision is None or decision is None:
        return {}
    if decision.status is Status.CURRENT:
        return {}
    revision: Revision = target.revision
    replacement = ""
    live = target.item.live
    if (
        live is not None
        and live.number != revision.number
        and viewing.decision(live, ANONYMOUS, now).content
    ):
        replacement = codes.form_path(
            links.item_code(target.item.id, live.number), target.screen_code
        )
    return {
        "status": decision.status.value,
        "label": decision.status.label,
        "action": viewing.STATUS_ACTIONS.get(decision.status, ""),
        "starts": viewing.window(revision).start if decision.status is Status.SCHEDULED else None,
        "endings": viewing.public_endings(session, target.item, revision, decision),
        "replacement": replacement,
    }


@dataclass(frozen=True)
class Slip:
    """What a receipt slip (回执) says: what was promised when the case was recorded, and
    nothing of what happened since (its holder reads that on the tracking page)."""

    receipt: str
    org: str
    kind: str
    channel: str
    received_on: dt.date
    #: The duties with their last days as counted at receipt (labels as the villager reads them).
    deadlines: list[tuple[str, dt.date]]
    #: Where the villager may ask, receipt in hand: the body that handles the case (the
    #: township's discipline commission for a report, never the reported village).
    ask_at: str
    track_url: str
    recorded_at: dt.datetime | None


def slip(session: Session, case: Case) -> Slip:
    """Return the receipt slip of a case staff recorded."""
    terms = deadlines.terms(session)
    promised = rules.deadlines(
        rules.CaseFacts(kind=case.kind, real_name=case.real_name, received_at=case.received_at),
        terms.calendar,
        terms.tz,
        terms.days,
    )
    return Slip(
        receipt=case.receipt,
        org=case.org.name,
        kind=case.kind.label,
        channel=case.channel.label,
        received_on=terms.today(case.received_at),
        deadlines=[(PUBLIC_DUTY_LABELS[d.duty], d.due) for d in promised],
        ask_at=case.handling_org.name,
        track_url=links.track_url(case.receipt),
        recorded_at=case.recorded_at,
    )
