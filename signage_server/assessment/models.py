"""The assessor's part of an assessment: one record per organisation and period."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.assessment.rules import State
from signage_server.db import Base
from signage_server.db import created_at
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.orgs.models import Org


class Assessment(Base):
    """The superior organisation's scores (0-100) and remarks on the six headings (六查六看)
    of one organisation for one period (``2026H1``, ``2026H2``, ``2026Y``)."""

    __tablename__ = "assessments"
    __table_args__ = (sa.UniqueConstraint("org_id", "period"),)

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    period: Mapped[str] = mapped_column(sa.String(8))
    #: ``{heading: score}`` (rules.Heading values; a heading not scored is absent).
    scores: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: ``{heading: remark}``.
    remarks: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    remark: Mapped[str] = mapped_column(sa.Text, default="")
    state: Mapped[State] = mapped_column(str_enum(State, 16), default=State.DRAFT)
    assessed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime | None]
    finalised_at: Mapped[dt.datetime | None]

    org: Mapped[Org] = relationship()
