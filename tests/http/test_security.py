"""Security headers, no inline code in templates, CSRF everywhere a form changes something."""

from __future__ import annotations

import re

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import ROOT
from tests.factories import Factory

TEMPLATES = ROOT / "signage_server" / "templates"


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"
    policy = response.headers["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()"):
        assert feature in policy
    assert response.headers["Cross-Origin-Opener-Policy"] == "same-origin"
    # The public pages too.
    public = client.get("/f/track")
    assert "unsafe-inline" not in public.headers["Content-Security-Policy"]
    assert public.headers["Cross-Origin-Opener-Policy"] == "same-origin"


def test_no_inline_script_or_style_in_templates() -> None:
    """The CSP forbids inline code; a template that used it would silently break."""
    for path in TEMPLATES.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", text), path
        assert not re.search(r"\sstyle=", text), path
        assert not re.search(r"\son[a-z]+=", text), path
        assert "|safe" not in text.replace(" ", ""), path


def test_pages_use_local_assets_only(client: FlaskClient, make: Factory) -> None:
    make.users("admin")
    make.login(client, "admin")
    for page in ("/", "/admin/users", "/admin/orgs", "/account"):
        html = client.get(page).get_data(as_text=True)
        for url in re.findall(r'(?:src|href)="([^"]+)"', html):
            assert url.startswith("/"), (page, url)
    css = client.get("/static/vendor/bootstrap/bootstrap.min.css")
    assert css.status_code == 200


@pytest.mark.parametrize(
    ("url", "data"),
    [
        ("/admin/users/new", {"username": "x_y_z"}),
        ("/admin/users/jiyi01_editor/grants", {"gr-org": "JIYI-01", "gr-role": "admin"}),
        ("/admin/orgs/new", {"code": "JIYI-21"}),
        ("/account/tokens", {"tk-name": "x"}),
        ("/account/password", {}),
        ("/locale", {"locale": "en"}),
    ],
)
def test_forms_refuse_missing_csrf(
    client: FlaskClient, make: Factory, url: str, data: dict[str, str]
) -> None:
    make.users("admin", "jiyi01_editor")
    make.login(client, "admin")
    response = client.post(url, data=data)
    assert response.status_code == 400


def test_api_does_not_use_cookies(app: Flask, client: FlaskClient, make: Factory) -> None:
    """A logged-in browser session gives no access to the API (no CSRF hole through it)."""
    make.users("admin")
    make.login(client, "admin")
    assert client.get("/api/v1/me").status_code == 401
