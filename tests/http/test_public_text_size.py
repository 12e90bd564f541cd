"""大字 (issue 15): the type size switch of the villagers' pages, without JavaScript — a GET
form that sets the cookie ``large`` and comes back; the pages then carry ``html.large``; the
public page stays cacheable, one copy per variant."""

from __future__ import annotations

import re

from flask import Flask
from flask.testing import FlaskClient

from tests.conftest import Demo
from tests.http.feedback import item_code
from tests.http.feedback import published_item
from tests.http.feedback import submit


def switch(html: str) -> dict[str, str]:
    """Return the switch's return address and each button's pressed state, by value."""
    form = re.search(r'<form class="text-size".*?</form>', html, re.S)
    assert form, "the page has the 大字 switch"
    back = re.search(r'name="next" value="([^"]*)"', form.group(0))
    pressed = dict(re.findall(r'value="([01])" aria-pressed="(true|false)"', form.group(0)))
    return {"next": back.group(1) if back else "", **pressed}


def test_the_switch_sets_the_cookie_and_comes_back(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    standard = client.get("/p/JIYI-01?year=all")
    html = standard.get_data(as_text=True)
    assert '<html lang="zh-CN" dir="ltr">' in html
    assert switch(html) == {"next": "/p/JIYI-01?year=all", "0": "true", "1": "false"}
    assert ">大字</button>" in html and ">标准字</button>" in html

    on = client.get("/text-size", query_string={"large": "1", "next": "/p/JIYI-01?year=all"})
    assert on.status_code == 303 and on.headers["Location"] == "/p/JIYI-01?year=all"
    assert "large=1" in on.headers["Set-Cookie"] and "Max-Age" in on.headers["Set-Cookie"]
    assert on.headers["Cache-Control"] == "no-store"

    # Remembered on every villager's page: the public page, the QR form, the tracking page.
    item = published_item(client, demo)
    for path in ("/p/JIYI-01", f"/f/{item_code(app, item)}", "/f/track"):
        html = client.get(path).get_data(as_text=True)
        assert '<html lang="zh-CN" dir="ltr" class="large">' in html, path
        assert switch(html) == {"next": path, "0": "false", "1": "true"}, path

    off = client.get("/text-size", query_string={"large": "0", "next": "/f/track"})
    assert off.status_code == 303 and off.headers["Location"] == "/f/track"
    assert 'class="large"' not in client.get("/f/track").get_data(as_text=True)


def test_no_open_redirect(client: FlaskClient) -> None:
    for bad in ("https://evil.example/", "//evil.example/", "/\\evil.example", ""):
        response = client.get("/text-size", query_string={"large": "1", "next": bad})
        assert response.headers["Location"] == "/p/", bad


def test_public_page_stays_cacheable_per_variant(client: FlaskClient, demo: Demo) -> None:
    client.get("/text-size?large=1&next=/p/")
    response = client.get("/p/JIYI-01")
    assert 'class="large"' in response.get_data(as_text=True)
    # The cookie holds nothing personal: shared caches may keep the page, one per Cookie.
    assert response.headers["Cache-Control"] == "public, max-age=60"
    assert "Cookie" in response.headers["Vary"]
    assert "Set-Cookie" not in response.headers


def test_pages_answering_a_form_come_back_to_a_page_with_an_address(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    answer = submit(client, item_code(app, item), json=False)
    assert answer.status_code == 201
    receipt = re.search(r'id="receipt-code">([^<]+)<', answer.get_data(as_text=True))
    assert receipt
    assert switch(answer.get_data(as_text=True))["next"] == f"/f/track/{receipt.group(1)}"
    # A form sent back with its mistakes offers no switch (the typed text would be lost).
    wrong = submit(client, item_code(app, item), text="", json=False)
    assert wrong.status_code == 400
    assert 'class="text-size"' not in wrong.get_data(as_text=True)


def test_villagers_error_pages_have_the_switch(client: FlaskClient) -> None:
    for path in ("/f/NOSUCHCODE", "/p/NOSUCHORG"):
        response = client.get(path)
        assert response.status_code == 404
        assert switch(response.get_data(as_text=True))["next"] == path
