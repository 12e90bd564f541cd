"""``signage audit verify`` against an attacker who can write to the database (issue 9).

Each test tampers with the database file the way DESIGN.md §2 "Tamper evidence" says must be
found: the newest record deleted, records recomputed with the published algorithm or with a
wrong key, a revision's state or publication time flipped, a feedback case's state or hidden
flag flipped, an exemption decided in the database; and the head log missing. Verify on a
missing database file must create nothing.
"""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.audit.models import AuditRecord
from signage_server.audit.rules import canonical_json
from signage_server.config import Settings
from signage_server.extensions import db
from tests.cli.test_audit_verify import execute
from tests.cli.test_audit_verify import history as history_fixture  # noqa: F401
from tests.cli.test_audit_verify import verify
from tests.conftest import Demo
from tests.conftest import make_app
from tests.http.feedback import ORDINARY
from tests.http.feedback import item_code
from tests.http.feedback import published_item
from tests.http.feedback import receipt_of
from tests.http.feedback import submit
from tests.http.items import ok


@pytest.fixture
def history(history_fixture: list[int]) -> list[int]:  # noqa: F811
    """Two published items and one sent back (see test_audit_verify): 16 records."""
    return history_fixture


def newest(app: Flask) -> int:
    with app.app_context():
        seq = db.session.scalar(sa.select(sa.func.max(AuditRecord.seq)))
    assert seq is not None
    return seq


def head_log(app: Flask) -> Path:
    from signage_server import services

    return Path(services.get(Settings, app).data_dir) / "audit-head.log"


def broken(app: Flask, seq: int | str, kind: str) -> str:
    code, output = verify(app)
    assert code == 1, output
    assert f"AUDIT CHAIN BROKEN at record {seq}" in output
    assert f"kind: {kind}" in output
    return output


def test_head_log_witnesses_every_committed_record(app: Flask, history: list[int]) -> None:
    lines = head_log(app).read_text().splitlines()
    assert [int(line.split()[0]) for line in lines] == list(range(1, newest(app) + 1))
    with app.app_context():
        hashes = dict(db.session.execute(sa.select(AuditRecord.seq, AuditRecord.hash)).all())
    assert all(hashes[int(seq)] == hash_ for seq, hash_, _at in map(str.split, lines))
    code, output = verify(app)
    assert code == 0, output
    assert "16 records (16 witnessed by the head log)" in output
    assert "WARNING" not in output


def test_deleting_the_newest_record_is_found(app: Flask, history: list[int]) -> None:
    last = newest(app)
    execute(app, "DELETE FROM audit_records WHERE seq = :seq", seq=last)
    output = broken(app, last, "truncated")
    assert "newest records were deleted" in output


def test_deleting_the_newest_records_of_one_item_is_found(app: Flask, history: list[int]) -> None:
    """The rejected third item's two records go; the chain itself still links up."""
    last = newest(app)
    execute(app, "DELETE FROM audit_records WHERE seq >= :seq", seq=last - 1)
    broken(app, last - 1, "truncated")


def _rehash_from(app: Flask, seq: int, hash_of: object) -> None:
    """Edit record ``seq``'s reason and recompute it and every later record with ``hash_of``."""
    with app.app_context():
        entries = [r.entry() for r in db.session.scalars(sa.select(AuditRecord).order_by("seq"))]
    prev = entries[seq - 2].hash
    for entry in entries[seq - 1 :]:
        if entry.seq == seq:
            entry = dataclasses.replace(entry, reason="经村民代表会议同意")
        new = hash_of(prev, entry.fields())  # type: ignore[operator]
        execute(
            app,
            "UPDATE audit_records SET reason = :reason, prev_hash = :p, hash = :h WHERE seq = :s",
            reason=entry.reason,
            p=prev,
            h=new,
            s=entry.seq,
        )
        prev = new


def _unkeyed(prev: str, fields: dict[str, object]) -> str:
    return hashlib.sha256(prev.encode("ascii") + canonical_json(fields)).hexdigest()


def test_recomputing_with_the_published_algorithm_is_found(app: Flask, history: list[int]) -> None:
    _rehash_from(app, 7, _unkeyed)
    broken(app, 7, "edited")


def test_recomputing_with_a_wrong_key_is_found(app: Flask, history: list[int]) -> None:
    import hmac

    def wrong_key(prev: str, fields: dict[str, object]) -> str:
        message = prev.encode("ascii") + canonical_json(fields)
        return hmac.new(b"a guessed key", message, hashlib.sha256).hexdigest()

    _rehash_from(app, 7, wrong_key)
    broken(app, 7, "edited")


def test_rewriting_with_the_stolen_key_is_found_by_the_head_log(
    app: Flask, history: list[int]
) -> None:
    from signage_server.audit.rules import record_hash
    from signage_server.audit.services import setup_of

    with app.app_context():
        key = setup_of(db.engine).key
    _rehash_from(app, 7, lambda prev, fields: record_hash(key, prev, fields))
    output = broken(app, 7, "rewritten")
    assert "head log" in output


