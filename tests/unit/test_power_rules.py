"""定时开关屏: the rule of when a screen is meant to be on (fleet.power.rules)."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.fleet.power import rules
from signage_server.fleet.power.rules import DayKind
from signage_server.fleet.power.rules import PowerState
from signage_server.workdays.rules import WorkdayCalendar

SH = zoneinfo.ZoneInfo("Asia/Shanghai")
BERLIN = zoneinfo.ZoneInfo("Europe/Berlin")
CAL = WorkdayCalendar()


def kinds(day: dt.date) -> DayKind:
    return rules.day_kind(CAL.is_workday, day)


def plain(day: dt.date) -> DayKind:
    return DayKind.NORMAL


def sched(**rows: str) -> rules.Schedule:
    week = {key: rows.get(key, "07:00-22:00") for key in rules.DAYS}
    return rules.parse_schedule({"week": week, "holiday": rows.get("holiday", "off")})


def at(text: str, tz: dt.tzinfo = SH) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=tz)


def test_weekday_window() -> None:
    s = sched()
    assert not rules.is_on(s, plain, at("2026-11-23 06:59"), SH)  # a Monday
    assert rules.is_on(s, plain, at("2026-11-23 07:00"), SH)
    assert rules.is_on(s, plain, at("2026-11-23 21:59"), SH)
    assert not rules.is_on(s, plain, at("2026-11-23 22:00"), SH)


def test_off_all_day_and_weekday_rows() -> None:
    s = sched(sun="off", sat="09:00-12:00")
    assert not rules.is_on(s, plain, at("2026-11-29 12:00"), SH)  # Sunday
    assert rules.is_on(s, plain, at("2026-11-28 10:00"), SH)  # Saturday
    assert not rules.is_on(s, plain, at("2026-11-28 13:00"), SH)


def test_overnight_window_runs_into_the_next_day() -> None:
    s = sched(fri="18:00-02:00", sat="off")
    assert rules.is_on(s, plain, at("2026-11-27 23:00"), SH)
    # Saturday 01:00 is still Friday's window, although Saturday is off all day.
    assert rules.is_on(s, plain, at("2026-11-28 01:59"), SH)
    assert not rules.is_on(s, plain, at("2026-11-28 02:00"), SH)


def test_all_day() -> None:
    s = sched(mon="00:00-24:00")
    assert rules.is_on(s, plain, at("2026-11-23 00:00"), SH)
    assert rules.is_on(s, plain, at("2026-11-23 23:59"), SH)


def test_next_change_says_until_when() -> None:
    s = sched()
    change = rules.next_change(s, plain, at("2026-11-23 23:00"), SH)
    assert change is not None and change.astimezone(SH) == at("2026-11-24 07:00")
    change = rules.next_change(s, plain, at("2026-11-23 09:00"), SH)
    assert change is not None and change.astimezone(SH) == at("2026-11-23 22:00")


def test_national_day_uses_the_holiday_row_weekend_included() -> None:
    # 2026: National Day 1-7 October (Thursday to Wednesday), 10 October a working Saturday.
    assert kinds(dt.date(2026, 10, 1)) is DayKind.HOLIDAY
    assert kinds(dt.date(2026, 10, 3)) is DayKind.HOLIDAY  # the Saturday inside the holiday
    assert kinds(dt.date(2026, 10, 4)) is DayKind.HOLIDAY
    assert kinds(dt.date(2026, 11, 28)) is DayKind.NORMAL  # an ordinary Saturday
    s = sched(holiday="off")
    assert not rules.is_on(s, kinds, at("2026-10-02 10:00"), SH)
    assert rules.is_on(s, kinds, at("2026-10-09 10:00"), SH)


def test_adjusted_working_day_uses_mondays_row() -> None:
    adjusted = [
        d
        for d in (dt.date(2026, 9, 1) + dt.timedelta(n) for n in range(60))
        if d.weekday() >= 5 and CAL.is_workday(d)
    ]
    assert adjusted, "the 2026 calendar has an adjusted working day in September-October"
    day = adjusted[0]
    assert kinds(day) is DayKind.ADJUSTED
    s = sched(mon="08:00-18:00", sat="off", sun="off")
    assert rules.is_on(s, kinds, dt.datetime.combine(day, dt.time(9), SH), SH)
    assert not rules.is_on(s, kinds, dt.datetime.combine(day, dt.time(19), SH), SH)


def test_holiday_row_weekday_follows_the_weekday() -> None:
    s = rules.parse_schedule({"week": {k: "07:00-22:00" for k in rules.DAYS}, "holiday": "weekday"})
    assert rules.is_on(s, kinds, at("2026-10-01 10:00"), SH)


def test_unknown_year_falls_back_to_weekdays() -> None:
    far = dt.date(2099, 1, 3)  # a Saturday the calendar does not know
    assert kinds(far) is DayKind.NORMAL
    assert kinds(dt.date(2099, 1, 5)) is DayKind.NORMAL


def test_special_days_lists_only_exceptions() -> None:
    found = rules.special_days(CAL.is_workday, dt.date(2026, 9, 28), 14)
    assert found["2026-10-01"] == "holiday"
    assert "2026-09-29" not in found
    assert all(kind in ("holiday", "workday") for kind in found.values())


def test_urgent_wakes() -> None:
    assert rules.power_state(True, False) is PowerState.ON
    assert rules.power_state(True, True) is PowerState.ON
    assert rules.power_state(False, False) is PowerState.OFF
    assert rules.power_state(False, True) is PowerState.WOKEN


def test_off_intervals_sum_over_a_week() -> None:
    s = sched(sat="off", sun="off")
    start = at("2026-11-23 00:00")
    off = rules.off_intervals(s, plain, start, start + dt.timedelta(days=7), SH)
    # 5 days x 9 h off + 48 h of the weekend.
    assert rules.total_seconds(off) / 3600 == pytest.approx(5 * 9 + 48)


def test_windows_keep_wall_clock_times_across_dst() -> None:
    s = sched()
    # 29 March 2026: clocks go forward in Berlin; the screen still switches on at 07:00.
    assert not rules.is_on(s, plain, at("2026-03-29 06:59", BERLIN), BERLIN)
    assert rules.is_on(s, plain, at("2026-03-29 07:00", BERLIN), BERLIN)
    start = at("2026-03-29 00:00", BERLIN)
    on = rules.on_intervals(s, plain, start, start + dt.timedelta(hours=23), BERLIN)
    assert rules.total_seconds(on) / 3600 == pytest.approx(15)


@pytest.mark.parametrize(
    ("row", "reason"),
    [
        ("7-22", "not a time window"),
        ("25:00-26:00", "does not exist"),
        ("07:00-07:00", "same time"),
        ("weekday", "Only the holiday row"),
    ],
)
def test_validation_names_the_row_and_why(row: str, reason: str) -> None:
    with pytest.raises(rules.ScheduleInvalid) as error:
        sched(wed=row)
    assert error.value.problems[0].row == "wed"
    assert reason in error.value.details[0]


def test_a_schedule_never_on_is_refused() -> None:
    with pytest.raises(rules.ScheduleInvalid) as error:
        rules.parse_schedule({"week": {k: "off" for k in rules.DAYS}, "holiday": "off"})
    assert "never be on" in error.value.details[0]


def test_missing_rows_are_all_reported() -> None:
    with pytest.raises(rules.ScheduleInvalid) as error:
        rules.parse_schedule({"week": {"mon": "07:00-22:00"}})
    assert [p.row for p in error.value.problems] == ["tue", "wed", "thu", "fri", "sat", "sun"]


def test_full_width_input_is_accepted() -> None:
    row = rules.parse_row("7：30～22：00")
    assert row == rules.Window(450, 1320)
    assert rules.parse_row("关") is None


def test_hours_by_month_splits_at_local_midnight_and_merges_overlaps() -> None:
    a = at("2026-10-31 22:00").astimezone(dt.UTC)
    b = at("2026-11-01 07:00").astimezone(dt.UTC)
    hours = rules.hours_by_month([(a, b), (a, b - dt.timedelta(hours=1))], SH)
    assert hours == {(2026, 10): pytest.approx(2), (2026, 11): pytest.approx(7)}


windows = st.tuples(st.integers(0, 23), st.integers(0, 59), st.integers(0, 24), st.integers(0, 59))


def _text(w: tuple[int, int, int, int]) -> str:
    return f"{w[0]:02d}:{w[1]:02d}-{w[2]:02d}:{0 if w[2] == 24 else w[3]:02d}"


@given(
    rows=st.lists(windows, min_size=7, max_size=7),
    offset=st.integers(0, 14 * 24 * 60),
    span=st.integers(1, 7 * 24 * 60),
)
def test_on_and_off_intervals_partition_the_period(
    rows: list[tuple[int, int, int, int]], offset: int, span: int
) -> None:
    texts = [_text(w) for w in rows]
    try:
        s = rules.parse_schedule({"week": texts, "holiday": "weekday"})
    except rules.ScheduleInvalid:
        return
    start = at("2026-11-23 00:00") + dt.timedelta(minutes=offset)
    end = start + dt.timedelta(minutes=span)
    on = rules.on_intervals(s, kinds, start, end, SH)
    off = rules.off_intervals(s, kinds, start, end, SH)
    assert rules.total_seconds(on) + rules.total_seconds(off) == pytest.approx(span * 60)
    for a, b in off:
        middle = a + (b - a) / 2
        assert not rules.is_on(s, kinds, middle, SH)
    for a, b in on:
        middle = a + (b - a) / 2
        assert rules.is_on(s, kinds, middle, SH)
