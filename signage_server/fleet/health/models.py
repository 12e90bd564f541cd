"""The latest health report of each screen's box, and the box's restarts (for "repeated
restarts")."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from signage_server.db import Base
from signage_server.db import intpk


class BoxHealth(Base):
    """What a screen's agent last reported of its box."""

    __tablename__ = "box_health"

    screen_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screens.id", ondelete="CASCADE"), primary_key=True
    )
    reported_at: Mapped[dt.datetime]
    uptime_s: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    disk_used: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    disk_total: Mapped[int] = mapped_column(sa.BigInteger().with_variant(sa.Integer, "sqlite"))
    temperature_c: Mapped[float | None]
    browser_version: Mapped[str] = mapped_column(sa.String(64), default="")
    player_version: Mapped[str] = mapped_column(sa.String(64), default="")
    agent_version: Mapped[str] = mapped_column(sa.String(32), default="")
    #: ``power_loss``, ``reboot``, ``remote_reboot``, ``browser_restart``, ``first_start``,
    #: ``agent_restart`` or ``unknown`` (``fleet.health.rules.RESTART_REASONS``).
    restart_reason: Mapped[str] = mapped_column(sa.String(32), default="")
    #: The agent's own count of restarts it has seen (boots and browser restarts).
    restart_count: Mapped[int] = mapped_column(default=0)


class BoxRestart(Base):
    """A restart of a screen's box or browser, as its agent reported it."""

    __tablename__ = "box_restarts"
    __table_args__ = (sa.Index("ix_box_restarts_screen_at", "screen_id", "at"),)

    id: Mapped[intpk]
    screen_id: Mapped[int] = mapped_column(sa.ForeignKey("screens.id", ondelete="CASCADE"))
    at: Mapped[dt.datetime]
    reason: Mapped[str] = mapped_column(sa.String(32))
