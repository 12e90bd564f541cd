"""The procedure of DESIGN.md §2 as a pure state machine: every step allowed and refused."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.accounts.rules import Permission
from signage_server.disclosure.rules import EDITABLE
from signage_server.disclosure.rules import PENDING
from signage_server.disclosure.rules import RULES
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Attempt
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import available_actions
from signage_server.disclosure.rules import check_editable
from signage_server.disclosure.rules import check_scope_against_catalog
from signage_server.disclosure.rules import check_submittable
from signage_server.disclosure.rules import decide
from signage_server.disclosure.rules import ends_notice_early
from signage_server.disclosure.rules import higher_review_reasons
from signage_server.errors import Conflict
from signage_server.errors import DomainError
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation

NOW = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
ALL = frozenset(Permission)

#: The happy path, written out: (action, from, permission, to).
STEPS = [
    (Action.SUBMIT, State.DRAFT, Permission.DRAFT_ITEMS, State.SUBMITTED),
    (Action.REVIEW, State.SUBMITTED, Permission.REVIEW_ITEMS, State.REVIEWED),
    (Action.APPROVE, State.REVIEWED, Permission.APPROVE_ITEMS, State.READY),
    (Action.SUPERIOR_APPROVE, State.APPROVED, Permission.SUPERIOR_APPROVE_ITEMS, State.READY),
    (Action.PUBLISH, State.READY, Permission.PUBLISH_ITEMS, State.PUBLISHED),
    (Action.WITHDRAW, State.PUBLISHED, Permission.PUBLISH_ITEMS, State.WITHDRAWN),
    (Action.ARCHIVE, State.WITHDRAWN, Permission.PUBLISH_ITEMS, State.ARCHIVED),
    (Action.ARCHIVE, State.EXPIRED, Permission.PUBLISH_ITEMS, State.ARCHIVED),
]


def attempt(
    action: Action, state: State, held: frozenset[Permission] = ALL, **kw: object
) -> Attempt:
    values: dict[str, object] = {
        "action": action,
        "state": state,
        "held": held,
        "is_contributor": False,
        "reason": "理由",
        "needs_superior": False,
        "now": NOW,
    }
    values.update(kw)
    return Attempt(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("action", "state", "permission", "target"), STEPS)
def test_each_step_allowed(
    action: Action, state: State, permission: Permission, target: State
) -> None:
    assert decide(attempt(action, state, frozenset({permission}))) is target


def test_approve_waits_for_higher_review_when_required() -> None:
    result = decide(attempt(Action.APPROVE, State.REVIEWED, needs_superior=True))
    assert result is State.APPROVED


@pytest.mark.parametrize(("action", "state", "permission", "target"), STEPS)
def test_each_step_refused_without_the_role(
    action: Action, state: State, permission: Permission, target: State
) -> None:
    others = ALL - {permission}
    if action in (Action.WITHDRAW, Action.ARCHIVE):
        others -= {Permission.SUPERIOR_APPROVE_ITEMS}
    with pytest.raises(PermissionDenied):
        decide(attempt(action, state, frozenset(others)))


@pytest.mark.parametrize(("action", "state", "permission", "target"), STEPS)
def test_each_step_refused_in_every_other_state(
    action: Action, state: State, permission: Permission, target: State
) -> None:
    for other in State:
        if other in RULES[action].from_states:
            continue
        with pytest.raises(Conflict):
            decide(attempt(action, other))


@pytest.mark.parametrize("action", [Action.REVIEW, Action.APPROVE, Action.SUPERIOR_APPROVE])
def test_four_eyes(action: Action) -> None:
    state = {Action.REVIEW: State.SUBMITTED, Action.APPROVE: State.REVIEWED}.get(
        action, State.APPROVED
    )
    with pytest.raises(RuleViolation) as info:
        decide(attempt(action, state, is_contributor=True))
    assert info.value.code == "four_eyes"
    assert decide(attempt(action, state, is_contributor=False)) in (State.REVIEWED, State.READY)


def test_author_may_submit_and_publish() -> None:
    assert decide(attempt(Action.SUBMIT, State.DRAFT, is_contributor=True)) is State.SUBMITTED
    assert decide(attempt(Action.PUBLISH, State.READY, is_contributor=True)) is State.PUBLISHED


@pytest.mark.parametrize("state", sorted(PENDING))
def test_reject_needs_a_reason(state: State) -> None:
    with pytest.raises(RuleViolation) as info:
        decide(attempt(Action.REJECT, state, reason="  "))
    assert info.value.code == "reason_required"
    assert decide(attempt(Action.REJECT, state, reason="数据有误")) is State.REJECTED


@pytest.mark.parametrize(
    ("state", "allowed", "refused"),
    [
        (State.SUBMITTED, Permission.REVIEW_ITEMS, Permission.SUPERIOR_APPROVE_ITEMS),
        (State.REVIEWED, Permission.APPROVE_ITEMS, Permission.REVIEW_ITEMS),
        (State.APPROVED, Permission.SUPERIOR_APPROVE_ITEMS, Permission.APPROVE_ITEMS),
        (State.READY, Permission.APPROVE_ITEMS, Permission.PUBLISH_ITEMS),
    ],
)
def test_who_may_send_back(state: State, allowed: Permission, refused: Permission) -> None:
    assert decide(attempt(Action.REJECT, state, frozenset({allowed}))) is State.REJECTED
    with pytest.raises(PermissionDenied):
        decide(attempt(Action.REJECT, state, frozenset({refused})))


@pytest.mark.parametrize("state", [State.DRAFT, State.PUBLISHED, State.EXPIRED, State.ARCHIVED])
def test_no_rejection_outside_the_procedure(state: State) -> None:
    with pytest.raises(Conflict):
        decide(attempt(Action.REJECT, state))


def test_withdraw_needs_a_reason() -> None:
    with pytest.raises(RuleViolation) as info:
        decide(attempt(Action.WITHDRAW, State.PUBLISHED, reason=""))
    assert info.value.code == "reason_required"


def test_notice_period_protects_against_withdrawal() -> None:
    running = NOW + dt.timedelta(days=2)
    with pytest.raises(RuleViolation) as info:
        decide(
            attempt(
                Action.WITHDRAW,
                State.PUBLISHED,
                frozenset({Permission.PUBLISH_ITEMS}),
                notice_protected_until=running,
            )
        )
    assert info.value.code == "notice_running"
    by_superior = attempt(
        Action.WITHDRAW,
        State.PUBLISHED,
        frozenset({Permission.SUPERIOR_APPROVE_ITEMS}),
        notice_protected_until=running,
    )
    assert decide(by_superior) is State.WITHDRAWN
    after = attempt(
        Action.WITHDRAW,
        State.PUBLISHED,
        frozenset({Permission.PUBLISH_ITEMS}),
        notice_protected_until=NOW - dt.timedelta(seconds=1),
    )
    assert decide(after) is State.WITHDRAWN


def test_cannot_publish_what_has_expired() -> None:
    with pytest.raises(RuleViolation) as info:
        decide(attempt(Action.PUBLISH, State.READY, valid_until=NOW))
    assert info.value.code == "already_expired"


def test_order_of_checks_role_then_state_then_rule() -> None:
    # No role and wrong state: the role is reported (403 before 409).
    with pytest.raises(PermissionDenied):
        decide(attempt(Action.REVIEW, State.DRAFT, frozenset({Permission.DRAFT_ITEMS})))
    # Right role, wrong state, four eyes broken: the state is reported (409 before 422).
    with pytest.raises(Conflict):
        decide(attempt(Action.REVIEW, State.DRAFT, is_contributor=True))


@pytest.mark.parametrize(
    ("category", "major", "in_catalog", "extra", "expected"),
    [
        (Category.VILLAGE_AFFAIRS, False, True, (), []),
        (Category.CADRES, False, True, (), ["cadres"]),
        (Category.VILLAGE_AFFAIRS, True, True, (), ["major"]),
        (Category.RULES, False, False, (), ["outside_catalog"]),
        (Category.CONDUCT, False, True, ("conduct",), ["org_setting"]),
        (Category.CADRES, True, False, ("cadres",), ["cadres", "major", "outside_catalog"]),
    ],
)
def test_higher_review(
    category: Category, major: bool, in_catalog: bool, extra: tuple[str, ...], expected: list[str]
) -> None:
    assert higher_review_reasons(category, major, in_catalog, extra) == expected


def test_submitting_after_the_validity_is_refused() -> None:
    check_submittable(None, NOW)
    check_submittable(NOW + dt.timedelta(seconds=1), NOW)
    with pytest.raises(RuleViolation) as info:
        check_submittable(NOW, NOW)
    assert info.value.code == "already_expired"


def test_editable_states_are_those_outside_the_procedure_and_the_archive() -> None:
    assert frozenset(State) - PENDING - {State.ARCHIVED} == EDITABLE
    for state in State:
        if state in EDITABLE:
            check_editable(state)
            continue
        with pytest.raises(Conflict) as info:
            check_editable(state)
        assert info.value.code == ("archived" if state is State.ARCHIVED else "under_review")


def test_ending_a_running_notice_is_the_superiors_decision() -> None:
    running, over = NOW + dt.timedelta(days=1), NOW
    withdraw = attempt(Action.WITHDRAW, State.PUBLISHED, notice_protected_until=running)
    assert ends_notice_early(withdraw)
    assert not ends_notice_early(
        attempt(Action.WITHDRAW, State.PUBLISHED, notice_protected_until=over)
    )
    assert ends_notice_early(attempt(Action.PUBLISH, State.READY, replaces_notice_until=running))
    assert not ends_notice_early(attempt(Action.PUBLISH, State.READY))
    # The protection of the revision being published itself is not ended by publishing it.
    assert not ends_notice_early(
        attempt(Action.PUBLISH, State.READY, notice_protected_until=running)
    )


def test_replacing_a_running_notice() -> None:
    running = NOW + dt.timedelta(days=1)
    publisher = frozenset({Permission.PUBLISH_ITEMS})
    with pytest.raises(RuleViolation) as info:
        decide(attempt(Action.PUBLISH, State.READY, publisher, replaces_notice_until=running))
    assert info.value.code == "notice_running"
    superior = frozenset({Permission.SUPERIOR_APPROVE_ITEMS})
    with pytest.raises(RuleViolation) as info:
        decide(
            attempt(
                Action.PUBLISH, State.READY, superior, replaces_notice_until=running, reason=" "
            )
        )
    assert info.value.code == "reason_required"
    assert (
        decide(attempt(Action.PUBLISH, State.READY, superior, replaces_notice_until=running))
        is State.PUBLISHED
    )
    with pytest.raises(PermissionDenied):
        decide(
            attempt(
                Action.PUBLISH,
                State.READY,
                frozenset({Permission.DRAFT_ITEMS}),
                replaces_notice_until=running,
            )
        )


def test_the_procedures_errors_are_the_shared_ones() -> None:
    with pytest.raises(DomainError) as info:
        decide(attempt(Action.EXPIRE, State.PUBLISHED))
    assert (info.value.status, info.value.code) == (422, "unknown_action")


@pytest.mark.parametrize(
    ("scope", "entry", "ok"),
    [
        (Scope.PUBLIC, Scope.PUBLIC, True),
        (Scope.PARTY, Scope.PUBLIC, True),
        (Scope.UNIT, Scope.PUBLIC, True),
        (Scope.PARTY, Scope.PARTY, True),
        (Scope.PUBLIC, Scope.PARTY, False),
        (Scope.UNIT, Scope.PARTY, False),
        (Scope.PUBLIC, Scope.UNIT, False),
    ],
)
def test_scope_never_wider_than_the_catalog(scope: Scope, entry: Scope, ok: bool) -> None:
    if ok:
        check_scope_against_catalog(scope, entry)
    else:
        with pytest.raises(RuleViolation):
            check_scope_against_catalog(scope, entry)


@given(st.sampled_from(list(State)), st.sets(st.sampled_from(list(Permission))), st.booleans())
def test_offered_actions_are_exactly_the_allowed_ones(
    state: State, held: set[Permission], contributor: bool
) -> None:
    for live in (False, True):
        offered = set(available_actions(state, held, contributor, live=live))
        for action in offered:
            decide(attempt(action, state, frozenset(held), is_contributor=contributor))
