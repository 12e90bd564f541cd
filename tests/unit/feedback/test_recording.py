"""The pure rules of recording a case on a villager's behalf (代录): who records for which
orgs, how far back the day received may lie, when it counts as received, who reprints a slip."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.errors import BadRequest
from signage_server.errors import PermissionDenied
from signage_server.feedback import rules
from signage_server.feedback.rules import Channel

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
COUNTY, TOWNSHIP, VILLAGE, OTHER = "/1/", "/1/2/", "/1/2/3/", "/1/4/5/"


@pytest.mark.parametrize(
    ("grant", "org", "role"),
    [
        (Grant(Role.HANDLER, VILLAGE), VILLAGE, Role.HANDLER),
        (Grant(Role.HANDLER, TOWNSHIP), VILLAGE, Role.HANDLER),  # its subtree
        (Grant(Role.DISCIPLINE, TOWNSHIP), VILLAGE, Role.DISCIPLINE),
        (Grant(Role.HANDLER, VILLAGE), TOWNSHIP, None),  # never above
        (Grant(Role.HANDLER, TOWNSHIP), OTHER, None),  # never another township's
        (Grant(Role.EDITOR, VILLAGE), VILLAGE, None),
        (Grant(Role.SUPERVISOR, COUNTY), VILLAGE, None),
        (Grant(Role.REVIEWER, VILLAGE), VILLAGE, None),
    ],
)
def test_who_records_for_which_org(grant: Grant, org: str, role: Role | None) -> None:
    assert rules.recording_role([grant], org) is role
    if role is None:
        with pytest.raises(PermissionDenied):
            rules.check_may_record([grant], org)
    else:
        assert rules.check_may_record([grant], org) is role


def test_an_unknown_org_is_refused_like_one_out_of_reach() -> None:
    with pytest.raises(PermissionDenied):
        rules.check_may_record([Grant(Role.HANDLER, COUNTY)], None)


def test_recording_paths_are_those_of_the_recording_grants() -> None:
    grants = [
        Grant(Role.EDITOR, COUNTY),
        Grant(Role.HANDLER, VILLAGE),
        Grant(Role.DISCIPLINE, TOWNSHIP),
    ]
    assert rules.recording_paths(grants) == [TOWNSHIP, VILLAGE]


def test_only_the_channels_of_staff_are_recorded() -> None:
    assert Channel.QR not in rules.RECORDED_CHANNELS
    assert set(rules.RECORDED_CHANNELS) == {
        Channel.PHONE,
        Channel.LETTER,
        Channel.MAILBOX,
        Channel.VISIT,
    }
    assert all(c.label for c in Channel)


@pytest.mark.parametrize(
    ("received", "ok"),
    [
        (dt.date(2026, 11, 23), True),
        (dt.date(2026, 10, 24), True),  # 30 days back
        (dt.date(2026, 10, 23), False),  # 31
        (dt.date(2026, 11, 24), False),  # tomorrow
    ],
)
def test_the_day_received_is_bounded(received: dt.date, ok: bool) -> None:
    today = dt.date(2026, 11, 23)
    if ok:
        rules.check_received_on(received, today)
    else:
        with pytest.raises(BadRequest):
            rules.check_received_on(received, today)


def test_a_case_counts_as_received_now_today_else_from_the_start_of_its_day() -> None:
    now = dt.datetime(2026, 11, 23, 9, 30, tzinfo=SHANGHAI)
    assert rules.received_moment(dt.date(2026, 11, 23), now, SHANGHAI) == now
    earlier = rules.received_moment(dt.date(2026, 11, 20), now, SHANGHAI)
    assert earlier == dt.datetime(2026, 11, 20, tzinfo=SHANGHAI)


def test_only_the_recorder_reprints_a_slip_and_only_for_a_day() -> None:
    at = dt.datetime(2026, 11, 23, 9, 0, tzinfo=SHANGHAI)
    hour = dt.timedelta(hours=1)
    assert rules.may_reprint_slip(at, 7, 7, at + hour)
    assert not rules.may_reprint_slip(at, 7, 8, at + hour)  # someone else
    assert not rules.may_reprint_slip(at, 7, 7, at + 24 * hour)  # a day later
    assert not rules.may_reprint_slip(None, None, 7, at)  # from the QR form
