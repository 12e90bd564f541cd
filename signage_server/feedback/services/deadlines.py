"""The duties of a case in working days (DESIGN.md §5): the facts they depend on, the terms
they are counted with (calendar, zone, configured days), which are overdue, and the same
question as an SQL condition so that lists count and page overdue cases in the database."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.disclosure.context import local_tz
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import DeadlineTerms
from signage_server.feedback.rules import Kind
from signage_server.workdays.services import calendar_of


def terms(session: Session) -> DeadlineTerms:
    """Return what this installation counts deadlines with: the calendar in the database (as
    the session loaded it), the local zone and the configured days
    (``SIGNAGE_FEEDBACK_DAYS``)."""
    return DeadlineTerms(
        calendar=calendar_of(session),
        tz=local_tz(),
        days=rules.parse_days(registry.get(Settings).feedback_days),
    )


def facts(case: Case) -> rules.CaseFacts:
    """Return what the deadlines know of ``case`` (the workflow adds what it needs:
    ``handling.workflow_facts``)."""
    return rules.CaseFacts(
        kind=case.kind,
        real_name=case.real_name,
        received_at=case.received_at,
        acknowledged_at=case.acknowledged_at,
        concluded_at=case.concluded_at,
        decided_at=case.decided_at,
        extended_at=case.extended_at,
        answered_at=case.answered_at,
        hidden=case.hidden,
        objected_at=case.objected_at,
    )


def deadlines(case: Case, terms: DeadlineTerms) -> list[rules.Deadline]:
    """Return the duties of ``case`` with their last days (once it is closed: only those
    that were done)."""
    found = rules.deadlines(facts(case), terms.calendar, terms.tz, terms.days)
    if case.state is CaseState.CLOSED:
        return [d for d in found if d.met_at]
    return found


def overdue(case: Case, terms: DeadlineTerms, now: dt.datetime) -> list[rules.Deadline]:
    """Return the duties of ``case`` that are past their last day at ``now`` (none once it is
    closed: :func:`deadlines` then keeps only the duties that were done)."""
    today = terms.today(now)
    return [d for d in deadlines(case, terms) if d.overdue(today)]


def overdue_condition(terms: DeadlineTerms, now: dt.datetime) -> sa.ColumnElement[bool]:
    """Return :func:`overdue` as an SQL condition on :class:`Case` (true where a duty is past
    its last day), so that lists count and page overdue cases in the database."""
    today = terms.today(now)

    def before(column: Any, key: str) -> sa.ColumnElement[bool]:
        last = rules.last_start_overdue_for(terms.calendar, today, key, terms.days)
        first_not = dt.datetime.combine(last + dt.timedelta(days=1), dt.time.min, tzinfo=terms.tz)
        return sa.and_(column.is_not(None), column < first_not.astimezone(dt.UTC))

    unanswered = Case.answered_at.is_(None)
    report = sa.or_(
        sa.and_(
            sa.or_(Case.name != "", Case.phone != ""),  # Case.real_name
            Case.acknowledged_at.is_(None),
            before(Case.received_at, "report_acknowledge"),
        ),
        sa.and_(
            before(Case.concluded_at, "report_reply"),
            sa.or_(unanswered, Case.answered_at < Case.concluded_at),
        ),
    )
    return sa.and_(
        Case.hidden_at.is_(None),
        Case.state != CaseState.CLOSED,
        sa.or_(
            sa.and_(Case.kind == Kind.REPORT, report),
            sa.and_(
                Case.kind == Kind.REQUEST,
                Case.decided_at.is_(None),
                sa.or_(
                    sa.and_(Case.extended_at.is_(None), before(Case.received_at, "request")),
                    sa.and_(
                        Case.extended_at.is_not(None),
                        before(Case.received_at, "request_extended"),
                    ),
                ),
            ),
            *(
                sa.and_(Case.kind == kind, unanswered, before(Case.received_at, key))
                for kind, key in rules.ANSWER_KEYS.items()
            ),
            # The reporter's objection, not answered since (rules.objection_answered).
            sa.and_(
                before(Case.objected_at, "objection_review"),
                sa.or_(unanswered, Case.answered_at < Case.objected_at),
            ),
        ),
    )
