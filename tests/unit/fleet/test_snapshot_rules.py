"""Who may see a snapshot (the one audience rule), which play covers it, how long it stays."""

from __future__ import annotations

import datetime as dt

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.audience import Member
from signage_server.fleet.snapshots import rules

VILLAGE = "/360000/360100/360101/"
NEIGHBOUR = "/360000/360100/360102/"
TOWNSHIP = "/360000/360100/"
T = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)


def member(path: str, role: Role = Role.OPERATOR) -> Member:
    return Member.of([Grant(role, path)])


def test_a_public_screens_snapshot_is_public_content() -> None:
    assert rules.may_view(Audience.PUBLIC, VILLAGE, member(NEIGHBOUR))
    assert rules.may_view(Audience.PUBLIC, VILLAGE, ANONYMOUS)


def test_a_party_screens_snapshot_needs_the_reach_of_party_content() -> None:
    for audience in (Audience.PARTY, Audience.UNIT):
        assert rules.may_view(audience, VILLAGE, member(VILLAGE))
        assert rules.may_view(audience, VILLAGE, member(TOWNSHIP))
        assert not rules.may_view(audience, VILLAGE, member(NEIGHBOUR))
        assert not rules.may_view(audience, VILLAGE, ANONYMOUS)


def play(
    ident: int, start_s: int, duration: float, item: int = 5, revision: int = 2
) -> rules.Played:
    return rules.Played(ident, item, revision, T + dt.timedelta(seconds=start_s), duration)


def test_the_play_covering_a_moment() -> None:
    plays = [play(1, -120, 60), play(2, -50, 60), play(3, -10, 60, item=6)]
    assert rules.covering(plays, 5, 2, T) == plays[1]
    assert rules.covering(plays, 5, 3, T) is None
    assert rules.covering(plays, 6, 2, T) == plays[2]
    # Clocks differ a little: a play ending just before still covers.
    assert rules.covering([play(4, -100, 80)], 5, 2, T) == play(4, -100, 80)
    assert rules.covering([play(4, -200, 80)], 5, 2, T) is None
    assert rules.covering([], 5, 2, T) is None


def test_retention_and_settings() -> None:
    assert rules.expired_before(T, 90) == T - dt.timedelta(days=90)
    assert rules.valid_every(0) and rules.valid_every(30) and rules.valid_every(1440)
    assert not rules.valid_every(-1) and not rules.valid_every(1441)
    assert rules.parse_id("12") == 12
    for bad in (None, "", "0", "-3", "1e3", "99999999999", "abc"):
        assert rules.parse_id(bad) is None


def test_a_captures_name() -> None:
    assert rules.parse_capture("19a3b4c5d6e-0f1e2d3c") == "19a3b4c5d6e-0f1e2d3c"
    for bad in (None, "", "a" * 41, "a b", "é", "x;drop", "../x"):
        assert rules.parse_capture(bad) == ""
