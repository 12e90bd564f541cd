"""The workflow of a feedback case as a table (``rules.WORKFLOW``): every allowed transition,
every state that refuses an action, the capacity each action needs, each guard's refusal,
notes, and what the case page offers."""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import zoneinfo

import pytest

from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import DomainError
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.feedback import rules
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import Attempt
from signage_server.feedback.rules import Capacity
from signage_server.feedback.rules import CaseFacts
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Decision
from signage_server.feedback.rules import Kind

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
AT = dt.datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
R, P, A, C = CaseState.RECEIVED, CaseState.IN_PROGRESS, CaseState.ANSWERED, CaseState.CLOSED
EVERYONE = frozenset(Capacity)

#: The workflow as DESIGN.md §5 and the handlers' pages describe it, written out by hand:
#: who may take each action, and from which state it leads where.
EXPECTED: dict[Action, tuple[Capacity, dict[CaseState, CaseState]]] = {
    Action.ASSIGN: (Capacity.HANDLER, {R: P, P: P, A: A}),
    Action.ACKNOWLEDGE: (Capacity.HANDLER, {R: P, P: P, A: A}),
    Action.CONCLUDE: (Capacity.HANDLER, {R: P, P: P, A: A}),
    Action.DRAFT_REPLY: (Capacity.HANDLER, {R: P, P: P, A: A}),
    Action.PUBLISH_REPLY: (Capacity.HANDLER, {R: A, P: A, A: A}),
    Action.EXTEND: (Capacity.HANDLER, {R: P, P: P, A: A}),
    Action.GRANT: (Capacity.HANDLER, {R: P, P: P, A: A}),
    Action.REFUSE: (Capacity.HANDLER, {R: P, P: P, A: A}),
    Action.CONFIRM_REFUSAL: (Capacity.REVIEWER, {R: R, P: P, A: A}),
    Action.OVERTURN_REFUSAL: (Capacity.REVIEWER, {R: R, P: P, A: A}),
    Action.CLOSE: (Capacity.HANDLER, {R: C, P: C, A: C}),
    Action.REOPEN: (Capacity.HANDLER, {C: P}),
    Action.HIDE: (Capacity.HANDLER, {R: R, P: P, A: A, C: C}),
    Action.UNHIDE: (Capacity.HANDLER, {R: R, P: P, A: A, C: C}),
    Action.MAKE_ITEM: (Capacity.DRAFTER, {R: R, P: P, A: A, C: C}),
    Action.TRANSFER: (Capacity.HANDLER, {R: R, P: P, A: A}),
    Action.OBJECT: (Capacity.SUBMITTER, {A: P, C: P}),
}


def facts(**values: object) -> CaseFacts:
    base = CaseFacts(kind=Kind.QUESTION, real_name=False, received_at=AT)
    return dataclasses.replace(base, **values)  # type: ignore[arg-type]


#: A case on which each action's guards hold (its state is set by the test).
READY: dict[Action, CaseFacts] = {
    Action.ASSIGN: facts(),
    Action.ACKNOWLEDGE: facts(),
    Action.CONCLUDE: facts(kind=Kind.REPORT),
    Action.DRAFT_REPLY: facts(),
    Action.PUBLISH_REPLY: facts(has_draft=True),
    Action.EXTEND: facts(kind=Kind.REQUEST, decision=Decision.PENDING),
    Action.GRANT: facts(kind=Kind.REQUEST, decision=Decision.PENDING),
    Action.REFUSE: facts(kind=Kind.REQUEST, decision=Decision.PENDING),
    Action.CONFIRM_REFUSAL: facts(kind=Kind.REQUEST, decision=Decision.REFUSAL_PROPOSED),
    Action.OVERTURN_REFUSAL: facts(kind=Kind.REQUEST, decision=Decision.REFUSAL_PROPOSED),
    Action.CLOSE: facts(replied=True, answered_at=AT),
    Action.REOPEN: facts(),
    Action.HIDE: facts(),
    Action.UNHIDE: facts(hidden=True),
    Action.MAKE_ITEM: facts(replied=True, answered_at=AT),
    Action.TRANSFER: facts(kind=Kind.REPORT),
    Action.OBJECT: facts(kind=Kind.REPORT, real_name=True, replied=True, answered_at=AT),
}
NOTE = "写明的理由"


def attempt(
    action: Action,
    state: CaseState,
    *,
    held: frozenset[Capacity] = EVERYONE,
    note: str = NOTE,
    **changes: object,
) -> Attempt:
    found = dataclasses.replace(READY[action], state=state, **changes)  # type: ignore[arg-type]
    return Attempt(action, found, held, note, org="集义村")


