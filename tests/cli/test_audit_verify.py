"""``signage audit verify`` finds any change made to the audit log or to sealed content."""

from __future__ import annotations

from collections.abc import Callable

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server.extensions import db
from tests.conftest import Demo
from tests.http.items import create
from tests.http.items import ok
from tests.http.items import publish_through


def verify(app: Flask) -> tuple[int, str]:
    result = app.test_cli_runner().invoke(args=["audit", "verify"])
    return result.exit_code, result.output


@pytest.fixture
def history(app: Flask, client: FlaskClient, demo: Demo) -> list[int]:
    """Two published items of village affairs (each reviewed, decided by the joint meeting and
    sealed by the supervision committee) and one sent back: 16 audit records."""
    first = create(client, demo)
    publish_through(client, demo, first["id"])
    second = create(
        client,
        demo,
        major=True,
        title="集义村通组道路硬化工程（第一阶段）",
        catalog_entry="XM-01",
        timing="staged",
    )
    publish_through(client, demo, second["id"], superior="jiyi_superior")
    third = create(
        client,
        demo,
        title="集义村2026年第四季度党费收缴情况",
        catalog_entry="DF-01",
        category="organisation",
        scope="party",
    )
    ok(client, demo, "jiyi01_editor", third["id"], "submit")
    ok(client, demo, "jiyi01_reviewer", third["id"], "reject", "请附收缴明细")
    with app.app_context():
        count = db.session.scalar(sa.text("SELECT count(*) FROM audit_records"))
    assert count == 16
    return [first["id"], second["id"], third["id"]]


def execute(app: Flask, sql: str, **params: object) -> None:
    with app.app_context():
        db.session.execute(sa.text(sql), params)
        db.session.commit()


def test_intact(app: Flask, history: list[int]) -> None:
    code, output = verify(app)
    assert code == 0, output
    assert "Audit chain intact: 16 records" in output


TAMPERING: dict[str, tuple[str, int]] = {
    "edited reason": ("UPDATE audit_records SET reason = '无' WHERE seq = 7", 7),
    "edited actor": ("UPDATE audit_records SET actor = 'jiyi01_editor' WHERE seq = 4", 4),
    "edited time": ("UPDATE audit_records SET at = at - interval '1 day' WHERE seq = 9", 9),
    "deleted record": ("DELETE FROM audit_records WHERE seq = 5", 6),
}


@pytest.mark.parametrize("case", sorted(TAMPERING))
def test_tampering_is_found_and_named(app: Flask, history: list[int], case: str) -> None:
    sql, seq = TAMPERING[case]
    with app.app_context():
        if db.engine.dialect.name == "sqlite":
            sql = sql.replace("at - interval '1 day'", "datetime(at, '-1 day')")
    execute(app, sql)
    code, output = verify(app)
    assert code == 1
    assert f"AUDIT CHAIN BROKEN at record {seq}" in output


def _swap(app: Flask) -> None:
    # Reorder: records 5 and 6 change places (their seq numbers are exchanged).
    execute(app, "UPDATE audit_records SET seq = -1 WHERE seq = 5")
    execute(app, "UPDATE audit_records SET seq = 5 WHERE seq = 6")
    execute(app, "UPDATE audit_records SET seq = 6 WHERE seq = -1")


def _insert(app: Flask) -> None:
    # Insert a forged record between 3 and 4. (The unique prev_hash refuses a second record
    # linking to record 3; someone editing the database could drop that constraint.)
    with app.app_context():
        rows = (
            db.session.execute(sa.text("SELECT seq FROM audit_records ORDER BY seq DESC"))
            .scalars()
            .all()
        )
    for seq in rows:
        if seq >= 4:
            execute(
                app, "UPDATE audit_records SET seq = :new WHERE seq = :old", new=seq + 1, old=seq
            )
    execute(
        app,
        "INSERT INTO audit_records (seq, subject, subject_id, item_id, revision, content_sha256,"
        " state, actor, role, action, reason, at, details, prev_hash, hash)"
        " SELECT 4, subject, subject_id, item_id, revision, content_sha256, state,"
        " 'jiyi01_approver', 'approver', 'approve', '', at, details, :p, :h"
        " FROM audit_records WHERE seq = 3",
        p="e" * 64,
        h="f" * 64,
    )


@pytest.mark.parametrize(("case", "seq"), [("reordered", 5), ("inserted", 4)])
def test_reordering_and_insertion_are_found(
    app: Flask, history: list[int], case: str, seq: int
) -> None:
    action: Callable[[Flask], None] = _swap if case == "reordered" else _insert
    action(app)
    code, output = verify(app)
    assert code == 1
    assert f"AUDIT CHAIN BROKEN at record {seq}" in output


def test_content_changed_after_sealing_is_found(app: Flask, history: list[int]) -> None:
    """假公开: editing a published revision's content in the database is detected."""
    execute(
        app,
        "UPDATE item_revisions SET title = '集义村2026年第四季度村级财务收支情况（已更正）'"
        " WHERE item_id = :item AND number = 1",
        item=history[0],
    )
    code, output = verify(app)
    assert code == 1
    assert f"item {history[0]} revision 1 was changed after record" in output


def test_drafts_may_change(app: Flask, client: FlaskClient, demo: Demo, history: list[int]) -> None:
    client.patch(
        f"/api/v1/items/{history[2]}",
        json={"department": "村党支部"},
        headers=demo.headers("jiyi01_editor"),
    )
    assert verify(app)[0] == 0
