"""The one audience rule: the scope table, the viewers, the public status. By hand and by property."""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.accounts.rules import allows
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.audience import ON_SCREEN
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.audience import Member
from signage_server.disclosure.audience import RevisionFacts
from signage_server.disclosure.audience import ScreenViewer
from signage_server.disclosure.audience import Status
from signage_server.disclosure.audience import Visibility
from signage_server.disclosure.audience import decide
from signage_server.disclosure.audience import fully_visible
from signage_server.disclosure.audience import status
from signage_server.disclosure.rules import WAS_PUBLISHED
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.orgs.rules import is_within
from signage_server.screens.rules import ItemFacts
from signage_server.screens.rules import ScreenFacts
from signage_server.screens.rules import eligible
from signage_server.screens.rules import may_show

NOW = dt.datetime(2026, 11, 23, 1, 0, tzinfo=dt.UTC)
H = dt.timedelta(hours=1)
COUNTY, TOWNSHIP, VILLAGE, OTHER = "/1/", "/1/2/", "/1/2/3/", "/1/2/4/"

#: Written out by hand from DESIGN.md §2 "Scope" (not derived from the code).
SCREEN_SEES = {
    (Audience.PUBLIC, Scope.PUBLIC),
    (Audience.PARTY, Scope.PARTY),
    (Audience.PARTY, Scope.PUBLIC),
    (Audience.UNIT, Scope.UNIT),
    (Audience.UNIT, Scope.PUBLIC),
}


def facts(**kw: object) -> RevisionFacts:
    values: dict[str, object] = {
        "state": State.PUBLISHED,
        "scope": Scope.PUBLIC,
        "org_path": VILLAGE,
        "valid_from": None,
        "valid_until": None,
        "published_at": NOW - H,
    }
    values.update(kw)
    return RevisionFacts(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(("audience", "scope"), list(itertools.product(Audience, Scope)))
def test_screens_see_their_scopes_only(audience: Audience, scope: Scope) -> None:
    answer = decide(facts(scope=scope), ScreenViewer(audience, VILLAGE), NOW)
    expected = (audience, scope) in SCREEN_SEES
    assert answer.full is expected and answer.content is expected
    assert answer.visibility in (Visibility.FULL, Visibility.NONE)  # screens get no notice


@pytest.mark.parametrize("scope", list(Scope))
def test_anonymous_sees_public_items_and_a_notice_of_the_others(scope: Scope) -> None:
    answer = decide(facts(scope=scope), ANONYMOUS, NOW)
    assert answer.status is Status.CURRENT
    if scope is Scope.PUBLIC:
        assert answer.visibility is Visibility.FULL and answer.content
    else:
        assert answer.visibility is Visibility.LIMITED and not answer.content


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (State.WITHDRAWN, Status.WITHDRAWN),
        (State.EXPIRED, Status.EXPIRED),
        (State.SUPERSEDED, Status.SUPERSEDED),
        (State.ARCHIVED, Status.ARCHIVED),
        (State.DRAFT, Status.UNPUBLISHED),
        (State.READY, Status.UNPUBLISHED),
        (State.REJECTED, Status.UNPUBLISHED),
    ],
)
def test_ended_revisions_are_never_presented_as_current(state: State, expected: Status) -> None:
    for scope in Scope:
        item = facts(state=state, scope=scope)
        assert status(item, NOW) is expected
        for audience in Audience:
            assert not decide(item, ScreenViewer(audience, VILLAGE), NOW).content
        anonymous = decide(item, ANONYMOUS, NOW)
        assert not anonymous.content
        if state in WAS_PUBLISHED:
            assert anonymous.visibility is (
                Visibility.FULL if scope is Scope.PUBLIC else Visibility.LIMITED
            )
        else:
            assert anonymous.visibility is Visibility.NONE