def refused(attempt: Attempt) -> DomainError:
    with pytest.raises(DomainError) as raised:
        rules.decide(attempt)
    return raised.value


def test_the_table_is_the_expected_workflow() -> None:
    assert set(rules.WORKFLOW) == set(EXPECTED) == set(Action) - {Action.RECEIVE}
    for action, (capacity, moves) in EXPECTED.items():
        row = rules.WORKFLOW[action]
        assert (row.by, dict(row.moves)) == (capacity, moves), action


@pytest.mark.parametrize(
    ("action", "state"),
    [(action, state) for action, (_by, moves) in EXPECTED.items() for state in moves],
    ids=str,
)
def test_every_allowed_transition(action: Action, state: CaseState) -> None:
    outcome = rules.decide(attempt(action, state))
    assert outcome.state is EXPECTED[action][1][state]


@pytest.mark.parametrize(
    ("action", "state"),
    [
        (action, state)
        for action, (_by, moves) in EXPECTED.items()
        for state in CaseState
        if state not in moves
    ],
    ids=str,
)
def test_every_forbidden_state(action: Action, state: CaseState) -> None:
    error = refused(attempt(action, state))
    assert isinstance(error, Conflict)
    assert error.code == {Action.REOPEN: "not_closed", Action.OBJECT: "not_answered"}.get(
        action, "case_closed"
    )


@pytest.mark.parametrize("action", list(EXPECTED), ids=str)
def test_each_action_needs_its_capacity(action: Action) -> None:
    needed = EXPECTED[action][0]
    state = next(iter(EXPECTED[action][1]))
    for held in itertools.chain.from_iterable(
        itertools.combinations(sorted(EVERYONE - {needed}), n) for n in range(3)
    ):
        error = refused(attempt(action, state, held=frozenset(held)))
        assert isinstance(error, PermissionDenied) and error.code == "forbidden"
    assert rules.decide(attempt(action, state, held=frozenset({needed}))) is not None


def test_a_drafter_is_told_which_org() -> None:
    error = refused(attempt(Action.MAKE_ITEM, A, held=frozenset({Capacity.HANDLER})))
    assert error.params == {"org": "集义村"} and "集义村" in str(error)


def test_capacity_is_checked_before_state_and_state_before_guards() -> None:
    nothing = frozenset[Capacity]()
    assert isinstance(refused(attempt(Action.ACKNOWLEDGE, C, held=nothing)), PermissionDenied)
    closed_and_acknowledged = attempt(Action.ACKNOWLEDGE, C, acknowledged_at=AT)
    assert refused(closed_and_acknowledged).code == "case_closed"
    # Guards in the order of the row, then the note.
    not_a_report_concluded = attempt(Action.CONCLUDE, P, kind=Kind.QUESTION, concluded_at=AT)
    assert refused(not_a_report_concluded).code == "not_a_report"
    assert refused(attempt(Action.CONCLUDE, P, concluded_at=AT, note="")).code == "concluded"
    assert refused(attempt(Action.CONCLUDE, P, note="")).code == "text_required"


