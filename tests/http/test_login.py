"""Web login: argon2 hashes, CSRF, rate limits, sessions that end when they should.

The users who log in are made by the factories (``people``), not the whole demo county."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server import services as registry
from signage_server.accounts.models import LoginSession
from signage_server.accounts.rules import most_guesses
from signage_server.accounts.services import get_user
from signage_server.clock import FixedClock
from signage_server.config import Settings
from signage_server.extensions import db
from signage_server.extensions import socketio
from tests.conftest import NOW
from tests.conftest import post_form
from tests.factories import Factory


@pytest.fixture
def people(make: Factory) -> Factory:
    """The users who log in here: 集义镇's editor, reviewer, approver, handler and admin, the
    approver of 集义村 and the site admin."""
    make.users(
        "jiyi_editor",
        "jiyi_reviewer",
        "jiyi_approver",
        "jiyi_handler",
        "jiyi_admin",
        "jiyi01_approver",
        "admin",
    )
    return make


def test_anonymous_visitors_are_sent_to_login(client: FlaskClient) -> None:
    response = client.get("/admin/users")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_login_page_is_chinese(client: FlaskClient) -> None:
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="zh-CN">' in html
    assert "工作人员登录" in html
    assert "阳光公开屏" in html


def test_login_and_dashboard(client: FlaskClient, people: Factory) -> None:
    response = post_form(
        client, "/login", {"username": "jiyi01_approver", "password": people.password}
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    html = client.get("/").get_data(as_text=True)
    assert "王建国（村党支部书记）" in html
    assert "集义村" in html
    assert "审签人（第一责任人）" in html


def test_login_is_case_insensitive_for_user_names(client: FlaskClient, people: Factory) -> None:
    response = post_form(
        client, "/login", {"username": " JIYI_Editor ", "password": people.password}
    )
    assert response.status_code == 302


@pytest.mark.parametrize(
    ("username", "password"), [("jiyi_editor", "wrong-password"), ("nobody", "whatever-1234")]
)
def test_wrong_credentials(
    client: FlaskClient, people: Factory, username: str, password: str
) -> None:
    response = post_form(client, "/login", {"username": username, "password": password})
    assert response.status_code == 200
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_deactivated_user_cannot_log_in(client: FlaskClient, people: Factory) -> None:
    client.patch(
        "/api/v1/users/jiyi_handler", json={"active": False}, headers=people.headers("admin")
    )
    response = post_form(
        client, "/login", {"username": "jiyi_handler", "password": people.password}
    )
    assert "用户名或密码错误" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(client: FlaskClient, people: Factory) -> None:
    response = client.post("/login", data={"username": "jiyi_editor", "password": people.password})
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_next_goes_only_to_local_pages(client: FlaskClient, people: Factory) -> None:
    data = {"username": "jiyi_admin", "password": people.password}
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


def test_logout_needs_post_with_csrf(client: FlaskClient, people: Factory) -> None:
    people.login(client, "jiyi_editor")
    assert client.get("/logout").status_code == 405
    assert client.post("/logout").status_code == 400
    assert client.get("/").status_code == 200
    response = client.post("/logout", data={"csrf_token": _token(client)})
    assert response.status_code == 302
    assert client.get("/").status_code == 302


def test_passwords_are_argon2id_hashes(app: Flask, people: Factory) -> None:
    with app.app_context():
        user = get_user(db.session, "jiyi_editor")
        assert user is not None
        assert user.password_hash.startswith("$argon2id$")
        assert people.password not in user.password_hash


def test_changing_password_ends_other_sessions(app: Flask, people: Factory) -> None:
    first, second = app.test_client(), app.test_client()
    people.login(first, "jiyi_editor")
    people.login(second, "jiyi_editor")
    response = post_form(
        first,
        "/account/password",
        {
            "pw-current": people.password,
            "pw-new": "A-new-secret-42",
            "pw-confirm": "A-new-secret-42",
        },
        page="/account",
    )
    assert response.status_code == 302
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302
    fresh = app.test_client()
    old = post_form(fresh, "/login", {"username": "jiyi_editor", "password": people.password})
    assert "用户名或密码错误" in old.get_data(as_text=True)
    people.login(fresh, "jiyi_editor", "A-new-secret-42")


def test_wrong_current_password_changes_nothing(client: FlaskClient, people: Factory) -> None:
    people.login(client, "jiyi_editor")
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


def test_end_other_sessions(app: Flask, people: Factory) -> None:
    first, second = app.test_client(), app.test_client()
    people.login(first, "jiyi_editor")
    people.login(second, "jiyi_editor")
    post_form(first, "/account/sessions/end", {}, page="/account")
    assert first.get("/").status_code == 200
    assert second.get("/").status_code == 302


def test_deactivation_ends_sessions(app: Flask, client: FlaskClient, people: Factory) -> None:
    people.login(client, "jiyi_editor")
    client.patch(
        "/api/v1/users/jiyi_editor", json={"active": False}, headers=people.headers("admin")
    )
    assert client.get("/").status_code == 302


def test_session_cookie_flags(client: FlaskClient, people: Factory) -> None:
    response = post_form(client, "/login", {"username": "jiyi_editor", "password": people.password})
    cookie = response.headers["Set-Cookie"]
    assert "signage_session=" in cookie
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_the_session_cookie_is_resent_unchanged_only_with_pages(
    client: FlaskClient, people: Factory
) -> None:
    """The idle expiry slides with every page opened; a script, a frame or a fetch answered
    late never brings back an older session (a flash message of a form's answer kept)."""
    people.login(client, "jiyi_editor")
    page = client.get("/", headers={"Sec-Fetch-Dest": "document"})
    assert "signage_session=" in page.headers.get("Set-Cookie", "")
    assert "signage_session=" in client.get("/").headers.get("Set-Cookie", "")  # no header: a page
    for destination in ("script", "style", "iframe", "empty", "font"):
        answer = client.get("/static/css/feedback.css", headers={"Sec-Fetch-Dest": destination})
        assert answer.status_code == 200
        assert "Set-Cookie" not in answer.headers, destination
    # A changed session is always sent, whatever asked: logging out from a fetch ends it.
    out = post_form(client, "/logout", {}, page="/", headers={"Sec-Fetch-Dest": "empty"})
    assert "signage_session=" in out.headers.get("Set-Cookie", "")


class TestRateLimit:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"login_rate_limit": "3 per minute"}

    def test_per_user_name(self, app: Flask, people: Factory) -> None:
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
            {"username": "jiyi_editor", "password": people.password},
            environ_base={"REMOTE_ADDR": "10.0.0.99"},
        )
        assert ok.status_code == 302

    def test_per_address(self, client: FlaskClient, people: Factory) -> None:
        statuses = [
            post_form(
                client, "/login", {"username": f"user{n}", "password": "wrong-guess"}
            ).status_code
            for n in range(4)
        ]
        assert statuses == [200, 200, 200, 429]
        page = post_form(client, "/login", {"username": "jiyi_editor", "password": people.password})
        assert page.status_code == 429
        assert "尝试次数过多" in page.get_data(as_text=True)
        assert page.headers["Retry-After"]

    def test_viewing_the_form_is_not_limited(self, client: FlaskClient) -> None:
        assert all(client.get("/login").status_code == 200 for _ in range(10))


