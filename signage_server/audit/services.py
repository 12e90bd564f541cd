"""Append to the audit chain, witness its head outside the database, and verify it.

The audit key and the head log of an installation are bound to its database engine by
:func:`configure` (``create_app`` does it): services only receive a session and find them
from there, the same way in requests, jobs, CLI commands and migrations.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import os
import weakref
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from signage_server.audit import rules
from signage_server.audit.models import AuditRecord
from signage_server.audit.rules import GENESIS
from signage_server.audit.rules import Current
from signage_server.audit.rules import Entry
from signage_server.audit.rules import Problem
from signage_server.audit.rules import canonical_json
from signage_server.audit.rules import seal
from signage_server.audit.rules import timestamp
from signage_server.errors import Unavailable
from signage_server.i18n import N_

logger = logging.getLogger(__name__)

#: PostgreSQL advisory lock held while a record is appended: one writer extends the chain
#: at a time. (SQLite serialises writers itself; the unique ``prev_hash`` refuses a fork.)
_LOCK_KEY = 0x5167_4E41

#: Where the records appended in a transaction wait for its commit (to be witnessed).
_PENDING = "signage_audit_pending"


@dataclass(frozen=True)
class Setup:
    """The audit key and the head log of one installation."""

    key: bytes
    head_log: Path | None


_SETUPS: weakref.WeakKeyDictionary[Engine, Setup] = weakref.WeakKeyDictionary()


def configure(engine: Engine, key: bytes, head_log: Path | None) -> None:
    """Bind the audit key and head log to the database behind ``engine``."""
    if not key:
        raise ValueError("the audit key is empty")
    _SETUPS[engine] = Setup(key, head_log)


def setup_of(bind: Session | Connection | Engine) -> Setup:
    """Return the audit setup of the database a session, connection or engine works on.

    :raise LookupError: nobody configured it (run through the app or ``signage init-db``).
    """
    target: Any = bind.get_bind() if isinstance(bind, Session) else bind
    engine = target.engine if isinstance(target, Connection) else target
    try:
        return _SETUPS[engine]
    except (KeyError, TypeError):
        raise LookupError(
            "no audit key is configured for this database: run it through the app"
            " (signage init-db, signage serve), which reads SIGNAGE_AUDIT_KEY or"
            " <data dir>/audit_key"
        ) from None


def _lock(session: Session) -> None:
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.text("SELECT pg_advisory_xact_lock(:key)"), {"key": _LOCK_KEY})


def _last(session: Session) -> AuditRecord | None:
    return session.scalar(sa.select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(1))


def _seal(session: Session, **fields: Any) -> AuditRecord:
    """Seal a record with ``fields`` onto the end of the chain and add it to ``session``."""
    setup = setup_of(session)
    _lock(session)
    last = _last(session)
    if last is not None and not is_genuine(session, last):
        # A database restored without its key (a new key was generated), or a newest record
        # changed in the database: extending the chain would bury the break.
        logger.critical(
            "AUDIT KEY MISMATCH: record %s does not verify with this installation's audit"
            " key; nothing is recorded until the key is restored (SIGNAGE_AUDIT_KEY or"
            " <data dir>/audit_key) and `signage audit verify` passes",
            last.seq,
        )
        raise Unavailable(
            N_(
                "The audit chain does not verify with this installation's key: nothing can"
                " be recorded until an administrator restores the audit key."
            ),
            code="audit_key_mismatch",
        )
    at: dt.datetime = fields.pop("at").astimezone(dt.UTC)
    published_at: dt.datetime | None = fields.pop("published_at", None)
    ended_at: dt.datetime | None = fields.pop("ended_at", None)
    details = dict(fields.pop("details", None) or {})
    entry = seal(
        setup.key,
        last.entry() if last else None,
        **fields,
        published_at=rules.optional_timestamp(published_at),
        ended_at=rules.optional_timestamp(ended_at),
        at=timestamp(at),
        details=details,
    )
    record = AuditRecord(
        seq=entry.seq,
        subject=entry.subject,
        subject_id=entry.subject_id,
        item_id=entry.item,
        revision=entry.revision,
        content_sha256=entry.content_sha256,
        state=entry.state,
        published_at=published_at,
        ended_at=ended_at,
        actor=entry.actor,
        role=entry.role,
        action=entry.action,
        reason=entry.reason,
        at=at,
        details=details,
        prev_hash=entry.prev_hash,
        hash=entry.hash,
    )
    session.add(record)
    session.flush()
    session.info.setdefault(_PENDING, []).append((entry.seq, entry.hash))
    return record


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
    state: str,
    published_at: dt.datetime | None = None,
    ended_at: dt.datetime | None = None,
    details: dict[str, Any] | None = None,
) -> AuditRecord:
    """Seal a change of an item revision (with its resulting state and times, and
    ``details``: what else the revision's procedure seals) onto the chain."""
    return _seal(
        session,
        subject=rules.ITEM,
        subject_id=item_id,
        item=item_id,
        revision=revision,
        content_sha256=content_sha256,
        state=state,
        published_at=published_at,
        ended_at=ended_at,
        actor=actor,
        role=role,
        action=action,
        reason=reason,
        at=at,
        details=details or None,
    )


def record_event(
    session: Session,
    *,
    subject: str,
    subject_id: int,
    actor: str,
    role: str,
    action: str,
    reason: str,
    at: dt.datetime,
    state: str,
    details: dict[str, Any] | None = None,
    content_sha256: str = "",
) -> AuditRecord:
    """Seal a change of a case, an exemption, an org or a dossier (its resulting ``state``)
    onto the chain; ``content_sha256``: the hash of a document it seals (an archive dossier).

    Never put personal data into ``reason`` or ``details``: ids, states and hashes only
    (see :func:`text_hash`).
    """
    if subject == rules.ITEM:
        raise ValueError("item revisions are recorded with append()")
    return _seal(
        session,
        subject=subject,
        subject_id=subject_id,
        item=None,
        revision=None,
        content_sha256=content_sha256,
        state=state,
        actor=actor,
        role=role,
        action=action,
        reason=reason,
        at=at,
        details=details,
    )


def text_hash(text: str) -> str:
    """Return the SHA-256 of a text, to seal it without putting the text into the chain."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Head:
    """The newest record of the chain (``seq`` 0 and the genesis hash when empty)."""

    seq: int
    hash: str

    def json(self) -> dict[str, Any]:
        return {"seq": self.seq, "hash": self.hash}


def head(session: Session) -> Head:
    """Return the chain's head as the session sees it."""
    row = session.execute(
        sa.select(AuditRecord.seq, AuditRecord.hash).order_by(AuditRecord.seq.desc()).limit(1)
    ).first()
    return Head(row[0], row[1]) if row else Head(0, GENESIS)


# --- the head log ---------------------------------------------------------------------------


def witness(path: Path, records: Iterable[tuple[int, str]], now: dt.datetime) -> None:
    """Append committed records to the head log (one ``seq hash time`` line each)."""
    text = "".join(rules.format_witness(seq, hash_, now) for seq, hash_ in records)
    if not text:
        return
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
    try:
        os.write(fd, text.encode("ascii"))
    finally:
        os.close(fd)


def after_commit(session: Session) -> None:
    """Witness the records the committed transaction appended (never raises)."""
    pending = session.info.pop(_PENDING, None)
    if not pending:
        return
    try:
        path = setup_of(session).head_log
        if path is not None:
            witness(path, pending, dt.datetime.now(dt.UTC))
    except Exception:
        logger.exception("could not witness audit records %s in the head log", pending)


def after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)