@pytest.mark.parametrize(
    ("action", "state", "changes", "error", "code"),
    [
        (Action.ACKNOWLEDGE, P, {"acknowledged_at": AT}, Conflict, "acknowledged"),
        (Action.CONCLUDE, P, {"kind": Kind.COMMENT}, RuleViolation, "not_a_report"),
        (Action.CONCLUDE, P, {"concluded_at": AT}, Conflict, "concluded"),
        (Action.PUBLISH_REPLY, P, {"has_draft": False}, Conflict, "no_draft"),
        (Action.PUBLISH_REPLY, P, {"hidden": True}, Conflict, "hidden"),
        (Action.GRANT, R, {"kind": Kind.QUESTION}, RuleViolation, "not_a_request"),
        (Action.GRANT, P, {"decision": Decision.GRANTED}, Conflict, "decided"),
        (Action.REFUSE, P, {"kind": Kind.REPORT}, RuleViolation, "not_a_request"),
        (Action.REFUSE, P, {"decision": Decision.REFUSAL_PROPOSED}, Conflict, "decided"),
        (Action.REFUSE, P, {"decision": Decision.REFUSED}, Conflict, "decided"),
        (Action.CONFIRM_REFUSAL, P, {"decision": Decision.PENDING}, Conflict, "no_refusal"),
        (Action.OVERTURN_REFUSAL, P, {"decision": Decision.GRANTED}, Conflict, "no_refusal"),
        (Action.CLOSE, P, {"replied": False}, RuleViolation, "reply_required"),
        (
            Action.CLOSE,
            A,
            {"kind": Kind.REQUEST, "decision": Decision.PENDING},
            RuleViolation,
            "decision_required",
        ),
        (
            Action.CLOSE,
            A,
            {"kind": Kind.REQUEST, "decision": Decision.REFUSAL_PROPOSED},
            RuleViolation,
            "decision_required",
        ),
        (Action.CLOSE, A, {"kind": Kind.REPORT}, RuleViolation, "conclusion_required"),
        (Action.HIDE, C, {"hidden": True}, Conflict, "hidden"),
        (Action.UNHIDE, R, {"hidden": False}, Conflict, "not_hidden"),
        (Action.MAKE_ITEM, A, {"kind": Kind.REPORT}, RuleViolation, "report"),
        (Action.MAKE_ITEM, P, {"replied": False}, RuleViolation, "reply_required"),
    ],
    ids=lambda v: str(v) if isinstance(v, (Action, CaseState, str)) else "",
)
def test_guards_refuse_with_the_shared_errors(
    action: Action,
    state: CaseState,
    changes: dict[str, object],
    error: type[DomainError],
    code: str,
) -> None:
    found = refused(attempt(action, state, **changes))
    assert type(found) is error and found.code == code


def test_a_hidden_case_closes_without_answer_decision_or_conclusion() -> None:
    for kind in Kind:
        found = rules.decide(
            attempt(Action.CLOSE, P, kind=kind, hidden=True, replied=False, decision=None)
        )
        assert found.state is C


def test_a_decided_request_and_a_concluded_report_close() -> None:
    for decision in (Decision.GRANTED, Decision.REFUSED):
        assert rules.decide(attempt(Action.CLOSE, A, kind=Kind.REQUEST, decision=decision))
    assert rules.decide(attempt(Action.CLOSE, A, kind=Kind.REPORT, concluded_at=AT))


@pytest.mark.parametrize(
    ("action", "message"),
    [
        (Action.CONCLUDE, "Write down what the investigation found."),
        (Action.DRAFT_REPLY, "Write the reply."),
        (Action.REFUSE, "A refusal needs written reasons."),
        (Action.OVERTURN_REFUSAL, "Say why the refusal is overturned."),
        (Action.REOPEN, "Say why the case is reopened."),
        (Action.HIDE, "Say why the case is hidden."),
    ],
    ids=str,
)
def test_required_notes(action: Action, message: str) -> None:
    state = next(iter(EXPECTED[action][1]))
    for blank in ("", "  \n ", "\u202e\u200f"):
        error = refused(attempt(action, state, note=blank))
        assert isinstance(error, BadRequest)
        assert (error.code, error.message) == ("text_required", message)
    limit = rules.WORKFLOW[action].note.limit  # type: ignore[union-attr]
    too_long = refused(attempt(action, state, note="字" * (limit + 1)))
    assert isinstance(too_long, BadRequest) and too_long.params == {"limit": limit}
    assert rules.decide(attempt(action, state, note=" 字" * 3 + " ")).note == "字 字 字"


def test_optional_notes_are_cleaned_and_cut() -> None:
    granted = rules.decide(attempt(Action.GRANT, P, note=""))
    assert granted.note == "" and granted.decision is Decision.GRANTED
    long = rules.decide(attempt(Action.GRANT, P, note="字" * (rules.REASON_MAX + 5)))
    assert len(long.note) == rules.REASON_MAX
    confirmed = rules.decide(attempt(Action.CONFIRM_REFUSAL, P, note="\u202e 同意 "))
    assert confirmed.note == "同意"
    # Actions without a note ignore what was sent.
    assert rules.decide(attempt(Action.CLOSE, A, note="whatever")).note == ""


def test_decisions() -> None:
    assert rules.decide(attempt(Action.GRANT, R)).decision is Decision.GRANTED
    assert rules.decide(attempt(Action.REFUSE, R)).decision is Decision.REFUSAL_PROPOSED
    # Nobody above an org without a parent: its refusal is final at once.
    root = rules.decide(attempt(Action.REFUSE, R, has_superior=False))
    assert root.decision is Decision.REFUSED
    assert rules.decide(attempt(Action.CONFIRM_REFUSAL, P)).decision is Decision.REFUSED
    assert rules.decide(attempt(Action.OVERTURN_REFUSAL, P)).decision is Decision.PENDING
    for action in (
        set(Action)
        - {Action.RECEIVE}
        - {
            Action.GRANT,
            Action.REFUSE,
            Action.CONFIRM_REFUSAL,
            Action.OVERTURN_REFUSAL,
        }
    ):
        state = next(iter(EXPECTED[action][1]))
        assert rules.decide(attempt(action, state)).decision is None, action
    assert {Decision.GRANTED, Decision.REFUSED} == rules.FINAL_DECISIONS


