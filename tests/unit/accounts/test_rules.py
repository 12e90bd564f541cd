"""Pure rules of roles and permissions (DESIGN.md §1)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.accounts.rules import POLICY
from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import LockoutPolicy
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.accounts.rules import allows
from signage_server.accounts.rules import check_deactivation
from signage_server.accounts.rules import login_key
from signage_server.accounts.rules import most_guesses
from signage_server.accounts.rules import normalise_username
from signage_server.accounts.rules import password_problem
from signage_server.accounts.rules import permissions_at
from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation

COUNTY = "/1/"
TOWNSHIP = "/1/2/"
VILLAGE = "/1/2/3/"
OTHER_TOWNSHIP = "/1/9/"

#: Written out by hand from DESIGN.md §1 - not derived from POLICY - so that a change
#: to the policy has to be made twice, on purpose.
HOLDERS: dict[Permission, set[Role]] = {
    Permission.VIEW: set(Role),
    Permission.DRAFT_ITEMS: {Role.EDITOR},
    Permission.REVIEW_ITEMS: {Role.REVIEWER},
    Permission.APPROVE_ITEMS: {Role.APPROVER},
    Permission.SUPERIOR_APPROVE_ITEMS: {Role.SUPERIOR},
    Permission.PUBLISH_ITEMS: {Role.APPROVER, Role.OPERATOR},
    Permission.MANAGE_SCREENS: {Role.OPERATOR},
    Permission.MANAGE_PLAYLISTS: {Role.OPERATOR},
    Permission.HANDLE_FEEDBACK: {Role.HANDLER},
    Permission.HANDLE_REPORTS: {Role.DISCIPLINE},
    Permission.SEE_REPORTER_IDENTITY: {Role.DISCIPLINE},
    Permission.RECORD_INSPECTIONS: {Role.SUPERVISOR},
    Permission.MANAGE_USERS: {Role.ADMIN},
    Permission.MANAGE_ORGS: {Role.ADMIN},
    Permission.MANAGE_CATALOG: {Role.SUPERIOR},
    Permission.MANAGE_APPRAISALS: {Role.APPROVER, Role.SUPERIOR},
    Permission.SEE_APPRAISAL_RESULTS: {
        Role.APPROVER,
        Role.REVIEWER,
        Role.SUPERIOR,
        Role.SUPERVISOR,
    },
    Permission.SEE_ASSESSMENTS: {
        Role.APPROVER,
        Role.SUPERIOR,
        Role.SUPERVISOR,
        Role.DISCIPLINE,
        Role.ADMIN,
    },
}
#: Permissions that belong to the parent organisation: never at the grant's own org.
ONLY_BELOW = {
    Permission.SUPERIOR_APPROVE_ITEMS,
    Permission.HANDLE_REPORTS,
    Permission.SEE_REPORTER_IDENTITY,
}


def test_every_permission_has_a_rule() -> None:
    assert set(POLICY) == set(Permission) == set(HOLDERS)


@pytest.mark.parametrize("permission", list(Permission))
@pytest.mark.parametrize("role", list(Role))
def test_role_matrix(role: Role, permission: Permission) -> None:
    grants = [Grant(role, TOWNSHIP)]
    holds = role in HOLDERS[permission]
    # At the village below the township: every holder.
    assert allows(grants, permission, VILLAGE) is holds
    # At the township itself: holders, except for the parent-org permissions.
    assert allows(grants, permission, TOWNSHIP) is (holds and permission not in ONLY_BELOW)
    # Above or beside the grant: never.
    assert allows(grants, permission, COUNTY) is False
    assert allows(grants, permission, OTHER_TOWNSHIP) is False


def test_superior_approves_villages_not_own_township() -> None:
    grants = [Grant(Role.SUPERIOR, TOWNSHIP)]
    assert allows(grants, Permission.SUPERIOR_APPROVE_ITEMS, VILLAGE)
    assert not allows(grants, Permission.SUPERIOR_APPROVE_ITEMS, TOWNSHIP)
    # The county's superior reviews the township.
    assert allows([Grant(Role.SUPERIOR, COUNTY)], Permission.SUPERIOR_APPROVE_ITEMS, TOWNSHIP)


def test_grants_add_up() -> None:
    grants = [Grant(Role.EDITOR, VILLAGE), Grant(Role.OPERATOR, TOWNSHIP)]
    assert permissions_at(grants, VILLAGE) == [
        Permission.VIEW,
        Permission.DRAFT_ITEMS,
        Permission.PUBLISH_ITEMS,
        Permission.MANAGE_SCREENS,
        Permission.MANAGE_PLAYLISTS,
    ]
    assert permissions_at(grants, TOWNSHIP) == [
        Permission.VIEW,
        Permission.PUBLISH_ITEMS,
        Permission.MANAGE_SCREENS,
        Permission.MANAGE_PLAYLISTS,
    ]
    assert permissions_at(grants, COUNTY) == []
    assert permissions_at([], VILLAGE) == []


path_ids = st.lists(st.integers(1, 40), min_size=1, max_size=4, unique=True)


def as_path(ids: list[int]) -> str:
    return "/" + "".join(f"{i}/" for i in ids)


@given(
    st.lists(st.tuples(st.sampled_from(list(Role)), path_ids), max_size=5),
    st.sampled_from(list(Permission)),
    path_ids,
)
def test_allows_matches_definition(
    raw: list[tuple[Role, list[int]]], permission: Permission, target: list[int]
) -> None:
    grants = [Grant(role, as_path(ids)) for role, ids in raw]
    expected = any(
        role in HOLDERS[permission]
        and target[: len(ids)] == ids
        and (permission not in ONLY_BELOW or len(target) > len(ids))
        for role, ids in raw
    )
    assert allows(grants, permission, as_path(target)) is expected


@pytest.mark.parametrize("name", ["jiyi01_editor", "admin", "wang.jianguo", "li-hui"])
def test_valid_usernames(name: str) -> None:
    assert normalise_username(name.upper()) == name


@pytest.mark.parametrize("name", ["ab", "1abc", "王建国", "a b c", "a" * 65, "_abc"])
def test_invalid_usernames(name: str) -> None:
    with pytest.raises(BadRequest, match="User names") as info:
        normalise_username(name)
    assert info.value.code == "invalid_username"


def test_admins_do_not_deactivate_themselves() -> None:
    check_deactivation(actor_id=1, user_id=2, active=False)
    check_deactivation(actor_id=1, user_id=1, active=True)
    with pytest.raises(RuleViolation) as info:
        check_deactivation(actor_id=1, user_id=1, active=False)
    assert info.value.code == "self_deactivation"
    assert info.value.status == 422


def test_password_policy() -> None:
    assert password_problem("correct horse", "li") is None
    assert password_problem("short", "li") is not None
    assert password_problem("jiyi_editor2026", "jiyi_editor") is not None
    assert password_problem("aaaaaaaaaaaa", "li") is not None
    assert password_problem("x" * 257, "li") is not None


# --- login lockout -------------------------------------------------------------------------

MINUTE = dt.timedelta(minutes=1)


def test_lock_starts_after_five_failures_and_doubles_up_to_a_day() -> None:
    policy = LockoutPolicy()
    assert [policy.delay(n) for n in range(5)] == [dt.timedelta(0)] * 5
    assert [policy.delay(n) / MINUTE for n in range(5, 12)] == [1, 2, 4, 8, 16, 32, 64]
    assert policy.delay(16) == dt.timedelta(days=1)
    assert policy.delay(10_000) == dt.timedelta(days=1)


def test_failures_are_forgotten_after_a_quiet_while() -> None:
    policy = LockoutPolicy()
    last = dt.datetime(2026, 11, 23, 1, tzinfo=dt.UTC)
    assert not policy.forgotten(last, last + dt.timedelta(days=1))
    assert policy.forgotten(last, last + dt.timedelta(days=2))


def test_guesses_per_day_stay_few() -> None:
    policy = LockoutPolicy()
    assert most_guesses(policy, dt.timedelta(days=1)) < 200
    assert most_guesses(policy, dt.timedelta(days=365)) / 365 < 200
    # The bound measures something: a lock that comes late lets many guesses through.
    weak = LockoutPolicy(after=10_000)
    assert most_guesses(weak, dt.timedelta(hours=1)) > 10_000


def test_login_key_normalises_like_user_names() -> None:
    assert login_key("  JIYI_Editor ") == "jiyi_editor"
    assert len(login_key("x" * 500)) == 64
