"""Uploads checked by content, the content-addressed store, and who may fetch a file."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from PIL import Image
from werkzeug.test import TestResponse

from tests.factories import Factory
from tests.http.items import create
from tests.http.items import publish_through


@pytest.fixture
def people(make: Factory) -> Factory:
    """集义村's people of the procedure and its handler, the county's catalog, the township's supervisor, the site admin and 西王庄村."""
    make.catalog()
    make.procedure("JIYI-01")
    make.users("jiyi01_handler", "jiyi_supervisor", "admin")
    make.org("JIYI-02")
    return make


def png(color: str = "red", size: tuple[int, int] = (320, 200)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, "PNG")
    return buffer.getvalue()


def pdf(pages: int = 2) -> bytes:
    buffer = io.BytesIO()
    frames = [Image.new("RGB", (595, 842), "white") for _ in range(pages)]
    frames[0].save(buffer, "PDF", save_all=True, append_images=frames[1:])
    return buffer.getvalue()


def upload(
    client: FlaskClient,
    people: Factory,
    data: bytes,
    name: str = "照片.png",
    user: str = "jiyi01_editor",
) -> TestResponse:
    return client.post(
        "/api/v1/assets",
        data={"file": (io.BytesIO(data), name)},
        headers=people.headers(user),
        content_type="multipart/form-data",
    )


def test_upload_image(client: FlaskClient, people: Factory) -> None:
    response = upload(client, people, png())
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["type"] == "image/png"
    assert len(body["sha256"]) == 64
    assert body["url"] == f"/assets/{body['sha256']}"
    assert (body["width"], body["height"]) == (320, 200)
    # Same content, same name in the store.
    assert upload(client, people, png(), name="again.png").get_json()["sha256"] == body["sha256"]


def test_type_comes_from_the_content(client: FlaskClient, people: Factory) -> None:
    html = upload(client, people, b"<html><script>alert(1)</script></html>", name="photo.png")
    assert html.status_code == 415
    assert html.get_json()["error"]["code"] == "unsupported_type"
    renamed = upload(client, people, png(), name="report.pdf")
    assert renamed.get_json()["type"] == "image/png"
    assert upload(client, people, b"", name="empty.png").status_code == 400


def test_pdf_pages_are_rendered(client: FlaskClient, people: Factory) -> None:
    response = upload(client, people, pdf(3), name="决议.pdf")
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["type"] == "application/pdf"
    assert len(body["pages"]) == 3
    item = create(
        client,
        people,
        body={"type": "pdf", "asset": body["sha256"], "caption": "支部大会决议"},
        title="集义村党支部2026年第四季度重大事项决议",
        catalog_entry="JC-01",
        category="decisions",
    )
    assert item["current"]["body"]["pages"] == [p["sha256"] for p in body["pages"]]


def test_only_uploaded_files_may_be_used(client: FlaskClient, people: Factory) -> None:
    response = client.post(
        "/api/v1/items",
        json={
            "org": "JIYI-01",
            "title": "图片",
            "category": "village_affairs",
            "timing": "periodic",
            "scope": "public",
            "catalog_entry": "CW-01",
            "body": {"type": "image", "asset": "a" * 64},
        },
        headers=people.headers("jiyi01_editor"),
    )
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "unknown_asset"


def test_uploads_need_a_drafting_role(client: FlaskClient, people: Factory) -> None:
    assert upload(client, people, png(), user="jiyi01_handler").status_code == 403
    assert client.post("/api/v1/assets", headers=people.headers("jiyi01_editor")).status_code == 400


def test_who_may_fetch(client: FlaskClient, people: Factory) -> None:
    sha = upload(client, people, png("navy")).get_json()["sha256"]
    url = f"/assets/{sha}"
    # The uploader may; strangers and anonymous visitors get 404 (nothing is revealed).
    assert client.get(url, headers=people.headers("jiyi01_editor")).status_code == 200
    assert client.get(url).status_code == 404
    client.post(
        "/api/v1/users",
        json={"username": "jiyi02_editor", "org": "JIYI-02", "roles": ["editor"]},
        headers=people.headers("admin"),
    )
    assert client.get(url, headers=people.headers("jiyi02_editor")).status_code == 404
    item = create(client, people, body={"type": "image", "asset": sha, "caption": "村务公开栏"})
    # Once an item uses it, whoever may see the item may fetch it.
    assert client.get(url, headers=people.headers("jiyi_supervisor")).status_code == 200
    publish_through(client, people, item["id"])
    public = client.get(url)
    assert public.status_code == 200
    assert public.mimetype == "image/png"
    assert "immutable" in public.headers["Cache-Control"]
    assert "public" in public.headers["Cache-Control"]
    assert "max-age=31536000" in public.headers["Cache-Control"]
    # Shared caches ask again soon, so a withdrawn item's files stop there too.
    assert "s-maxage=300" in public.headers["Cache-Control"]
    assert public.headers["ETag"].strip('"') == sha
    assert client.get(url, headers={"If-None-Match": f'"{sha}"'}).status_code == 304


def test_party_items_files_stay_private(client: FlaskClient, people: Factory) -> None:
    sha = upload(client, people, png("green")).get_json()["sha256"]
    item = create(
        client,
        people,
        body={"type": "image", "asset": sha},
        title="党费收缴凭证",
        catalog_entry="DF-01",
        category="organisation",
        scope="party",
    )
    publish_through(client, people, item["id"])
    assert client.get(f"/assets/{sha}").status_code == 404
    assert client.get(f"/assets/{sha}", headers=people.headers("jiyi01_handler")).status_code == 200


def test_malformed_names(client: FlaskClient) -> None:
    assert client.get("/assets/..%2F..%2Fetc%2Fpasswd").status_code == 404
    assert client.get("/assets/" + "A" * 64).status_code == 404


def test_too_large_is_413(app: object, client: FlaskClient, people: Factory) -> None:
    from content.assets import Limits
    from signage_server import services

    services.register(app, Limits, Limits(max_image_bytes=500, max_pdf_bytes=500))  # type: ignore[arg-type]
    response = upload(client, people, png(size=(800, 600)))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "too_large"
