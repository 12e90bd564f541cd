"""Hostile PDFs at upload: scripts and embedded files refused, renders bounded in time and in
number, and every stored file served so that nothing in it runs on the site's origin."""

from __future__ import annotations

import zlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from content.assets import PdfRenderer
from signage_server import services
from signage_server.accounts.models import User
from signage_server.assets import STORE
from signage_server.assets.models import Asset
from signage_server.extensions import db
from tests.conftest import Demo
from tests.http.items import create
from tests.http.items import publish_through
from tests.http.test_assets import pdf
from tests.http.test_assets import png
from tests.http.test_assets import upload
from tests.unit.content.test_assets import hand_pdf

PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>"


def catalog(extra: bytes = b"") -> bytes:
    return b"<< /Type /Catalog /Pages 2 0 R " + extra + b" >>"


PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
SCRIPT = b"<< /S /JavaScript /JS (app.alert\\(document.cookie\\)) >>"


def object_stream(body: bytes) -> bytes:
    """An object stream holding object 4 = *body*, Flate-compressed (hidden from a plain scan)."""
    content = b"4 0 " + body
    packed = zlib.compress(content)
    return (
        b"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length %d >>\nstream\n" % len(packed)
        + packed
        + b"\nendstream"
    )


HOSTILE = {
    "open action script": [catalog(b"/OpenAction 4 0 R"), PAGES, PAGE, SCRIPT],
    "names tree script": [
        catalog(b"/Names << /JavaScript << /Names [(x) 4 0 R] >> >>"),
        PAGES,
        PAGE,
        SCRIPT,
    ],
    "escaped name": [catalog(b"/OpenAction << /S /J#61vaScript /JS (1) >>"), PAGES, PAGE],
    "page additional action": [
        catalog(),
        PAGES,
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] /AA << /O 4 0 R >> >>",
        b"<< /S /GoTo /D [3 0 R /Fit] >>",
    ],
    "launch": [catalog(b"/OpenAction << /S /Launch /F (calc.exe) >>"), PAGES, PAGE],
    "embedded file": [
        catalog(b"/Names << /EmbeddedFiles << /Names [(a.exe) 4 0 R] >> >>"),
        PAGES,
        PAGE,
        b"<< /Type /Filespec /F (a.exe) >>",
    ],
    "rich media": [catalog(), PAGES, PAGE, b"<< /Type /Annot /Subtype /RichMedia >>"],
    "script in a compressed object stream": [
        catalog(b"/OpenAction 4 0 R"),
        PAGES,
        PAGE,
        object_stream(SCRIPT),
    ],
}


def stored_files(app: Flask) -> list[Path]:
    root = services.get(STORE, app).root  # type: ignore[attr-defined]
    return [p for p in Path(root).rglob("*") if p.is_file()]


def count_assets(app: Flask) -> int:
    with app.app_context():
        return int(db.session.scalar(sa.select(sa.func.count()).select_from(Asset)) or 0)


@pytest.mark.parametrize("case", sorted(HOSTILE))
def test_pdfs_with_active_content_are_refused(
    app: Flask, client: FlaskClient, demo: Demo, case: str
) -> None:
    response = upload(client, demo, hand_pdf(HOSTILE[case]), name="通知.pdf")
    assert response.status_code == 422, (case, response.get_json())
    body = response.get_json()
    assert body["error"]["code"] == "active_content"
    assert body["error"]["message"]
    assert count_assets(app) == 0
    assert stored_files(app) == []


def test_a_plain_pdf_and_its_harmless_links_are_accepted(client: FlaskClient, demo: Demo) -> None:
    goto = catalog(b"/OpenAction [3 0 R /Fit]")
    assert upload(client, demo, hand_pdf([goto, PAGES, PAGE])).status_code == 201
    assert upload(client, demo, pdf(2)).status_code == 201


def test_a_render_over_the_time_limit_stores_nothing(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    # No child process starts, let alone renders, within a millisecond.
    services.register(app, PdfRenderer, PdfRenderer(timeout=0.001))
    response = upload(client, demo, pdf(3), name="会议纪要.pdf")
    assert response.status_code == 422, response.get_json()
    assert response.get_json()["error"]["code"] == "render_timeout"
    assert count_assets(app) == 0
    assert stored_files(app) == []


def test_renders_beyond_the_concurrency_wait_then_get_503(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    renderer = PdfRenderer(timeout=30, concurrency=1, wait=0.01)
    services.register(app, PdfRenderer, renderer)
    assert renderer._slots.acquire()  # another upload is rendering
    try:
        response = upload(client, demo, pdf(1))
        assert response.status_code == 503, response.get_json()
        assert response.get_json()["error"]["code"] == "busy"
        assert int(response.headers["Retry-After"]) > 0
    finally:
        renderer._slots.release()
    assert count_assets(app) == 0
    assert upload(client, demo, pdf(1)).status_code == 201


@pytest.mark.parametrize("app_overrides", [{"pdf_max_pages": 3}])
def test_page_cap_comes_from_the_settings(app: Flask, client: FlaskClient, demo: Demo) -> None:
    response = upload(client, demo, pdf(4))
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "too_many_pages"
    assert "3" in response.get_json()["error"]["message"]
    assert count_assets(app) == 0
    assert upload(client, demo, pdf(3)).status_code == 201


def test_files_are_served_so_nothing_runs_on_the_origin(client: FlaskClient, demo: Demo) -> None:
    document = upload(client, demo, pdf(1), name="公示.pdf").get_json()
    image = upload(client, demo, png("navy")).get_json()
    item = create(
        client, demo, body={"type": "pdf", "asset": document["sha256"], "caption": "公示"}
    )
    publish_through(client, demo, item["id"])
    for url, is_pdf in (
        (document["url"], True),
        (document["pages"][0]["url"], False),
        (image["url"], False),
    ):
        response = client.get(url, headers=demo.headers("jiyi01_editor"))
        assert response.status_code == 200, url
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response.headers["Content-Security-Policy"]
        if is_pdf:
            assert response.headers["Content-Disposition"].startswith("attachment")
        else:
            # Images stay inline (pages show them), sandboxed all the same.
            assert "attachment" not in response.headers.get("Content-Disposition", "")


def test_a_pdf_with_a_script_stored_before_is_served_as_a_sandboxed_download(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    # Stored before uploads were checked: put it in the store as an old installation has it.
    hostile = hand_pdf(HOSTILE["open action script"])
    sha = services.get(STORE, app).put(hostile)
    with app.app_context():
        editor = db.session.scalar(sa.select(User).where(User.username == "jiyi01_editor"))
        assert editor is not None
        db.session.add(
            Asset(
                sha256=sha,
                mime="application/pdf",
                kind="pdf",
                size=len(hostile),
                pages=[],
                uploaded_by_id=editor.id,
            )
        )
        db.session.commit()
    item = create(client, demo, body={"type": "pdf", "asset": sha, "caption": "旧文件"})
    publish_through(client, demo, item["id"])
    response = client.get(f"/assets/{sha}")
    assert response.status_code == 200
    assert response.data == hostile
    assert response.headers["Content-Disposition"].startswith("attachment")
    assert "sandbox" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
