"""The audit records, one chain through all subjects (see ``audit.rules``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from signage_server.audit.rules import Entry
from signage_server.audit.rules import optional_timestamp
from signage_server.audit.rules import timestamp
from signage_server.db import Base


class AuditRecord(Base):
    """One change of one subject (item revision, feedback case, exemption, org), sealed into
    the chain with the subject's resulting state."""

    __tablename__ = "audit_records"
    __table_args__ = (sa.Index("ix_audit_records_subject", "subject", "subject_id"),)

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    #: ``item``, ``case``, ``exemption``, ``org`` or ``dossier``.
    subject: Mapped[str] = mapped_column(sa.String(16), default="item")
    #: The id of the item, case, exemption, org or dossier.
    subject_id: Mapped[int]
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id"), index=True)
    revision: Mapped[int | None]
    content_sha256: Mapped[str] = mapped_column(sa.String(64), default="")
    #: The subject's state after this change (a revision's, a case's, an exemption's).
    state: Mapped[str] = mapped_column(sa.String(32), default="")
    #: For item revisions: publication and end times after this change.
    published_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    actor: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(32))
    action: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[dt.datetime]
    #: More sealed facts (ids, flags, hashes of texts: never personal data).
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    def entry(self) -> Entry:
        """Return the record as plain values for ``audit.rules``."""
        return Entry(
            seq=self.seq,
            subject=self.subject,
            subject_id=self.subject_id,
            item=self.item_id,
            revision=self.revision,
            content_sha256=self.content_sha256,
            state=self.state,
            published_at=optional_timestamp(self.published_at),
            ended_at=optional_timestamp(self.ended_at),
            actor=self.actor,
            role=self.role,
            action=self.action,
            reason=self.reason,
            at=timestamp(self.at),
            details=dict(self.details or {}),
            prev_hash=self.prev_hash,
            hash=self.hash,
        )