def read_witnesses(path: Path) -> tuple[list[rules.Witness], list[int]] | None:
    """Return the witnesses of the head log and its unreadable lines; ``None``: no log."""
    try:
        text = path.read_text(encoding="ascii", errors="replace")
    except FileNotFoundError:
        return None
    return rules.parse_witnesses(text)


# --- reading and verifying -------------------------------------------------------------------


def records_of(session: Session, item_id: int) -> list[AuditRecord]:
    """Return the audit records of one item, oldest first."""
    query = (
        sa.select(AuditRecord)
        .where(AuditRecord.subject == rules.ITEM, AuditRecord.item_id == item_id)
        .order_by(AuditRecord.seq)
    )
    return list(session.scalars(query))


def last_record(session: Session, subject: str, subject_id: int) -> AuditRecord | None:
    """Return the newest record of one case, exemption or org (``None``: never recorded)."""
    return session.scalar(
        sa.select(AuditRecord)
        .where(AuditRecord.subject == subject, AuditRecord.subject_id == subject_id)
        .order_by(AuditRecord.seq.desc())
        .limit(1)
    )


def last_item_records(
    session: Session, item_ids: Iterable[int]
) -> dict[tuple[int, int], AuditRecord]:
    """Return the newest record of each revision of these items, by (item, revision)."""
    ids = sorted(set(item_ids))
    found: dict[tuple[int, int], AuditRecord] = {}
    for start in range(0, len(ids), 500):
        newest = (
            sa.select(sa.func.max(AuditRecord.seq))
            .where(
                AuditRecord.subject == rules.ITEM,
                AuditRecord.item_id.in_(ids[start : start + 500]),
            )
            .group_by(AuditRecord.item_id, AuditRecord.revision)
        )
        query = sa.select(AuditRecord).where(AuditRecord.seq.in_(newest))
        for record in session.scalars(query):
            assert record.item_id is not None and record.revision is not None
            found[(record.item_id, record.revision)] = record
    return found


