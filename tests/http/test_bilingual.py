"""Bilingual items (issue 15): an organisation's second language, both texts through one
procedure and one seal, on every surface that presents the item."""

from __future__ import annotations

import copy
import json
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.demo.bilingual import FINANCE_TITLE_UG
from signage_server.demo.bilingual import FINANCE_UG
from signage_server.demo.bilingual import uyghur_finance
from signage_server.disclosure.models import Revision
from signage_server.disclosure.services import seal_intact
from signage_server.extensions import db
from signage_server.orgs.models import Org
from tests.conftest import Demo
from tests.http.items import FINANCE
from tests.http.items import create
from tests.http.items import get
from tests.http.items import item_payload
from tests.http.items import ok
from tests.http.items import publish_through

#: The Uyghur text of tests.http.items.FINANCE: the same shape and numbers.
UG_TABLE: dict[str, Any] = {
    **FINANCE_UG,
    "rows": [
        ["2026-10-08", "يۇقىرىدىن يۆتكەلگەن خىراجەت", 45000, None, "ۋاڭ شياۋخۇڭ"],
        ["2026-10-21", "يول رېمونت ماتېرىيال ھەققى", None, 12680.5, "جاۋ لېي"],
        ["2026-11-05", "سۇ-توك ھەققى", None, 1320, "ۋاڭ شياۋخۇڭ"],
    ],
}


def uyghur(**body: Any) -> dict[str, Any]:
    return {"lang": "ug", "title": FINANCE_TITLE_UG, "body": {**UG_TABLE, **body}}


def second_language(app: Flask, code: str | None, org: str = "JIYI-01") -> None:
    with app.app_context():
        found = db.session.scalar(sa.select(Org).where(Org.code == org))
        assert found is not None
        found.second_language = code
        db.session.commit()


def set_language(client: FlaskClient, demo: Demo, code: str, org: str = "JIYI-01") -> Any:
    """Set the org's second language through the API, as its superior's admin."""
    return client.patch(
        f"/api/v1/orgs/{org}", json={"second_language": code}, headers=demo.headers("admin")
    )


def test_an_org_sets_its_second_language(client: FlaskClient, demo: Demo) -> None:
    response = set_language(client, demo, "ug")
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["second_language"] == "ug"
    assert set_language(client, demo, "xx").status_code == 400
    # Back to Chinese only.
    response = client.patch(
        "/api/v1/orgs/JIYI-01", json={"second_language": None}, headers=demo.headers("admin")
    )
    assert response.get_json()["second_language"] is None


def test_a_translation_needs_a_second_language(client: FlaskClient, demo: Demo) -> None:
    response = client.post(
        "/api/v1/items",
        json={**item_payload(), "translation": uyghur()},
        headers=demo.headers("jiyi01_editor"),
    )
    assert response.status_code == 400, response.get_json()
    assert response.get_json()["error"]["details"][0]["code"] == "no_second_language", (
        response.get_json()
    )


