"""Calendar days loaded by administrators (years the built-in calendar does not know yet)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from signage_server.db import Base
from signage_server.db import created_at


class CalendarYear(Base):
    """A year whose official holiday schedule an administrator loaded."""

    __tablename__ = "calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    source: Mapped[str] = mapped_column(sa.String(200), default="")
    loaded_by: Mapped[str] = mapped_column(sa.String(64), default="")
    loaded_at: Mapped[created_at]


class CalendarDay(Base):
    """One day declared a holiday or an (adjusted) working day."""

    __tablename__ = "calendar_days"

    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)
    workday: Mapped[bool]
    name: Mapped[str] = mapped_column(sa.String(100), default="")
