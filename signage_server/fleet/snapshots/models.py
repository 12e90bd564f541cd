"""A snapshot of a screen: an image in the snapshot store, when the server received it, what the
screen was showing (checked against its manifests), the proof of play of that moment and the
audit chain's head at receipt."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from signage_server.db import Base
from signage_server.db import intpk


class Snapshot(Base):
    """One capture of what a screen showed, time-stamped by the server."""

    __tablename__ = "snapshots"
    __table_args__ = (
        sa.Index("ix_snapshots_screen_taken", "screen_id", "taken_at"),
        sa.Index("ix_snapshots_item_revision", "item_id", "revision"),
    )

    id: Mapped[intpk]
    screen_id: Mapped[int] = mapped_column(sa.ForeignKey("screens.id", ondelete="CASCADE"))
    #: SHA-256 of the stored (resized JPEG) bytes: the file's name in the snapshot store.
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    width: Mapped[int]
    height: Mapped[int]
    size: Mapped[int]
    #: When the server received it (its own clock, never the box's).
    taken_at: Mapped[dt.datetime] = mapped_column(index=True)
    #: What the screen was showing, as its player said and its manifests confirm (else None).
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id", ondelete="SET NULL"))
    revision: Mapped[int | None]
    #: The proof of play covering that moment (linked when it arrives, often later).
    play_record_id: Mapped[int | None] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"),
        sa.ForeignKey("play_records.id", ondelete="SET NULL"),
    )
    #: The audit chain's head when it arrived.
    audit_seq: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    audit_hash: Mapped[str] = mapped_column(sa.String(64))
    #: Why it was taken: ``scheduled``, ``command`` (the wall asked; ``command_id``) or ``manual``.
    reason: Mapped[str] = mapped_column(sa.String(16), default="scheduled")
    command_id: Mapped[int | None]
    #: The agent's name of the capture: the same name and bytes again are a resend.
    capture: Mapped[str] = mapped_column(sa.String(40), default="")
