"""What the paper side keeps: archive dossiers (sealed PDFs) and print jobs (batches)."""

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
from signage_server.paper.jobs.rules import FINISHED
from signage_server.paper.jobs.rules import OPEN
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.jobs.rules import percent

__all__ = ["FINISHED", "Dossier", "JobState", "PrintJob"]


class Dossier(Base):
    """An item's archive dossier (归档): a PDF in the archive store, named by its sha256 and
    sealed in the audit chain (``audit_seq``). An item may get several (regenerated after a
    late reply); the newest is the item's dossier."""

    __tablename__ = "dossiers"
    __table_args__ = (sa.Index("ix_dossiers_org_year", "org_id", "year"),)

    id: Mapped[intpk]
    item_id: Mapped[int] = mapped_column(sa.ForeignKey("items.id"), index=True)
    #: The revision whose publication ended (the item's live revision then).
    revision: Mapped[int]
    #: Denormalised for the archive view's search (organisation, category, year of the end).
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("orgs.id"))
    category: Mapped[str] = mapped_column(sa.String(32), index=True)
    year: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(200))
    #: How the publication ended: ``expired``, ``withdrawn``, ``archived``; ``manual`` when an
    #: operator asked for a dossier of an item still on the screens.
    ending: Mapped[str] = mapped_column(sa.String(16))
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    size: Mapped[int]
    pages: Mapped[int]
    generated_at: Mapped[dt.datetime]
    #: ``system`` or the username that asked for it.
    generated_by: Mapped[str] = mapped_column(sa.String(64))
    #: The audit record sealing this dossier's sha256.
    audit_seq: Mapped[int | None]

    item: Mapped[Item] = relationship()
    org: Mapped[Org] = relationship()


class PrintJob(Base):
    """A batch of documents made in the background (a township's boards, a year of dossiers):
    its progress (``done`` of ``total``), whether it was asked to stop, and what it made.
    States and their rules: ``paper.jobs.rules``; running it: ``paper.jobs.services``."""

    __tablename__ = "print_jobs"
    __table_args__ = (
        # One open job per key: two requests for the same batch at once make one job.
        sa.Index(
            "ux_print_jobs_open_key",
            "key",
            unique=True,
            sqlite_where=sa.text("state IN ('queued', 'running')"),
            postgresql_where=sa.text("state IN ('queued', 'running')"),
        ),
    )

    id: Mapped[intpk]
    #: What is made (``boards``, ``dossiers``, …: see ``paper.jobs``).
    kind: Mapped[str] = mapped_column(sa.String(32))
    params: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    #: Names a job that must not run twice at once (an automatic dossier): one open job per key.
    key: Mapped[str | None] = mapped_column(sa.String(128))
    state: Mapped[JobState] = mapped_column(str_enum(JobState, 16), index=True)
    #: The organisation the job is about (who may see and cancel it).
    org_id: Mapped[int | None] = mapped_column(sa.ForeignKey("orgs.id"))
    total: Mapped[int] = mapped_column(default=0)
    done: Mapped[int] = mapped_column(default=0)
    #: What it is doing now (the running step's label), or why it failed (English).
    message: Mapped[str] = mapped_column(sa.Text, default="")
    #: What it made: ``[{"label": …, "name": …, "sha256": …, "size": …, "mime": …}]`` in the
    #: archive store.
    results: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: Steps that failed while the job went on: ``[{"label": …, "reason": message id,
    #: "params": {…}}]``.
    failures: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    #: What to download once done: its one file, or the ZIP of its files (same shape as a
    #: result); ``None`` while running, or when it made nothing.
    download: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    cancel_requested: Mapped[bool] = mapped_column(default=False)
    #: The process running it (``host|boot|pid``, see ``rules.Runner``), to tell after a
    #: restart whether it died.
    runner: Mapped[str | None] = mapped_column(sa.String(128))
    #: How often it was started (a job whose process died is started again, a few times).
    attempts: Mapped[int] = mapped_column(default=0)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
    started_at: Mapped[dt.datetime | None]
    finished_at: Mapped[dt.datetime | None]

    org: Mapped[Org | None] = relationship()
    created_by: Mapped[User | None] = relationship()

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def open(self) -> bool:
        return self.state in OPEN

    @property
    def percent(self) -> int:
        return percent(self.state, self.done, self.total)
