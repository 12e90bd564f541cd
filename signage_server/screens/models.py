"""Screens, their groups, pairing requests, compiled manifests and proof of play."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.db import Base
from signage_server.db import created_at
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.orgs.models import Org
from signage_server.screens.rules import Audience

screen_group_members = sa.Table(
    "screen_group_members",
    Base.metadata,
    sa.Column("group_id", sa.ForeignKey("screen_groups.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("screen_id", sa.ForeignKey("screens.id", ondelete="CASCADE"), primary_key=True),
)


class Screen(Base):
    """A display: where it hangs, who stands in front of it, how it is laid out."""

    __tablename__ = "screens"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    location: Mapped[str] = mapped_column(sa.String(200), default="")
    audience: Mapped[Audience] = mapped_column(str_enum(Audience, 16))
    layout: Mapped[str] = mapped_column(sa.String(32), default="landscape")
    resolution: Mapped[str] = mapped_column(sa.String(16), default="1920x1080")
    timezone: Mapped[str] = mapped_column(sa.String(64), default="Asia/Shanghai")
    #: How bilingual items are shown (``screens.rules.Bilingual``): side by side or alternating.
    bilingual: Mapped[str] = mapped_column(sa.String(16), default="side", server_default="side")
    #: Times of day it reads the item on it aloud, in its time zone (``"08:00 18:00"``, empty:
    #: never at set times; ``screens.aloud``), and whether a key of its box starts a reading.
    read_aloud_times: Mapped[str] = mapped_column(sa.String(120), default="", server_default="")
    read_aloud_key: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    active: Mapped[bool] = mapped_column(default=True)
    #: SHA-256 of the screen's token; empty when it has none (revoked, or never paired).
    token_hash: Mapped[str] = mapped_column(sa.String(64), default="", index=True)
    token_prefix: Mapped[str] = mapped_column(sa.String(16), default="")
    token_issued_at: Mapped[dt.datetime | None]
    revoked_at: Mapped[dt.datetime | None]
    created_at: Mapped[created_at]

    # What the server compiled for it, and what the player reported.
    manifest_version: Mapped[str] = mapped_column(sa.String(64), default="")
    acked_version: Mapped[str] = mapped_column(sa.String(64), default="")
    online: Mapped[bool] = mapped_column(default=False)
    last_seen_at: Mapped[dt.datetime | None]
    current_item_id: Mapped[int | None]
    uptime_s: Mapped[int] = mapped_column(default=0)
    player_address: Mapped[str] = mapped_column(sa.String(64), default="")
    #: The box agent beside its browser (``deploy/kiosk``): its version and when it last
    #: reported; ``fleet.agents.agent_present`` says whether it still counts.
    agent_version: Mapped[str] = mapped_column(sa.String(32), default="", server_default="")
    agent_seen_at: Mapped[dt.datetime | None]
    #: The player version its page last reported (``screens.player.player_version`` of the
    #: server that served it); behind the server's means the box still runs an old player.
    player_version: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")
    #: Minutes between the snapshots its agent takes (``fleet.snapshots``); 0: none on a timer.
    snapshot_every_min: Mapped[int] = mapped_column(default=30, server_default="30")

    org: Mapped[Org] = relationship()
    groups: Mapped[list[ScreenGroup]] = relationship(
        secondary=screen_group_members, back_populates="screens", order_by="ScreenGroup.name"
    )

    @property
    def org_path(self) -> str:
        """Its organisation's path (what :class:`~signage_server.screens.manifests.ScreenRow`
        carries without loading the organisation)."""
        return self.org.path


class ScreenGroup(Base):
    """Screens an operator schedules together (e.g. all public screens of a township)."""

    __tablename__ = "screen_groups"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    created_at: Mapped[created_at]

    org: Mapped[Org] = relationship()
    screens: Mapped[list[Screen]] = relationship(
        secondary=screen_group_members, back_populates="groups", order_by="Screen.name"
    )


class PairingRequest(Base):
    """A player showing a code until an operator attaches it to a screen."""

    __tablename__ = "pairing_requests"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(16), index=True)
    secret_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[dt.datetime]
    created_at: Mapped[created_at]
    address: Mapped[str] = mapped_column(sa.String(64), default="")
    screen_id: Mapped[int | None] = mapped_column(sa.ForeignKey("screens.id", ondelete="CASCADE"))
    #: The new screen token, kept only until the player has collected it once.
    token: Mapped[str] = mapped_column(sa.String(128), default="")
    collected_at: Mapped[dt.datetime | None]


class Manifest(Base):
    """A compiled manifest, shared by every screen whose manifest is identical."""

    __tablename__ = "manifests"

    version: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    body: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    created_at: Mapped[created_at]


class ScreenConnection(Base):
    """A Socket.IO connection of a screen (to disconnect it at once when revoked)."""

    __tablename__ = "screen_connections"

    sid: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    screen_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screens.id", ondelete="CASCADE"), index=True
    )
    connected_at: Mapped[created_at]


class PlayRecord(Base):
    """Proof of play: a screen showed an item revision from ``started_at`` for ``duration_s``."""

    __tablename__ = "play_records"
    __table_args__ = (
        sa.Index("ix_play_records_item_revision", "item_id", "revision"),
        # A batch sent again (its acknowledgement lost) is not counted twice.
        sa.UniqueConstraint("screen_id", "item_id", "revision", "started_at"),
    )

    id: Mapped[int] = mapped_column(
        sa.BigInteger().with_variant(sa.Integer, "sqlite"), primary_key=True
    )
    screen_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screens.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id", ondelete="CASCADE"))
    revision: Mapped[int]
    started_at: Mapped[dt.datetime] = mapped_column(index=True)
    duration_s: Mapped[float]
    received_at: Mapped[created_at]


class ScreenManifestLog(Base):
    """A manifest version a screen was given (``sent_at``) and when it said it holds it.

    Proof of play is accepted only for an item revision that a manifest the screen held at that
    time contained (:func:`signage_server.screens.services.record_played`).
    """

    __tablename__ = "screen_manifest_log"
    __table_args__ = (sa.Index("ix_screen_manifest_log_screen_sent", "screen_id", "sent_at"),)

    id: Mapped[intpk]
    screen_id: Mapped[int] = mapped_column(sa.ForeignKey("screens.id", ondelete="CASCADE"))
    version: Mapped[str] = mapped_column(sa.String(64))
    sent_at: Mapped[dt.datetime]
    acked_at: Mapped[dt.datetime | None]