def test_flipping_a_withdrawn_revision_back_to_published_is_found(
    app: Flask, client: FlaskClient, demo: Demo, history: list[int]
) -> None:
    ok(client, demo, "jiyi01_approver", history[0], "withdraw", "数据有误，更正后重新公开")
    assert verify(app)[0] == 0
    execute(
        app,
        "UPDATE item_revisions SET state = 'published', ended_at = NULL"
        " WHERE item_id = :item AND number = 1",
        item=history[0],
    )
    output = broken(app, newest(app), "state_changed")
    assert f"item {history[0]} revision 1" in output
    assert "'published'" in output and "'withdrawn'" in output


def test_moving_a_publication_time_is_found(app: Flask, history: list[int]) -> None:
    with app.app_context():
        dialect = db.engine.dialect.name
    earlier = (
        "datetime(published_at, '-30 days')"
        if dialect == "sqlite"
        else "published_at - interval '30 days'"
    )
    execute(
        app,
        f"UPDATE item_revisions SET published_at = {earlier} WHERE item_id = :item",  # noqa: S608
        item=history[1],
    )
    output = broken(app, "", "state_changed")
    assert f"item {history[1]} revision 1" in output and "published_at" in output


@pytest.fixture
def case(app: Flask, client: FlaskClient, demo: Demo) -> str:
    item = published_item(client, demo, **ORDINARY)
    receipt = receipt_of(submit(client, item_code(app, item)))
    assert verify(app)[0] == 0
    return receipt


@pytest.mark.parametrize(
    ("column", "value", "what"),
    [("state", "'closed'", "state 'closed'"), ("hidden_at", "at_now", "hidden True")],
)
def test_flipping_a_feedback_case_is_found(
    app: Flask, case: str, column: str, value: str, what: str
) -> None:
    if value == "at_now":
        value = "received_at"
    sql = f"UPDATE feedback_cases SET {column} = {value} WHERE receipt = :r"  # noqa: S608
    execute(app, sql, r=case)
    output = broken(app, "", "state_changed")
    assert "feedback case" in output and what in output


def publish_reply(app: Flask, client: FlaskClient, demo: Demo, receipt: str) -> int:
    """Answer the case of ``receipt`` through the API (drafted and published); return its id."""
    from signage_server.feedback.models import Case

    with app.app_context():
        case_id = db.session.scalar(sa.select(Case.id).where(Case.receipt == receipt))
    assert case_id is not None
    response = client.post(
        f"/api/v1/feedback/{case_id}/reply",
        json={"text": "道路硬化资金来自县交通局专项资金，详见公开栏。", "publish": True},
        headers=demo.headers("jiyi01_handler"),
    )
    assert response.status_code in (200, 201), response.get_json()
    return int(case_id)


def test_feedback_handling_is_in_the_chain(
    app: Flask, client: FlaskClient, demo: Demo, case: str
) -> None:
    case_id = publish_reply(app, client, demo, case)
    with app.app_context():
        rows = db.session.execute(
            sa.select(AuditRecord.action, AuditRecord.state, AuditRecord.actor, AuditRecord.details)
            .where(AuditRecord.subject == "case", AuditRecord.subject_id == case_id)
            .order_by(AuditRecord.seq)
        ).all()
    assert [(r.action, r.state, r.actor) for r in rows] == [
        ("receive", "received", "public"),
        ("draft_reply", "in_progress", "jiyi01_handler"),
        ("publish_reply", "answered", "jiyi01_handler"),
    ]
    # Never the villager's text, name or phone.
    assert all("修路" not in str(r.details) for r in rows)
    assert verify(app)[0] == 0


def test_changing_a_published_reply_is_found(
    app: Flask, client: FlaskClient, demo: Demo, case: str
) -> None:
    """The published answer on the villager's receipt page is sealed (its hash): rewriting it
    in the database afterwards is found."""
    case_id = publish_reply(app, client, demo, case)
    assert verify(app)[0] == 0
    assert "县交通局专项资金" in client.get(f"/f/track/{case}").get_data(as_text=True)
    execute(
        app,
        "UPDATE feedback_replies SET text = :t WHERE case_id = :c",
        t="资金已全部用于道路硬化。",
        c=case_id,
    )
    output = broken(app, "", "state_changed")
    assert f"feedback case {case_id}" in output and "replies_sha256" in output
    # The villager's tracking page does not present the rewritten answer.
    page = client.get(f"/f/track/{case}").get_data(as_text=True)
    assert "资金已全部用于道路硬化" not in page and "与审计链中的封存不符" in page
    answer = client.get(f"/f/track/{case}", headers={"Accept": "application/json"}).get_json()
    assert answer["replies"] == [] and answer["replies_intact"] is False


