"""Web login: argon2 hashes, CSRF, rate limits, sessions that end when they should."""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.services import get_user
from signage_server.extensions import db
from tests.conftest import Demo
from tests.conftest import post_form


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_page_is_chinese(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "工作人员登录" in html
    assert "阳光公开屏" in html


def test_login_and_dashboard(client: FlaskClient, demo: Demo) -> None:
    response = post_form(
        client, "/login", {"username": "jiyi01_approver", "password": demo.password}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "王建国（村党支部书记）" in html
    assert "集义村" in html
    assert "审签人（第一责任人）" in html


def test_login_is_case_insensitive_for_user_names(client: FlaskClient, demo: Demo) -> None:
    response = post_form(client, "/login", {"username": " JIYI_Editor ", "password": demo.password})
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("username", "password"), [("jiyi_editor", "wrong-password"), ("nobody", "whatever-1234")]
)
def test_wrong_credentials(client: FlaskClient, demo: Demo, username: str, password: str) -> None:
    response = post_form(client, "/login", {"username": username, "password": password})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_log_in(client: FlaskClient, demo: Demo) -> None:
    client.patch(
        "/api/v1/users/jiyi_handler", json={"active": False}, headers=demo.headers("admin")
    )
    response = post_form(client, "/login", {"username": "jiyi_handler", "password": demo.password})
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client: FlaskClient, demo: Demo) -> None:
    response = client.post("/login", data={"username": "jiyi_editor", "password": demo.password})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_goes_only_to_local_pages(client: FlaskClient, demo: Demo) -> None:
    data = {"username": "jiyi_admin", "password": demo.password}
    local = post_form(client, "/login?next=/admin/orgs", data, page="/login")
    assert local.headers["Location"] == "/admin/orgs"
    client.post("/logout", data={"csrf_token": _token(client)})
    for evil in (
        "https://evil.example/",
        "//evil.example/",
        "/\\evil.example",
        "javascript:alert(1)",
    ):
        response = post_form(client, f"/login?next={evil}", data, page="/login")
        assert response.headers["Location"] == "/", evil
        client.post("/logout", data={"csrf_token": _token(client)})


def _token(client: FlaskClient) -> str:
    from tests.conftest import csrf_token

    return csrf_token(client, "/account")


def test_logout_needs_post_with_csrf(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_editor")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    response = client.post("/logout", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_passwords_are_argon2id_hashes(app: Flask, demo: Demo) -> None:
    with app.app_context():
        user = get_user(db.session, "jiyi_editor")
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert demo.password not in user.password_hash


def test_changing_password_ends_other_sessions(app: Flask, demo: Demo) -> None:
    first, second = app.test_client(), app.test_client()
    demo.login(first, "jiyi_editor")
    demo.login(second, "jiyi_editor")
    response = post_form(
        first,
        "/account/password",
        {"pw-current": demo.password, "pw-new": "A-new-secret-42", "pw-confirm": "A-new-secret-42"},
        page="/account",
    )
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    fresh = app.test_client()
    old = post_form(fresh, "/login", {"username": "jiyi_editor", "password": demo.password})
    assert "用户名或密码错误" in old.get_data(as_text=True)
    demo.login(fresh, "jiyi_editor", "A-new-secret-42")


def test_wrong_current_password_changes_nothing(client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_editor")
    response = post_form(
        client,
        "/account/password",
        {
            "pw-current": "not-it-at-all",
            "pw-new": "A-new-secret-42",
            "pw-confirm": "A-new-secret-42",
        },
        page="/account",
    )
    assert response.status_code == 400
    assert "当前密码不正确" in response.get_data(as_text=True)


def test_end_other_sessions(app: Flask, demo: Demo) -> None:
    first, second = app.test_client(), app.test_client()
    demo.login(first, "jiyi_editor")
    demo.login(second, "jiyi_editor")
    post_form(first, "/account/sessions/end", {}, page="/account")
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_deactivation_ends_sessions(app: Flask, client: FlaskClient, demo: Demo) -> None:
    demo.login(client, "jiyi_editor")
    client.patch("/api/v1/users/jiyi_editor", json={"active": False}, headers=demo.headers("admin"))
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client: FlaskClient, demo: Demo) -> None:
    response = post_form(client, "/login", {"username": "jiyi_editor", "password": demo.password})
    cookie = response.headers["Set-Cookie"]
    assert "signage_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"login_rate_limit": "3 per minute"}

    def test_per_user_name(self, app: Flask, demo: Demo) -> None:
        statuses = []
        for n in range(5):
            # A fresh client (and address-independent key): the user name is the target.
            c = app.test_client()
            statuses.append(
                post_form(
                    c,
                    "/login",
                    {"username": "jiyi_approver", "password": "wrong"},
                    environ_base={"REMOTE_ADDR": f"10.0.0.{n}"},
                ).status_code
            )
        assert statuses == [200, 200, 200, 429, 429]
        # Another account is not locked by it.
        c = app.test_client()
        ok = post_form(
            c,
            "/login",
            {"username": "jiyi_editor", "password": demo.password},
            environ_base={"REMOTE_ADDR": "10.0.0.99"},
        )
        assert ok.status_code == 302

    def test_per_address(self, client: FlaskClient, demo: Demo) -> None:
        statuses = [
            post_form(
                client, "/login", {"username": f"user{n}", "password": "wrong-guess"}
            ).status_code
            for n in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        page = post_form(client, "/login", {"username": "jiyi_editor", "password": demo.password})
        assert page.status_code == 429
        assert "尝试次数过多" in page.get_data(as_text=True)
        assert page.headers["Retry-After"]

    def test_viewing_the_form_is_not_limited(self, client: FlaskClient) -> None:
        assert all(client.get("/login").status_code == 200 for _ in range(10))
