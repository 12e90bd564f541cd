"""Organisations: the tree of county, townships and party branches, and the SQL condition of
a subtree (:func:`within`; the permission module and every query of a subtree use it)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.db import Base
from signage_server.db import created_at
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.db import utcnow
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.rules import minimal_roots


class Org(Base):
    """An organisation: county, township, village/agency/school party branch."""

    __tablename__ = "orgs"

    id: Mapped[intpk]
    code: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, 16))
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    #: Ids from the root down to this org, ``/1/4/17/`` (see ``orgs.rules``).
    path: Mapped[str] = mapped_column(sa.String(255), index=True, default="")
    active: Mapped[bool] = mapped_column(default=True)
    #: Number of party members, as the branch reports it (for assessments and the demo).
    party_members: Mapped[int | None]
    #: Free-form address or location, shown to operators.
    address: Mapped[str] = mapped_column(sa.String(200), default="")
    #: The language it discloses in besides Chinese (``content.languages.LANGUAGES``), if any.
    second_language: Mapped[str | None] = mapped_column(sa.String(8))
    #: Organisation settings (e.g. extra categories needing higher review).
    settings: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[created_at]
    updated_at: Mapped[dt.datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped[Org | None] = relationship(remote_side="Org.id", back_populates="children")
    children: Mapped[list[Org]] = relationship(back_populates="parent", order_by="Org.code")

    @property
    def depth(self) -> int:
        return self.path.count("/") - 1

    def __repr__(self) -> str:
        return f"<Org {self.code}>"


def within(paths: Iterable[str], *, strict: bool = False) -> sa.ColumnElement[bool]:
    """Return an SQL condition matching orgs in the subtrees at ``paths`` (one indexed
    ``LIKE 'prefix%'`` each, see ``orgs.rules``).

    :param strict: leave the orgs at ``paths`` themselves out.
    """
    conditions: list[sa.ColumnElement[bool]] = []
    for path in minimal_roots(paths) if not strict else set(paths):
        condition = Org.path.like(path + "%")
        conditions.append(sa.and_(condition, Org.path != path) if strict else condition)
    return sa.or_(sa.false(), *conditions)
