"""Simplified Chinese first, English selectable; the catalog is complete and compiled."""

from __future__ import annotations

import io
import subprocess
import sys
from pathlib import Path

from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po
from flask import Flask
from flask.testing import FlaskClient

from signage_server.accounts.services import get_user
from signage_server.extensions import db
from tests.conftest import ROOT
from tests.conftest import post_form
from tests.factories import Factory

CATALOG = ROOT / "signage_server" / "translations" / "zh_Hans_CN" / "LC_MESSAGES"


def test_switch_language_anonymously(client: FlaskClient) -> None:
    response = post_form(client, "/locale", {"locale": "en", "next": "/login"}, page="/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Operator login" in html
    post_form(client, "/locale", {"locale": "zh_Hans_CN", "next": "/login"}, page="/login")
    assert "工作人员登录" in client.get("/login").get_data(as_text=True)


def test_language_choice_is_kept_for_the_user(
    app: Flask, client: FlaskClient, make: Factory
) -> None:
    make.users("jiyi_editor")
    make.login(client, "jiyi_editor")
    post_form(client, "/locale", {"locale": "en", "next": "/"}, page="/")
    with app.app_context():
        user = get_user(db.session, "jiyi_editor")
        assert user is not None and user.locale == "en"
    other = app.test_client()
    make.login(other, "jiyi_editor")
    html = other.get("/").get_data(as_text=True)
    assert "Hello, 李慧" in html
    assert "Drafts disclosure items" in html


def test_unknown_locale_is_ignored(client: FlaskClient) -> None:
    post_form(client, "/locale", {"locale": "xx", "next": "/login"}, page="/login")
    assert "工作人员登录" in client.get("/login").get_data(as_text=True)


def test_form_errors_are_translated_too(client: FlaskClient) -> None:
    response = post_form(client, "/login", {"username": "", "password": ""})
    assert "该字段是必填字段" in response.get_data(as_text=True)


def test_catalog_is_complete_and_compiled(tmp_path: Path) -> None:
    """Every message in the code has a Chinese translation, and the .mo matches the .po."""
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "N_",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    extracted = {m.id for m in read_po(pot.open("rb")) if m.id}
    with (CATALOG / "messages.po").open("rb") as fh:
        po = read_po(fh)
    translated = {m.id: m.string for m in po if m.id and m.string and not m.fuzzy}
    missing = sorted(str(i) for i in extracted - set(translated))
    assert not missing, f"untranslated (run `make i18n` and translate): {missing}"
    with (CATALOG / "messages.mo").open("rb") as fh:
        mo = read_mo(io.BytesIO(fh.read()))

    def plain(value: object) -> object:  # plural forms come as lists from .mo, tuples from .po
        return tuple(value) if isinstance(value, list | tuple) else value

    compiled = {plain(m.id): plain(m.string) for m in mo if m.id}
    stale = [i for i, s in translated.items() if compiled.get(plain(i)) != plain(s)]
    assert not stale, f"messages.mo is stale (run `make i18n`): {stale[:5]}"
