"""``signage print poster|board``: the PDF written where asked (or here), its path and pages."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from flask import Flask
from flask.testing import FlaskClient

from tests.cli.test_commands import run
from tests.conftest import Demo
from tests.http.items import create
from tests.http.items import publish_through


def text_of(path: Path) -> str:
    reader = pypdf.PdfReader(io.BytesIO(path.read_bytes()))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def test_print_a_poster(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    item = publish_through(client, demo, create(client, demo)["id"])
    out = tmp_path / "poster.pdf"
    code, output = run(app, "print", "poster", str(item["id"]), "--size", "A3", "-o", str(out))
    assert code == 0, output
    assert str(out) in output and "(1 page," in output
    assert "集义村2026年第四季度村级财务收支情况" in text_of(out)
    # Without -o: a file named after the title, in the current directory.
    monkeypatch.chdir(tmp_path)
    code, output = run(app, "print", "poster", str(item["id"]), "--orientation", "landscape")
    assert code == 0, output
    made = tmp_path / "集义村2026年第四季度村级财务收支情况-A4-landscape.pdf"
    assert made.exists() and str(made) in output
    code, output = run(app, "print", "poster", "999999")
    assert code == 1 and "No such item" in output


def test_print_a_board(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish_through(client, demo, create(client, demo)["id"])
    publish_through(
        client,
        demo,
        create(
            client,
            demo,
            title="集义村党支部2026年第四季度党费收缴情况",
            category="organisation",
            scope="party",
            catalog_entry="DF-01",
        )["id"],
    )
    monkeypatch.chdir(tmp_path)
    code, output = run(app, "print", "board", "JIYI-01")
    assert code == 0, output
    assert "1 items on the board." in output and "(3 pages," in output
    (made,) = tmp_path.glob("*.pdf")
    assert "党费收缴" not in text_of(made)
    out = tmp_path / "room.pdf"
    code, output = run(app, "print", "board", "JIYI-01", "--audience", "party", "-o", str(out))
    assert code == 0 and "2 items on the board." in output and "(4 pages," in output
    assert "党费收缴" in text_of(out)
    code, output = run(app, "print", "board", "NOPE")
    assert code == 1