# --- sessions end on the server --------------------------------------------------------------


def _replay(app: Flask, cookie: str) -> FlaskClient:
    """A client that presents a copy of somebody's session cookie."""
    thief = app.test_client()
    thief.set_cookie("signage_session", cookie)
    return thief


def _session_cookie(client: FlaskClient) -> str:
    cookie = client.get_cookie("signage_session")
    assert cookie is not None
    return cookie.value


def test_logout_ends_the_session_for_a_copied_cookie(app: Flask, people: Factory) -> None:
    browser, other = app.test_client(), app.test_client()
    people.login(browser, "jiyi_editor")
    people.login(other, "jiyi_editor")
    copy = _session_cookie(browser)
    assert _replay(app, copy).get("/").status_code == 200  # the copy works while logged in
    assert browser.post("/logout", data={"csrf_token": _token(browser)}).status_code == 302
    thief = _replay(app, copy)
    response = thief.get("/")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")
    assert thief.get("/account").status_code == 302
    assert other.get("/").status_code == 200  # the user's other login goes on
    # Nor does the copy open the live screen wall (Socket.IO ``/admin``).
    wall = socketio.test_client(app, namespace="/admin", flask_test_client=_replay(app, copy))
    assert not wall.is_connected("/admin")
    live = socketio.test_client(app, namespace="/admin", flask_test_client=other)
    assert live.is_connected("/admin")
    live.disconnect(namespace="/admin")


def test_password_change_and_deactivation_end_copied_cookies(app: Flask, people: Factory) -> None:
    browser = app.test_client()
    people.login(browser, "jiyi_editor")
    copy = _session_cookie(browser)
    post_form(
        browser,
        "/account/password",
        {
            "pw-current": people.password,
            "pw-new": "A-new-secret-42",
            "pw-confirm": "A-new-secret-42",
        },
        page="/account",
    )
    assert browser.get("/").status_code == 200
    assert _replay(app, copy).get("/").status_code == 302
    current = _session_cookie(browser)
    assert _replay(app, current).get("/").status_code == 200
    browser.patch(
        "/api/v1/users/jiyi_editor", json={"active": False}, headers=people.headers("admin")
    )
    assert _replay(app, current).get("/").status_code == 302


def test_sessions_last_at_most_session_max_days(app: Flask, people: Factory) -> None:
    browser = app.test_client()
    people.login(browser, "jiyi_editor")
    # Sessions age in real time, like their cookies: make this one older instead of waiting.
    with app.app_context():
        row = db.session.scalars(sa.select(LoginSession)).one()
        row.created_at -= dt.timedelta(days=6, hours=23)
        db.session.commit()
    assert browser.get("/").status_code == 200
    with app.app_context():
        row = db.session.scalars(sa.select(LoginSession)).one()
        row.created_at -= dt.timedelta(hours=1)
        db.session.commit()
    assert browser.get("/").status_code == 302


# --- growing lockout per user name -------------------------------------------------------------

