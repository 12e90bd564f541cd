"""The archive dossier (归档卷宗) of an item: made by the scheduler when the item's publication
ends, stored content-addressed and sealed in the audit chain, served checked against its seal
(or as a marked interim dossier), listed in the archive, printed by ``signage print archive``.

What a dossier says is read back from the PDF with pypdf: every revision's title, the audit
hashes, the proof of play per screen, the feedback with the villagers' identities redacted, and
never a report."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pypdf
import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from flask_babel import force_locale
from flask_babel import gettext

from signage_server import services as registry
from signage_server.accounts.rules import Role
from signage_server.accounts.services import Passwords
from signage_server.accounts.services import create_user
from signage_server.audit import rules as audit_rules
from signage_server.audit.models import AuditRecord
from signage_server.clock import FixedClock
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.extensions import db
from signage_server.orgs.services import require_by_code
from signage_server.paper import ARCHIVE
from signage_server.paper import archive
from signage_server.paper.models import Dossier
from signage_server.scheduler import run_once
from signage_server.screens.layouts import design_sizes
from signage_server.screens.models import PlayRecord
from signage_server.screens.rules import Audience
from signage_server.screens.services import ScreenFields
from signage_server.screens.services import register
from tests.cli.test_audit_verify import verify
from tests.conftest import DEMO_PASSWORD
from tests.conftest import NOW
from tests.conftest import Demo
from tests.http.feedback import case_of
from tests.http.feedback import item_code
from tests.http.feedback import receipt_of
from tests.http.feedback import submit
from tests.http.items import FINANCE
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through
from tests.pdfs import compact
from tests.pdfs import pdf_text as read_pdf
from tests.unit.paper.test_render import fonts_of

TITLE = "集义村2026年第四季度村级财务收支情况"
TITLE_2 = "集义村2026年第四季度村级财务收支情况（更正）"
QUESTION = (
    "我是孙有福，电话13912345678，身份证430102199001011234。道路维修材料费为什么是一万二千多元？"
)
REPORT = "举报：报账员虚报水电费，请纪委调查处理。"
COMPLAINT = "投诉：村委会三个月未公开账目，去问也不理睬。"
REPORTS_NOTE = (
    "Reports (举报) are filed separately by the discipline inspection commission of the"
    " superior organisation, as the rules require, and are not part of this dossier."
)
REPLY = "孙有福同志：材料为水泥42吨，票据可到村党群服务站查阅。"


def pdf_text(data: bytes) -> str:
    """The text of every page, line breaks removed (a long title may wrap)."""
    return read_pdf(data).replace("\n", "")


def translated(app: Flask, message: str) -> str:
    """What a dossier prints for ``message`` (dossiers are always in Chinese), without blanks
    (compare with :func:`compact`: a sentence may wrap anywhere)."""
    with app.test_request_context(), force_locale("zh_Hans_CN"):
        return compact(str(gettext(message)))


def screens(app: Flask) -> list[int]:
    """Two public screens and a party screen at 集义村, in place well before the item."""
    with app.app_context():
        village = require_by_code(db.session, "JIYI-01")
        made = []
        for name, audience in (
            ("集义村文化广场大屏", Audience.PUBLIC),
            ("集义村二组宣传栏", Audience.PUBLIC),
            ("集义村党员活动室", Audience.PARTY),
        ):
            screen, _token = register(
                db.session,
                village,
                ScreenFields(name=name, audience=audience, location="村委会"),
                layouts=design_sizes(),
                with_token=False,
            )
            screen.created_at = NOW - dt.timedelta(days=60)
            made.append(screen.id)
        db.session.commit()
    return made


def plays(
    app: Flask, screen_id: int, item_id: int, revision: int, start: dt.datetime, n: int
) -> None:
    """``n`` plays of 6 minutes, one every 10 minutes from ``start``."""
    with app.app_context():
        db.session.add_all(
            PlayRecord(
                screen_id=screen_id,
                item_id=item_id,
                revision=revision,
                started_at=start + dt.timedelta(minutes=10 * k),
                duration_s=360.0,
                received_at=start,
            )
            for k in range(n)
        )
        db.session.commit()


def outsiders(app: Flask) -> None:
    """An editor and an operator of 集义村's neighbour, 二村 (JIYI-02)."""
    with app.app_context():
        neighbour = require_by_code(db.session, "JIYI-02")
        for role in (Role.EDITOR, Role.OPERATOR):
            user = create_user(
                db.session,
                registry.get(Passwords),
                username=f"jiyi02_{role.value}",
                home_org=neighbour,
                password=DEMO_PASSWORD,
                roles=[role],
            )
            assert user.id
        db.session.commit()


