"""Which items a screen may show: the one eligibility function (DESIGN.md §4). Pure.

An item revision is eligible for a screen at a moment when:

1. it is published;
2. the moment is inside its validity window (from ``valid_from`` or its publication, until
   ``valid_until``; no end means "until replaced");
3. the screen's organisation is among the item's targets: the item's organisation and its
   subtree;
4. its scope fits the screen's audience: a ``public`` screen shows ``public`` items only, a
   ``party`` screen ``party`` and ``public`` items, a ``unit`` screen ``unit`` and ``public``.

Rule 4 is the product's most important invariant: a public screen never receives a party or
unit item, whatever playlists say. Everything that decides what a screen shows calls
:func:`eligible` (or :func:`may_show`, which is the same without the time).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.i18n import N_
from signage_server.orgs.rules import is_within


class Audience(StrEnum):
    """Who stands in front of a screen."""

    PUBLIC = "public"
    PARTY = "party"
    UNIT = "unit"

    @property
    def label(self) -> str:
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS = {
    Audience.PUBLIC: N_("Public (village square, street)"),
    Audience.PARTY: N_("Party members (party activity room)"),
    Audience.UNIT: N_("Staff (office)"),
}

#: The scopes each audience may see. The single source of the scope invariant.
VISIBLE_SCOPES: dict[Audience, frozenset[Scope]] = {
    Audience.PUBLIC: frozenset({Scope.PUBLIC}),
    Audience.PARTY: frozenset({Scope.PARTY, Scope.PUBLIC}),
    Audience.UNIT: frozenset({Scope.UNIT, Scope.PUBLIC}),
}


@dataclass(frozen=True)
class ItemFacts:
    """What eligibility needs to know of an item revision."""

    state: State
    scope: Scope
    org_path: str
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    published_at: dt.datetime | None


@dataclass(frozen=True)
class ScreenFacts:
    """What eligibility needs to know of a screen."""

    audience: Audience
    org_path: str


def scope_fits(scope: Scope, audience: Audience) -> bool:
    """Tell whether an item of ``scope`` may be shown to ``audience``."""
    return scope in VISIBLE_SCOPES[audience]


def window(item: ItemFacts) -> tuple[dt.datetime | None, dt.datetime | None]:
    """Return when the item may first and last show: ``(start, end)``; ``None`` is unbounded."""
    return item.valid_from or item.published_at, item.valid_until


def in_window(item: ItemFacts, at: dt.datetime) -> bool:
    start, end = window(item)
    return (start is None or start <= at) and (end is None or at < end)


def may_show(item: ItemFacts, screen: ScreenFacts) -> bool:
    """Tell whether the screen may show the item at some time: rules 1, 3 and 4."""
    return (
        item.state is State.PUBLISHED
        and is_within(screen.org_path, item.org_path)
        and scope_fits(item.scope, screen.audience)
    )


def eligible(item: ItemFacts, screen: ScreenFacts, at: dt.datetime) -> bool:
    """Tell whether the screen may show the item at ``at``: all four rules."""
    return may_show(item, screen) and in_window(item, at)