def test_which_actions_acknowledge_the_receipt() -> None:
    acknowledging = {
        action
        for action, (_by, moves) in EXPECTED.items()
        if rules.decide(attempt(action, next(iter(moves)))).acknowledges
    }
    assert acknowledging == {
        Action.ASSIGN,
        Action.ACKNOWLEDGE,
        Action.CONCLUDE,
        Action.DRAFT_REPLY,
        Action.PUBLISH_REPLY,
        Action.EXTEND,
        Action.GRANT,
        Action.REFUSE,
    }


def test_a_reopened_case_with_a_published_reply_is_answered() -> None:
    assert rules.decide(attempt(Action.REOPEN, C, replied=False)).state is P
    assert rules.decide(attempt(Action.REOPEN, C, replied=True)).state is A


def test_unknown_and_system_actions_are_refused() -> None:
    error = refused(Attempt(Action.RECEIVE, facts(), EVERYONE))
    assert isinstance(error, BadRequest) and error.code == "unknown_action"


def test_new_cases() -> None:
    assert rules.RECEIVED_STATE is R
    assert rules.received_decision(Kind.REQUEST) is Decision.PENDING
    for kind in set(Kind) - {Kind.REQUEST}:
        assert rules.received_decision(kind) is None


def test_what_the_case_page_offers() -> None:
    handler = frozenset({Capacity.HANDLER})
    fresh_question = facts(state=R)
    assert rules.offered(fresh_question, handler) == {
        Action.ASSIGN,
        Action.ACKNOWLEDGE,
        Action.DRAFT_REPLY,
        Action.PUBLISH_REPLY,  # to do first: write a draft
        Action.CLOSE,  # to do first: publish a reply
        Action.HIDE,
    }
    request = facts(state=P, kind=Kind.REQUEST, decision=Decision.PENDING, acknowledged_at=AT)
    assert {Action.GRANT, Action.REFUSE} <= rules.offered(request, handler)
    assert Action.ACKNOWLEDGE not in rules.offered(request, handler)
    proposed = dataclasses.replace(request, decision=Decision.REFUSAL_PROPOSED)
    assert rules.offered(proposed, frozenset({Capacity.REVIEWER})) == {
        Action.CONFIRM_REFUSAL,
        Action.OVERTURN_REFUSAL,
    }
    assert rules.offered(request, frozenset({Capacity.REVIEWER})) == set()
    report = facts(state=P, kind=Kind.REPORT, acknowledged_at=AT)
    assert Action.CONCLUDE in rules.offered(report, handler)
    assert Action.CONCLUDE not in rules.offered(
        dataclasses.replace(report, concluded_at=AT), handler
    )
    closed_hidden = facts(state=C, hidden=True, replied=True)
    assert rules.offered(closed_hidden, EVERYONE) == {
        Action.REOPEN,
        Action.UNHIDE,
        Action.MAKE_ITEM,
    }
    assert rules.offered(dataclasses.replace(closed_hidden, kind=Kind.REPORT), EVERYONE) == {
        Action.REOPEN,
        Action.UNHIDE,
    }
    assert rules.offered(fresh_question, frozenset()) == set()


@pytest.mark.parametrize("action", list(EXPECTED), ids=str)
def test_what_is_offered_is_allowed_or_refused_for_something_to_do_first(action: Action) -> None:
    """An offered action is either allowed or refused by a guard that asks to do something
    first; one not offered is refused."""
    for state, (kind, replied, hidden, draft) in itertools.product(
        CaseState, itertools.product(Kind, (False, True), (False, True), (False, True))
    ):
        found = facts(state=state, kind=kind, replied=replied, hidden=hidden, has_draft=draft)
        try:
            rules.decide(Attempt(action, found, EVERYONE, NOTE))
            allowed, error = True, None
        except DomainError as refusal:
            allowed, error = False, refusal
        if action in rules.offered(found, EVERYONE):
            to_do = {rule.refusal.code for rule in rules.GUARDS.values() if rule.to_do_first}
            assert allowed or (error is not None and error.code in to_do), (action, found)
        else:
            assert not allowed, (action, found)
