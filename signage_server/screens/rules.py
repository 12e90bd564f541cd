"""Which items a screen may show: the one eligibility function (DESIGN.md §4). Pure.

An item revision is eligible for a screen at a moment when:

1. it is published;
2. the moment is inside its validity window (from ``valid_from`` or its publication, until
   ``valid_until``, never before a public notice's protection ends; no end means "until
   replaced": the window rule of ``signage_server.disclosure.windows``);
3. the screen's organisation is among the item's targets: the item's organisation and its
   subtree;
4. its scope fits the screen's audience: a ``public`` screen shows ``public`` items only, a
   ``party`` screen ``party`` and ``public`` items, a ``unit`` screen ``unit`` and ``public``.

Rules 1, 3 and 4 (and the scope table) are the audience rule of
``signage_server.disclosure.audience``, which decides for every surface (screens, QR pages,
assets, exports); this module keeps the screens' names for it. Everything that decides what a
screen shows calls :func:`eligible` (or :func:`may_show`, which is the same without the time).
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Iterable

from signage_server.disclosure.audience import AUDIENCE_LABELS as AUDIENCE_LABELS
from signage_server.disclosure.audience import VISIBLE_SCOPES as VISIBLE_SCOPES
from signage_server.disclosure.audience import Audience as Audience
from signage_server.disclosure.audience import RevisionFacts
from signage_server.disclosure.audience import ScreenViewer
from signage_server.disclosure.audience import Visibility
from signage_server.disclosure.audience import in_window as in_window
from signage_server.disclosure.audience import may_see
from signage_server.disclosure.audience import scope_fits as scope_fits
from signage_server.disclosure.audience import window as window


class Bilingual(enum.StrEnum):
    """How a screen shows the two texts of a bilingual item (a per-screen choice)."""

    #: Chinese and the second language next to each other, each in half the frame.
    SIDE = "side"
    #: The Chinese pages, then the second language's pages, in the item's turn.
    ALTERNATE = "alternate"


#: What eligibility needs to know of an item revision.
ItemFacts = RevisionFacts
#: What eligibility needs to know of a screen.
ScreenFacts = ScreenViewer


def may_show(item: ItemFacts, screen: ScreenFacts) -> bool:
    """Tell whether the screen may show the item at some time: rules 1, 3 and 4."""
    return may_see(item, screen) is Visibility.FULL


def eligible(item: ItemFacts, screen: ScreenFacts, at: dt.datetime) -> bool:
    """Tell whether the screen may show the item at ``at``: all four rules."""
    return may_show(item, screen) and in_window(item, at)


def layouts_reached(item: ItemFacts, screens: Iterable[tuple[str, ScreenFacts]]) -> dict[str, int]:
    """Return, by layout, how many of ``screens`` (each its layout and facts) may show ``item``
    (rules 1, 3 and 4); layouts no screen of which may show it are left out. To ask where a
    draft would go, pass its facts as if it were published."""
    counts: dict[str, int] = {}
    for layout, screen in screens:
        if may_show(item, screen):
            counts[layout] = counts.get(layout, 0) + 1
    return counts
