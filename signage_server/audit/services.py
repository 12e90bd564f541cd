"""Append to the audit chain and verify it."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.audit.models import AuditRecord
from signage_server.audit.rules import Problem
from signage_server.audit.rules import canonical_json
from signage_server.audit.rules import seal
from signage_server.audit.rules import timestamp
from signage_server.audit.rules import verify_chain

#: PostgreSQL advisory lock held while a record is appended: one writer extends the chain
#: at a time. (SQLite serialises writers itself; the unique ``prev_hash`` refuses a fork.)
_LOCK_KEY = 0x5167_4E41


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


#: Fields an :class:`AuditRecord` takes as they are from the sealed entry.
_COPIED = ("revision", "content_sha256", "actor", "role", "action", "reason")


def append(
    session: Session,
    *,
    item_id: int,
    revision: int,
    content_sha256: str,
    actor: str,
    role: str,
    action: str,
    reason: str,
    at: dt.datetime,
) -> AuditRecord:
    """Seal a new record onto the end of the chain and add it to ``session``."""
    _lock(session)
    last = session.scalar(sa.select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1))
    at = at.astimezone(dt.UTC)
    entry = seal(
        last.entry() if last else None,
        item=item_id,
        revision=revision,
        content_sha256=content_sha256,
        actor=actor,
        role=role,
        action=action,
        reason=reason,
        at=timestamp(at),
    )
    record = AuditRecord(
        seq=entry.seq,
        item_id=item_id,
        **{name: getattr(entry, name) for name in _COPIED},
        at=at,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )
    session.add(record)
    session.flush()
    return record


def records_of(session: Session, item_id: int) -> list[AuditRecord]:
    """Return the audit records of one item, oldest first."""
    query = sa.select(AuditRecord).where(AuditRecord.item_id == item_id).order_by(AuditRecord.seq)
    return list(session.scalars(query))


def _in_storage_order(session: Session, batch: int = 2000) -> Iterator[AuditRecord]:
    """Yield every record in the order the database keeps them (by ``seq``), in batches."""
    last = 0
    while True:
        rows = list(
            session.scalars(
                sa.select(AuditRecord)
                .where(AuditRecord.seq > last)
                .order_by(AuditRecord.seq)
                .limit(batch)
            )
        )
        if not rows:
            return
        yield from rows
        last = rows[-1].seq
        session.expunge_all()


@dataclass(frozen=True)
class Report:
    checked: int
    problem: Problem | None
    revisions_checked: int = 0

    @property
    def ok(self) -> bool:
        return self.problem is None


def verify(
    session: Session, content_of: Callable[[Session], Iterator[tuple[int, int, str, str]]]
) -> Report:
    """Verify the chain, then that no revision changed after its hash went into the chain.

    :param content_of: yields ``(item id, revision number, state, sha256 of the content as
        stored now)`` for every revision past draft.
    """
    checked, problem = verify_chain(r.entry() for r in _in_storage_order(session))
    if problem is not None:
        return Report(checked, problem)
    recorded: dict[tuple[int, int], tuple[int, str]] = {}
    for seq, item, revision, sha in session.execute(
        sa.select(
            AuditRecord.seq, AuditRecord.item_id, AuditRecord.revision, AuditRecord.content_sha256
        ).order_by(AuditRecord.seq)
    ):
        recorded[(item, revision)] = (seq, sha)
    count = 0
    for item, revision, state, sha in content_of(session):
        count += 1
        seen = recorded.get((item, revision))
        if seen is None:
            return Report(
                checked,
                Problem(
                    0,
                    0,
                    "unrecorded",
                    f"item {item} revision {revision} ({state}) has no audit record",
                ),
                count,
            )
        if seen[1] != sha:
            return Report(
                checked,
                Problem(
                    seen[0],
                    0,
                    "content_changed",
                    f"item {item} revision {revision} was changed after record {seen[0]} sealed it",
                ),
                count,
            )
    return Report(checked, None, count)


def content_hash(fields: dict[str, object]) -> str:
    """Return the SHA-256 of a revision's canonical content (see ``disclosure.rules``)."""
    return hashlib.sha256(canonical_json(fields)).hexdigest()
