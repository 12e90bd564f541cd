"""The ``scheduler_lease`` table: one row per lease name (see ``lease.rules``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from signage_server.db import Base


class SchedulerLease(Base):
    """Who holds the lease ``name`` and until when (``holder`` empty once released)."""

    __tablename__ = "scheduler_lease"

    name: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    #: ``host:pid:token`` of the process holding it (see ``rules.holder_id``).
    holder: Mapped[str | None] = mapped_column(sa.String(200))
    acquired_at: Mapped[dt.datetime | None]
    renewed_at: Mapped[dt.datetime | None]
    expires_at: Mapped[dt.datetime | None]
