"""Catalog templates and entries, and declared exemptions (不便公开)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.catalog.rules import Cadence
from signage_server.db import Base
from signage_server.db import created_at
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind


class CatalogTemplate(Base):
    """The catalog an organisation sets for the organisations of one kind below it."""

    __tablename__ = "catalog_templates"
    __table_args__ = (sa.UniqueConstraint("owner_org_id", "org_kind"),)

    id: Mapped[intpk]
    owner_org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    org_kind: Mapped[OrgKind] = mapped_column(str_enum(OrgKind, 16))
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[created_at]

    owner: Mapped[Org] = relationship()
    entries: Mapped[list[CatalogEntry]] = relationship(
        back_populates="template", order_by="CatalogEntry.position", cascade="all, delete-orphan"
    )


class CatalogEntry(Base):
    """One thing that must be disclosed: what, to whom, how often, by when."""

    __tablename__ = "catalog_entries"
    __table_args__ = (sa.UniqueConstraint("template_id", "code"),)

    id: Mapped[intpk]
    template_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_templates.id"), index=True)
    code: Mapped[str] = mapped_column(sa.String(32))
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[Category] = mapped_column(str_enum(Category))
    scope: Mapped[Scope] = mapped_column(str_enum(Scope, 16))
    timing: Mapped[Timing] = mapped_column(str_enum(Timing, 16))
    cadence: Mapped[Cadence | None] = mapped_column(str_enum(Cadence, 16))
    grace_days: Mapped[int] = mapped_column(default=19)
    department: Mapped[str] = mapped_column(sa.String(100), default="")
    channels: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    template: Mapped[CatalogTemplate] = relationship(back_populates="entries")


class Exemption(Base):
    """不便公开: an entry declared unsuitable for an org, decided by the superior org."""

    __tablename__ = "exemptions"

    id: Mapped[intpk]
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"), index=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("catalog_entries.id"), index=True)
    explanation: Mapped[str] = mapped_column(sa.Text)
    #: ``pending``, ``approved`` or ``refused``.
    state: Mapped[str] = mapped_column(sa.String(16), default="pending")
    requested_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    requested_at: Mapped[created_at]
    decided_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    decided_at: Mapped[dt.datetime | None]
    decision_reason: Mapped[str] = mapped_column(sa.Text, default="")

    org: Mapped[Org] = relationship()
    entry: Mapped[CatalogEntry] = relationship()
