"""Supervision records: appointed supervisors from outside the system, inspections with their
checklist, findings and their rectification, supervisors' meetings, accountability records."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.accounts.models import User
from signage_server.db import Base
from signage_server.db import created_at
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.disclosure.models import Item
from signage_server.orgs.models import Org
from signage_server.supervision.rules import Breach
from signage_server.supervision.rules import FindingState
from signage_server.supervision.rules import Measure
from signage_server.supervision.rules import MeetingKind
from signage_server.supervision.rules import Point


class ExternalSupervisor(Base):
    """A supervisor appointed by an organisation (聘请监督员) who has no account."""

    __tablename__ = "external_supervisors"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    #: Post or unit (职务/单位).
    post: Mapped[str] = mapped_column(sa.String(200), default="")
    phone: Mapped[str] = mapped_column(sa.String(32), default="")
    appointed_on: Mapped[dt.date]
    term_until: Mapped[dt.date | None]
    active: Mapped[bool] = mapped_column(default=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    org: Mapped[Org] = relationship()


inspection_inspectors = sa.Table(
    "inspection_inspectors",
    Base.metadata,
    sa.Column(
        "inspection_id",
        sa.ForeignKey("inspections.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
)


class Inspection(Base):
    """One inspection of an organisation against the six-point checklist."""

    __tablename__ = "inspections"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    inspected_on: Mapped[dt.date]
    #: Point value -> ``{"result": "ok" | "finding", "note": str}``.
    checks: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    org: Mapped[Org] = relationship()
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    inspectors: Mapped[list[User]] = relationship(
        secondary=inspection_inspectors, order_by="User.id"
    )
    findings: Mapped[list[Finding]] = relationship(
        back_populates="inspection", order_by="Finding.id"
    )


class Finding(Base):
    """A problem an inspection found, to be rectified by its owner before its deadline."""

    __tablename__ = "findings"

    id: Mapped[intpk]
    inspection_id: Mapped[int] = mapped_column(sa.ForeignKey("inspections.id"), index=True)
    #: The inspected organisation (the inspection's), for lists.
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    point: Mapped[Point] = mapped_column(str_enum(Point, 16))
    description: Mapped[str] = mapped_column(sa.Text)
    item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("items.id", ondelete="SET NULL"), index=True
    )
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    deadline: Mapped[dt.date]
    state: Mapped[FindingState] = mapped_column(
        str_enum(FindingState, 16), default=FindingState.OPEN, index=True
    )
    rectification: Mapped[str] = mapped_column(sa.Text, default="")
    evidence: Mapped[str] = mapped_column(sa.Text, default="")
    rectified_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    closed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    reopen_reason: Mapped[str] = mapped_column(sa.Text, default="")
    reopened_count: Mapped[int] = mapped_column(default=0)
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    inspection: Mapped[Inspection] = relationship(back_populates="findings")
    org: Mapped[Org] = relationship()
    item: Mapped[Item | None] = relationship()
    owner: Mapped[User] = relationship(foreign_keys=[owner_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])


class Meeting(Base):
    """A supervisors' meeting (monthly) or forum (quarterly) an organisation held."""

    __tablename__ = "supervision_meetings"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    kind: Mapped[MeetingKind] = mapped_column(str_enum(MeetingKind, 16))
    held_on: Mapped[dt.date] = mapped_column(index=True)
    attendees_count: Mapped[int] = mapped_column(default=0)
    attendees: Mapped[str] = mapped_column(sa.Text, default="")
    topics: Mapped[str] = mapped_column(sa.Text, default="")
    conclusions: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]

    org: Mapped[Org] = relationship()


class Accountability(Base):
    """责任追究: an organisation held to account by the one above it."""

    __tablename__ = "accountability_records"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    breach: Mapped[Breach] = mapped_column(str_enum(Breach, 24))
    #: Who is held to account (names and posts, as written).
    persons: Mapped[str] = mapped_column(sa.Text)
    facts: Mapped[str] = mapped_column(sa.Text)
    measure: Mapped[Measure] = mapped_column(str_enum(Measure, 32))
    decision: Mapped[str] = mapped_column(sa.Text, default="")
    decided_on: Mapped[dt.date]
    item_ids: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    finding_ids: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    opened_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[created_at]

    org: Mapped[Org] = relationship()
    opened_by: Mapped[User | None] = relationship()