#: What the locked page says: until when (its wording comes from the Chinese catalog).
LOCKED = "2026-11-23 09:0"


def retry_after(response: Any) -> int:
    """The lock's Retry-After (the rate limiter recomputes it by the wall clock: ±1 s)."""
    seconds = int(response.headers["Retry-After"])
    return seconds + 1 if seconds % 60 == 59 else seconds


class TestLockout:
    @pytest.fixture
    def app_overrides(self) -> dict[str, Any]:
        return {"login_rate_limit": "1000 per minute"}  # the lockout alone, not the rate limit

    @staticmethod
    def attempt(app: Flask, username: str, password: str) -> Any:
        """One login from a fresh browser at a fresh address (an attacker's botnet)."""
        TestLockout.address += 1
        address = f"10.{TestLockout.address // 65536 % 256}.{TestLockout.address // 256 % 256}"
        return post_form(
            app.test_client(),
            "/login",
            {"username": username, "password": password},
            environ_base={"REMOTE_ADDR": f"{address}.{TestLockout.address % 256}"},
        )

    address = 0

    def test_five_failures_lock_even_the_right_password(
        self, app: Flask, people: Factory, clock: FixedClock
    ) -> None:
        for _ in range(5):
            page = self.attempt(app, "jiyi_editor", "wrong-guess-123")
            assert page.status_code == 200
            assert "用户名或密码错误" in page.get_data(as_text=True)
        locked = self.attempt(app, "jiyi_editor", people.password)
        assert locked.status_code == 429
        assert LOCKED in locked.get_data(as_text=True)
        assert "2026-11-23 09:01" in locked.get_data(as_text=True)
        assert "用户名或密码错误" not in locked.get_data(as_text=True)
        assert retry_after(locked) == 60
        clock.advance(seconds=59)
        assert self.attempt(app, "jiyi_editor", people.password).status_code == 429
        # The lock passes; one more failure locks for twice as long.
        clock.advance(seconds=1)
        assert self.attempt(app, "jiyi_editor", "wrong-guess-123").status_code == 200
        again = self.attempt(app, "jiyi_editor", people.password)
        assert again.status_code == 429
        assert retry_after(again) == 120
        clock.advance(seconds=119)
        assert self.attempt(app, "jiyi_editor", people.password).status_code == 429
        clock.advance(seconds=1)
        assert self.attempt(app, "jiyi_editor", people.password).status_code == 302
        # A success forgets the failures: four more do not lock.
        for _ in range(4):
            assert self.attempt(app, "jiyi_editor", "wrong-guess-123").status_code == 200
        assert self.attempt(app, "jiyi_editor", people.password).status_code == 302
        # Another account was never affected.
        assert self.attempt(app, "jiyi_admin", people.password).status_code == 302

    def test_an_admin_setting_a_new_password_lifts_the_lock(
        self, app: Flask, people: Factory
    ) -> None:
        for _ in range(5):
            self.attempt(app, "jiyi_handler", "wrong-guess-123")
        assert self.attempt(app, "jiyi_handler", people.password).status_code == 429
        admin = app.test_client()
        people.login(admin, "jiyi_admin")
        reset = post_form(
            admin,
            "/admin/users/jiyi_handler/password",
            {"pw-new": "A-fresh-secret-77", "pw-confirm": "A-fresh-secret-77"},
            page="/admin/users/jiyi_handler",
        )
        assert reset.status_code == 302
        assert self.attempt(app, "jiyi_handler", "A-fresh-secret-77").status_code == 302

    def test_unknown_names_behave_the_same(self, app: Flask, people: Factory) -> None:
        seen = {}
        for name in ("jiyi_reviewer", "no_such_user"):
            pages = [self.attempt(app, name, "wrong-guess-123") for _ in range(7)]
            seen[name] = [(p.status_code, LOCKED in p.get_data(as_text=True)) for p in pages]
            assert [retry_after(p) for p in pages[5:]] == [60, 60]
        assert seen["jiyi_reviewer"] == seen["no_such_user"]
        assert seen["no_such_user"] == [(200, False)] * 5 + [(429, True)] * 2

    def test_guesses_per_day_are_bounded(
        self, app: Flask, people: Factory, clock: FixedClock
    ) -> None:
        """An attacker guessing the moment each lock ends gets a few dozen tries a day."""
        start = clock.now()
        tried = 0
        while clock.now() - start < dt.timedelta(days=1):
            page = self.attempt(app, "jiyi_approver", "wrong-guess-123")
            if page.status_code == 429:
                # Come back at the time the page names (locks here end on whole minutes).
                until = re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d", page.get_data(as_text=True))
                assert until is not None
                moment = dt.datetime.fromisoformat(until.group(0)).replace(tzinfo=NOW.tzinfo)
                clock.set(max(moment, clock.now() + dt.timedelta(minutes=1)))
            else:
                assert page.status_code == 200
                tried += 1
        bound = most_guesses(registry.get(Settings, app).lockout, dt.timedelta(days=1))
        assert tried <= bound < 200
        # Five at once, then one after each lock of 1, 2, 4 … 512 minutes (the next: 1024).
        assert tried == 15
