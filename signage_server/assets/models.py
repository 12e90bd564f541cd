"""What is known about each stored file."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column

from signage_server.db import Base
from signage_server.db import created_at


class Asset(Base):
    """A file in the asset store, named by the SHA-256 of its bytes."""

    __tablename__ = "assets"

    sha256: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    mime: Mapped[str] = mapped_column(sa.String(100))
    kind: Mapped[str] = mapped_column(sa.String(16))
    size: Mapped[int] = mapped_column(sa.BigInteger)
    width: Mapped[int] = mapped_column(default=0)
    height: Mapped[int] = mapped_column(default=0)
    #: For a PDF: the SHA-256 of the image of each page.
    pages: Mapped[list[Any]] = mapped_column(sa.JSON, default=list)
    #: For a page image: the PDF it was rendered from.
    parent: Mapped[str | None] = mapped_column(sa.String(64))
    original_name: Mapped[str] = mapped_column(sa.String(200), default="")
    uploaded_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL")
    )
    created_at: Mapped[created_at]
