"""Disclosure items and their revisions."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.accounts.models import User
from signage_server.catalog.models import CatalogEntry
from signage_server.db import Base
from signage_server.db import created_at
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.db import utcnow
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.procedures import Procedure
from signage_server.disclosure.procedures import Seal
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.orgs.models import Org


class Item(Base):
    """A disclosure item (公开事项): one matter of one organisation, in revisions."""

    __tablename__ = "items"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    #: Number of the revision in the procedure (the newest one).
    current_number: Mapped[int] = mapped_column(default=1)
    #: Number of the revision that is (or was last) published, if any.
    live_number: Mapped[int | None]

    org: Mapped[Org] = relationship()
    created_by: Mapped[User | None] = relationship()
    revisions: Mapped[list[Revision]] = relationship(
        back_populates="item", order_by="Revision.number", cascade="all, delete-orphan"
    )

    @property
    def current(self) -> Revision:
        """The newest revision (the one in the procedure, or the live one)."""
        return self.revisions[-1]

    @property
    def live(self) -> Revision | None:
        """The revision that is or was last published."""
        if self.live_number is None:
            return None
        return next(r for r in self.revisions if r.number == self.live_number)

    def revision(self, number: int) -> Revision | None:
        return next((r for r in self.revisions if r.number == number), None)


class Revision(Base):
    """One version of an item's content, immutable once submitted."""

    __tablename__ = "item_revisions"
    __table_args__ = (sa.UniqueConstraint("item_id", "number"),)

    id: Mapped[intpk]
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    number: Mapped[int]
    state: Mapped[State] = mapped_column(str_enum(State, 16), index=True)

    title: Mapped[str] = mapped_column(sa.String(200))
    category: Mapped[Category] = mapped_column(str_enum(Category))
    timing: Mapped[Timing] = mapped_column(str_enum(Timing, 16))
    scope: Mapped[Scope] = mapped_column(str_enum(Scope, 16))
    major: Mapped[bool] = mapped_column(default=False)
    notice_kind: Mapped[NoticeKind | None] = mapped_column(str_enum(NoticeKind, 24))
    notice_min_days: Mapped[int | None]
    body: Mapped[dict[str, Any]] = mapped_column(sa.JSON)
    attachments: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    department: Mapped[str] = mapped_column(sa.String(100), default="")
    accountable: Mapped[str] = mapped_column(sa.String(100), default="")
    stage: Mapped[str] = mapped_column(sa.String(100), default="")
    valid_from: Mapped[dt.datetime | None]
    valid_until: Mapped[dt.datetime | None]
    catalog_entry_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("catalog_entries.id"), index=True
    )

    content_sha256: Mapped[str] = mapped_column(sa.String(64))
    #: An immediate disclosure that interrupts the rotation and scrolls in the ticker.
    urgent: Mapped[bool] = mapped_column(default=False)
    needs_superior: Mapped[bool] = mapped_column(default=False)
    higher_review: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    #: Ids of every user who edited this revision while it was a draft (four eyes).
    contributors: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: Who reviewed and who signed off this revision (separation of duties).
    reviewed_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    approved_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    #: The procedure it goes through (``procedures.procedure_for``; kept from its submission).
    procedure: Mapped[Procedure] = mapped_column(
        str_enum(Procedure, 16), default=Procedure.PARTY, server_default=Procedure.PARTY.value
    )
    #: Village affairs: the joint meeting's record (``procedures.Meeting``) and the supervision
    #: committee's seal (``procedures.Seal``), both sealed in the audit chain.
    meeting: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    seal: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: Why the previous revision was sent back, when this draft was opened by a rejection.
    returned_reason: Mapped[str] = mapped_column(sa.Text, default="")
    returned_by: Mapped[str] = mapped_column(sa.String(64), default="")

    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    submitted_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]
    ended_at: Mapped[dt.datetime | None]
    #: The second language's text of a bilingual item, ``{"lang", "title", "body"}``
    #: (``content.languages``): sealed in ``content_sha256`` with the Chinese title and body.
    translation: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    #: The election day of a voter list (选民名单, ``NoticeKind.VOTER_LIST``).
    election_on: Mapped[dt.date | None]

    item: Mapped[Item] = relationship(back_populates="revisions")
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    catalog_entry: Mapped[CatalogEntry | None] = relationship()

    @property
    def has_notice(self) -> bool:
        return self.notice_kind is not None

    @property
    def joint_meeting(self) -> Meeting | None:
        """Village affairs: the 两委 joint meeting that decided it (``None``: none recorded)."""
        return Meeting.from_json(self.meeting)

    @property
    def committee_seal(self) -> Seal | None:
        """Village affairs: the supervision committee's seal (``None``: not sealed)."""
        return Seal.from_json(self.seal)


class RevisionAsset(Base):
    """Which stored files a revision uses (to decide who may fetch them)."""

    __tablename__ = "revision_assets"

    revision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("item_revisions.id", ondelete="CASCADE"), primary_key=True
    )
    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True, index=True)