def dossiers(app: Flask, item_id: int | None = None) -> list[Dossier]:
    with app.app_context():
        query = sa.select(Dossier).order_by(Dossier.id)
        if item_id is not None:
            query = query.where(Dossier.item_id == item_id)
        found = list(db.session.scalars(query))
        db.session.expunge_all()
        return found


def stored(app: Flask, sha256: str) -> bytes:
    with app.app_context():
        data = registry.get(ARCHIVE).get(sha256)
    assert data is not None
    return data


@pytest.fixture
def history(app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock) -> dict[str, Any]:
    """An item of 集义村 published, corrected (revision 2), shown on two screens, asked about
    (a question with the villager's name and phone, answered), reported, then withdrawn."""
    public, second, _party = screens(app)
    item = create(client, demo, title=TITLE)
    publish_through(client, demo, item["id"])
    plays(app, public, item["id"], 1, NOW + dt.timedelta(minutes=1), 12)
    clock.set(NOW + dt.timedelta(days=1))
    rows = [list(r) for r in FINANCE["rows"]]
    rows[1][3] = 12860.5
    response = client.patch(
        f"/api/v1/items/{item['id']}",
        json={"title": TITLE_2, "body": {**FINANCE, "rows": rows}},
        headers=demo.headers("jiyi01_editor"),
    )
    assert response.status_code == 200, response.get_json()
    publish_through(client, demo, item["id"])
    plays(app, public, item["id"], 2, clock.now() + dt.timedelta(minutes=1), 6)
    plays(app, second, item["id"], 2, clock.now() + dt.timedelta(minutes=1), 3)
    code = item_code(app, {"id": item["id"], "revision": 2})
    question = receipt_of(
        submit(client, code, text=QUESTION, name="孙有福", phone="13912345678", consent="y")
    )
    receipt_of(submit(client, code, kind="report", text=REPORT, name="李桂兰", consent="y"))
    receipt_of(submit(client, code, kind="complaint", text=COMPLAINT, address="10.0.0.7"))
    case = case_of(client, demo, "jiyi01_handler", question)
    # A question on the village's finances: the village affairs supervision committee answers.
    answered = client.post(
        f"/api/v1/feedback/{case['id']}/reply",
        json={"text": REPLY, "publish": True},
        headers=demo.headers("jiyi01_reviewer"),
    )
    assert answered.status_code == 201, answered.get_json()
    clock.set(NOW + dt.timedelta(days=2))
    ok(
        client,
        demo,
        "jiyi01_operator",
        item["id"],
        "withdraw",
        "数据有误，待镇经管站核定后重新公开",
    )
    return {"id": item["id"], "screens": (public, second), "question": question}


# --- made by the scheduler, sealed, and what it says -------------------------------------------


