"""The democratic appraisal's records.

Privacy by the tables' shapes: a villager's number is never stored. :class:`Voter` holds the
keyed HMAC of the number per appraisal (one vote each, enforced by its primary key);
:class:`Ballot` holds the answers, with a random id and no time, no number, no HMAC: nothing
joins a ballot to a voter. Both are written in one transaction, which writes the ballot
together with up to 64 earlier ones under new random ids: neither the place of a row nor
(PostgreSQL) the transaction stamped on it pairs a ballot with its voter (see
:func:`signage_server.appraisal.services.cast_ballot`). :class:`CodeRequest` (the one-time
code under way) holds the HMAC too; the vote uses it up, and it is deleted by the first code
request or vote more than an hour after it was sent, or when the appraisal closes (kept that
long, it counts against the number's hourly quota of codes).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.accounts.models import User
from signage_server.appraisal.rules import State
from signage_server.db import Base
from signage_server.db import created_at
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.disclosure.models import Item
from signage_server.orgs.models import Org


class Appraisal(Base):
    """One year's appraisal of a village committee."""

    __tablename__ = "appraisals"
    __table_args__ = (sa.UniqueConstraint("org_id", "year"),)

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    opens_at: Mapped[dt.datetime]
    closes_at: Mapped[dt.datetime]
    state: Mapped[State] = mapped_column(str_enum(State, 16), default=State.DRAFT)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
    opened_at: Mapped[dt.datetime | None]
    closed_at: Mapped[dt.datetime | None]
    published_at: Mapped[dt.datetime | None]
    #: The draft disclosure item that carries the results (once drafted).
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id", ondelete="SET NULL"))

    org: Mapped[Org] = relationship()
    created_by: Mapped[User | None] = relationship()
    item: Mapped[Item | None] = relationship()
    subjects: Mapped[list[AppraisalSubject]] = relationship(
        back_populates="appraisal", order_by="AppraisalSubject.position"
    )


class AppraisalSubject(Base):
    """Who is appraised: the committee as a whole (first), or one member by name and post."""

    __tablename__ = "appraisal_subjects"

    id: Mapped[intpk]
    appraisal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appraisals.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(60))
    post: Mapped[str] = mapped_column(sa.String(40), default="")

    appraisal: Mapped[Appraisal] = relationship(back_populates="subjects")

    @property
    def label(self) -> str:
        return f"{self.name}（{self.post}）" if self.post else self.name


class CodeRequest(Base):
    """A one-time code sent to a number; used up by the vote, deleted after its hour."""

    __tablename__ = "appraisal_code_requests"

    id: Mapped[intpk]
    appraisal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appraisals.id", ondelete="CASCADE"), index=True
    )
    #: SHA-256 of the random ticket the villager's page carries.
    ticket: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: Keyed HMAC of the number in this appraisal (as :class:`Voter`), never the number.
    voter: Mapped[str] = mapped_column(sa.String(64), index=True)
    #: Keyed digest of the code under the ticket.
    code_digest: Mapped[str] = mapped_column(sa.String(64))
    sent_at: Mapped[dt.datetime]
    tries: Mapped[int] = mapped_column(default=0)
    verified_at: Mapped[dt.datetime | None]


class Voter(Base):
    """Someone voted in an appraisal: the keyed HMAC of their number, nothing else (no time)."""

    __tablename__ = "appraisal_voters"
    #: SQLite keeps the rows in key order, not in the order of the votes (no rowid to follow).
    __table_args__ = ({"sqlite_with_rowid": False},)

    appraisal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appraisals.id", ondelete="CASCADE"), primary_key=True
    )
    voter: Mapped[str] = mapped_column(sa.String(64), primary_key=True)


class Ballot(Base):
    """One anonymous ballot: a random id and the answers (subject, rating, comment)."""

    __tablename__ = "appraisal_ballots"
    #: SQLite keeps the rows in the order of their random ids, not of the votes.
    __table_args__ = ({"sqlite_with_rowid": False},)

    id: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    appraisal_id: Mapped[int] = mapped_column(
        sa.ForeignKey("appraisals.id", ondelete="CASCADE"), index=True
    )
    #: ``[{"subject": id, "rating": "satisfied", "comment": "..."}, ...]``
    answers: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON)