def test_both_texts_are_checked_and_sealed_together(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    second_language(app, "ug")
    # Another shape, or another amount, is refused: the translation may not say otherwise.
    for wrong, code in (
        (uyghur(rows=UG_TABLE["rows"][:2]), "translation_shape"),
        (
            uyghur(
                rows=[
                    UG_TABLE["rows"][0],
                    ["2026-10-21", "x", None, 12860.5, "y"],
                    UG_TABLE["rows"][2],
                ]
            ),
            "translation_number",
        ),
        ({"lang": "mn", "title": "x", "body": {"type": "text", "text": "y"}}, "wrong_language"),
        ({"lang": "ug", "title": "x", "body": {"type": "text", "text": "y"}}, "translation_type"),
    ):
        response = client.post(
            "/api/v1/items",
            json={**item_payload(), "translation": wrong},
            headers=demo.headers("jiyi01_editor"),
        )
        assert response.status_code == 400, wrong
        assert code in {p["code"] for p in response.get_json()["error"]["details"]}, (
            response.get_json()
        )
    # A draft may be saved without its translation, but not submitted.
    plain = create(client, demo)
    response = client.post(
        f"/api/v1/items/{plain['id']}/transitions",
        json={"action": "submit"},
        headers=demo.headers("jiyi01_editor"),
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["details"] == {"translation": "required"}
    # With it: the hash covers both texts.
    item = create(client, demo, translation=uyghur())
    assert item["current"]["translation"]["title"] == FINANCE_TITLE_UG
    assert item["current"]["content_sha256"] != plain["current"]["content_sha256"]
    publish_through(client, demo, item["id"])
    live = get(client, demo, item["id"])["current"]
    assert live["state"] == "published"
    assert live["translation"]["body"]["rows"][1][3] == 12680.5


def test_changing_one_text_needs_the_whole_approval_again(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    second_language(app, "ug")
    item = create(client, demo, translation=uyghur())
    publish_through(client, demo, item["id"])
    live_hash = get(client, demo, item["id"])["current"]["content_sha256"]
    # Changing only the Uyghur text of the published item opens a new draft revision ...
    changed = uyghur(note="ئۆزگەرتىلگەن ئىزاھات")
    response = client.patch(
        f"/api/v1/items/{item['id']}",
        json={"translation": changed},
        headers=demo.headers("jiyi01_editor"),
    )
    assert response.status_code == 200, response.get_json()
    draft = response.get_json()["current"]
    assert draft["state"] == "draft" and draft["revision"] == 2
    assert draft["content_sha256"] != live_hash
    # ... while the screens and the public page keep the approved revision, both texts.
    with app.app_context():
        live = db.session.scalar(
            sa.select(Revision).where(Revision.item_id == item["id"], Revision.number == 1)
        )
        assert live is not None and live.translation is not None
        assert live.translation["body"]["note"] == FINANCE_UG["note"]
    # It goes through the procedure again before it is shown.
    ok(client, demo, "jiyi01_editor", item["id"], "submit")
    assert get(client, demo, item["id"])["current"]["state"] == "submitted"


def test_a_translation_changed_in_the_database_breaks_the_seal(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    second_language(app, "ug")
    item = create(client, demo, translation=uyghur())
    publish_through(client, demo, item["id"])
    with app.app_context():
        revision = db.session.scalar(sa.select(Revision).where(Revision.item_id == item["id"]))
        assert revision is not None and seal_intact(revision)
        forged = copy.deepcopy(revision.translation)
        assert forged is not None
        forged["body"]["rows"][1][3] = 1268.5
        revision.translation = forged
        db.session.commit()
        assert not seal_intact(revision)


def test_screens_get_both_texts_and_how_to_set_them(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    second_language(app, "ug")
    item = create(client, demo, translation=uyghur())
    publish_through(client, demo, item["id"])
    screen = client.post(
        "/api/v1/screens",
        json={"org": "JIYI-01", "name": "阿克塔拉村广场屏", "audience": "public"},
        headers=demo.headers("jiyi01_operator"),
    ).get_json()
    response = client.get(
        "/api/v1/player/manifest", headers={"Authorization": f"Bearer {screen['token']}"}
    )
    manifest = response.get_json()
    assert manifest["bilingual"] == "side"
    entry = next(e for e in manifest["items"] if e["id"] == item["id"])
    second = entry["translation"]
    assert second["lang"] == "ug" and second["dir"] == "rtl" and not second["vertical"]
    assert second["font"] == "Noto Naskh Arabic"
    assert second["body"]["columns"] == FINANCE_UG["columns"]
    assert entry["body"] == {**FINANCE, "rows": entry["body"]["rows"]}
    # Items of an org without a second language carry none.
    assert all("translation" not in e for e in manifest["items"] if e["id"] != item["id"])


def test_demo_texts_are_valid_translations() -> None:
    from content.languages import LANGUAGES
    from content.languages import check_translation
    from signage_server.demo.bilingual import FINANCE_ZH
    from signage_server.demo.bilingual import NOTICE_ZH
    from signage_server.demo.bilingual import mongolian_notice

    assert check_translation(uyghur_finance(), FINANCE_ZH, LANGUAGES["ug"]) is not None
    text = {"type": "text", "text": NOTICE_ZH, "format": "plain"}
    assert check_translation(mongolian_notice(), text, LANGUAGES["mn"]) is not None


def test_a_screen_chooses_how_it_shows_bilingual_items_and_is_pushed_the_change(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    """Per screen: side by side (the default) or alternating, through the API, the form and the
    CLI; a change reaches the connected player at once as a new manifest."""
    from tests.conftest import post_form
    from tests.http.test_villager import options_of
    from tests.realtime.screens import events
    from tests.realtime.screens import player
    from tests.realtime.screens import register

    second_language(app, "ug")
    item = create(client, demo, translation=uyghur())
    publish_through(client, demo, item["id"])
    operator = demo.headers("jiyi01_operator")
    screen = register(client, demo)
    assert screen["bilingual"] == "side"
    connection = player(app, screen["token"])
    assert events(connection, "manifest")[-1]["bilingual"] == "side"

    response = client.patch(
        f"/api/v1/screens/{screen['id']}", json={"bilingual": "alternate"}, headers=operator
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["bilingual"] == "alternate"
    pushed = [*events(connection, "manifest"), *events(connection, "manifest_delta")]
    assert pushed, "the change is pushed"
    fetched = client.get(
        "/api/v1/player/manifest", headers={"Authorization": f"Bearer {screen['token']}"}
    ).get_json()
    assert fetched["bilingual"] == "alternate"
    bad = client.patch(
        f"/api/v1/screens/{screen['id']}", json={"bilingual": "stacked"}, headers=operator
    )
    assert bad.status_code == 400

    # The screen's page shows the choice, and changes it.
    demo.login(client, "jiyi01_operator")
    page = f"/screens/{screen['id']}"
    assert [
        v
        for v, chosen in options_of(client.get(page).get_data(as_text=True), "bilingual")
        if chosen
    ] == ["alternate"]
    form = {
        "org": "JIYI-01",
        "name": "村委会门口大屏",
        "audience": "public",
        "layout": "landscape",
        "resolution": "1920x1080",
        "timezone": "Asia/Shanghai",
        "bilingual": "side",
    }
    post_form(client, page, form)
    assert [
        v
        for v, chosen in options_of(client.get(page).get_data(as_text=True), "bilingual")
        if chosen
    ] == ["side"]
    assert [*events(connection, "manifest"), *events(connection, "manifest_delta")]
    refused = post_form(client, page, {**form, "bilingual": "upside"}).get_data(as_text=True)
    assert "is-invalid" in refused
    shown = client.get(f"/api/v1/screens/{screen['id']}", headers=operator).get_json()
    assert shown["bilingual"] == "side"

    # The CLI: registered alternating, and switched back.
    runner = app.test_cli_runner()
    out = runner.invoke(
        args=[
            "screen",
            "register",
            "村部LED屏",
            "--org",
            "JIYI-01",
            "--audience",
            "public",
            "--bilingual",
            "alternate",
        ]
    )
    assert out.exit_code == 0, out.output
    created = json.loads(out.output)
    shown = client.get(f"/api/v1/screens/{created['id']}", headers=operator).get_json()
    assert shown["bilingual"] == "alternate"
    assert runner.invoke(args=["screen", "bilingual", str(created["id"]), "side"]).exit_code == 0
    shown = client.get(f"/api/v1/screens/{created['id']}", headers=operator).get_json()
    assert shown["bilingual"] == "side"