def test_the_scheduler_archives_a_withdrawn_item_in_a_sealed_dossier(
    app: Flask, client: FlaskClient, demo: Demo, history: dict[str, Any]
) -> None:
    item_id = history["id"]
    assert dossiers(app) == []
    run_once(app)
    [dossier] = dossiers(app, item_id)
    assert (dossier.revision, dossier.ending, dossier.year) == (2, "withdrawn", 2026)
    assert dossier.generated_by == "system" and dossier.audit_seq is not None
    pdf = stored(app, dossier.sha256)
    assert hashlib.sha256(pdf).hexdigest() == dossier.sha256
    assert (len(pdf), len(pypdf.PdfReader(io.BytesIO(pdf)).pages)) == (dossier.size, dossier.pages)
    # Sealed: the record names the dossier and its file's hash, and the chain verifies.
    with app.app_context():
        seal = db.session.get(AuditRecord, dossier.audit_seq)
        assert seal is not None
        assert (seal.subject, seal.subject_id, seal.content_sha256) == (
            audit_rules.DOSSIER,
            dossier.id,
            dossier.sha256,
        )
    code, output = verify(app)
    assert code == 0, output
    # Once per ending: the next rounds make no other.
    run_once(app)
    assert len(dossiers(app, item_id)) == 1

    text = pdf_text(pdf)
    # Every revision's title, in Chinese, intact; real fonts embedded (subsets).
    assert TITLE in text and TITLE_2 in text
    fonts = fonts_of(pdf)
    assert any("CJK" in name for name in fonts), fonts
    # The audit trail with its hashes, and the check of the chain.
    with app.app_context():
        records = list(
            db.session.scalars(
                sa.select(AuditRecord)
                .where(AuditRecord.item_id == item_id)
                .order_by(AuditRecord.seq)
            )
        )
    assert len(records) >= 10
    for record in records:
        assert record.hash[:16] in text and record.content_sha256[:16] in text
    assert "数据有误，待镇经管站核定后重新公开" in text  # the withdrawal's reason
    # Proof of play per screen: plays and hours (6-minute plays), and the total.
    assert "集义村文化广场大屏" in text and "集义村二组宣传栏" in text
    # (a row's cells run together: "…09:57" "18" "1.8" "2" gives "…09:5718 1.8 2")
    assert re.search(r"18\s+1\.8\s+2(?!\d)", text)  # 18 plays, 1.8 h, 2 gaps
    assert re.search(r"3\s+0\.3\s+2(?!\d)", text)
    assert re.search(r"21\s+2\.1\s+4(?!\d)", text)  # the total
    # The party screen could have shown it and never said so: listed as such.
    assert "集义村党员活动室" in text
    # Feedback with identities redacted (name and phone fields never printed, numbers and the
    # name inside the texts masked); a report is never there, not even counted.
    assert "孙有福" not in text and "孙**" in text
    assert "13912345678" not in text and "139****5678" in text
    assert "430102199001011234" not in text and "430***********1234" in text
    assert "票据可到村党群服务站查阅" in text  # the published reply
    assert REPORT not in text and "李桂兰" not in text and "虚报水电费" not in text
    assert COMPLAINT not in text  # a complaint is the township's, never the village's
    assert history["question"] in text  # its receipt
    assert translated(app, REPORTS_NOTE) in compact(text)


# --- served: stored and checked, or interim ---------------------------------------------------


def test_the_stored_dossier_is_served_and_an_unarchived_item_gets_an_interim_one(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = create(client, demo, title=TITLE)
    publish_through(client, demo, item["id"])
    url = f"/api/v1/items/{item['id']}/archive.pdf"
    interim = client.get(url, headers=demo.headers("jiyi01_editor"))
    assert interim.status_code == 200, interim.get_data(as_text=True)[:300]
    assert interim.mimetype == "application/pdf" and interim.headers["X-Dossier"] == "interim"
    assert "no-store" in interim.headers["Cache-Control"]
    text = pdf_text(interim.data)
    assert translated(app, "Interim dossier (the item is not archived yet)") in compact(text)
    assert TITLE in text
    # Nothing stored, nothing sealed.
    assert dossiers(app) == []
    with app.app_context():
        assert not db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.subject == "dossier")
        )
    # An operator makes and seals one now; from then on that one is served.
    made = client.post(
        f"/api/v1/items/{item['id']}/dossier", headers=demo.headers("jiyi01_operator")
    )
    assert made.status_code == 201, made.get_json()
    body = made.get_json()
    assert body["ending"] == "manual" and body["revision"] == 1 and body["pages"] >= 3
    served = client.get(url, headers=demo.headers("jiyi01_editor"))
    assert served.status_code == 200 and served.headers["X-Dossier"] == "stored"
    assert hashlib.sha256(served.data).hexdigest() == body["sha256"]
    interim_mark = translated(app, "Interim dossier (the item is not archived yet)")
    assert interim_mark not in compact(pdf_text(served.data))
    # An editor may read it but not make one.
    refused = client.post(
        f"/api/v1/items/{item['id']}/dossier", headers=demo.headers("jiyi01_editor")
    )
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "forbidden"


def test_who_may_get_a_dossier(app: Flask, client: FlaskClient, demo: Demo) -> None:
    outsiders(app)
    item = create(client, demo, title=TITLE, scope="party")
    publish_through(client, demo, item["id"])
    url = f"/api/v1/items/{item['id']}/archive.pdf"
    # Nobody logged in, a screen's token: 401 in the API's JSON.
    anonymous = client.get(url)
    assert anonymous.status_code == 401 and anonymous.get_json()["error"]["code"] == "unauthorized"
    screen = client.get(url, headers={"Authorization": "Bearer scr_nonsense"})
    assert screen.status_code == 401
    # Another village's people may not; nor may anyone make one there.
    other = client.get(url, headers=demo.headers("jiyi02_editor"))
    assert other.status_code in (403, 404) and "error" in other.get_json()
    assert TITLE not in other.get_data(as_text=True)
    made = client.post(
        f"/api/v1/items/{item['id']}/dossier", headers=demo.headers("jiyi02_operator")
    )
    assert made.status_code in (403, 404)
    # Writing needs the token, even for a logged-in browser (no CSRF through cookies).
    browser = app.test_client()
    demo.login(browser, "jiyi01_operator")
    assert browser.post(f"/api/v1/items/{item['id']}/dossier").status_code == 401
    # Reading works with the session: the township above sees its village's item.
    township = app.test_client()
    demo.login(township, "jiyi_editor")
    page = township.get(url)
    assert page.status_code == 200 and page.headers["X-Dossier"] == "interim"
    assert township.get("/api/v1/items/999999/archive.pdf").status_code == 404


