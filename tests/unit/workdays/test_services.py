"""Reading an official schedule file: checked whole, every bad line told, as a shared error."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.errors import BadRequest
from signage_server.workdays.services import DaySpec
from signage_server.workdays.services import ScheduleError
from signage_server.workdays.services import parse_schedule


def test_a_good_schedule() -> None:
    text = "# 2031\n2031-01-01,holiday,元旦\n\n2031-01-04,workday,\n"
    assert parse_schedule(text, 2031) == [
        DaySpec(dt.date(2031, 1, 1), False, "元旦"),
        DaySpec(dt.date(2031, 1, 4), True, ""),
    ]


def test_every_bad_line_is_told_as_a_bad_request() -> None:
    text = "2031-01-01,holiday,元旦\n2030-12-31,holiday,x\n2031-02-30,holiday,x\n2031-01-01,off,x\n"
    with pytest.raises(ScheduleError) as info:
        parse_schedule(text, 2031)
    assert isinstance(info.value, BadRequest)
    assert (info.value.status, info.value.code) == (400, "invalid_schedule")
    assert [p.split(":")[0] for p in info.value.problems] == ["line 2", "line 3", "line 4"]
    assert info.value.details == info.value.problems
