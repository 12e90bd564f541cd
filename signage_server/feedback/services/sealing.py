"""A case in the audit chain: every step seals the case's resulting state (ids, states and
hashes only, never the villager's name, phone or text; for a case staff recorded, the
channel, the recorder's id and the day received), so that ``signage audit verify``
finds a case changed in the database, and a published reply rewritten afterwards is not
presented as the answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import object_session

from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.feedback.models import Case
from signage_server.feedback.models import Reply
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Channel
from signage_server.feedback.rules import Decision


def seal(case: Case, action: Action, actor: str, role: str, now: dt.datetime, note: str) -> None:
    """Seal the step and the case's resulting state into the audit chain: ids, states and the
    hash of the note only, never the villager's name, phone or text."""
    session = object_session(case)
    assert session is not None
    session.flush()
    audit.record_event(
        session,
        subject=audit_rules.CASE,
        subject_id=case.id,
        actor=actor,
        role=role,
        action=action.value,
        reason="",
        at=now,
        state=case.state.value,
        details={
            **_sealed_facts(case),
            "note_sha256": audit.text_hash(note) if note else None,
        },
    )


def _sealed_facts(case: Case) -> dict[str, object]:
    published = sorted(case.published_replies, key=lambda r: (r.published_at, r.id))
    return {
        "hidden": case.hidden,
        "decision": case.decision.value if case.decision else None,
        "replies_sha256": replies_hash([reply.text for reply in published]),
        # Where it is handled (a transfer moves it): a case moved in the database is found.
        "handling_org_id": case.handling_org_id,
        # How it came and who recorded it (代录), and the day deadlines count from.
        "channel": case.channel.value,
        "recorded_by_id": case.recorded_by_id,
        "received_at": case.received_at.astimezone(dt.UTC).isoformat(),
    }


def replies_hash(texts: list[str]) -> str | None:
    """Return the hash that seals the published replies of a case (in publication order), so
    that a reply changed in the database afterwards is found; ``None`` when there is none."""
    return audit.text_hash("\x1e".join(texts)) if texts else None


def replies_intact(session: Session, case: Case) -> bool:
    """Tell whether the case's published replies are those its newest genuine audit record
    sealed (a reply rewritten in the database is not presented as the answer)."""
    record = audit.last_record(session, audit_rules.CASE, case.id)
    if record is None:
        return True
    if not audit.is_genuine(session, record):
        return False
    sealed = record.details or {}
    # A record written before replies were sealed (an upgraded database) has nothing to compare.
    return "replies_sha256" not in sealed or (
        sealed["replies_sha256"] == _sealed_facts(case)["replies_sha256"]
    )


def case_states(session: Session) -> Iterator[audit_rules.Current]:
    """Yield every case's state as stored now, for ``audit verify``."""
    replies: dict[int, list[str]] = {}
    for case_id, text in session.execute(
        sa.select(Reply.case_id, Reply.text)
        .where(Reply.published_at.is_not(None))
        .order_by(Reply.case_id, Reply.published_at, Reply.id)
    ):
        replies.setdefault(case_id, []).append(text)
    for (
        case_id,
        state,
        decision,
        hidden_at,
        handling_org_id,
        channel,
        recorded_by_id,
        received_at,
    ) in session.execute(
        sa.select(
            Case.id,
            Case.state,
            Case.decision,
            Case.hidden_at,
            Case.handling_org_id,
            Case.channel,
            Case.recorded_by_id,
            Case.received_at,
        ).order_by(Case.id)
    ):
        yield audit_rules.Current(
            subject=audit_rules.CASE,
            subject_id=case_id,
            revision=None,
            state=CaseState(state).value,
            label=f"feedback case {case_id}",
            details={
                "hidden": hidden_at is not None,
                "decision": Decision(decision).value if decision else None,
                "replies_sha256": replies_hash(replies.get(case_id, [])),
                "handling_org_id": handling_org_id,
                "channel": Channel(channel).value,
                "recorded_by_id": recorded_by_id,
                "received_at": received_at.astimezone(dt.UTC).isoformat(),
            },
        )
