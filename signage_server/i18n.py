"""Translation markers usable in pure modules (no Flask import).

``N_`` marks a string for extraction into the message catalog without translating it;
the edge that shows it to a user translates it with ``gettext``.
"""

from __future__ import annotations

SUPPORTED_LOCALES = ("zh_Hans_CN", "en")
LOCALE_NAMES = {"zh_Hans_CN": "简体中文", "en": "English"}
#: The villagers' pages' own words in an organisation's second language, by language code
#: (``content.languages``): the catalog's locale. Not offered to operators.
VISITOR_LOCALES: dict[str, str] = {"ug": "ug", "ko": "ko"}


def N_(message: str) -> str:
    """Mark ``message`` for translation and return it unchanged."""
    return message


class Label(str):
    """A message parameter that is itself a catalog message (e.g. a state's label):
    the edge translates it before filling it in."""

    __slots__ = ()
