"""Playlists, their entries and the screens and groups they are assigned to."""

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
from signage_server.db import utcnow
from signage_server.orgs.models import Org
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenGroup


class Playlist(Base):
    __tablename__ = "playlists"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    priority: Mapped[int] = mapped_column(default=0)
    date_from: Mapped[dt.date | None]
    date_until: Mapped[dt.date | None]
    #: ``[{"days": [0..6], "start": "HH:MM", "end": "HH:MM"}]``; empty: all day, every day.
    dayparts: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    org: Mapped[Org] = relationship()
    entries: Mapped[list[PlaylistEntry]] = relationship(
        back_populates="playlist", order_by="PlaylistEntry.position", cascade="all, delete-orphan"
    )
    screens: Mapped[list[Screen]] = relationship(secondary="playlist_screens")
    groups: Mapped[list[ScreenGroup]] = relationship(secondary="playlist_groups")


class PlaylistEntry(Base):
    __tablename__ = "playlist_entries"

    id: Mapped[intpk]
    playlist_id: Mapped[int] = mapped_column(
        sa.ForeignKey("playlists.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int] = mapped_column(default=0)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id", ondelete="CASCADE"))
    category: Mapped[str | None] = mapped_column(sa.String(32))
    duration_s: Mapped[int | None]

    playlist: Mapped[Playlist] = relationship(back_populates="entries")


playlist_screens = sa.Table(
    "playlist_screens",
    Base.metadata,
    sa.Column("playlist_id", sa.ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("screen_id", sa.ForeignKey("screens.id", ondelete="CASCADE"), primary_key=True),
)

playlist_groups = sa.Table(
    "playlist_groups",
    Base.metadata,
    sa.Column("playlist_id", sa.ForeignKey("playlists.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("group_id", sa.ForeignKey("screen_groups.id", ondelete="CASCADE"), primary_key=True),
)
