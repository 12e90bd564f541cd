"""Reading items aloud on a screen (定时朗读): the rule for the times a screen reads. Pure.

A screen may read the item on it aloud at fixed times of day, in its own time zone (e.g.
``08:00`` and ``18:00``), and/or when a key of its box is pressed. The times are stored as
one text (``"08:00 18:00"``) and sent to the player as a list; the player decides when the
next one is due (player/static/aloud.js).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = ["MAX_TIMES", "ReadTimesError", "parse_times", "stored", "times_of"]

#: At most this many readings a day (a square is not a loudspeaker).
MAX_TIMES = 12

_TIME = re.compile(r"^(\d{1,2})[:：](\d{2})$")
#: Between times: spaces, commas (either width), the enumeration comma, semicolons.
_SEPARATORS = re.compile(r"[\s,，、;；]+")


class ReadTimesError(ValueError):
    """The times are not a list of HH:MM (``bad``: the first that is not), or too many."""

    def __init__(self, bad: str = "") -> None:
        super().__init__(bad or "too many")
        self.bad = bad


def parse_times(value: str | Iterable[str]) -> tuple[str, ...]:
    """Return the times of day in ``value`` as sorted, distinct ``"HH:MM"`` (24-hour).

    ``value`` is a text (``"8:00, 18:00"``, ``"08:00 18:00"``, full-width colons and commas
    accepted) or a list of such texts; empty means no reading at set times.

    :raise ReadTimesError: a part is not a time of day, or there are more than
        :data:`MAX_TIMES`.
    """
    parts = [value] if isinstance(value, str) else list(value)
    found: set[str] = set()
    for part in parts:
        for text in _SEPARATORS.split(str(part).strip()):
            if not text:
                continue
            match = _TIME.match(text)
            if match is None or int(match[1]) > 23 or int(match[2]) > 59:
                raise ReadTimesError(text)
            found.add(f"{int(match[1]):02d}:{match[2]}")
    if len(found) > MAX_TIMES:
        raise ReadTimesError()
    return tuple(sorted(found))


def stored(times: Iterable[str]) -> str:
    """Return the times as the screen stores them (``"08:00 18:00"``)."""
    return " ".join(parse_times(list(times)))


def times_of(text: str) -> list[str]:
    """Return a stored text's times as a list (``[]`` for none)."""
    return list(parse_times(text or ""))
