"""What the screen form offers to choose from: common resolutions and time zones. Pure.

Operators pick from lists instead of typing ``1920x1080`` or ``Asia/Shanghai``; a size that
is not in the list is typed as "other size", and a time zone set through the API that is not
in the list stays a choice of its own (:func:`timezone_choices`).
"""

from __future__ import annotations

from signage_server.i18n import N_

#: The choice "the layout's own size" (1920×1080 landscape, 1080×1920 portrait, 960×480 LED).
LAYOUT_SIZE = ""
#: The choice "another size", typed in a field of its own.
CUSTOM = "custom"

#: Common screen sizes, ``WxH`` as stored, with what they are.
RESOLUTIONS: tuple[tuple[str, str], ...] = (
    ("1920x1080", N_("1920×1080 landscape")),
    ("1080x1920", N_("1080×1920 portrait")),
    ("960x480", N_("960×480 LED board")),
    ("3840x2160", N_("3840×2160 landscape 4K")),
    ("2160x3840", N_("2160×3840 portrait 4K")),
    ("1366x768", N_("1366×768 older television")),
    ("1280x720", N_("1280×720 small screen")),
)

#: The time zones of China's screens (and the special administrative regions).
TIMEZONES: tuple[tuple[str, str], ...] = (
    ("Asia/Shanghai", N_("Beijing time (Asia/Shanghai, UTC+8)")),
    ("Asia/Urumqi", N_("Xinjiang time (Asia/Urumqi, UTC+6)")),
    ("Asia/Hong_Kong", N_("Hong Kong (Asia/Hong_Kong, UTC+8)")),
    ("Asia/Macau", N_("Macao (Asia/Macau, UTC+8)")),
)


def resolution_choice(resolution: str) -> tuple[str, str]:
    """Return how a stored resolution shows in the form: ``(choice, custom text)``."""
    if resolution in {value for value, _label in RESOLUTIONS} or resolution == LAYOUT_SIZE:
        return resolution, ""
    return CUSTOM, resolution


def timezone_choices(current: str) -> list[tuple[str, str]]:
    """Return the time zone choices (``(value, message to translate)``), with ``current``
    added when it is not among them (its name is its label)."""
    listed = list(TIMEZONES)
    if current and current not in {value for value, _label in TIMEZONES}:
        listed.append((current, current))
    return listed
