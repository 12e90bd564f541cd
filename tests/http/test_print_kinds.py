"""The two kinds of print jobs the paper module registers, run through the real framework:
every board of a subtree, and a year of archive dossiers (sealed once, reused afterwards)."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import pypdf
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.paper import archive
from signage_server.paper import job_kinds
from signage_server.paper.jobs import backends
from signage_server.paper.models import Dossier
from signage_server.paper.models import PrintJob
from tests.cli.test_audit_verify import verify
from tests.conftest import Demo
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.http.items import sign_off

API = "/api/v1/print-jobs"


def start(client: FlaskClient, demo: Demo, user: str, kind: str, org: str, **params: Any) -> int:
    response = client.post(
        API, json={"kind": kind, "org": org, "params": params}, headers=demo.headers(user)
    )
    assert response.status_code == 202, response.get_json()
    return int(response.get_json()["id"])


def text_of(data: bytes) -> str:
    return "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages).replace(
        "\n", ""
    )


def download(client: FlaskClient, demo: Demo, user: str, job_id: int) -> bytes:
    response = client.get(f"{API}/{job_id}/download", headers=demo.headers(user))
    assert response.status_code == 200, response.get_json()
    return response.data


def test_the_kinds_are_offered_with_their_parameters(client: FlaskClient, demo: Demo) -> None:
    response = client.get(f"{API}/kinds", headers=demo.headers("jiyi_operator"))
    names = {kind["name"] for kind in response.get_json()["kinds"]}
    assert {"boards", "dossiers"} <= names


def test_a_township_s_boards_leave_out_organisations_with_nothing_to_show(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    with app.app_context():
        township = db.session.scalar(sa.select(Org).where(Org.code == "JIYI"))
        assert township is not None
        job = PrintJob(kind="boards", params={"audience": "public"}, org=township)
        steps = job_kinds.plan_boards(db.session, job)
        # The township always; none of its 21 branches shows anything yet.
        assert [s.label for s in steps] == ["集义镇"]

    # An item published by 东王庄村 puts its board into the batch, in the order of the codes.
    item = create(client, demo, "jiyi_editor", org="JIYI-02", title="东王庄村公开事项")
    ok(client, demo, "jiyi_editor", item["id"], "submit")
    ok(client, demo, "jiyi_reviewer", item["id"], "review")
    sign_off(client, demo, item["id"], approver="jiyi_approver", sealer="jiyi_reviewer")
    ok(client, demo, "jiyi_operator", item["id"], "publish")
    with app.app_context():
        township = db.session.scalar(sa.select(Org).where(Org.code == "JIYI"))
        job = PrintJob(kind="boards", params={"audience": "public"}, org=township)
        assert [s.label for s in job_kinds.plan_boards(db.session, job)] == ["集义镇", "东王庄村"]


def test_a_village_s_board_job_prints_its_current_public_items(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    public = create(client, demo, title="集义村公开栏批量打印测试事项", scope="public")
    publish_through(client, demo, public["id"])
    party = create(client, demo, title="党内事项不上村务公开栏", scope="party")
    publish_through(client, demo, party["id"])

    job_id = start(client, demo, "jiyi01_operator", "boards", "JIYI-01", audience="public")
    assert backends.drain(app) == [job_id]
    job = client.get(f"{API}/{job_id}", headers=demo.headers("jiyi01_operator")).get_json()
    assert (job["state"], job["done"], job["total"]) == ("done", 1, 1)

    text = text_of(download(client, demo, "jiyi01_operator", job_id))
    assert "集义村公开栏批量打印测试事项" in text
    assert "党内事项不上村务公开栏" not in text


def test_a_year_of_dossiers_is_sealed_once_and_reused(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    titles = ["二〇二六年度归档测试事项甲", "二〇二六年度归档测试事项乙"]
    for title in titles:
        item = create(client, demo, title=title)
        publish_through(client, demo, item["id"])
        ok(client, demo, "jiyi01_operator", item["id"], "withdraw", "数据有误，重新核定")

    first = start(client, demo, "jiyi01_approver", "dossiers", "JIYI-01", year=2026)
    assert backends.drain(app) == [first]
    with zipfile.ZipFile(io.BytesIO(download(client, demo, "jiyi01_approver", first))) as bundle:
        texts = [text_of(bundle.read(name)) for name in bundle.namelist()]
    assert len(texts) == 2
    assert all(any(title in text for text in texts) for title in titles)

    with app.app_context():
        made = db.session.scalars(sa.select(Dossier).order_by(Dossier.id)).all()
        assert [(d.ending, d.year, d.generated_by) for d in made] == [
            ("withdrawn", 2026, "jiyi01_approver")
        ] * 2
        # The scheduler finds nothing left to archive for these items.
        assert archive.due(db.session, 10) == []

    assert verify(app)[0] == 0

    # Run again: the sealed dossiers are checked and handed out, not sealed a second time.
    again = start(client, demo, "jiyi01_approver", "dossiers", "JIYI-01", year=2026)
    assert backends.drain(app) == [again]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Dossier)) == 2


def test_a_year_of_dossiers_needs_the_publish_permission(client: FlaskClient, demo: Demo) -> None:
    response = client.post(
        API,
        json={"kind": "dossiers", "org": "JIYI-01", "params": {"year": 2026}},
        headers=demo.headers("jiyi01_editor"),
    )
    assert response.status_code == 403
