"""Playlists: dayparts, date ranges, priorities, the default rotation, segments."""

from __future__ import annotations

import datetime as dt
import itertools
import zoneinfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.schedule.rules import Candidate
from signage_server.schedule.rules import Daypart
from signage_server.schedule.rules import Entry
from signage_server.schedule.rules import PlaylistRule
from signage_server.schedule.rules import Rotation
from signage_server.schedule.rules import Slot
from signage_server.schedule.rules import build_schedule
from signage_server.schedule.rules import default_rotation
from signage_server.schedule.rules import parse_daypart
from signage_server.schedule.rules import rotation
from signage_server.schedule.rules import rotation_at

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
MONDAY = dt.datetime(2026, 11, 23, 0, 0, tzinfo=TZ)


def at(day: int, hour: int, minute: int = 0) -> dt.datetime:
    return MONDAY + dt.timedelta(days=day, hours=hour, minutes=minute)


def cand(
    item: int,
    category: str = "village_affairs",
    *,
    major: bool = False,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
) -> Candidate:
    return Candidate(item, category, major, start, end, 15, (item,))


def test_daypart_parsing() -> None:
    part = parse_daypart({"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "18:00"})
    assert part.contains(at(0, 8)) and part.contains(at(4, 17, 59))
    assert not part.contains(at(0, 18)) and not part.contains(at(5, 10))
    assert parse_daypart({"days": [6], "start": "20:00", "end": "24:00"}).contains(at(6, 23, 59))
    for bad in (
        {"days": [], "start": "08:00", "end": "09:00"},
        {"days": [7]},
        {"start": "8"},
        {"start": "09:00", "end": "09:00"},
    ):
        with pytest.raises(ValueError, match=r"."):
            parse_daypart(bad)


def test_daypart_across_midnight() -> None:
    night = Daypart(frozenset({4}), dt.time(22), dt.time(6))  # Friday 22:00 to Saturday 06:00
    assert night.contains(at(4, 23))
    assert night.contains(at(5, 5, 59))
    assert not night.contains(at(5, 6))
    assert not night.contains(at(4, 21))
    assert not night.contains(at(3, 23))


def test_default_rotation_major_first_then_newest() -> None:
    slots = default_rotation([cand(1), cand(2, major=True), cand(3)])
    assert [s.item for s in slots] == [2, 1, 3]


def test_playlist_with_priority_and_daypart() -> None:
    candidates = [cand(1), cand(2, "cadres"), cand(3, "cadres")]
    office_hours = PlaylistRule(
        1,
        5,
        (Entry(item_id=1, duration_s=30),),
        dayparts=(parse_daypart({"days": [0, 1, 2, 3, 4], "start": "08:00", "end": "18:00"}),),
    )
    cadres = PlaylistRule(2, 0, (Entry(category="cadres"),))
    rules = [office_hours, cadres]
    assert rotation_at(at(0, 9), rules, candidates) == [Slot(1, 30)]
    assert [s.item for s in rotation_at(at(0, 19), rules, candidates)] == [2, 3]
    # Equal priority: one after the other.
    both = [
        PlaylistRule(1, 0, (Entry(item_id=1),)),
        PlaylistRule(2, 0, (Entry(category="cadres"),)),
    ]
    assert [s.item for s in rotation_at(at(0, 9), both, candidates)] == [1, 2, 3]


def test_date_range() -> None:
    rule = PlaylistRule(
        1, 1, (Entry(item_id=2),), date_from=dt.date(2026, 11, 24), date_until=dt.date(2026, 11, 25)
    )
    candidates = [cand(1), cand(2)]
    assert [s.item for s in rotation_at(at(0, 9), [rule], candidates)] == [1, 2]
    assert [s.item for s in rotation_at(at(1, 9), [rule], candidates)] == [2]
    assert [s.item for s in rotation_at(at(3, 9), [rule], candidates)] == [1, 2]


def test_playlist_never_widens_what_a_screen_may_show() -> None:
    # Item 9 is not a candidate (e.g. a party item on a public screen): skipped.
    rule = PlaylistRule(1, 0, (Entry(item_id=9), Entry(item_id=1)))
    assert rotation_at(at(0, 9), [rule], [cand(1)]) == [Slot(1, 15)]
    # A playlist left with nothing eligible falls back to the default rotation.
    assert rotation_at(at(0, 9), [PlaylistRule(1, 0, (Entry(item_id=9),))], [cand(1)]) == [
        Slot(1, 15)
    ]


def test_schedule_segments_follow_windows_and_dayparts() -> None:
    candidates = [cand(1), cand(2, start=at(0, 10), end=at(0, 12))]
    rule = PlaylistRule(
        1,
        3,
        (Entry(item_id=1),),
        dayparts=(parse_daypart({"days": [0], "start": "14:00", "end": "16:00"}),),
    )
    segments = build_schedule(at(0, 0), at(1, 0), [rule], candidates, TZ)
    spans = [(s.start.hour, s.end.hour, [x.item for x in s.sequence]) for s in segments]
    assert spans == [(0, 10, [1]), (10, 12, [1, 2]), (12, 0, [1])]
    assert segments[0].start == at(0, 0)
    assert segments[-1].end == at(1, 0)


@given(st.lists(st.tuples(st.integers(0, 47), st.integers(1, 24)), max_size=6))
def test_segments_are_contiguous_and_cover_the_horizon(windows: list[tuple[int, int]]) -> None:
    candidates = [
        cand(i, start=at(0, s), end=at(0, s) + dt.timedelta(hours=length))
        for i, (s, length) in enumerate(windows)
    ]
    start, end = at(0, 0), at(3, 0)
    segments = build_schedule(start, end, [], candidates, TZ)
    assert segments[0].start == start
    assert segments[-1].end == end
    for before, after in itertools.pairwise(segments):
        assert before.end == after.start
        assert before.sequence != after.sequence
    for segment in segments:
        for slot in segment.sequence:
            c = candidates[slot.item]
            assert c.start is None or c.start <= segment.start
            assert c.end is None or segment.end <= c.end


def test_a_playlist_never_drops_what_must_stay() -> None:
    notice = Candidate(1, "village_affairs", False, at(0, 9), at(20, 0), 15, (1,), True, at(5, 0))
    major = Candidate(2, "decisions", True, at(0, 9), None, 15, (2,), True, None)
    other = cand(3, "service", start=at(0, 9))
    narrow = PlaylistRule(1, 5, (Entry(category="service"),))
    during = rotation_at(at(1, 10), [narrow], [notice, major, other])
    assert [s.item for s in during] == [3, 2, 1]
    # After the notice's protection the playlist narrows as asked; the major matter stays.
    after = rotation_at(at(6, 10), [narrow], [notice, major, other])
    assert [s.item for s in after] == [3, 2]
    segments = build_schedule(at(0, 0), at(7, 0), [narrow], [notice, major, other], TZ)
    assert any(s.start == at(5, 0) for s in segments)


def test_a_rotation_says_which_playlists_decide_and_what_is_kept() -> None:
    notice = Candidate(1, "village_affairs", False, at(0, 9), at(20, 0), 15, (1,), True, at(5, 0))
    other = cand(3, "service", start=at(0, 9))
    day = Daypart(frozenset(range(7)), dt.time(8), dt.time(18))
    narrow = PlaylistRule(7, 5, (Entry(category="service"),), dayparts=(day,))
    same = PlaylistRule(4, 5, (Entry(item_id=3),), dayparts=(day,))
    found = rotation(at(1, 10), [narrow, same], [notice, other])
    assert (found.playlists, found.kept) == ((4, 7), (1,))
    assert (
        [s.item for s in found.slots]
        == [3, 3, 1]
        == [s.item for s in rotation_at(at(1, 10), [narrow, same], [notice, other])]
    )
    assert rotation(at(1, 20), [narrow], [notice, other]) == Rotation([Slot(1, 15), Slot(3, 15)])
    # A preview keeps segments apart when the reason differs, the manifest only when the
    # sequence does: here both play 3 then 1 (the playlist selecting 3 alone, the notice kept,
    # or a playlist selecting both), so the manifest has one segment where the preview has two.
    both = PlaylistRule(8, 9, (Entry(item_id=3), Entry(item_id=1)), date_from=at(2, 0).date())
    alone = PlaylistRule(9, 1, (Entry(item_id=3),))
    rules = [both, alone]
    plain = build_schedule(at(1, 0), at(3, 0), rules, [notice, other], TZ)
    explained = build_schedule(at(1, 0), at(3, 0), rules, [notice, other], TZ, by_reason=True)
    assert [(s.start, s.end) for s in plain] == [(at(1, 0), at(3, 0))]
    assert [(s.start, s.playlists, s.kept) for s in explained] == [
        (at(1, 0), (9,), (1,)),
        (at(2, 0), (8,), ()),
    ]