def test_time_decides_between_scheduled_current_and_expired() -> None:
    item = facts(valid_from=NOW + H, valid_until=NOW + 5 * H)
    assert status(item, NOW) is Status.SCHEDULED
    assert status(item, NOW + 2 * H) is Status.CURRENT
    # Past its end it is expired even before the expiry job marked it so.
    assert status(item, NOW + 5 * H) is Status.EXPIRED
    screen = ScreenViewer(Audience.PUBLIC, VILLAGE)
    # Screens carry scheduled items (manifests reach ahead); phones see them once current.
    assert decide(item, screen, NOW).content and not decide(item, ANONYMOUS, NOW).content
    assert decide(item, ANONYMOUS, NOW + 2 * H).content
    assert not decide(item, screen, NOW + 5 * H).content
    assert not decide(item, ANONYMOUS, NOW + 5 * H).content


def test_a_protected_notice_stays_current_past_its_validity_for_everybody() -> None:
    notice = facts(valid_from=NOW - H, valid_until=NOW + H, protected_until=NOW + 5 * H)
    viewers = [ScreenViewer(Audience.PUBLIC, VILLAGE), ANONYMOUS, Member.of([])]
    for at in (NOW + 2 * H, NOW + 5 * H - dt.timedelta(microseconds=1)):
        assert status(notice, at) is Status.CURRENT
        assert all(decide(notice, viewer, at).content for viewer in viewers)
    assert status(notice, NOW + 5 * H) is Status.EXPIRED
    assert not any(decide(notice, viewer, NOW + 5 * H).content for viewer in viewers)
    # A protection ending before the validity changes nothing.
    short = facts(valid_until=NOW + 5 * H, protected_until=NOW + H)
    assert status(short, NOW + 2 * H) is Status.CURRENT
    assert status(short, NOW + 5 * H) is Status.EXPIRED


def test_screens_see_their_org_and_the_orgs_above() -> None:
    item = facts(org_path=TOWNSHIP)
    assert decide(item, ScreenViewer(Audience.PUBLIC, VILLAGE), NOW).full
    assert decide(item, ScreenViewer(Audience.PUBLIC, TOWNSHIP), NOW).full
    assert not decide(item, ScreenViewer(Audience.PUBLIC, COUNTY), NOW).full
    assert not decide(facts(), ScreenViewer(Audience.PUBLIC, OTHER), NOW).full


def test_members_see_their_orgs_items_whatever_the_scope_and_state() -> None:
    editor = Member.of([Grant(Role.EDITOR, VILLAGE)])
    for scope, state in itertools.product(Scope, State):
        answer = decide(facts(scope=scope, state=state), editor, NOW)
        assert answer.full and answer.content
    # Elsewhere a member is a visitor like anybody.
    stranger = Member.of([Grant(Role.HANDLER, OTHER)])
    assert decide(facts(scope=Scope.PARTY), stranger, NOW).limited
    assert decide(facts(scope=Scope.PUBLIC), stranger, NOW).content
    assert decide(facts(state=State.DRAFT), stranger, NOW).visibility is Visibility.NONE
    # A dissolved org's items: the administrators above only.
    dissolved = facts(org_active=False)
    assert not decide(dissolved, editor, NOW).full
    assert decide(dissolved, Member.of([Grant(Role.ADMIN, TOWNSHIP)]), NOW).full
    assert decide(dissolved, ANONYMOUS, NOW).visibility is Visibility.NONE


def test_shared_files_are_as_visible_as_their_most_visible_use() -> None:
    party, public = facts(scope=Scope.PARTY), facts(scope=Scope.PUBLIC)
    assert fully_visible([party, public], ANONYMOUS, NOW)
    assert not fully_visible([party], ANONYMOUS, NOW)
    assert not fully_visible([], ANONYMOUS, NOW)


def test_screens_rules_are_the_audience_rule() -> None:
    assert ItemFacts is RevisionFacts and ScreenFacts is ScreenViewer
    item = facts(scope=Scope.PARTY, valid_from=NOW + H)
    party_room = ScreenFacts(Audience.PARTY, VILLAGE)
    assert may_show(item, party_room) and not eligible(item, party_room, NOW)
    assert eligible(item, party_room, NOW + 2 * H)
    assert not may_show(item, ScreenFacts(Audience.PUBLIC, VILLAGE))


# --- properties ---------------------------------------------------------------------------

PATHS = st.sampled_from([COUNTY, TOWNSHIP, VILLAGE, OTHER, "/1/20/"])
MOMENTS = st.one_of(st.none(), st.integers(-5, 5).map(lambda h: NOW + h * H))


