"""The rule of remote commands: kinds, lifetimes, which need the box agent, and states."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.fleet.commands import rules
from signage_server.fleet.commands.rules import Kind
from signage_server.fleet.commands.rules import State

T = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)
MIN = dt.timedelta(minutes=1)


def test_every_kind_has_a_rule_and_the_agent_only_ones_are_reboot_and_snapshot() -> None:
    assert set(rules.KINDS) == set(Kind)
    assert {k for k in Kind if rules.needs_agent(k)} == {Kind.REBOOT, Kind.SNAPSHOT}


@pytest.mark.parametrize(
    ("kind", "lifetime"),
    [
        (Kind.RELOAD, dt.timedelta(hours=24)),
        (Kind.CLEAR_CACHE, dt.timedelta(hours=24)),
        (Kind.IDENTIFY, dt.timedelta(minutes=10)),
        (Kind.REBOOT, dt.timedelta(hours=1)),
        (Kind.SNAPSHOT, dt.timedelta(minutes=15)),
    ],
)
def test_lifetimes(kind: Kind, lifetime: dt.timedelta) -> None:
    assert rules.expires_at(kind, T) == T + lifetime


def test_parse_kind() -> None:
    assert rules.parse_kind("identify") is Kind.IDENTIFY
    for bad in ("IDENTIFY", "format_disk", "", None, 3, ["reload"]):
        assert rules.parse_kind(bad) is None


def test_a_pending_command_expires_at_its_time_and_is_no_longer_delivered() -> None:
    expires = T + 10 * MIN
    for state in (State.QUEUED, State.SENT):
        assert rules.deliverable(state, expires, T)
        assert rules.effective_state(state, expires, expires - MIN) is state
        assert not rules.deliverable(state, expires, expires)
        assert rules.effective_state(state, expires, expires) is State.EXPIRED
    for state in rules.FINAL:
        assert not rules.deliverable(state, expires, T)
        assert rules.effective_state(state, expires, expires + MIN) is state


def test_only_a_queued_unexpired_command_can_be_cancelled() -> None:
    expires = T + 10 * MIN
    assert rules.cancellable(State.QUEUED, expires, T)
    assert not rules.cancellable(State.QUEUED, expires, expires)
    for state in set(State) - {State.QUEUED}:
        assert not rules.cancellable(state, expires, T)


def test_answers() -> None:
    for state in (State.QUEUED, State.SENT, State.EXPIRED):
        assert rules.answered(state, True) is State.DONE
        assert rules.answered(state, False) is State.FAILED
    for state in (State.DONE, State.FAILED, State.CANCELLED):
        assert rules.answered(state, True) is None


def test_errors_are_bounded_plain_text() -> None:
    assert rules.clean_error("no_agent") == "no_agent"
    assert rules.clean_error("a\x00b\nc") == "abc"
    assert len(rules.clean_error("x" * 1000)) == rules.ERROR_MAX
    assert rules.clean_error({"x": 1}) == ""


def test_every_kind_has_an_audit_action_label() -> None:
    for kind in Kind:
        assert rules.issue_action(kind) in rules.ACTION_LABELS
    assert rules.CANCEL_ACTION in rules.ACTION_LABELS
