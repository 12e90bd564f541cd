"""Power schedules (per screen or per group) and the blank periods players report."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from signage_server.db import Base
from signage_server.db import UTCDateTime
from signage_server.db import created_at
from signage_server.db import intpk


class PowerSchedule(Base):
    """The 定时开关屏 schedule of one screen or one screen group (exactly one of the two).

    ``rows`` is :meth:`signage_server.fleet.power.rules.Schedule.json`. A screen's own schedule
    wins over its groups'; among its groups, the one created first (lowest id) wins.
    """

    __tablename__ = "power_schedules"
    __table_args__ = (
        sa.CheckConstraint(
            "(screen_id IS NULL) <> (group_id IS NULL)", name="ck_power_schedules_one_target"
        ),
    )

    id: Mapped[intpk]
    screen_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("screens.id", ondelete="CASCADE"), unique=True
    )
    group_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("screen_groups.id", ondelete="CASCADE"), unique=True
    )
    rows: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    #: The display's power draw in watts (0: not given), for the kWh the schedule saves.
    watts: Mapped[int] = mapped_column(default=0, server_default="0")
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_by: Mapped[str] = mapped_column(sa.String(64), default="")


class BlankPeriod(Base):
    """A period a screen's player actually had the display off (or blank) by its schedule."""

    __tablename__ = "power_blank_periods"
    __table_args__ = (
        # A batch sent again (its acknowledgement lost) is not counted twice.
        sa.UniqueConstraint("screen_id", "started_at", name="uq_power_blank_periods_start"),
    )

    id: Mapped[intpk]
    screen_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screens.id", ondelete="CASCADE"), index=True
    )
    started_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    ended_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    received_at: Mapped[created_at]


class PowerReport(Base):
    """What a screen's player last said of its display: ``on``, ``off`` or ``woken``."""

    __tablename__ = "power_reports"

    screen_id: Mapped[int] = mapped_column(
        sa.ForeignKey("screens.id", ondelete="CASCADE"), primary_key=True
    )
    state: Mapped[str] = mapped_column(sa.String(8))
    reported_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
