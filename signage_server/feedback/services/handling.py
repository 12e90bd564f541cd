"""The handlers' actions on a case, one use case each: check the caller's capacity and the
case against the workflow table (``rules.WORKFLOW`` through :func:`rules.decide
<signage_server.feedback.rules.decide>`), change the case, record the step in its history
and the audit chain, commit.

Nothing changes before the table has allowed the action: a refused action leaves the
session clean.
"""

from __future__ import annotations

import dataclasses
import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import acting_role
from signage_server.disclosure.models import Item
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.disclosure.services import Env as DisclosureEnv
from signage_server.disclosure.services import Fields
from signage_server.disclosure.services import create_item
from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.models import CaseEvent
from signage_server.feedback.models import Reply
from signage_server.feedback.models import Transfer
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Outcome
from signage_server.feedback.services import deadlines
from signage_server.feedback.services import visibility
from signage_server.feedback.services.sealing import seal
from signage_server.i18n import N_
from signage_server.orgs.models import Org

#: A user named by id (the handlers' form) or by username (the API).
UserRef = int | str


def workflow_facts(case: Case) -> rules.CaseFacts:
    """Return what the workflow knows of ``case``."""
    return dataclasses.replace(
        deadlines.facts(case),
        state=case.state,
        decision=case.decision,
        has_draft=case.draft is not None,
        replied=bool(case.published_replies),
        has_superior=case.org.parent_id is not None,
    )


def offered_actions(principal: Principal, case: Case) -> frozenset[Action]:
    """Return the actions the case page offers ``principal`` (:func:`rules.offered`)."""
    return rules.offered(workflow_facts(case), visibility.capacities(principal, case))


def _decide(case: Case, principal: Principal, action: Action, note: str = "") -> Outcome:
    """Ask the workflow table; raise the refusal, or return what the action does."""
    return rules.decide(
        rules.Attempt(
            action,
            workflow_facts(case),
            visibility.capacities(principal, case),
            note,
            org=case.org.name,
        )
    )


def _apply(case: Case, outcome: Outcome, now: dt.datetime) -> None:
    """Carry out what the table decided: state, decision, acknowledgement, closing."""
    if outcome.acknowledges and case.acknowledged_at is None:
        case.acknowledged_at = now
    if outcome.decision is not None:
        case.decision = outcome.decision
        if outcome.decision in rules.FINAL_DECISIONS:
            case.decided_at = now
    if outcome.state is CaseState.CLOSED and case.state is not CaseState.CLOSED:
        case.closed_at = now
    elif case.state is CaseState.CLOSED and outcome.state is not CaseState.CLOSED:
        case.closed_at = None
    case.state = outcome.state


def _acting_role(case: Case, principal: Principal) -> str:
    """Return the role in which the caller acts on the case (for the audit chain)."""
    acted = (
        visibility.handling_role(principal, case)
        or acting_role(
            principal.grants,
            (
                Permission.HANDLE_FEEDBACK,
                Permission.HANDLE_REPORTS,
                Permission.SUPERIOR_APPROVE_ITEMS,
            ),
            case.handling_org.path,
        )
        or acting_role(principal.grants, (Permission.SUPERIOR_APPROVE_ITEMS,), case.org.path)
    )
    return acted.value if acted else "handler"


def _record(
    case: Case,
    action: Action,
    principal: Principal,
    now: dt.datetime,
    note: str = "",
    *,
    role: str | None = None,
) -> None:
    """Add the step to the case's history and seal it, with the role the caller acted in."""
    case.events.append(CaseEvent(action=action, actor=principal.user, at=now, note=note))
    acted = role or _acting_role(case, principal)
    seal(case, action, principal.user.username, acted, now, note)


def _step(
    case: Case, principal: Principal, action: Action, now: dt.datetime, note: str = ""
) -> Outcome:
    """Take a step that changes nothing the audit seal holds beyond what the table decides:
    decide, apply, record. The caller commits (after what else the step sets)."""
    outcome = _decide(case, principal, action, note)
    _apply(case, outcome, now)
    _record(case, action, principal, now, outcome.note)
    return outcome


def _find_user(session: Session, ref: UserRef) -> User:
    user = (
        session.get(User, ref)
        if isinstance(ref, int)
        else session.scalar(sa.select(User).where(User.username == ref))
    )
    if user is None:
        raise BadRequest(N_("No such user."), code="no_user")
    return user


def assign_case(
    session: Session,
    case: Case,
    principal: Principal,
    assignee: UserRef | None,
    now: dt.datetime,
) -> None:
    """Give the case to a handler (``None``: to nobody in particular)."""
    user = _find_user(session, assignee) if assignee else None
    outcome = _decide(case, principal, Action.ASSIGN)
    if user is not None and not visibility.can_handle(Principal.of(user), case):
        raise RuleViolation(
            N_("%(user)s may not handle this case."), code="not_a_handler", user=user.name
        )
    case.assignee = user
    _apply(case, outcome, now)
    _record(case, Action.ASSIGN, principal, now, user.name if user else "")
    session.commit()


