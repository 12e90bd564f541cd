"""The audit records, one chain through all items (see ``audit.rules``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from signage_server.audit.rules import Entry
from signage_server.audit.rules import timestamp
from signage_server.db import Base


class AuditRecord(Base):
    """One transition of one item revision, sealed into the chain."""

    __tablename__ = "audit_records"

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    revision: Mapped[int]
    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    actor: Mapped[str] = mapped_column(sa.String(64))
    role: Mapped[str] = mapped_column(sa.String(32))
    action: Mapped[str] = mapped_column(sa.String(32))
    reason: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[dt.datetime]
    prev_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)

    def entry(self) -> Entry:
        """Return the record as plain values for ``audit.rules``."""
        return Entry(
            seq=self.seq,
            item=self.item_id,
            revision=self.revision,
            content_sha256=self.content_sha256,
            actor=self.actor,
            role=self.role,
            action=self.action,
            reason=self.reason,
            at=timestamp(self.at),
            prev_hash=self.prev_hash,
            hash=self.hash,
        )