@st.composite
def revisions(draw: st.DrawFn) -> RevisionFacts:
    start = draw(MOMENTS)
    end = draw(MOMENTS)
    if start is not None and end is not None and end <= start:
        start, end = end, (start if start != end else None)
    return RevisionFacts(
        state=draw(st.sampled_from(list(State))),
        scope=draw(st.sampled_from(list(Scope))),
        org_path=draw(PATHS),
        valid_from=start,
        valid_until=end,
        published_at=draw(st.one_of(st.none(), st.just(NOW - 6 * H))),
        org_active=draw(st.booleans()),
    )


GRANTS = st.lists(st.builds(Grant, st.sampled_from(list(Role)), PATHS), max_size=3).map(tuple)
VIEWERS = st.one_of(
    st.builds(ScreenViewer, st.sampled_from(list(Audience)), PATHS),
    st.just(ANONYMOUS),
    st.builds(Member, GRANTS),
)
AT = st.integers(-6, 6).map(lambda h: NOW + h * H)


@settings(max_examples=400)
@given(revisions(), VIEWERS, AT)
def test_nobody_sees_content_of_a_scope_not_theirs(
    item: RevisionFacts, viewer: ScreenViewer | Member, at: dt.datetime
) -> None:
    answer = decide(item, viewer, at)
    if answer.content:
        assert answer.full
    if isinstance(viewer, ScreenViewer) and answer.full:
        assert item.scope in {s for a, s in SCREEN_SEES if a is viewer.audience}
        assert item.state is State.PUBLISHED and is_within(viewer.org_path, item.org_path)
    if viewer is ANONYMOUS and answer.full:
        assert item.scope is Scope.PUBLIC
    if isinstance(viewer, Member) and answer.full and item.scope is not Scope.PUBLIC:
        # Exactly the operators' rule: their grants reach the item's organisation.
        permission = Permission.VIEW if item.org_active else Permission.MANAGE_ORGS
        assert allows(viewer.grants, permission, item.org_path)


@settings(max_examples=300)
@given(revisions(), AT)
def test_content_only_while_current_for_anonymous(item: RevisionFacts, at: dt.datetime) -> None:
    answer = decide(item, ANONYMOUS, at)
    assert answer.content == (
        item.scope is Scope.PUBLIC and item.org_active and answer.status is Status.CURRENT
    )
    # A member never sees less than an anonymous visitor.
    order = [Visibility.NONE, Visibility.LIMITED, Visibility.FULL]
    for grants in ((), (Grant(Role.HANDLER, OTHER),), (Grant(Role.EDITOR, COUNTY),)):
        member = decide(item, Member(grants), at)
        assert order.index(member.visibility) >= order.index(answer.visibility)
        assert member.content or not answer.content


@settings(max_examples=300)
@given(revisions(), st.sampled_from(list(Audience)), PATHS, AT)
def test_screen_rules_agree_with_the_audience_rule(
    item: RevisionFacts, audience: Audience, path: str, at: dt.datetime
) -> None:
    screen = ScreenViewer(audience, path)
    by_hand = (
        item.state is State.PUBLISHED
        and item.org_active
        and is_within(path, item.org_path)
        and (audience, item.scope) in SCREEN_SEES
    )
    assert may_show(item, screen) is by_hand
    assert decide(item, screen, at).content is (by_hand and status(item, at) in ON_SCREEN)
    if eligible(item, screen, at):
        assert decide(item, screen, at).content


@settings(max_examples=300)
@given(revisions(), GRANTS, AT)
def test_members_see_in_full_exactly_what_the_operators_rule_lets_them(
    item: RevisionFacts, grants: tuple[Grant, ...], at: dt.datetime
) -> None:
    permission = Permission.VIEW if item.org_active else Permission.MANAGE_ORGS
    reaches = allows(grants, permission, item.org_path)
    answer = decide(item, Member(grants), at)
    if reaches:
        assert answer.full and answer.content  # operators read drafts and ended revisions too
    else:
        assert answer == decide(item, ANONYMOUS, at)
