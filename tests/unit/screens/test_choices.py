"""The screen form's lists: sizes and time zones."""

from __future__ import annotations

import zoneinfo

from signage_server.screens import choices
from signage_server.screens.services import parse_resolution


def test_listed_sizes_are_valid_and_stored_as_typed() -> None:
    for value, _label in choices.RESOLUTIONS:
        assert parse_resolution(value) == value
    assert {"1920x1080", "1080x1920", "960x480", "3840x2160"} <= {
        v for v, _l in choices.RESOLUTIONS
    }


def test_listed_time_zones_exist() -> None:
    for value, _label in choices.TIMEZONES:
        zoneinfo.ZoneInfo(value)
    assert choices.TIMEZONES[0][0] == "Asia/Shanghai"


def test_a_stored_value_not_in_the_lists() -> None:
    assert choices.resolution_choice("1920x1080") == ("1920x1080", "")
    assert choices.resolution_choice("") == ("", "")
    assert choices.resolution_choice("1280x1024") == ("custom", "1280x1024")
    assert choices.timezone_choices("Asia/Shanghai") == list(choices.TIMEZONES)
    assert choices.timezone_choices("Asia/Harbin")[-1] == ("Asia/Harbin", "Asia/Harbin")
