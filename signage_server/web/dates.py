"""Dates as operators type and read them: 年-月-日 (``2026-12-01``, ``2026-12-01 08:00``),
whatever the browser's language. Pure (no Flask).

The forms use plain text inputs with this format rather than ``<input type=date>``, whose
display follows the browser's language (``12/01/2026`` or ``01.12.2026``): one spelling on
every page, typed and shown. What people also type is accepted: ``2026/12/1``,
``2026.12.01``, ``2026年12月1日``, full-width digits, ``T`` between date and time.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

#: The HTML ``pattern`` of a date input (browsers check it before sending where they can;
#: the class characters are escaped as the ``v`` flag of HTML patterns requires).
DATE_PATTERN = r"\s*\d{4}\s*[\-\/.年]\s*\d{1,2}\s*[\-\/.月]\s*\d{1,2}\s*日?\s*"
#: The HTML ``pattern`` of a date-and-time input (the time may be left out).
DATETIME_PATTERN = DATE_PATTERN + r"([T ]\s*\d{1,2}\s*[:：时]\s*\d{2}\s*分?\s*)?"

_DATE = re.compile(r"(\d{4})\s*[\-\/.年]\s*(\d{1,2})\s*[\-\/.月]\s*(\d{1,2})\s*日?")
_TIME = re.compile(r"(\d{1,2})\s*[:时]\s*(\d{2})\s*分?")


class Unreadable(ValueError):
    """The text is not a date (or a time) of this format, or not a real one."""


def _normal(text: str) -> str:
    # NFKC turns full-width digits, colons and spaces into ASCII ones.
    return unicodedata.normalize("NFKC", text).strip()


def parse_date(text: str) -> dt.date | None:
    """Return the date ``text`` names, ``None`` for an empty text.

    :raise Unreadable: not a date (or not a real one, such as 2026-02-30).
    """
    value = _normal(text)
    if not value:
        return None
    match = _DATE.fullmatch(value)
    if match is None:
        raise Unreadable(value)
    return _day(*(int(part) for part in match.groups()))


def _day(year: int, month: int, day: int) -> dt.date:
    try:
        return dt.date(year, month, day)
    except ValueError:
        raise Unreadable(f"{year}-{month}-{day}") from None


def parse_datetime(text: str, *, end_of_day: bool = False) -> dt.datetime | None:
    """Return the (naive, local) moment ``text`` names, ``None`` for an empty text.

    A date without a time is the start of that day, or with ``end_of_day`` its end (the
    next midnight: "on display until 2026-12-31" keeps it up all of the 31st).

    :raise Unreadable: not a date and time.
    """
    value = _normal(text)
    if not value:
        return None
    match = _DATE.match(value)
    if match is None:
        raise Unreadable(value)
    day = _day(*(int(part) for part in match.groups()))
    day_start = dt.datetime(day.year, day.month, day.day)
    rest = value[match.end() :].strip().removeprefix("T").strip()
    if not rest:
        return day_start + dt.timedelta(days=1) if end_of_day else day_start
    time = _TIME.fullmatch(rest)
    if time is None:
        raise Unreadable(value)
    hour, minute = int(time.group(1)), int(time.group(2))
    if hour == 24 and minute == 0:
        return day_start + dt.timedelta(days=1)
    if hour > 23 or minute > 59:
        raise Unreadable(value)
    return day_start.replace(hour=hour, minute=minute)


def format_date(value: dt.date | None) -> str:
    """Return ``2026-12-01`` (empty for ``None``)."""
    return value.isoformat() if value is not None else ""


def format_datetime(value: dt.datetime | None) -> str:
    """Return ``2026-12-01 08:00`` (empty for ``None``)."""
    return value.strftime("%Y-%m-%d %H:%M") if value is not None else ""
