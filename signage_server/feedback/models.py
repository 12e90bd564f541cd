"""Feedback cases (意见箱), their replies and their history. Nothing here is ever deleted:
abuse is hidden (``hidden_at``), and every handler action leaves a :class:`CaseEvent`."""

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
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Channel
from signage_server.feedback.rules import Decision
from signage_server.feedback.rules import Kind
from signage_server.feedback.rules import Source
from signage_server.orgs.models import Org
from signage_server.screens.models import Screen


class Case(Base):
    """One submission from the feedback form, and its handling."""

    __tablename__ = "feedback_cases"

    id: Mapped[intpk]
    #: What the villager keeps to follow the case (``7KQ4M-XH2PT``).
    receipt: Mapped[str] = mapped_column(sa.String(16), unique=True)
    #: The form's one-time key with a digest of what was sent (``rules.submission_key``): the
    #: same form sent twice gives the same case, other content under the same nonce a new one.
    nonce: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, 16), index=True)
    state: Mapped[CaseState] = mapped_column(str_enum(CaseState, 16), index=True)
    source: Mapped[Source] = mapped_column(str_enum(Source, 16))
    #: The org the feedback is about (the item's, or the screen's).
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    #: The org that handles it: the same for most kinds, the parent for reports.
    handling_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id"), index=True)
    #: The revision named by the scanned code (posters name none: the live one is taken).
    revision: Mapped[int | None]
    screen_id: Mapped[int | None] = mapped_column(sa.ForeignKey("screens.id"))
    #: What proof of play says that screen showed of the item when the form was opened.
    shown_revision: Mapped[int | None]
    shown_at: Mapped[dt.datetime | None]

    text: Mapped[str] = mapped_column(sa.Text)
    name: Mapped[str] = mapped_column(sa.String(40), default="")
    phone: Mapped[str] = mapped_column(sa.String(16), default="")

    #: When it reached the organisation: the form's submission, or for a case staff recorded
    #: (``channel``) the day the letter arrived or the call came (deadlines count from it).
    received_at: Mapped[created_at]
    #: How it came: the QR form, or recorded by staff on the villager's behalf (代录).
    channel: Mapped[Channel] = mapped_column(
        str_enum(Channel, 16), default=Channel.QR, server_default=Channel.QR.value
    )
    #: Who recorded it, and when (a recorded case only).
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[dt.datetime | None]
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    acknowledged_at: Mapped[dt.datetime | None]
    concluded_at: Mapped[dt.datetime | None]
    answered_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    decision: Mapped[Decision | None] = mapped_column(str_enum(Decision, 20))
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")
    decided_at: Mapped[dt.datetime | None]
    #: The time to decide a request was extended (once, with the reason in its history).
    extended_at: Mapped[dt.datetime | None]
    hidden_at: Mapped[dt.datetime | None] = mapped_column(index=True)
    hidden_reason: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The real-name reporter objected to the handling result (异议, once; its text is in
    #: the case's history).
    objected_at: Mapped[dt.datetime | None]

    org: Mapped[Org] = relationship(foreign_keys=[org_id])
    handling_org: Mapped[Org] = relationship(foreign_keys=[handling_org_id])
    item: Mapped[Item | None] = relationship()
    screen: Mapped[Screen | None] = relationship()
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id])
    replies: Mapped[list[Reply]] = relationship(
        back_populates="case", order_by="Reply.id", cascade="all, delete-orphan"
    )
    events: Mapped[list[CaseEvent]] = relationship(
        back_populates="case", order_by="CaseEvent.id", cascade="all, delete-orphan"
    )
    transfers: Mapped[list[Transfer]] = relationship(
        back_populates="case", order_by="Transfer.id", cascade="all, delete-orphan"
    )

    @property
    def real_name(self) -> bool:
        return bool(self.name or self.phone)

    @property
    def hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def published_replies(self) -> list[Reply]:
        return [r for r in self.replies if r.published_at is not None]

    @property
    def draft(self) -> Reply | None:
        """The reply being written, if any (one at a time)."""
        return next((r for r in self.replies if r.published_at is None), None)


class Reply(Base):
    """An answer to a case: drafted, then published to the villager's receipt page."""

    __tablename__ = "feedback_replies"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_cases.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[created_at]
    published_at: Mapped[dt.datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: The disclosure item made from this reply (反馈公开), if any.
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id"))

    case: Mapped[Case] = relationship(back_populates="replies")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    published_by: Mapped[User | None] = relationship(foreign_keys=[published_by_id])


class CaseEvent(Base):
    """One step in a case's history: who did what, when, and why."""

    __tablename__ = "feedback_events"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_cases.id"), index=True)
    action: Mapped[Action] = mapped_column(str_enum(Action, 24))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[created_at]

    case: Mapped[Case] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()


class Transfer(Base):
    """A case handed from one body to another (转办): who, from where, to where, when. The
    villager's tracking page shows the date and the receiving body, never the note."""

    __tablename__ = "feedback_transfers"

    id: Mapped[intpk]
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("feedback_cases.id"), index=True)
    from_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    to_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: Internal: why, and what the receiving body should know. Never shown to the villager.
    note: Mapped[str] = mapped_column(sa.Text, default="")
    at: Mapped[created_at]

    case: Mapped[Case] = relationship(back_populates="transfers")
    from_org: Mapped[Org] = relationship(foreign_keys=[from_org_id])
    to_org: Mapped[Org] = relationship(foreign_keys=[to_org_id])
    actor: Mapped[User | None] = relationship()