# --- tampering --------------------------------------------------------------------------------


def test_a_changed_dossier_file_or_row_is_detected_and_never_served(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = create(client, demo, title=TITLE)
    publish_through(client, demo, item["id"])
    made = client.post(
        f"/api/v1/items/{item['id']}/dossier", headers=demo.headers("jiyi01_operator")
    )
    assert made.status_code == 201
    dossier = made.get_json()
    url = f"/api/v1/items/{item['id']}/archive.pdf"
    headers = demo.headers("jiyi01_editor")
    assert client.get(url, headers=headers).status_code == 200
    assert verify(app)[0] == 0
    with app.app_context():
        path = registry.get(ARCHIVE).path(dossier["sha256"])
    assert path is not None
    genuine = path.read_bytes()

    # 1. The file, changed in place (same size: the store does not notice).
    middle = len(genuine) // 2
    path.write_bytes(genuine[:middle] + bytes([genuine[middle] ^ 1]) + genuine[middle + 1 :])
    refused = client.get(url, headers=headers)
    assert refused.status_code == 503
    assert refused.get_json()["error"]["code"] == "dossier_tampered"
    browser = app.test_client()
    demo.login(browser, "jiyi01_editor")
    assert browser.get(dossier["url"]).status_code == 503  # the archive's download too
    code, output = verify(app)
    assert code == 1 and f"archive dossier {dossier['id']}" in output
    path.write_bytes(genuine)
    assert client.get(url, headers=headers).status_code == 200
    assert verify(app)[0] == 0

    # 2. The row: its page count, then its sha256 pointing at another (genuine) file.
    def execute(sql: str, **params: object) -> None:
        with app.app_context():
            db.session.execute(sa.text(sql), {"id": dossier["id"], **params})
            db.session.commit()

    execute("UPDATE dossiers SET pages = pages + 1 WHERE id = :id")
    assert client.get(url, headers=headers).status_code == 503
    code, output = verify(app)
    assert code == 1 and "pages" in output
    execute("UPDATE dossiers SET pages = pages - 1 WHERE id = :id")
    assert verify(app)[0] == 0
    with app.app_context():
        other = registry.get(ARCHIVE).put(b"%PDF-1.7 another file")
    execute("UPDATE dossiers SET sha256 = :sha WHERE id = :id", sha=other)
    assert client.get(url, headers=headers).status_code == 503
    assert verify(app)[0] == 1
    execute("UPDATE dossiers SET sha256 = :sha WHERE id = :id", sha=dossier["sha256"])
    # 3. The file lost.
    path.unlink()
    assert client.get(url, headers=headers).status_code == 503
    assert verify(app)[0] == 1


def test_a_revision_that_fails_its_seal_is_printed_as_an_alarm_not_as_content(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    item = create(client, demo, title=TITLE)
    publish_through(client, demo, item["id"])
    forged = {**FINANCE, "rows": [["2026-10-08", "伪造的收入", 99999, None, "某人"]]}
    with app.app_context():
        revision = db.session.scalar(sa.select(Revision).where(Revision.item_id == item["id"]))
        assert revision is not None
        revision.body = forged
        db.session.commit()
    response = client.get(
        f"/api/v1/items/{item['id']}/archive.pdf", headers=demo.headers("jiyi01_editor")
    )
    assert response.status_code == 200
    text = pdf_text(response.data)
    assert "伪造的收入" not in text
    assert translated(app, "Integrity alarm") in compact(text)
    assert TITLE in text  # the dossier still says which item it is


# --- the archive view ----------------------------------------------------------------------


@pytest.fixture
def quick_render(monkeypatch: pytest.MonkeyPatch) -> None:
    """Render a one-page PDF naming the document's hash instead of the dossier (the archive
    view's tests are about the list, not the rendering)."""

    def render(html: str, store: Any = None) -> bytes:
        writer = pypdf.PdfWriter()
        writer.add_blank_page(width=595, height=842)
        writer.add_metadata({"/Subject": hashlib.sha256(html.encode()).hexdigest()})
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    monkeypatch.setattr(archive, "render_pdf", render)


def ended(client: FlaskClient, demo: Demo, **fields: Any) -> int:
    """An item of 集义村 published, then withdrawn (outside the catalog: the township's
    higher review first)."""
    item = create(client, demo, **fields)
    outside = "catalog_entry" in fields and fields["catalog_entry"] is None
    publish_through(client, demo, item["id"], superior="jiyi_superior" if outside else None)
    ok(client, demo, "jiyi01_operator", item["id"], "withdraw", "撤回")
    return int(item["id"])


def test_the_archive_lists_dossiers_with_search_by_org_category_and_year(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock, quick_render: None
) -> None:
    outsiders(app)
    finance = ended(client, demo, title="集义村财务公开归档测试")
    relief = ended(
        client, demo, title="集义村低保名单归档测试", category="service", catalog_entry=None
    )
    clock.set(dt.datetime(2027, 1, 5, 10, tzinfo=NOW.tzinfo))
    later = ended(client, demo, title="集义村二〇二七年一月公开归档测试", catalog_entry=None)
    for _round in range(4):
        run_once(app)
    assert {d.item_id for d in dossiers(app)} == {finance, relief, later}
    assert {d.item_id: d.year for d in dossiers(app)}[later] == 2027

    demo.login(client, "jiyi01_editor")
    page = client.get("/archive").get_data(as_text=True)
    assert 'id="archive-list"' in page
    assert 'href="/print-jobs" id="archive-batches"' in page  # a year of dossiers as a batch
    for title in (
        "集义村财务公开归档测试",
        "集义村低保名单归档测试",
        "集义村二〇二七年一月公开归档测试",
    ):
        assert title in page
    assert 'href="/archive"' in client.get("/").get_data(as_text=True)  # the nav entry

    def titles(query: str, browser: FlaskClient = client) -> set[str]:
        html = browser.get("/archive" + query).get_data(as_text=True)
        return {t for t in ("财务公开", "低保名单", "二〇二七年") if t in html}

    assert titles("?year=2027") == {"二〇二七年"}
    assert titles("?year=2026") == {"财务公开", "低保名单"}
    assert titles("?category=service") == {"低保名单"}
    assert titles("?org=JIYI-01&q=低保") == {"低保名单"}
    # Download: the stored file itself.
    first = dossiers(app, finance)[0]
    got = client.get(f"/archive/{first.id}.pdf")
    assert got.status_code == 200 and hashlib.sha256(got.data).hexdigest() == first.sha256
    # The item page links its dossier; the audit log shows the seal.
    item_page = client.get(f"/items/{finance}").get_data(as_text=True)
    assert f"/archive/{first.id}.pdf" in item_page
    assert f"/api/v1/items/{finance}/archive.pdf" in item_page
    assert 'data-subject="dossier"' in client.get("/audit?subject=dossier").get_data(as_text=True)

    # Another village sees none of them, nor their files.
    neighbour = app.test_client()
    demo.login(neighbour, "jiyi02_editor")
    assert "归档测试" not in neighbour.get("/archive").get_data(as_text=True)
    assert neighbour.get(f"/archive/{first.id}.pdf").status_code in (403, 404)
    assert 'data-subject="dossier"' not in neighbour.get("/audit?subject=dossier").get_data(
        as_text=True
    )
    # The township above sees all of them, and filters by village.
    township = app.test_client()
    demo.login(township, "jiyi_editor")
    assert titles("", township) == {"财务公开", "低保名单", "二〇二七年"}
    assert titles("?org=JIYI-01", township) == {"财务公开", "低保名单", "二〇二七年"}
    assert titles("?org=JIYI-02", township) == set()


def test_items_for_year_lists_the_subtree_s_ended_items_by_local_year(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock
) -> None:
    first = ended(client, demo, title="二〇二六年结束的事项")
    # Ends at 2027-01-01 00:30 in Shanghai: 2026 in UTC, 2027 locally.
    clock.set(dt.datetime(2027, 1, 1, 0, 30, tzinfo=NOW.tzinfo))
    second = ended(client, demo, title="二〇二七年结束的事项", catalog_entry=None)
    running = create(client, demo, title="仍在公开的事项")
    publish_through(client, demo, running["id"])
    with app.app_context():
        township = require_by_code(db.session, "JIYI")
        other = require_by_code(db.session, "JIYI-02")
        assert [i.id for i in archive.items_for_year(db.session, township, 2026)] == [first]
        assert [i.id for i in archive.items_for_year(db.session, township, 2027)] == [second]
        assert archive.items_for_year(db.session, other, 2026) == []


# --- the command line -------------------------------------------------------------------------


def test_signage_print_archive_prints_an_interim_dossier_or_stores_one(
    app: Flask, client: FlaskClient, demo: Demo, tmp_path: Path
) -> None:
    item = create(client, demo, title=TITLE)
    publish_through(client, demo, item["id"])
    target = tmp_path / "dossier.pdf"
    runner = app.test_cli_runner()
    result = runner.invoke(args=["print", "archive", "--item", str(item["id"]), "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "Interim" in result.output and dossiers(app) == []
    assert TITLE in pdf_text(target.read_bytes())

    result = runner.invoke(args=["print", "archive", "--item", str(item["id"]), "--store"])
    assert result.exit_code == 0, result.output
    [dossier] = dossiers(app)
    assert dossier.sha256 in result.output and dossier.generated_by == "cli"
    assert verify(app)[0] == 0

    missing = runner.invoke(args=["print", "archive", "--item", "999999"])
    assert missing.exit_code != 0 and "No such item" in missing.output
    draft = create(client, demo, title="草稿事项", catalog_entry=None)
    never = runner.invoke(args=["print", "archive", "--item", str(draft["id"]), "--store"])
    assert never.exit_code != 0 and "never been published" in never.output


@pytest.fixture
def no_render(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[int]]:
    """Count renders and fail them (a broken item must not block the scheduler)."""
    calls: list[int] = []

    def render(html: str, store: Any = None) -> bytes:
        calls.append(1)
        raise RuntimeError("renderer broken")

    monkeypatch.setattr(archive, "render_pdf", render)
    archive._failed.clear()
    yield calls
    archive._failed.clear()


def test_a_dossier_that_fails_is_retried_later_without_blocking_expiry(
    app: Flask, client: FlaskClient, demo: Demo, clock: FixedClock, no_render: list[int]
) -> None:
    item = ended(client, demo, title=TITLE)
    run_once(app)
    run_once(app)
    assert len(no_render) == 1 and dossiers(app) == []  # tried once, then left alone
    # Expiry still runs meanwhile.
    expiring = create(
        client,
        demo,
        title="按时到期的事项",
        valid_until=(clock.now() + dt.timedelta(hours=1)).isoformat(),
    )
    publish_through(client, demo, expiring["id"])
    clock.set(clock.now() + dt.timedelta(hours=2))
    run_once(app)
    with app.app_context():
        found = db.session.get(Item, expiring["id"])
        assert found is not None and found.live is not None
        assert found.live.state.value == "expired"
    # After the pause it is tried again.
    clock.set(clock.now() + archive.RETRY_AFTER)
    run_once(app)
    assert len(no_render) >= 3
    assert item


@pytest.mark.parametrize("limit", [1_000_000, 0], ids=["whole chain", "item's records"])
def test_the_chain_check_of_a_dossier_finds_an_edited_record(
    app: Flask, client: FlaskClient, demo: Demo, monkeypatch: pytest.MonkeyPatch, limit: int
) -> None:
    from signage_server.audit import services as audit
    from signage_server.paper import dossier as gathering

    monkeypatch.setattr(gathering, "FULL_CHECK_LIMIT", limit)
    item = create(client, demo, title=TITLE)
    publish_through(client, demo, item["id"])
    other = create(client, demo, title="另一个事项")  # records after the item's
    assert other["id"]

    def check() -> gathering.ChainCheck:
        with app.app_context():
            records = audit.records_of(db.session, item["id"])
            return gathering.check_chain(db.session, records, audit.head(db.session))

    intact = check()
    assert intact.ok and intact.method == ("full" if limit else "item")
    assert intact.checked >= 5
    with app.app_context():
        seq = audit.records_of(db.session, item["id"])[2].seq
        db.session.execute(
            sa.text("UPDATE audit_records SET reason = '改过' WHERE seq = :seq"), {"seq": seq}
        )
        db.session.commit()
    broken = check()
    assert (broken.ok, broken.problem, broken.problem_seq) == (False, "edited", seq)
