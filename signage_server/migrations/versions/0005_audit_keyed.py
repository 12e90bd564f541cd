"""Audit chain keyed (HMAC) and sealing subjects' states; cases and exemptions in the chain

Revision ID: 0005_audit_keyed
Revises: 0004
Create Date: 2026-11-29 07:45:00

The existing chain (``sha256(prev_hash + fields)``) is verified first and refused when
broken; then every record is re-sealed with the audit key the app uses (``SIGNAGE_AUDIT_KEY``
or ``<data dir>/audit_key``, bound to the engine by ``create_app``: run ``signage init-db``).
The last record of each revision seals the revision's state and times as they are now, and
each existing feedback case and exemption gets a ``baseline`` record sealing its state.
The hash functions are copied here so that later changes to ``audit.rules`` do not change
what this migration does.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from alembic import op

from signage_server.db import UTCDateTime

revision = "0005_audit_keyed"
down_revision = "0004"
branch_labels = None
depends_on = None

GENESIS = "0" * 64
LEGACY_FIELDS = (
    "seq",
    "item",
    "revision",
    "content_sha256",
    "actor",
    "role",
    "action",
    "reason",
    "at",
)

records = sa.table(
    "audit_records",
    sa.column("seq", sa.Integer()),
    sa.column("subject", sa.String()),
    sa.column("subject_id", sa.Integer()),
    sa.column("item_id", sa.Integer()),
    sa.column("revision", sa.Integer()),
    sa.column("content_sha256", sa.String()),
    sa.column("state", sa.String()),
    sa.column("published_at", UTCDateTime()),
    sa.column("ended_at", UTCDateTime()),
    sa.column("actor", sa.String()),
    sa.column("role", sa.String()),
    sa.column("action", sa.String()),
    sa.column("reason", sa.Text()),
    sa.column("at", UTCDateTime()),
    sa.column("details", sa.JSON()),
    sa.column("prev_hash", sa.String()),
    sa.column("hash", sa.String()),
)
revisions = sa.table(
    "item_revisions",
    sa.column("item_id", sa.Integer()),
    sa.column("number", sa.Integer()),
    sa.column("state", sa.String()),
    sa.column("published_at", UTCDateTime()),
    sa.column("ended_at", UTCDateTime()),
)
cases = sa.table(
    "feedback_cases",
    sa.column("id", sa.Integer()),
    sa.column("state", sa.String()),
    sa.column("decision", sa.String()),
    sa.column("hidden_at", UTCDateTime()),
)
exemptions = sa.table("exemptions", sa.column("id", sa.Integer()), sa.column("state", sa.String()))


def _json(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _time(moment: dt.datetime | None) -> str | None:
    if moment is None:
        return None
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _legacy_hash(prev_hash: str, row: dict[str, Any]) -> str:
    fields = {
        **{name: row[name] for name in LEGACY_FIELDS if name not in ("item", "at")},
        "item": row["item_id"],
        "at": _time(row["at"]),
    }
    return hashlib.sha256(prev_hash.encode("ascii") + _json(fields)).hexdigest()


def _keyed_hash(key: bytes, prev_hash: str, row: dict[str, Any]) -> str:
    fields = {
        "seq": row["seq"],
        "subject": row["subject"],
        "subject_id": row["subject_id"],
        "item": row["item_id"],
        "revision": row["revision"],
        "content_sha256": row["content_sha256"],
        "state": row["state"],
        "published_at": _time(row["published_at"]),
        "ended_at": _time(row["ended_at"]),
        "actor": row["actor"],
        "role": row["role"],
        "action": row["action"],
        "reason": row["reason"],
        "at": _time(row["at"]),
        "details": dict(row["details"] or {}),
    }
    return hmac.new(key, prev_hash.encode("ascii") + _json(fields), hashlib.sha256).hexdigest()


def _rows(connection: sa.Connection) -> list[dict[str, Any]]:
    return [
        dict(r._mapping) for r in connection.execute(sa.select(records).order_by(records.c.seq))
    ]


def _check_legacy(rows: list[dict[str, Any]]) -> None:
    prev_hash = GENESIS
    for position, row in enumerate(rows, start=1):
        broken = (
            row["seq"] != position
            or row["prev_hash"] != prev_hash
            or _legacy_hash(prev_hash, row) != row["hash"]
        )
        if broken:
            raise RuntimeError(
                f"The audit chain is broken at record {row['seq']} (position {position}):"
                " it was changed outside the application. Migration 0005 refuses to re-seal"
                " a broken chain with the audit key. Restore the database from a backup, or"
                " investigate with `signage audit verify` on the previous version."
            )
        prev_hash = row["hash"]


def upgrade() -> None:
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("subject", sa.String(length=16), nullable=False, server_default="item")
        )
        batch_op.add_column(sa.Column("subject_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("state", sa.String(length=32), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("published_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("details", sa.JSON(), nullable=True))
        batch_op.alter_column("item_id", existing_type=sa.Integer(), nullable=True)
        batch_op.alter_column("revision", existing_type=sa.Integer(), nullable=True)
    connection = op.get_bind()
    rows = _rows(connection)
    if rows:
        _reseal(connection, rows)
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.alter_column("subject_id", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("details", existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column("subject", server_default=None, existing_type=sa.String(16))
        batch_op.alter_column("state", server_default=None, existing_type=sa.String(32))
        batch_op.create_index("ix_audit_records_subject", ["subject", "subject_id"], unique=False)


def _reseal(connection: sa.Connection, rows: list[dict[str, Any]]) -> None:
    from signage_server.audit.services import setup_of

    _check_legacy(rows)
    try:
        setup = setup_of(connection)
    except LookupError as error:
        raise RuntimeError(
            f"Migration 0005 re-seals the audit chain with the key: {error}"
        ) from None
    key = setup.key
    now = dt.datetime.now(dt.UTC)
    last_of: dict[tuple[int, int], dict[str, Any]] = {}
    for row in rows:
        row.update(subject="item", subject_id=row["item_id"], state="", details={})
        row.update(published_at=None, ended_at=None)
        last_of[(row["item_id"], row["revision"])] = row
    for rev in connection.execute(sa.select(revisions)):
        last = last_of.get((rev.item_id, rev.number))
        if last is not None:
            last.update(state=rev.state, published_at=rev.published_at, ended_at=rev.ended_at)
    baseline = dict(
        item_id=None,
        revision=None,
        content_sha256="",
        published_at=None,
        ended_at=None,
        actor="system",
        role="system",
        action="baseline",
        reason="0005",
        at=now,
    )
    added = []
    for case in connection.execute(sa.select(cases).order_by(cases.c.id)):
        details = {"hidden": case.hidden_at is not None, "decision": case.decision}
        added.append(
            {
                **baseline,
                "subject": "case",
                "subject_id": case.id,
                "state": case.state,
                "details": details,
            }
        )
    for exemption in connection.execute(sa.select(exemptions).order_by(exemptions.c.id)):
        added.append(
            {
                **baseline,
                "subject": "exemption",
                "subject_id": exemption.id,
                "state": exemption.state,
                "details": {},
            }
        )
    for row in added:
        row["seq"] = len(rows) + 1
        rows.append(row)
    prev_hash = GENESIS
    for row in rows:
        row["prev_hash"] = prev_hash
        row["hash"] = prev_hash = _keyed_hash(key, prev_hash, row)
    first_added = len(rows) - len(added) + 1
    for row in rows:
        if row["seq"] >= first_added:
            connection.execute(sa.insert(records).values(**row))
            continue
        values = {k: v for k, v in row.items() if k != "seq"}
        connection.execute(sa.update(records).where(records.c.seq == row["seq"]).values(**values))
    _witness_anew(setup.head_log, [(row["seq"], row["hash"]) for row in rows], now)


def _witness_anew(path: Path | None, witnessed: list[tuple[int, str]], now: dt.datetime) -> None:
    """Start the head log anew with the re-sealed chain (an older log is kept aside)."""
    if path is None:
        return
    if path.exists():
        path.replace(path.with_name(f"{path.name}.before-0005-{now:%Y%m%dT%H%M%S}"))
    lines = "".join(f"{seq} {hash_} {_time(now)}\n" for seq, hash_ in witnessed)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, lines.encode("ascii"))
    finally:
        os.close(fd)


def downgrade() -> None:
    connection = op.get_bind()
    rows = _rows(connection)
    if any(row["subject"] != "item" for row in rows):
        raise RuntimeError(
            "The audit chain holds records of feedback cases or exemptions, which revision 0004"
            " cannot keep: refusing to downgrade (restore a backup taken before 0005 instead)."
        )
    prev_hash = GENESIS
    for row in rows:
        new_hash = _legacy_hash(prev_hash, row)
        connection.execute(
            sa.update(records)
            .where(records.c.seq == row["seq"])
            .values(prev_hash=prev_hash, hash=new_hash)
        )
        prev_hash = new_hash
    with op.batch_alter_table("audit_records", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_records_subject")
        batch_op.alter_column("revision", existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column("item_id", existing_type=sa.Integer(), nullable=False)
        batch_op.drop_column("details")
        batch_op.drop_column("ended_at")
        batch_op.drop_column("published_at")
        batch_op.drop_column("state")
        batch_op.drop_column("subject_id")
        batch_op.drop_column("subject")