def acknowledge_case(session: Session, case: Case, principal: Principal, now: dt.datetime) -> None:
    """Confirm to the villager that the case is being handled (受理)."""
    _step(case, principal, Action.ACKNOWLEDGE, now)
    session.commit()


def conclude_case(
    session: Session, case: Case, principal: Principal, note: str, now: dt.datetime
) -> None:
    """Record that a report's investigation is concluded; the reply is due from now."""
    _step(case, principal, Action.CONCLUDE, now, note)
    case.concluded_at = now
    session.commit()


def _draft(case: Case, principal: Principal, text: str, now: dt.datetime) -> Reply:
    outcome = _decide(case, principal, Action.DRAFT_REPLY, text)
    draft = case.draft
    if draft is None:
        draft = Reply(text=outcome.note, author=principal.user, created_at=now)
        case.replies.append(draft)
    else:
        draft.text = outcome.note
        draft.author = principal.user
    _apply(case, outcome, now)
    _record(case, Action.DRAFT_REPLY, principal, now)
    return draft


def _publish(case: Case, principal: Principal, now: dt.datetime) -> Reply:
    outcome = _decide(case, principal, Action.PUBLISH_REPLY)
    draft = case.draft
    assert draft is not None  # the table's guard
    draft.published_at = now
    draft.published_by = principal.user
    _apply(case, outcome, now)
    if (
        case.answered_at is None
        or (case.concluded_at is not None and case.answered_at < case.concluded_at)
        or (case.objected_at is not None and case.answered_at < case.objected_at)
    ):
        case.answered_at = now
    _record(case, Action.PUBLISH_REPLY, principal, now)
    return draft


def draft_reply(
    session: Session, case: Case, principal: Principal, text: str, now: dt.datetime
) -> Reply:
    """Write (or rewrite) the draft reply of a case."""
    draft = _draft(case, principal, text, now)
    session.commit()
    return draft


def publish_reply(session: Session, case: Case, principal: Principal, now: dt.datetime) -> Reply:
    """Publish the draft reply to the villager's receipt page."""
    reply = _publish(case, principal, now)
    session.commit()
    return reply


def reply_to_case(
    session: Session, case: Case, principal: Principal, text: str, publish: bool, now: dt.datetime
) -> Reply:
    """Draft a reply, and publish it at once when ``publish`` (one change: both or neither)."""
    draft = _draft(case, principal, text, now)
    if publish:
        _publish(case, principal, now)
    session.commit()
    return draft


def extend_request(
    session: Session, case: Case, principal: Principal, reason: str, now: dt.datetime
) -> None:
    """Extend the time to decide a request, once, with a written reason (the reason is in
    the case's history, which the villager's tracking page shows)."""
    _step(case, principal, Action.EXTEND, now, reason)
    case.extended_at = now
    session.commit()


def grant_request(
    session: Session, case: Case, principal: Principal, note: str, now: dt.datetime
) -> None:
    """Decide a request: the matter will be disclosed."""
    case.decision_reason = _step(case, principal, Action.GRANT, now, note).note
    session.commit()


def refuse_request(
    session: Session, case: Case, principal: Principal, reason: str, now: dt.datetime
) -> None:
    """Propose to refuse a request, with written reasons; the superior org reviews it.

    At an org without a parent nobody is above to review: the refusal stands at once.
    """
    case.decision_reason = _step(case, principal, Action.REFUSE, now, reason).note
    session.commit()


def review_refusal(
    session: Session,
    case: Case,
    principal: Principal,
    confirm: bool,
    note: str,
    now: dt.datetime,
) -> None:
    """Confirm a proposed refusal (it becomes final) or overturn it (back to undecided)."""
    _step(
        case, principal, Action.CONFIRM_REFUSAL if confirm else Action.OVERTURN_REFUSAL, now, note
    )
    session.commit()


def close_case(session: Session, case: Case, principal: Principal, now: dt.datetime) -> None:
    """Close a case (办结). It needs a published reply, requests a final decision, reports a
    concluded investigation; a hidden case (abuse) needs none of them."""
    _step(case, principal, Action.CLOSE, now)
    session.commit()


def reopen_case(
    session: Session, case: Case, principal: Principal, note: str, now: dt.datetime
) -> None:
    """Reopen a closed case, with the reason."""
    _step(case, principal, Action.REOPEN, now, note)
    session.commit()


def hide_case(
    session: Session, case: Case, principal: Principal, reason: str, now: dt.datetime
) -> None:
    """Hide an abusive case from lists and counts. It is kept, with who hid it and why."""
    outcome = _decide(case, principal, Action.HIDE, reason)
    _apply(case, outcome, now)
    case.hidden_at = now
    case.hidden_reason = outcome.note
    _record(case, Action.HIDE, principal, now, outcome.note)
    session.commit()


def unhide_case(session: Session, case: Case, principal: Principal, now: dt.datetime) -> None:
    """Show a hidden case again."""
    _apply(case, _decide(case, principal, Action.UNHIDE), now)
    case.hidden_at = None
    _record(case, Action.UNHIDE, principal, now, case.hidden_reason)
    case.hidden_reason = ""
    session.commit()


