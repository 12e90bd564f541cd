"""Issue 10, items 12-14 over HTTP: error pages in the user's language, the villagers' own
error page for bad QR codes and receipts, the receipt and tracking pages (title, deadline,
who answered), the phone form's field errors, and the operator forms' defaults and inputs."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from html.parser import HTMLParser
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Demo
from tests.http.feedback import ORDINARY
from tests.http.feedback import action
from tests.http.feedback import case_of
from tests.http.feedback import item_code
from tests.http.feedback import published_item
from tests.http.feedback import submit

TITLE = "集义村2026年第四季度村级财务收支情况"
#: What Werkzeug says (in English, whatever the user's language) when nobody translates it.
WERKZEUG_404 = "The requested URL was not found on the server"


class Page(HTMLParser):
    """The elements of a page by id, with their attributes and text."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.by_id: dict[str, dict[str, str | None]] = {}
        self.text_of: dict[str, str] = {}
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self._open: list[tuple[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.tags.append((tag, found))
        ident = found.get("id")
        if ident:
            self.by_id[ident] = found
            self.text_of[ident] = ""
        if tag not in ("input", "br", "meta", "link", "img"):
            self._open.append((tag, ident))

    def handle_endtag(self, tag: str) -> None:
        while self._open:
            if self._open.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        for _tag, ident in self._open:
            if ident:
                self.text_of[ident] += data

    def text(self, ident: str) -> str:
        return " ".join(self.text_of[ident].split())

    def with_class(self, cls: str) -> list[dict[str, str | None]]:
        return [a for _t, a in self.tags if cls in (a.get("class") or "").split()]


def page_of(response: Any) -> Page:
    return Page(response.get_data(as_text=True))


# --- 12. error pages in the user's language; the villagers' own error page ------------------


def test_staff_error_pages_say_nothing_in_english(client: FlaskClient, demo: Demo) -> None:
    """The cause: the handler passed Werkzeug's English description on as the message."""
    demo.login(client, "jiyi_editor")
    missing = client.get("/no/such/page")
    html = missing.get_data(as_text=True)
    assert missing.status_code == 404
    assert WERKZEUG_404 not in html
    assert "未找到" in html and "返回工作台" in html
    forbidden = client.get("/admin/users").get_data(as_text=True)
    assert "You don't have the permission" not in forbidden and "无权操作" in forbidden
    wrong_method = client.delete("/items")
    assert wrong_method.status_code == 405
    assert "not allowed for the requested URL" not in wrong_method.get_data(as_text=True)
    # A form whose CSRF token is missing: Flask-WTF's English text is not shown either.
    stale = client.post("/items/new", data={"title": "x"})
    assert stale.status_code == 400
    assert "CSRF" not in stale.get_data(as_text=True)


def test_http_error_messages_follow_the_users_language(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    from signage_server.accounts.services import get_user
    from signage_server.extensions import db

    with app.app_context():
        user = get_user(db.session, "jiyi_editor")
        assert user is not None
        user.locale = "en"
        db.session.commit()
    demo.login(client, "jiyi_editor")
    html = client.get("/no/such/page").get_data(as_text=True)
    assert "This page does not exist. Please check the address." in html
    assert "Back to the dashboard" in html
    as_json = client.get("/api/v1/no/such", headers=demo.headers("jiyi_editor")).get_json()
    assert as_json["error"] == {
        "code": "not_found",
        "message": "This page does not exist. Please check the address.",
    }


def test_500_page_is_translated_and_tells_nothing(app: Flask, client: FlaskClient) -> None:
    app.config["PROPAGATE_EXCEPTIONS"] = False

    @app.get("/boom")
    def boom() -> str:
        raise RuntimeError("secret detail")

    @app.get("/f/boom/now")
    def public_boom() -> str:
        raise RuntimeError("secret detail")

    staff = client.get("/boom")
    assert staff.status_code == 500
    assert "服务器内部错误" in staff.get_data(as_text=True)
    assert "secret" not in staff.get_data(as_text=True)
    public = client.get("/f/boom/now")
    html = public.get_data(as_text=True)
    assert public.status_code == 500 and "secret" not in html
    assert "feedback.css" in html and "返回工作台" not in html


def assert_public_error(response: Any, status: int, code: str) -> Page:
    """The villagers' error page: the feedback box's look, no staff navigation."""
    html = response.get_data(as_text=True)
    assert response.status_code == status, html[:500]
    assert "/static/css/feedback.css" in html
    assert "bootstrap" not in html and "navbar" not in html
    assert "返回工作台" not in html and 'href="/"' not in html
    page = Page(html)
    problem = page.with_class("problem")
    assert problem and problem[0]["data-code"] == code
    # The way on: look up a receipt code.
    assert 'href="/f/track"' in html
    return page


@pytest.mark.parametrize(
    "path",
    [
        "/f/NOTACODE12",  # malformed
        "/f/r/5/2",  # an old, path-style link
        "/f/123",  # too short to be a code
    ],
)
def test_a_bad_qr_code_gets_the_feedback_box_page(
    client: FlaskClient, demo: Demo, path: str
) -> None:
    page = assert_public_error(
        client.get(path), 404, "bad_code" if path != "/f/r/5/2" else "not_found"
    )
    assert "track-link" in page.by_id


def test_a_forged_or_unknown_code_gets_the_feedback_box_page_even_for_staff(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    forged = code[:-1] + ("A" if code[-1] != "A" else "B")
    demo.login(client, "jiyi01_handler")  # logged in: still no staff navigation on /f/
    assert_public_error(client.get(f"/f/{forged}"), 404, "bad_code")
    from signage_server.feedback import codes
    from tests.http.feedback import key

    unknown = codes.make(key(app), "r", 9999, 1)
    assert_public_error(client.get(f"/f/{unknown}"), 404, "bad_code")
    # JSON clients still get the error format of CONTRACT.md.
    as_json = client.get(f"/f/{forged}", headers={"Accept": "application/json"})
    assert as_json.status_code == 404 and as_json.get_json()["error"]["code"] == "bad_code"


def test_an_unknown_receipt_gets_the_lookup_again(client: FlaskClient, demo: Demo) -> None:
    response = client.get("/f/track/ABCDE-FGHJK")
    page = assert_public_error(response, 404, "no_receipt")
    assert "请核对" in response.get_data(as_text=True)  # the domain message, translated
    assert page.by_id["receipt"]["name"] == "receipt"  # the lookup form, on the spot
    looked_up = client.get("/f/track?receipt=ABCDE-FGHJK", follow_redirects=True)
    assert_public_error(looked_up, 404, "no_receipt")


# --- 13. receipt and tracking: title, deadline, who answered; the phone form's field errors -


def receipt_page(app: Flask, client: FlaskClient, code: str, **fields: Any) -> Any:
    response = submit(client, code, json=False, **fields)
    assert response.status_code == 201, response.get_data(as_text=True)[:800]
    return response


def test_receipt_shows_the_title_and_the_deadline(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    page = page_of(receipt_page(app, client, item_code(app, item)))
    assert page.text("about-title-text") == TITLE
    assert "集义村" in page.text("about-item")
    # Received Monday 2026-11-23 (the test clock); a question: 10 working days.
    (deadline,) = page.with_class("deadline")
    assert deadline["data-duty"] == "answer"
    assert deadline["data-due"] == "2026-12-07" and deadline["data-days"] == "10"


def test_a_limited_scope_item_keeps_its_title_off_the_receipt(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(
        client,
        demo,
        title="集义村党支部2026年发展党员计划",
        category="organisation",
        scope="party",
        catalog_entry="DF-01",
    )
    response = receipt_page(app, client, item_code(app, item), kind="comment")
    html = response.get_data(as_text=True)
    page = Page(html)
    assert "发展党员计划" not in html
    assert "about-title-text" not in page.by_id
    assert "集义村" in page.text("about-item")
    receipt = page.text("receipt-code")
    track = client.get(f"/f/track/{receipt}").get_data(as_text=True)
    assert "发展党员计划" not in track
    # A comment: 15 working days.
    (deadline,) = Page(track).with_class("deadline")
    assert deadline["data-days"] == "15"


def test_tracking_page_shows_title_deadline_and_who_answered(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    # Not village affairs: the village's handler answers the question.
    item = published_item(client, demo, **{**ORDINARY, "title": TITLE})
    receipt = page_of(receipt_page(app, client, item_code(app, item))).text("receipt-code")
    track = page_of(client.get(f"/f/track/{receipt}"))
    assert track.text("about-title-text") == TITLE
    (open_duty,) = track.with_class("deadline")
    assert "met" not in (open_duty["class"] or "") and open_duty["data-due"] == "2026-12-07"

    case = case_of(client, demo, "jiyi01_handler", receipt)
    answered = client.post(
        f"/api/v1/feedback/{case['id']}/reply",
        json={"text": "材料费由村报账员经手，票据已公示。", "publish": True},
        headers=demo.headers("jiyi01_handler"),
    )
    assert answered.status_code == 201
    html = client.get(f"/f/track/{receipt}").get_data(as_text=True)
    track = Page(html)
    (done,) = track.with_class("deadline")
    assert "met" in (done["class"] or "").split()
    # Real name and post of the handler (the public record's way), and the organisation.
    answerer = track.text("answerer-1")
    assert "张秀英（村委会委员）" in answerer and "集义村" in answerer
    assert "jiyi01_handler" not in html


def test_a_report_deadline_runs_from_the_conclusion(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    response = receipt_page(
        app, client, item_code(app, item), kind="report", text="公示数据与实际不符。"
    )
    receipt = Page(response.get_data(as_text=True)).text("receipt-code")
    # An anonymous report has no acknowledgement duty and no reply due yet.
    assert not page_of(client.get(f"/f/track/{receipt}")).with_class("deadline")
    case = case_of(client, demo, "jiyi_discipline", receipt)
    assert (
        action(
            client, demo, "jiyi_discipline", case["id"], "conclude", reason="已核实。"
        ).status_code
        == 200
    )
    (deadline,) = page_of(client.get(f"/f/track/{receipt}")).with_class("deadline")
    assert deadline["data-duty"] == "reply_after_conclusion" and deadline["data-days"] == "15"


def test_the_phone_form_marks_the_wrong_field(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    response = submit(client, item_code(app, item), json=False, phone="12345", consent="y")
    assert response.status_code == 400
    page = page_of(response)
    phone = page.by_id["phone"]
    assert phone["aria-invalid"] == "true" and "invalid" in (phone["class"] or "")
    assert phone["aria-describedby"] == "phone-error"
    assert "autofocus" in phone
    assert "手机号" in page.text("phone-error")
    # The other fields are not marked; the summary links to the field.
    assert "aria-invalid" not in page.by_id["text"] and "text-error" not in page.by_id
    assert 'href="#phone"' in response.get_data(as_text=True)
    assert page.by_id["phone"]["value"] == "12345"  # what was typed stays


def test_the_first_wrong_field_gets_the_focus(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    response = submit(client, item_code(app, item), json=False, text="", phone="999")
    page = page_of(response)
    assert "autofocus" in page.by_id["text"] and "text-error" in page.by_id
    assert page.by_id["phone"]["aria-invalid"] == "true" and "autofocus" not in page.by_id["phone"]
    # A name without consent: the consent box is the wrong field.
    consent = page_of(submit(client, item_code(app, item), json=False, name="张三"))
    assert consent.by_id["consent"]["aria-invalid"] == "true"
    assert "autofocus" in consent.by_id["consent"] and "consent-error" in consent.by_id


# --- 14. form defaults and inputs -----------------------------------------------------------


def options_of(html: str, select_id: str) -> list[tuple[str, bool]]:
    """Return the ``(value, selected)`` options of a select."""
    block = html.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    page = Page(block)
    return [(str(a.get("value")), "selected" in a) for tag, a in page.tags if tag == "option"]


def item_json(client: FlaskClient, demo: Demo, response: Any) -> dict[str, Any]:
    from tests.http.test_items_ui import item_id_from

    found = client.get(
        f"/api/v1/items/{item_id_from(response)}", headers=demo.headers("jiyi01_editor")
    )
    body: dict[str, Any] = found.get_json()
    return body


def test_catalog_entry_has_no_default_and_outside_is_a_choice_of_its_own(
    client: FlaskClient, demo: Demo
) -> None:
    from tests.conftest import post_form
    from tests.http.test_items_ui import FORM

    demo.login(client, "jiyi01_editor")
    options = options_of(client.get("/items/new").get_data(as_text=True), "catalog_entry")
    assert options[0] == ("", True)  # the prompt, chosen: nothing else is
    assert [value for value, selected in options if selected] == [""]
    assert options[-1] == ("outside", False)
    assert ("CW-01", False) in options
    # Saving without a choice asks for one, under the field.
    refused = post_form(client, "/items/new", {**FORM, "catalog_entry": ""})
    assert refused.status_code == 400
    page = Page(refused.get_data(as_text=True))
    assert "is-invalid" in (page.by_id["catalog_entry"]["class"] or "")
    # 目录外 is chosen on purpose; it needs the higher review.
    outside = post_form(client, "/items/new", {**FORM, "catalog_entry": "outside"})
    assert outside.status_code == 302
    item = item_json(client, demo, outside)
    assert item["current"]["catalog_entry"] is None  # 目录外: higher review on submission
    # Its editor shows the choice made, not the prompt.
    edit = client.get(outside.headers["Location"] + "/edit").get_data(as_text=True)
    assert [v for v, selected in options_of(edit, "catalog_entry") if selected] == ["outside"]
    inside = post_form(client, "/items/new", FORM)
    edit = client.get(inside.headers["Location"] + "/edit").get_data(as_text=True)
    assert [v for v, selected in options_of(edit, "catalog_entry") if selected] == ["CW-01"]


def test_dates_are_typed_and_shown_as_year_month_day(client: FlaskClient, demo: Demo) -> None:
    from tests.conftest import post_form
    from tests.http.test_items_ui import FORM

    demo.login(client, "jiyi01_editor")
    html = client.get("/items/new").get_data(as_text=True)
    page = Page(html)
    for name in ("valid_from", "valid_until"):
        # A text input: the browser's language does not turn it into 12/01/2026.
        assert page.by_id[name].get("type") == "text"
        assert page.by_id[name].get("pattern")
    response = post_form(
        client,
        "/items/new",
        {**FORM, "valid_from": "2026/12/1 8:30", "valid_until": "2026-12-31"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-1500:]
    current = item_json(client, demo, response)["current"]
    shanghai = zoneinfo.ZoneInfo("Asia/Shanghai")
    start = dt.datetime.fromisoformat(current["valid_from"])
    assert start == dt.datetime(2026, 12, 1, 8, 30, tzinfo=shanghai)
    # A date alone as the end: all of that day.
    end = dt.datetime.fromisoformat(current["valid_until"])
    assert end == dt.datetime(2027, 1, 1, tzinfo=shanghai)
    edit = Page(client.get(response.headers["Location"] + "/edit").get_data(as_text=True))
    assert edit.by_id["valid_from"]["value"] == "2026-12-01 08:30"
    assert edit.by_id["valid_until"]["value"] == "2027-01-01 00:00"
    # The browser's own spelling of another language is refused under the field, and kept.
    wrong = post_form(client, "/items/new", {**FORM, "valid_from": "12/01/2026"})
    assert wrong.status_code == 400
    page = Page(wrong.get_data(as_text=True))
    assert "is-invalid" in (page.by_id["valid_from"]["class"] or "")
    assert page.by_id["valid_from"]["value"] == "12/01/2026"


def test_a_townships_new_catalog_is_for_the_organisations_below_it(
    client: FlaskClient, demo: Demo
) -> None:
    demo.login(client, "jiyi_superior")
    options = options_of(client.get("/catalog?org=JIYI").get_data(as_text=True), "org_kind")
    assert [value for value, _selected in options] == ["village", "agency", "school"]
    assert [value for value, selected in options if selected] == ["village"]
    county = app_client_as(client, demo, "xian_superior")
    options = options_of(county.get("/catalog?org=XIAN").get_data(as_text=True), "org_kind")
    assert [value for value, _selected in options] == ["township", "village", "agency", "school"]
    assert "county" not in [value for value, _selected in options]


def app_client_as(client: FlaskClient, demo: Demo, user: str) -> FlaskClient:
    other = client.application.test_client()
    demo.login(other, user)
    return other


def test_screen_size_and_time_zone_are_chosen_from_lists(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    from tests.conftest import post_form

    demo.login(client, "jiyi01_operator")
    html = client.get("/screens/new?org=JIYI-01").get_data(as_text=True)
    sizes = [value for value, _selected in options_of(html, "resolution")]
    assert sizes[0] == "" and sizes[-1] == "custom"
    assert {"1920x1080", "1080x1920", "960x480", "3840x2160"} <= set(sizes)
    zones = options_of(html, "timezone")
    assert ("Asia/Shanghai", True) in zones and ("Asia/Urumqi", False) in zones
    form = {"org": "JIYI-01", "name": "集义村村委会LED屏", "audience": "public", "layout": "led"}
    # "Other size" needs the size typed in.
    missing = post_form(client, "/screens/new", {**form, "resolution": "custom"})
    assert missing.status_code == 400
    assert "is-invalid" in (
        Page(missing.get_data(as_text=True)).by_id["resolution_custom"]["class"] or ""
    )
    created = post_form(
        client,
        "/screens/new",
        {
            **form,
            "resolution": "custom",
            "resolution_custom": "1280x1024",
            "timezone": "Asia/Urumqi",
        },
        page="/screens/new?org=JIYI-01",
    )
    assert created.status_code == 201, created.get_data(as_text=True)[-1500:]
    from signage_server.extensions import db
    from signage_server.screens.models import Screen

    with app.app_context():
        screen = db.session.query(Screen).filter_by(name="集义村村委会LED屏").one()
        assert (screen.resolution, screen.timezone) == ("1280x1024", "Asia/Urumqi")
        screen_id = screen.id
    shown = client.get(f"/screens/{screen_id}").get_data(as_text=True)
    assert [v for v, selected in options_of(shown, "resolution") if selected] == ["custom"]
    assert Page(shown).by_id["resolution_custom"]["value"] == "1280x1024"
    assert [v for v, selected in options_of(shown, "timezone") if selected] == ["Asia/Urumqi"]
    # A listed size is chosen as such.
    post_form(
        client,
        f"/screens/{screen_id}",
        {**form, "resolution": "960x480", "timezone": "Asia/Shanghai"},
    )
    shown = client.get(f"/screens/{screen_id}").get_data(as_text=True)
    assert [v for v, selected in options_of(shown, "resolution") if selected] == ["960x480"]


def test_pairing_field_does_not_look_like_a_code(client: FlaskClient, demo: Demo) -> None:
    import re

    from tests.realtime.screens import register

    screen = register(client, demo)
    demo.login(client, "jiyi01_operator")
    page = Page(client.get(f"/screens/{screen['id']}").get_data(as_text=True))
    placeholder = page.by_id["code"]["placeholder"] or ""
    assert placeholder and "6" in placeholder
    # Pairing codes read like K7F-3QX: the placeholder must not.
    assert not re.search(r"[A-Z0-9]{3}-[A-Z0-9]{3}", placeholder)


def test_playlist_dates_are_year_month_day_text(client: FlaskClient, demo: Demo) -> None:
    from signage_server.web.dates import DATE_PATTERN

    demo.login(client, "jiyi01_operator")
    page = Page(client.get("/playlists/new?org=JIYI-01").get_data(as_text=True))
    for ident in ("pl-from", "pl-until"):
        assert page.by_id[ident]["type"] == "text"
        assert page.by_id[ident]["pattern"] == DATE_PATTERN
