"""The one eligibility function, exhaustively and by property: the scope invariant above all."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.screens.rules import Audience
from signage_server.screens.rules import ItemFacts
from signage_server.screens.rules import ScreenFacts
from signage_server.screens.rules import eligible
from signage_server.screens.rules import may_show
from signage_server.screens.rules import scope_fits

NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)

#: Written out by hand from DESIGN.md §2 (not derived from the code).
ALLOWED = {
    (Audience.PUBLIC, Scope.PUBLIC),
    (Audience.PARTY, Scope.PARTY),
    (Audience.PARTY, Scope.PUBLIC),
    (Audience.UNIT, Scope.UNIT),
    (Audience.UNIT, Scope.PUBLIC),
}

TOWNSHIP, VILLAGE, OTHER_VILLAGE, COUNTY = "/1/2/", "/1/2/3/", "/1/2/4/", "/1/"


def item(**kw: object) -> ItemFacts:
    values: dict[str, object] = {
        "state": State.PUBLISHED,
        "scope": Scope.PUBLIC,
        "org_path": TOWNSHIP,
        "valid_from": None,
        "valid_until": None,
        "published_at": NOW - H,
    }
    values.update(kw)
    return ItemFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("audience", "scope"), list(itertools.product(Audience, Scope)))
def test_scope_table(audience: Audience, scope: Scope) -> None:
    expected = (audience, scope) in ALLOWED
    assert scope_fits(scope, audience) is expected
    assert eligible(item(scope=scope), ScreenFacts(audience, VILLAGE), NOW) is expected


@pytest.mark.parametrize("state", [s for s in State if s is not State.PUBLISHED])
def test_only_published_revisions(state: State) -> None:
    assert not eligible(item(state=state), ScreenFacts(Audience.PUBLIC, VILLAGE), NOW)


@pytest.mark.parametrize(
    ("screen_org", "item_org", "expected"),
    [
        (VILLAGE, VILLAGE, True),
        (VILLAGE, TOWNSHIP, True),  # a township item reaches its villages
        (VILLAGE, COUNTY, True),
        (TOWNSHIP, VILLAGE, False),  # a village item stays in the village
        (OTHER_VILLAGE, VILLAGE, False),
        ("/1/20/", "/1/2/", False),  # id prefixes are not subtrees
    ],
)
def test_targets_are_the_item_org_and_its_subtree(
    screen_org: str, item_org: str, expected: bool
) -> None:
    assert (
        eligible(item(org_path=item_org), ScreenFacts(Audience.PUBLIC, screen_org), NOW) is expected
    )


@pytest.mark.parametrize(
    ("valid_from", "valid_until", "published_at", "expected"),
    [
        (None, None, NOW - H, True),
        (NOW + H, None, NOW - H, False),  # published, but its window starts later
        (NOW, None, NOW - H, True),
        (None, NOW, NOW - H, False),  # the end is exclusive
        (None, NOW + H, NOW - H, True),
        (None, None, NOW + H, False),  # "from publication" and published later
        (NOW - 2 * H, NOW - H, NOW - 3 * H, False),
    ],
)
def test_validity_window(
    valid_from: dt.datetime | None,
    valid_until: dt.datetime | None,
    published_at: dt.datetime,
    expected: bool,
) -> None:
    facts = item(valid_from=valid_from, valid_until=valid_until, published_at=published_at)
    assert eligible(facts, ScreenFacts(Audience.PUBLIC, VILLAGE), NOW) is expected


paths = st.lists(st.integers(1, 6), min_size=1, max_size=4, unique=True).map(
    lambda ids: "/" + "".join(f"{i}/" for i in ids)
)
moments = st.datetimes(
    min_value=dt.datetime(2026, 1, 1), max_value=dt.datetime(2027, 1, 1), timezones=st.just(dt.UTC)
)
items = st.builds(
    ItemFacts,
    state=st.sampled_from(list(State)),
    scope=st.sampled_from(list(Scope)),
    org_path=paths,
    valid_from=st.none() | moments,
    valid_until=st.none() | moments,
    published_at=st.none() | moments,
)
screens = st.builds(ScreenFacts, audience=st.sampled_from(list(Audience)), org_path=paths)


@given(items, screens, moments)
def test_public_screens_never_get_party_or_unit_items(
    facts: ItemFacts, screen: ScreenFacts, at: dt.datetime
) -> None:
    if eligible(facts, screen, at):
        assert facts.scope is Scope.PUBLIC or screen.audience is not Audience.PUBLIC
        assert (screen.audience, facts.scope) in ALLOWED
        assert facts.state is State.PUBLISHED
        assert screen.org_path.startswith(facts.org_path)


@given(items, screens, moments)
def test_eligible_is_may_show_within_the_window(
    facts: ItemFacts, screen: ScreenFacts, at: dt.datetime
) -> None:
    start = facts.valid_from or facts.published_at
    inside = (start is None or start <= at) and (
        facts.valid_until is None or at < facts.valid_until
    )
    assert eligible(facts, screen, at) is (may_show(facts, screen) and inside)
