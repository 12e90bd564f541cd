"""Pure rules of the organisation tree."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.rules import administers_above
from signage_server.orgs.rules import build_tree
from signage_server.orgs.rules import check_dissolve
from signage_server.orgs.rules import check_kind_change
from signage_server.orgs.rules import check_move
from signage_server.orgs.rules import check_name
from signage_server.orgs.rules import check_parent_active
from signage_server.orgs.rules import check_placement
from signage_server.orgs.rules import child_path
from signage_server.orgs.rules import is_root
from signage_server.orgs.rules import is_strictly_below
from signage_server.orgs.rules import is_within
from signage_server.orgs.rules import kinds_below
from signage_server.orgs.rules import minimal_roots
from signage_server.orgs.rules import normalise_code
from signage_server.orgs.rules import path_ids
from signage_server.orgs.rules import walk


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("jiyi-01", "JIYI-01"),
        (" XIAN ", "XIAN"),
        ("JIYI-EDU", "JIYI-EDU"),
        ("A1-B2-C3", "A1-B2-C3"),
    ],
)
def test_codes_are_normalised(raw: str, code: str) -> None:
    assert normalise_code(raw) == code


@pytest.mark.parametrize(
    "raw", ["", "-JIYI", "JIYI-", "JIYI--01", "1JIYI", "集义", "JI YI", "A" * 33]
)
def test_malformed_codes_are_refused(raw: str) -> None:
    with pytest.raises(BadRequest) as info:
        normalise_code(raw)
    assert info.value.code == "invalid_code"
    assert info.value.status == 400


def test_names_are_tidied_and_bounded() -> None:
    assert check_name("  集义镇   东王庄村 ") == "集义镇 东王庄村"
    with pytest.raises(BadRequest) as info:
        check_name("   ")
    assert info.value.code == "invalid_name"
    with pytest.raises(BadRequest):
        check_name("村" * 101)


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        (OrgKind.COUNTY, None),
        (OrgKind.TOWNSHIP, OrgKind.COUNTY),
        (OrgKind.AGENCY, OrgKind.COUNTY),
        (OrgKind.VILLAGE, OrgKind.TOWNSHIP),
        (OrgKind.SCHOOL, OrgKind.TOWNSHIP),
        (OrgKind.AGENCY, OrgKind.TOWNSHIP),
    ],
)
def test_allowed_placements(kind: OrgKind, parent: OrgKind | None) -> None:
    check_placement(kind, parent)


@pytest.mark.parametrize(
    ("kind", "parent"),
    [
        (OrgKind.TOWNSHIP, None),
        (OrgKind.VILLAGE, None),
        (OrgKind.VILLAGE, OrgKind.COUNTY),
        (OrgKind.VILLAGE, OrgKind.VILLAGE),
        (OrgKind.TOWNSHIP, OrgKind.TOWNSHIP),
        (OrgKind.COUNTY, OrgKind.TOWNSHIP),
        (OrgKind.SCHOOL, OrgKind.AGENCY),
    ],
)
def test_refused_placements(kind: OrgKind, parent: OrgKind | None) -> None:
    with pytest.raises(RuleViolation) as info:
        check_placement(kind, parent)
    assert info.value.code == "invalid_parent"
    assert info.value.status == 422


def test_paths() -> None:
    assert child_path(None, 1) == "/1/"
    assert child_path("/1/", 4) == "/1/4/"
    assert path_ids("/1/4/17/") == [1, 4, 17]
    assert is_within("/1/4/17/", "/1/4/")
    assert is_within("/1/4/", "/1/4/")
    assert not is_strictly_below("/1/4/", "/1/4/")
    assert is_strictly_below("/1/4/17/", "/1/")
    # /1/40/ is not inside /1/4/: the trailing slash keeps ids apart.
    assert not is_within("/1/40/", "/1/4/")


def test_moves_under_itself_are_refused() -> None:
    village, township = OrgKind.VILLAGE, OrgKind.TOWNSHIP
    check_move("/1/4/7/", village, "/1/5/", township)
    for new_parent in ("/1/4/7/", "/1/4/7/9/"):
        with pytest.raises(RuleViolation) as info:
            check_move("/1/4/7/", village, new_parent, township)
        assert info.value.code == "cycle"


def test_moves_keep_the_placement_rule() -> None:
    with pytest.raises(RuleViolation) as info:
        check_move("/1/4/7/", OrgKind.VILLAGE, "/1/", OrgKind.COUNTY)
    assert info.value.code == "invalid_parent"


def test_a_kind_change_must_fit_parent_and_children() -> None:
    check_kind_change(OrgKind.AGENCY, OrgKind.TOWNSHIP, [])
    with pytest.raises(RuleViolation):
        check_kind_change(OrgKind.VILLAGE, OrgKind.COUNTY, [])
    with pytest.raises(RuleViolation) as info:
        check_kind_change(OrgKind.VILLAGE, OrgKind.TOWNSHIP, [OrgKind.SCHOOL])
    assert info.value.code == "invalid_parent"


@pytest.mark.parametrize(
    ("path", "admin_paths", "above"),
    [
        ("/1/4/7/", ["/1/4/"], True),  # the township's admin, for its village
        ("/1/4/7/", ["/1/"], True),  # the county's admin
        ("/1/4/7/", ["/1/4/7/"], False),  # the village's own admin
        ("/1/4/", ["/1/4/"], False),  # the township's own admin
        ("/1/", ["/1/"], False),  # nobody is above the county, its admins neither
        ("/1/4/7/", ["/1/5/"], False),  # another township's admin
        ("/1/40/", ["/1/4/"], False),  # ids, not text: /1/40/ is not below /1/4/
        ("/1/4/7/", [], False),
        ("/1/4/7/", ["/1/4/7/", "/1/5/", "/1/4/"], True),
    ],
)
def test_administrators_above(path: str, admin_paths: list[str], above: bool) -> None:
    assert administers_above(path, admin_paths) is above


def test_the_root_is_never_dissolved() -> None:
    assert is_root("/1/") and not is_root("/1/4/")
    with pytest.raises(RuleViolation) as info:
        check_dissolve("/1/", has_active_children=False)
    assert info.value.code == "root_org"
    with pytest.raises(RuleViolation) as info:
        check_dissolve("/1/4/", has_active_children=True)
    assert info.value.code == "has_active_children"
    check_dissolve("/1/4/", has_active_children=False)


def test_nothing_is_created_or_restored_under_a_dissolved_parent() -> None:
    check_parent_active(True)
    with pytest.raises(RuleViolation) as info:
        check_parent_active(False)
    assert info.value.code == "parent_inactive"


def test_minimal_roots_drop_nested_paths() -> None:
    assert minimal_roots(["/1/4/9/", "/1/4/", "/1/5/", "/1/4/"]) == ["/1/4/", "/1/5/"]
    assert minimal_roots([]) == []


def test_build_tree_and_walk() -> None:
    rows = [(3, 1, "B"), (1, None, "ROOT"), (2, 1, "A"), (4, 2, "A-1"), (9, 77, "ORPHAN")]
    tree = build_tree(rows, lambda r: r[0], lambda r: r[1], lambda r: r[2])
    assert [n.value[2] for n in tree] == ["ORPHAN", "ROOT"]
    assert [(d, r[2]) for d, r in walk(tree)] == [
        (0, "ORPHAN"),
        (0, "ROOT"),
        (1, "A"),
        (2, "A-1"),
        (1, "B"),
    ]


ids = st.lists(st.integers(min_value=1, max_value=500), min_size=1, max_size=6, unique=True)


@given(ids, ids)
def test_within_matches_id_prefixes(a: list[int], b: list[int]) -> None:
    path_a = "/" + "".join(f"{i}/" for i in a)
    path_b = "/" + "".join(f"{i}/" for i in b)
    assert is_within(path_a, path_b) == (a[: len(b)] == b)
    assert is_strictly_below(path_a, path_b) == (a[: len(b)] == b and len(a) > len(b))


def test_kinds_below() -> None:
    assert kinds_below(OrgKind.COUNTY) == [
        OrgKind.TOWNSHIP,
        OrgKind.VILLAGE,
        OrgKind.AGENCY,
        OrgKind.SCHOOL,
    ]
    assert kinds_below(OrgKind.TOWNSHIP) == [OrgKind.VILLAGE, OrgKind.AGENCY, OrgKind.SCHOOL]
    assert kinds_below(OrgKind.VILLAGE) == []


@given(ids, st.lists(ids, max_size=4))
def test_above_means_a_grant_strictly_above(path: list[int], grants: list[list[int]]) -> None:
    org = "/" + "".join(f"{i}/" for i in path)
    paths = ["/" + "".join(f"{i}/" for i in grant) for grant in grants]
    expected = any(len(g) < len(path) and path[: len(g)] == g for g in grants)
    assert administers_above(org, paths) is expected
