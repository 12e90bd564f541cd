"""Bilingual items (issue 15): an organisation's second language, both texts through one
procedure and one seal, on every surface that presents the item."""

from __future__ import annotations

import copy
import json
import re
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


def published_uyghur(app: Flask, client: FlaskClient, demo: Demo) -> dict[str, Any]:
    """Make 集义村 bilingual (Chinese and Uyghur) and publish its finance table in both."""
    second_language(app, "ug")
    item = create(client, demo, translation=uyghur())
    publish_through(client, demo, item["id"])
    return item


def change_translation(
    client: FlaskClient, demo: Demo, item_id: int, translation: dict[str, Any]
) -> Any:
    """Change only the second text of an item, as its editor, through the API."""
    return client.patch(
        f"/api/v1/items/{item_id}",
        json={"translation": translation},
        headers=demo.headers("jiyi01_editor"),
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
    item = published_uyghur(app, client, demo)
    live_hash = get(client, demo, item["id"])["current"]["content_sha256"]
    # Changing only the Uyghur text of the published item opens a new draft revision ...
    changed = uyghur(note="ئۆزگەرتىلگەن ئىزاھات")
    response = change_translation(client, demo, item["id"], changed)
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
    item = published_uyghur(app, client, demo)
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
    item = published_uyghur(app, client, demo)
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


UG_TABLE_TEXT = "\n".join(
    "\t".join("" if c is None else str(c) for c in row)
    for row in [UG_TABLE["columns"], *UG_TABLE["rows"]]
)


def test_the_editor_takes_both_texts_and_the_item_page_shows_them(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    from tests.conftest import post_form
    from tests.http.test_items_ui import FORM
    from tests.http.test_items_ui import item_id_from

    second_language(app, "ug")
    demo.login(client, "jiyi01_editor")
    html = client.get("/items/new?org=JIYI-01").get_data(as_text=True)
    # The translation's fields are typed right to left, in Uyghur.
    assert 'id="translation"' in html and 'name="tr_table"' in html
    assert 'lang="ug" dir="rtl"' in html
    table = "日期\t摘要\t收入（元）\t支出（元）\n2026-10-08\t上级转移支付\t45000\t\n2026-10-21\t道路维修材料费\t\t12680.50\n"
    ug = "چېسلا\tمەزمۇن\tكىرىم\tچىقىم\n2026-10-08\tيۆتكەلگەن خىراجەت\t45000\t\n2026-10-21\tيول رېمونتى\t\t12680.50\n"
    wrong = ug.replace("12680.50", "12860.50")
    response = post_form(
        client,
        "/items/new",
        {**FORM, "table": table, "tr_title": FINANCE_TITLE_UG, "tr_table": wrong},
    )
    assert response.status_code == 400
    assert "须与中文表格完全相同" in response.get_data(as_text=True)
    response = post_form(
        client, "/items/new", {**FORM, "table": table, "tr_title": FINANCE_TITLE_UG, "tr_table": ug}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    item_id = item_id_from(response)
    page = client.get(f"/items/{item_id}").get_data(as_text=True)
    assert FINANCE_TITLE_UG in page and "يول رېمونتى" in page
    # Money in the translated table reads as the Chinese table's does.
    assert "12,680.50" in page.split('id="translation"')[1]
    # The edit form gives the translation back.
    edit = client.get(f"/items/{item_id}/edit").get_data(as_text=True)
    assert "يول رېمونتى" in edit


def test_the_diff_shows_a_change_of_the_translation_by_word(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_uyghur(app, client, demo)
    client.patch(
        f"/api/v1/items/{item['id']}",
        json={"translation": uyghur(note="يېڭى ئىزاھات")},
        headers=demo.headers("jiyi01_editor"),
    )
    demo.login(client, "jiyi01_editor")
    html = client.get(f"/items/{item['id']}/diff").get_data(as_text=True)
    assert 'lang="ug" dir="rtl"' in html
    # Whole words are marked, never letters inside a word (they would lose their joining).
    assert "<ins>يېڭى</ins>" in html and "<ins>ئىزاھات</ins>" in html
    assert "<del>سانلىق</del>" in html


def _qr_path(client: FlaskClient, org: str = "JIYI-01") -> str:
    import re

    html = client.get(f"/p/{org}").get_data(as_text=True)
    found = re.search(r'href="(/f/[A-Z0-9]+)"', html)
    assert found, html[:2000]
    return found.group(1)


def test_villagers_read_both_texts_in_the_order_they_choose(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    published_uyghur(app, client, demo)
    public = client.get("/p/JIYI-01").get_data(as_text=True)
    # Chinese first by default, then the Uyghur, set right to left.
    assert public.index("集义村2026年第四季度村级财务收支情况") < public.index(FINANCE_TITLE_UG)
    assert 'class="translation" lang="ug" dir="rtl"' in public
    assert 'aria-current="true">中文' in public
    qr = _qr_path(client)
    form = client.get(qr).get_data(as_text=True)
    assert form.index("集义村2026年第四季度") < form.index(FINANCE_TITLE_UG)
    # The visitor chooses Uyghur: it comes first, and the choice is kept for the next pages.
    chosen = client.get(qr + "?lang=ug")
    assert "lang=ug" in chosen.headers.get("Set-Cookie", "")
    html = chosen.get_data(as_text=True)
    assert html.index(FINANCE_TITLE_UG) < html.index("集义村2026年第四季度")
    assert 'aria-current="true">ئۇيغۇرچە' in html
    # An answer that sets the choice is the visitor's own; the pages after it vary by it.
    assert "private" in client.get("/p/JIYI-01?lang=ug").headers["Cache-Control"]
    again = client.get("/p/JIYI-01")
    assert "Cookie" in again.headers["Vary"]
    page = again.get_data(as_text=True)
    assert page.index(FINANCE_TITLE_UG) < page.index("集义村2026年第四季度村级财务收支情况")
    # A language the org does not disclose in changes nothing.
    client.set_cookie("lang", "mn")
    page = client.get("/p/JIYI-01").get_data(as_text=True)
    assert page.index("集义村2026年第四季度村级财务收支情况") < page.index(FINANCE_TITLE_UG)


def test_a_tampered_translation_is_not_presented_to_villagers(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_uyghur(app, client, demo)
    qr = _qr_path(client)
    with app.app_context():
        revision = db.session.scalar(sa.select(Revision).where(Revision.item_id == item["id"]))
        assert revision is not None and revision.translation is not None
        forged = copy.deepcopy(revision.translation)
        forged["title"] = "ساختا ماۋزۇ"
        revision.translation = forged
        db.session.commit()
    for path in ("/p/JIYI-01", qr):
        html = client.get(path).get_data(as_text=True)
        assert "ساختا ماۋزۇ" not in html and FINANCE_TITLE_UG not in html, path


def test_the_server_serves_the_fonts_a_phone_may_lack(client: FlaskClient) -> None:
    response = client.get("/fonts/mn.ttf")
    assert response.status_code == 200 and response.mimetype == "font/ttf"
    assert response.data[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    assert "max-age=31536000" in response.headers["Cache-Control"]
    assert client.get("/fonts/xx.ttf").status_code == 404
    assert client.get("/fonts/..%2Fetc.ttf").status_code == 404


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

    published_uyghur(app, client, demo)
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


def test_the_form_and_tracking_page_speak_the_villagers_language(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    published_uyghur(app, client, demo)
    qr = _qr_path(client)
    html = client.get(qr + "?lang=ug").get_data(as_text=True)
    assert '<html lang="ug" dir="rtl"' in html
    # The form's own words in Uyghur; words not yet translated in Chinese, never English.
    assert "يوللاش" in html and "ئۇچۇرىڭىز" in html
    assert "Send" not in html and "Your message" not in html
    response = client.post(qr, data={"kind": "question", "text": "بۇ پۇل نەگە ئىشلىتىلدى؟"})
    assert response.status_code == 201
    receipt = response.get_data(as_text=True)
    assert '<html lang="ug" dir="rtl"' in receipt and "ئۇچۇرىڭىز تاپشۇرۇۋېلىندى" in receipt
    import re

    code = re.search(r"/f/track/([0-9A-Z-]+)", receipt)
    assert code, receipt[:2000]
    track = client.get(f"/f/track/{code.group(1)}").get_data(as_text=True)
    assert '<html lang="ug" dir="rtl"' in track and "جاۋاب" in track
    # Back to Chinese.
    html = client.get(qr + "?lang=zh").get_data(as_text=True)
    assert '<html lang="zh-CN" dir="ltr"' in html and "提交" in html


def test_the_villagers_catalogs_are_compiled_and_fall_back_to_chinese() -> None:
    import io
    from pathlib import Path

    from babel.messages.mofile import read_mo
    from babel.messages.pofile import read_po

    from signage_server.i18n import VISITOR_LOCALES

    root = Path(__file__).resolve().parents[2] / "signage_server" / "translations"
    with (root / "zh_Hans_CN" / "LC_MESSAGES" / "messages.po").open("rb") as fh:
        chinese = {m.id: m.string for m in read_po(fh) if m.id}
    assert set(VISITOR_LOCALES) == {"ug", "ko"}
    for locale in VISITOR_LOCALES.values():
        with (root / locale / "LC_MESSAGES" / "messages.po").open("rb") as fh:
            po = read_po(fh)
        own = {m.id for m in po if m.id and m.string and not m.fuzzy}
        assert {"Send", "Your message", "Read aloud"} <= own, locale
        # Every other message shows its Chinese text (flagged fuzzy for the translators).
        for message in po:
            if message.id and message.fuzzy and isinstance(message.string, str):
                assert message.string == chinese[message.id], (locale, message.id)
        with (root / locale / "LC_MESSAGES" / "messages.mo").open("rb") as fh:
            mo = {m.id: m.string for m in read_mo(io.BytesIO(fh.read())) if isinstance(m.id, str)}
        stale = [m.id for m in po if isinstance(m.id, str) and m.id and mo.get(m.id) != m.string]
        assert not stale, f"{locale} messages.mo is stale (run `make i18n`): {stale[:5]}"


def test_a_korean_village_gets_the_form_in_korean(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    second_language(app, "ko")
    text = {"type": "text", "text": "村民代表会议定于12月5日召开。", "format": "plain"}
    korean = {
        "lang": "ko",
        "title": "촌민대표회의 소집 공고",
        "body": {"type": "text", "text": "촌민대표회의를 12월 5일에 엽니다.", "format": "plain"},
    }
    item = create(client, demo, title="村民代表会议召开通知", body=text, translation=korean)
    publish_through(client, demo, item["id"])
    html = client.get(_qr_path(client) + "?lang=ko").get_data(as_text=True)
    assert '<html lang="ko" dir="ltr"' in html
    assert "보내기" in html and "촌민대표회의 소집 공고" in html


def test_the_language_links_cannot_be_turned_into_another_address(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    published_uyghur(app, client, demo)
    crafted = "/p/JIYI-01?_external=1&_scheme=javascript&_anchor=x&note=%0aalert(1)"
    html = client.get(crafted).get_data(as_text=True)
    links = re.findall(r'<nav class="language-choice"[^>]*>(.*?)</nav>', html, re.S)
    assert links, html[:1500]
    assert "javascript" not in links[0] and "http" not in links[0] and "#x" not in links[0]
    # The visitor's own query is kept, as a query.
    assert 'href="/p/JIYI-01?note=%0Aalert' in links[0] and "lang=ug" in links[0]


def test_titles_and_cells_lose_bidi_overrides(client: FlaskClient, demo: Demo) -> None:
    body = {**FINANCE, "rows": [["2026-10-08", "拨款", "\u202e00054", None, "王小红"]]}
    item = create(client, demo, title="集义村\u202e财务收支", body=body)
    stored = item["current"]
    assert stored["title"] == "集义村财务收支"
    assert stored["body"]["rows"][0][2] == "00054"