def test_deciding_an_exemption_in_the_database_is_found(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    response = client.post(
        "/api/v1/exemptions",
        json={
            "org": "JIYI-01",
            "entry": "DF-01",
            "explanation": "本村暂无党费收缴变动，不便单独公开。",
        },
        headers=demo.headers("jiyi01_approver"),
    )
    assert response.status_code == 201, response.get_json()
    assert verify(app)[0] == 0
    execute(
        app, "UPDATE exemptions SET state = 'approved' WHERE id = :id", id=response.get_json()["id"]
    )
    output = broken(app, newest(app), "state_changed")
    assert "exemption" in output


def test_a_missing_head_log_is_a_warning(app: Flask, history: list[int]) -> None:
    head_log(app).unlink()
    code, output = verify(app)
    assert code == 0, output
    assert "WARNING: the head log" in output and "missing" in output


def test_a_head_log_behind_is_a_warning(app: Flask, history: list[int]) -> None:
    lines = head_log(app).read_text().splitlines(keepends=True)
    head_log(app).write_text("".join(lines[:-2]))
    code, output = verify(app)
    assert code == 0, output
    assert "WARNING: the head log" in output and "behind" in output


def test_verify_on_a_missing_database_file_creates_nothing(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere" / "signage.db"
    (tmp_path / "nowhere").mkdir()
    app = make_app(f"sqlite:///{missing}", tmp_path / "data")
    code, output = verify(app)
    assert code != 0
    assert f"No database at {missing}" in output
    assert not missing.exists()
    assert list((tmp_path / "nowhere").iterdir()) == []


def _set_merge(app: Flask, code: str, value: bool) -> None:
    """Change an org's setting behind the application's back (as with the database file)."""
    from signage_server.orgs.models import Org

    with app.app_context():
        org = db.session.scalars(sa.select(Org).where(Org.code == code)).one()
        org.settings = {**(org.settings or {}), "merge_review_approval": value}
        db.session.commit()


def test_merging_review_in_the_database_is_found(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    """DESIGN.md §1: letting a village merge review and sign-off is recorded in the chain; a
    setting switched back off in the database after a sealed decision is found, and so is one
    switched on without any decision."""
    body = {"merge_review_approval": True, "merge_review_reason": "村干部仅三人"}
    response = client.patch("/api/v1/orgs/JIYI-01", json=body, headers=demo.headers("xian_admin"))
    assert response.status_code == 200, response.get_json()
    with app.app_context():
        sealed = db.session.scalars(
            sa.select(AuditRecord).where(AuditRecord.subject == "org")
        ).all()
        assert [(r.action, r.state, r.actor) for r in sealed] == [
            ("merge_review", "review_merged", "xian_admin")
        ]
        seq = sealed[0].seq
    code, output = verify(app)
    assert code == 0, output
    _set_merge(app, "JIYI-01", False)
    broken(app, seq, "state_changed")
    _set_merge(app, "JIYI-01", True)
    _set_merge(app, "JIYI-02", True)
    code, output = verify(app)
    assert code == 1, output
    assert "org JIYI-02" in output and "kind: unrecorded" in output, output


def test_a_database_restored_without_its_key_records_nothing(
    app: Flask, history: list[int], tmp_path: Path
) -> None:
    """A database brought to a new data directory without its audit key: the installation
    generates a new key, but never extends the chain with it (that would bury the break);
    every action that must be recorded fails with 503 until the key is back."""
    from signage_server import services

    url = services.get(Settings, app).database_url
    restored = make_app(url, tmp_path / "new-data", audit_key="")
    assert (tmp_path / "new-data" / "audit_key").exists()
    client = restored.test_client()
    token = Demo(restored).token("jiyi01_editor")
    before = newest(app)
    response = client.post(
        "/api/v1/items",
        json={
            "org": "JIYI-01",
            "title": "集义村2026年第四季度村级财务收支情况",
            "category": "village_affairs",
            "timing": "periodic",
            "scope": "public",
            "body": {"type": "text", "text": "收入 1,000.00 元"},
        },
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 503, response.get_json()
    assert response.get_json()["error"]["code"] == "audit_key_mismatch"
    assert newest(app) == before
    code, output = verify(restored)
    assert code == 1 and "kind: edited" in output, output
    # With the key back, work goes on and the chain is intact.
    ok = app.test_client().post(
        "/api/v1/items",
        json={
            "org": "JIYI-01",
            "title": "集义村2026年第四季度村级财务收支情况",
            "category": "village_affairs",
            "timing": "periodic",
            "scope": "public",
            "body": {"type": "text", "text": "收入 1,000.00 元"},
        },
        headers=Demo(app).headers("jiyi01_editor"),
    )
    assert ok.status_code == 201, ok.get_json()
    assert verify(app)[0] == 0
