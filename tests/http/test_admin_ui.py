"""User and organisation administration pages, as an admin uses them."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.services import get_user
from signage_server.extensions import db
from signage_server.orgs.services import get_by_code
from tests.conftest import Demo
from tests.conftest import post_form


def test_users_list_shows_only_managed_users(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    html = client.get("/admin/users").get_data(as_text=True)
    assert "jiyi01_editor" in html
    assert "jiyi_approver" in html
    assert "xian_editor" not in html
    assert 'data-total="18"' in html  # 9 at JIYI, 9 at JIYI-01


def test_users_filter_by_org_and_text(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "admin")
    html = client.get("/admin/users?org=JIYI-01&q=王建国").get_data(as_text=True)
    assert "jiyi01_approver" in html
    assert 'data-total="1"' in html


def test_create_user_with_roles(app: Flask, client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    response = post_form(
        client,
        "/admin/users/new",
        {
            "username": "jiyi05_editor",
            "display_name": "孙丽（北关村报账员）",
            "home_org": "JIYI-05",
            "roles": ["editor", "handler"],
            "password": "Beiguan-2026!",
            "confirm": "Beiguan-2026!",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assert response.headers["Location"] == "/admin/users/jiyi05_editor"
    with app.app_context():
        user = get_user(db.session, "jiyi05_editor")
        assert user is not None
        assert sorted((g.role.value, g.org.code) for g in user.grants) == [
            ("editor", "JIYI-05"),
            ("handler", "JIYI-05"),
        ]
    demo.login(app.test_client(), "jiyi05_editor", "Beiguan-2026!")


def test_create_user_reports_problems(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    base = {
        "display_name": "",
        "home_org": "JIYI-05",
        "roles": [],
        "password": "Beiguan-2026!",
        "confirm": "Beiguan-2026!",
    }
    taken = post_form(client, "/admin/users/new", {**base, "username": "jiyi_editor"})
    assert taken.status_code == 400
    assert "用户名 jiyi_editor 已被使用" in taken.get_data(as_text=True)
    mismatch = post_form(
        client, "/admin/users/new", {**base, "username": "li_si", "confirm": "other-pass-1"}
    )
    assert "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    outside = post_form(
        client, "/admin/users/new", {**base, "username": "li_si", "home_org": "XIAN"}
    )
    assert outside.status_code == 400  # not among the choices


def test_grant_and_revoke_roles(app: Flask, client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    post_form(
        client,
        "/admin/users/jiyi01_editor/grants",
        {"gr-org": "JIYI-02", "gr-role": "reviewer"},
        page="/admin/users/jiyi01_editor",
    )
    with app.app_context():
        user = get_user(db.session, "jiyi01_editor")
        assert user is not None
        grant = next(g for g in user.grants if g.org.code == "JIYI-02")
        assert grant.role.value == "reviewer"
        grant_id = grant.id
    page = client.get("/admin/users/jiyi01_editor").get_data(as_text=True)
    assert "<strong>授予角色</strong> 审核人 · 东王庄村" in page
    post_form(
        client,
        f"/admin/users/jiyi01_editor/grants/{grant_id}/revoke",
        {},
        page="/admin/users/jiyi01_editor",
    )
    with app.app_context():
        user = get_user(db.session, "jiyi01_editor")
        assert user is not None
        assert [g.org.code for g in user.grants] == ["JIYI-01"]


def test_deactivate_and_reset_password(app: Flask, client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    post_form(
        client,
        "/admin/users/jiyi01_handler",
        {"ed-display_name": "张秀英（村委会委员）"},  # "active" unticked
        page="/admin/users/jiyi01_handler",
    )
    with app.app_context():
        user = get_user(db.session, "jiyi01_handler")
        assert user is not None and not user.active
    response = post_form(
        client,
        "/admin/users/jiyi01_handler/password",
        {"pw-new": "Reset-pass-77", "pw-confirm": "Reset-pass-77"},
        page="/admin/users/jiyi01_handler",
    )
    assert response.status_code == 302


def test_admin_cannot_deactivate_self(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    response = post_form(
        client, "/admin/users/jiyi_admin", {"ed-display_name": "x"}, page="/admin/users/jiyi_admin"
    )
    assert response.status_code == 422
    assert "不能停用自己的账户" in response.get_data(as_text=True)


def test_township_admin_cannot_open_county_users(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    assert client.get("/admin/users/xian_editor").status_code == 403
    assert client.get("/admin/users/nobody").status_code == 404


def test_org_tree_page(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    html = client.get("/admin/orgs").get_data(as_text=True)
    assert (
        html.index("集义镇") < html.index("集义村") < html.index("东王庄村") < html.index("河东村")
    )
    assert "城关镇" not in html


def test_create_org_in_ui(app: Flask, client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    response = post_form(
        client,
        "/admin/orgs/new",
        {
            "parent": "JIYI",
            "code": "jiyi-20",
            "name": "新华村",
            "kind": "village",
            "party_members": "12",
            "address": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    with app.app_context():
        org = get_by_code(db.session, "JIYI-20")
        assert org is not None and org.parent is not None and org.parent.code == "JIYI"
    misplaced = post_form(
        client,
        "/admin/orgs/new",
        {
            "parent": "JIYI-01",
            "code": "JIYI-01-A",
            "name": "村下村",
            "kind": "village",
            "party_members": "",
            "address": "",
        },
    )
    assert misplaced.status_code == 400
    assert "该类型的组织不能放在这一上级之下" in misplaced.get_data(as_text=True)


def test_edit_org_in_ui(app: Flask, client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_admin")
    response = post_form(
        client,
        "/admin/orgs/JIYI-03",
        {
            "name": "西王庄村",
            "kind": "village",
            "parent": "JIYI",
            "party_members": "19",
            "address": "西王庄村委会",
            "active": "y",
        },
    )
    assert response.status_code == 302
    with app.app_context():
        org = get_by_code(db.session, "JIYI-03")
        assert org is not None and org.party_members == 19
    assert client.get("/admin/orgs/XIAN").status_code == 403
    post_form(
        client,
        "/admin/orgs/JIYI-03",
        {
            "name": "西王庄村",
            "kind": "village",
            "parent": "JIYI",
            "party_members": "19",
            "address": "",
            "active": "y",
            "higher_review": ["conduct", "rules"],
        },
    )
    with app.app_context():
        org = get_by_code(db.session, "JIYI-03")
        assert org is not None
        assert org.settings["higher_review_categories"] == ["conduct", "rules"]


def test_escaped_output(app: Flask, client: FlaskClient, demo: Demo) -> None:
    payload = "<script>alert('x')</script>"
    client.patch(
        "/api/v1/users/jiyi01_editor", json={"display_name": payload}, headers=demo.headers("admin")
    )
    demo.login(client, "jiyi_admin")
    for page in ("/admin/users", "/admin/users/jiyi01_editor"):
        html = client.get(page).get_data(as_text=True)
        assert payload not in html
        assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in html
