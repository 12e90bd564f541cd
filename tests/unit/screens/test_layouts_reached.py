"""Which layouts a draft would reach: the eligibility rule over a set of screens (pure)."""

from __future__ import annotations

from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.screens.rules import Audience
from signage_server.screens.rules import ItemFacts
from signage_server.screens.rules import ScreenFacts
from signage_server.screens.rules import layouts_reached

COUNTY, TOWNSHIP, VILLAGE, OTHER_TOWNSHIP = "/1/", "/1/2/", "/1/2/3/", "/1/9/"

SCREENS = [
    ("landscape", ScreenFacts(Audience.PUBLIC, VILLAGE)),
    ("landscape", ScreenFacts(Audience.PUBLIC, VILLAGE)),
    ("portrait", ScreenFacts(Audience.PARTY, VILLAGE)),
    ("led", ScreenFacts(Audience.PUBLIC, TOWNSHIP)),
    ("ticker", ScreenFacts(Audience.UNIT, TOWNSHIP)),
    ("led", ScreenFacts(Audience.PUBLIC, COUNTY)),
    ("portrait", ScreenFacts(Audience.PUBLIC, OTHER_TOWNSHIP)),
]


def draft(scope: Scope, org_path: str, *, active: bool = True) -> ItemFacts:
    """A draft asked about as if it were published."""
    return ItemFacts(State.PUBLISHED, scope, org_path, None, None, None, org_active=active)


def test_a_public_township_item_reaches_its_subtree_with_counts() -> None:
    # Party and staff screens show public items too; the county's LED and the other township's
    # portrait screen are not below the township.
    assert layouts_reached(draft(Scope.PUBLIC, TOWNSHIP), SCREENS) == {
        "landscape": 2,
        "portrait": 1,
        "led": 1,
        "ticker": 1,
    }


def test_scope_decides_which_audiences() -> None:
    assert layouts_reached(draft(Scope.PARTY, TOWNSHIP), SCREENS) == {"portrait": 1}
    assert layouts_reached(draft(Scope.UNIT, TOWNSHIP), SCREENS) == {"ticker": 1}
    assert layouts_reached(draft(Scope.UNIT, VILLAGE), SCREENS) == {}


def test_screens_above_the_item_never_show_it() -> None:
    assert layouts_reached(draft(Scope.PUBLIC, VILLAGE), SCREENS) == {"landscape": 2, "portrait": 1}


def test_an_item_of_a_dissolved_org_reaches_nothing() -> None:
    assert layouts_reached(draft(Scope.PUBLIC, TOWNSHIP, active=False), SCREENS) == {}


def test_a_draft_as_it_is_reaches_nothing() -> None:
    facts = ItemFacts(State.DRAFT, Scope.PUBLIC, TOWNSHIP, None, None, None)
    assert layouts_reached(facts, SCREENS) == {}
