"""Major village matters (四议两公开): the matter, its four stages and its two disclosures."""

from __future__ import annotations

import datetime as dt

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
from signage_server.matters.rules import Body
from signage_server.matters.rules import Counting
from signage_server.matters.rules import MatterState
from signage_server.matters.rules import StageKind
from signage_server.orgs.models import Org


class Matter(Base):
    """A major matter of a village, decided by the four deliberations and disclosed twice."""

    __tablename__ = "matters"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    summary: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
    state: Mapped[MatterState] = mapped_column(
        str_enum(MatterState, 24), default=MatterState.DELIBERATING
    )
    #: The disclosure item of the resolution (决议公开), once linked.
    decision_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id"), unique=True)
    decision_linked_at: Mapped[dt.datetime | None]
    #: The disclosure item of the result (实施结果公开), once linked.
    result_item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id"), unique=True)
    result_linked_at: Mapped[dt.datetime | None]

    org: Mapped[Org] = relationship()
    created_by: Mapped[User | None] = relationship()
    decision_item: Mapped[Item | None] = relationship(foreign_keys=[decision_item_id])
    result_item: Mapped[Item | None] = relationship(foreign_keys=[result_item_id])
    stages: Mapped[list[MatterStage]] = relationship(
        back_populates="matter", order_by="MatterStage.position", cascade="all, delete-orphan"
    )


class MatterStage(Base):
    """One of the four deliberations: the meeting, who came, how it voted, what it resolved."""

    __tablename__ = "matter_stages"
    __table_args__ = (sa.UniqueConstraint("matter_id", "kind"),)

    id: Mapped[intpk]
    matter_id: Mapped[int] = mapped_column(sa.ForeignKey("matters.id"), index=True)
    kind: Mapped[StageKind] = mapped_column(str_enum(StageKind, 16))
    #: 0 to 3: the stage's place in the order.
    position: Mapped[int]
    held_on: Mapped[dt.date] = mapped_column(sa.Date)
    body: Mapped[Body] = mapped_column(str_enum(Body, 24))
    counting: Mapped[Counting] = mapped_column(str_enum(Counting, 16), default=Counting.MEMBERS)
    present: Mapped[int]
    expected: Mapped[int]
    votes_for: Mapped[int]
    votes_against: Mapped[int]
    abstained: Mapped[int]
    passed: Mapped[bool]
    resolution: Mapped[str] = mapped_column(sa.Text, default="")
    recorded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    recorded_at: Mapped[created_at]

    matter: Mapped[Matter] = relationship(back_populates="stages")
    recorded_by: Mapped[User | None] = relationship()
