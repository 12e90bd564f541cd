"""Snapshots a box agent uploads, as operators meet them: the screen token is the only way in,
only images are kept (resized, content-addressed, stamped by the server's clock), they link to
what the screen showed and to its proof of play, party screens' snapshots stay with those who
may see party content, and old ones go after ``SIGNAGE_SNAPSHOT_KEEP_DAYS``."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

import pypdf
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from PIL import Image

from signage_server.accounts.rules import Role
from signage_server.audit.services import head
from signage_server.extensions import db
from signage_server.fleet.snapshots.models import Snapshot
from signage_server.scheduler import run_once
from signage_server.screens.models import PlayRecord
from tests.factories import Factory
from tests.pdfs import compact
from tests.pdfs import pdf_text

UPLOAD = "/api/v1/player/snapshots"


def png(width: int = 1920, height: int = 1080, colour: str = "#c00") -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def send(
    client: FlaskClient, token: str | None, body: bytes, query: str = "", mime: str = "image/png"
) -> Any:
    headers = {"Content-Type": mime}
    if token is not None:
        headers["Authorization"] = f"Bearer {token}"
    return client.post(UPLOAD + query, data=body, headers=headers)


def stored_files(app: Flask) -> list[Path]:

    from signage_server import services as registry
    from signage_server.fleet.snapshots.storage import SNAPSHOTS

    store = registry.get(SNAPSHOTS, app)
    root = store.root  # type: ignore[attr-defined]
    return [p for p in Path(root).rglob("*") if p.is_file()]


def test_only_a_screen_token_uploads(client: FlaskClient, make: Factory) -> None:
    screen = make.screen()
    assert send(client, None, png()).status_code == 401
    assert send(client, "scr_not-a-token", png()).status_code == 401
    operator = make.headers("jiyi01_operator")
    assert client.post(UPLOAD, data=png(), headers=operator).status_code == 401
    assert send(client, screen["token"], png()).status_code == 201
    revoked = client.post(f"/api/v1/screens/{screen['id']}/revoke", headers=operator)
    assert revoked.status_code == 200
    assert send(client, screen["token"], png(colour="#0c0")).status_code == 401


def test_only_images_within_the_limit_are_kept(client: FlaskClient, make: Factory) -> None:
    token = make.screen()["token"]
    text = send(client, token, b"<html><script>alert(1)</script></html>", mime="text/html")
    assert text.status_code == 415
    gif = io.BytesIO()
    Image.new("RGB", (10, 10)).save(gif, "GIF")
    assert send(client, token, gif.getvalue(), mime="image/gif").status_code == 415
    assert send(client, token, png()[:200]).status_code == 422
    assert send(client, token, b"").status_code == 400
    huge = send(client, token, b"\x89PNG" + bytes(8 * 1024 * 1024))
    assert huge.status_code == 413
    assert send(client, token, png(), query="?reason=whatever").status_code == 400


def test_a_snapshot_is_resized_stamped_and_deduplicated(
    app: Flask, client: FlaskClient, make: Factory, clock: Any
) -> None:
    screen = make.screen()
    first = send(client, screen["token"], png(), query="?capture=18c2f-a1")
    assert first.status_code == 201
    body = first.get_json()
    assert dt.datetime.fromisoformat(body["taken_at"]) == clock.now()
    assert len(body["sha256"]) == 64
    with app.app_context():
        assert body["audit_head"] == head(db.session).json()
    # Sent again under the agent's name for it (the answer was lost): the same snapshot.
    clock.advance(minutes=2)
    again = send(client, screen["token"], png(), query="?capture=18c2f-a1")
    assert again.status_code == 200 and again.get_json()["id"] == body["id"]
    # Asked for by the wall: a snapshot of its own, the same stored file.
    asked = send(client, screen["token"], png(), query="?command=7")
    assert asked.status_code == 201 and asked.get_json()["sha256"] == body["sha256"]
    assert len(stored_files(app)) == 1
    # Without a name, the same bytes within seconds are a resend ...
    unnamed = send(client, screen["token"], png()).get_json()["id"]
    clock.advance(seconds=20)
    assert send(client, screen["token"], png()).get_json()["id"] == unnamed
    # ... and a minute later new evidence: the screen still shows the same page.
    clock.advance(minutes=1)
    later = send(client, screen["token"], png())
    assert later.status_code == 201 and later.get_json()["id"] != unnamed
    assert len(stored_files(app)) == 1

    make.login(client, "jiyi01_operator")
    image = client.get(f"/screens/{screen['id']}/snapshots/{body['id']}.jpg")
    assert image.status_code == 200 and image.mimetype == "image/jpeg"
    with Image.open(io.BytesIO(image.data)) as picture:
        assert picture.size == (1280, 720)
        assert picture.format == "JPEG"
    shown = client.get(f"/api/v1/screens/{screen['id']}", headers=make.headers("jiyi01_operator"))
    latest = shown.get_json()["fleet"]["latest_snapshot"]
    assert latest["id"] == later.get_json()["id"]
    assert latest["reason"] == "scheduled"


def test_a_snapshot_names_the_item_only_when_the_screen_held_it(
    app: Flask, client: FlaskClient, make: Factory, clock: Any
) -> None:
    item = make.item("JIYI-01", "published")
    screen = make.screen()
    manifest = client.get(
        "/api/v1/player/manifest", headers={"Authorization": f"Bearer {screen['token']}"}
    )
    assert manifest.status_code == 200
    revision = item["revision"]
    shown = send(client, screen["token"], png(), query=f"?item={item['id']}&revision={revision}")
    assert shown.get_json()["item"] == item["id"]
    assert shown.get_json()["revision"] == revision
    claimed = send(client, screen["token"], png(colour="#00c"), query="?item=99999&revision=1")
    assert claimed.status_code == 201 and claimed.get_json()["item"] is None

    # The play covering the snapshot arrives once it has ended; the scheduler links it.
    with app.app_context():
        db.session.add(
            PlayRecord(
                screen_id=screen["id"],
                item_id=item["id"],
                revision=revision,
                started_at=clock.now() - dt.timedelta(seconds=20),
                duration_s=60.0,
            )
        )
        db.session.commit()
    run_once(app, clock.now() + dt.timedelta(minutes=1))
    with app.app_context():
        snapshot = db.session.get(Snapshot, shown.get_json()["id"])
        assert snapshot is not None and snapshot.play_record_id is not None

    # The item's page shows the snapshots taken while it was on screen.
    make.login(client, "jiyi01_editor")
    page = client.get(f"/items/{item['id']}").get_data(as_text=True)
    assert f"/snapshots/{shown.get_json()['id']}.jpg" in page
    assert f"/snapshots/{claimed.get_json()['id']}.jpg" not in page
    # The screen's page names the item of each snapshot by its title.
    page = client.get(f"/screens/{screen['id']}").get_data(as_text=True)
    figure = page[page.index(f"/snapshots/{shown.get_json()['id']}.jpg") :]
    assert item["title"] in figure[: figure.index("</figure>")]


def test_party_screen_snapshots_stay_with_those_who_may_see_party_content(
    client: FlaskClient, make: Factory
) -> None:
    party = make.screen(name="集义村党员活动室", audience="party")
    public = make.screen(name="集义村文化广场大屏")
    party_shot = send(client, party["token"], png()).get_json()["id"]
    public_shot = send(client, public["token"], png(colour="#0c0")).get_json()["id"]
    make.user("jiyi02_operator", "JIYI-02")
    make.users("jiyi01_operator")

    make.login(client, "jiyi02_operator")
    assert client.get(f"/screens/{party['id']}/snapshots/{party_shot}.jpg").status_code == 404
    # A public screen shows public content: its snapshot is no secret.
    assert client.get(f"/screens/{public['id']}/snapshots/{public_shot}.jpg").status_code == 200
    # Nor does a snapshot id open under another screen's address.
    assert client.get(f"/screens/{public['id']}/snapshots/{party_shot}.jpg").status_code == 404

    own = client.application.test_client()
    make.login(own, "jiyi01_operator")
    assert own.get(f"/screens/{party['id']}/snapshots/{party_shot}.jpg").status_code == 200
    wall = own.get("/screens").get_data(as_text=True)
    assert f"/snapshots/{party_shot}.jpg" in wall

    anonymous = client.application.test_client()
    response = anonymous.get(f"/screens/{public['id']}/snapshots/{public_shot}.jpg")
    assert response.status_code in (302, 401)


def test_old_snapshots_and_their_files_go_after_the_retention(
    app: Flask, client: FlaskClient, make: Factory, clock: Any
) -> None:
    token = make.screen()["token"]
    old = send(client, token, png()).get_json()["id"]
    clock.advance(days=60)
    kept = send(client, token, png(colour="#00c")).get_json()["id"]
    assert len(stored_files(app)) == 2
    clock.advance(days=31)
    run_once(app, clock.now())
    with app.app_context():
        left = set(db.session.scalars(sa.select(Snapshot.id)))
    assert left == {kept} and old not in left
    assert len(stored_files(app)) == 1


def test_the_dossier_prints_the_snapshots_of_public_screens(
    client: FlaskClient, make: Factory
) -> None:
    item = make.item("JIYI-01", "published")
    shots = {}
    for name, audience, colour in (
        ("集义村文化广场大屏", "public", "#c00"),
        ("集义村党员活动室", "party", "#0c0"),
    ):
        screen = make.screen(name=name, audience=audience)
        auth = {"Authorization": f"Bearer {screen['token']}"}
        assert client.get("/api/v1/player/manifest", headers=auth).status_code == 200
        query = f"?item={item['id']}&revision={item['revision']}"
        shots[audience] = send(client, screen["token"], png(colour=colour), query=query).get_json()
        assert shots[audience]["item"] == item["id"]
    people = make.procedure("JIYI-01")
    pdf = client.get(
        f"/api/v1/items/{item['id']}/archive.pdf", headers=make.headers(people[Role.EDITOR])
    )
    assert pdf.status_code == 200
    text = compact(pdf_text(pdf.data))
    assert "屏幕播出截屏" in text and "集义村文化广场大屏" in text
    assert shots["public"]["sha256"][:12] in text
    # A public item's dossier never carries a party screen's snapshot.
    assert shots["party"]["sha256"][:12] not in text
    reader = pypdf.PdfReader(io.BytesIO(pdf.data))
    assert sum(len(page.images) for page in reader.pages) >= 1