def make_item(
    session: Session,
    case: Case,
    principal: Principal,
    title: str,
    body_text: str,
    env: DisclosureEnv,
) -> Item:
    """Turn the published reply of a case into a draft disclosure item (反馈公开).

    The draft goes through the whole procedure like any item; the caller must be allowed to
    draft items at the org. Reports never become items here: their content is discipline's.
    """
    _decide(case, principal, Action.MAKE_ITEM)
    source = case.item.live if case.item is not None else None
    fields = Fields(
        title=title[:200],
        category=source.category if source is not None else Category.OTHER,
        timing=Timing.IMMEDIATE,
        scope=source.scope if source is not None else Scope.PUBLIC,
        body={"type": "text", "text": body_text},
    )
    item = create_item(session, case.org, principal, fields, env)
    case.published_replies[-1].item_id = item.id
    _record(case, Action.MAKE_ITEM, principal, env.now, str(item.id))
    session.commit()
    return item


def transfer_case(
    session: Session,
    case: Case,
    principal: Principal,
    to: str,
    note: str,
    now: dt.datetime,
) -> Transfer:
    """Transfer a report or a complaint to another organisation (转办), within 5 working days
    of its receipt; the receiving org handles it from now on (the transferring body no longer
    sees it, unless it reaches the receiving org too). The villager's tracking page shows the
    date and the receiving body; the note stays internal.

    :raise RuleViolation: too late, to the org it is about or below it, to where it is.
    :raise BadRequest: no such org.
    """
    outcome = _decide(case, principal, Action.TRANSFER, note)
    target = session.scalar(sa.select(Org).where(Org.code == to.strip().upper())) if to else None
    if target is None:
        raise BadRequest(N_("No such organisation."), code="no_org")
    rules.check_transfer_target(case.org.path, case.handling_org.path, target.path)
    terms = deadlines.terms(session)
    rules.check_transfer_in_time(
        terms.today(case.received_at), terms.today(now), terms.calendar, terms.days
    )
    source = case.handling_org
    # The step is the transferring body's (its role there); the seal holds where it went.
    role = _acting_role(case, principal)
    _apply(case, outcome, now)
    transfer = Transfer(
        from_org=source, to_org=target, actor=principal.user, note=outcome.note, at=now
    )
    case.transfers.append(transfer)
    case.handling_org = target
    case.assignee = None
    _record(
        case,
        Action.TRANSFER,
        principal,
        now,
        f"{source.code} → {target.code}\n{outcome.note}".strip(),
        role=role,
    )
    session.commit()
    return transfer


def object_to_case(session: Session, case: Case, text: str, now: dt.datetime) -> None:
    """The real-name reporter disagrees with the handling result (异议), on the tracking page
    with the receipt code: the case is reviewed again and answered within its own deadline.
    Filed once; the text is in the case's history, sealed like every step.

    :raise RuleViolation, Conflict: not a real-name report, no answer yet, objected already.
    :raise BadRequest: no reason given.
    """
    outcome = rules.decide(
        rules.Attempt(
            Action.OBJECT,
            workflow_facts(case),
            frozenset({rules.Capacity.SUBMITTER}),
            text,
            org=case.org.name,
        )
    )
    _apply(case, outcome, now)
    case.objected_at = now
    case.events.append(CaseEvent(action=Action.OBJECT, at=now, note=outcome.note))
    seal(case, Action.OBJECT, "public", "public", now, outcome.note)
    session.commit()


def take_action(
    session: Session,
    case: Case,
    principal: Principal,
    action: Action,
    now: dt.datetime,
    *,
    note: str = "",
    assignee: UserRef | None = None,
    to: str = "",
) -> None:
    """Take ``action`` on ``case`` by its name (the API's one endpoint for every action but
    replying and making an item, which take more than a note)."""
    match action:
        case Action.TRANSFER:
            transfer_case(session, case, principal, to, note, now)
        case Action.ASSIGN:
            assign_case(session, case, principal, assignee, now)
        case Action.ACKNOWLEDGE:
            acknowledge_case(session, case, principal, now)
        case Action.CONCLUDE:
            conclude_case(session, case, principal, note, now)
        case Action.PUBLISH_REPLY:
            publish_reply(session, case, principal, now)
        case Action.EXTEND:
            extend_request(session, case, principal, note, now)
        case Action.GRANT:
            grant_request(session, case, principal, note, now)
        case Action.REFUSE:
            refuse_request(session, case, principal, note, now)
        case Action.CONFIRM_REFUSAL | Action.OVERTURN_REFUSAL:
            review_refusal(session, case, principal, action is Action.CONFIRM_REFUSAL, note, now)
        case Action.CLOSE:
            close_case(session, case, principal, now)
        case Action.REOPEN:
            reopen_case(session, case, principal, note, now)
        case Action.HIDE:
            hide_case(session, case, principal, note, now)
        case Action.UNHIDE:
            unhide_case(session, case, principal, now)
        case _:
            raise BadRequest(N_("Unknown action."), code="unknown_action")