def last_action_at(
    session: Session, item_id: int, revision: int, action: str
) -> dt.datetime | None:
    """Return when ``action`` was last taken on one revision of an item (``None``: never)."""
    return session.scalar(
        sa.select(AuditRecord.at)
        .where(
            AuditRecord.subject == rules.ITEM,
            AuditRecord.item_id == item_id,
            AuditRecord.revision == revision,
            AuditRecord.action == action,
        )
        .order_by(AuditRecord.seq.desc())
        .limit(1)
    )


def is_genuine(session: Session, record: AuditRecord) -> bool:
    """Tell whether ``record``'s keyed hash matches its fields (it was not forged or edited)."""
    entry = record.entry()
    expected = rules.record_hash(setup_of(session).key, entry.prev_hash, entry.fields())
    return expected == entry.hash


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
    subjects_checked: int = 0
    witnessed: int = 0
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.problem is None


#: Yields the current state of every subject of one kind (see ``audit.rules.Current``).
Subjects = Callable[[Session], Iterable[Current]]


def verify(
    session: Session, subjects: Iterable[Subjects], *, head_log: Path | None = None
) -> Report:
    """Verify the chain with the key, then against the head log, then every subject's state.

    1. The chain: sequence, links and keyed hashes (edits, insertions, reordering, deletion
       inside the chain, records recomputed without the key).
    2. The head log: the chain holds every witnessed ``(seq, hash)`` (deletion of the newest
       records, rewriting by someone holding the key). A missing log or one behind the
       database is a warning.
    3. Each subject (revision, case, exemption): its state, times and content as stored now
       equal what its last record sealed.
    """
    setup = setup_of(session)
    path = head_log if head_log is not None else setup.head_log
    # Read the head log first: whatever it witnessed was committed before the chain is read
    # (records committed meanwhile must not look like deleted ones).
    log = read_witnesses(path) if path is not None else None
    stored: dict[int, str] = {}
    last_of: dict[tuple[str, int, int | None], Entry] = {}

    def entries() -> Iterator[Entry]:
        for record in _in_storage_order(session):
            entry = record.entry()
            stored[entry.seq] = entry.hash
            last_of[rules.subject_key(entry)] = entry
            yield entry

    checked, problem = rules.verify_chain(setup.key, entries())
    if problem is not None:
        return Report(checked, problem)
    warnings: list[str] = []
    witnessed = 0
    last_seq = max(stored, default=0)
    if log is None:
        if last_seq:
            warnings.append(
                f"the head log {path} is missing: deletion of the newest records cannot be"
                " ruled out"
            )
    else:
        witnesses, bad_lines = log
        if bad_lines:
            warnings.append(f"the head log {path} has unreadable lines: {bad_lines[:10]}")
        problem, witnessed = rules.check_witnesses(stored, last_seq, witnesses)
        if problem is not None:
            return Report(checked, problem, witnessed=witnessed, warnings=warnings)
        if witnessed < last_seq:
            warnings.append(
                f"the head log {path} is behind: it witnessed up to record {witnessed},"
                f" the chain ends at record {last_seq}"
            )
    count = 0
    for provider in subjects:
        for current in provider(session):
            count += 1
            problem = rules.check_current(current, last_of.get(current.key))
            if problem is not None:
                return Report(checked, problem, count, witnessed, warnings)
    return Report(checked, None, count, witnessed, warnings)


def content_hash(fields: dict[str, object]) -> str:
    """Return the SHA-256 of a revision's canonical content (see ``disclosure.rules``)."""
    return hashlib.sha256(canonical_json(fields)).hexdigest()
