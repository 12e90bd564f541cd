"""The commands operators sent to screens (``fleet.commands.rules``)."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Mapped
from sqlalchemy.orm import mapped_column
from sqlalchemy.orm import relationship

from signage_server.db import Base
from signage_server.db import intpk
from signage_server.db import str_enum
from signage_server.fleet.commands.rules import Kind
from signage_server.fleet.commands.rules import State
from signage_server.screens.models import Screen


class ScreenCommand(Base):
    """One command to one screen: who asked for it, until when it is worth carrying out, and
    what became of it."""

    __tablename__ = "screen_commands"
    __table_args__ = (sa.Index("ix_screen_commands_screen_state", "screen_id", "state"),)

    id: Mapped[intpk]
    screen_id: Mapped[int] = mapped_column(sa.ForeignKey("screens.id", ondelete="CASCADE"))
    kind: Mapped[Kind] = mapped_column(str_enum(Kind, 16))
    #: The user name of the operator who issued it (``cli``: the server's administrator).
    issued_by: Mapped[str] = mapped_column(sa.String(100))
    issued_at: Mapped[dt.datetime]
    expires_at: Mapped[dt.datetime]
    state: Mapped[State] = mapped_column(str_enum(State, 16))
    sent_at: Mapped[dt.datetime | None]
    done_at: Mapped[dt.datetime | None]
    #: What the player said went wrong (``no_agent``, ...), when it failed.
    error: Mapped[str] = mapped_column(sa.String(200), default="")

    screen: Mapped[Screen] = relationship()

    def json(self) -> dict[str, object]:
        """What the API and the player are told of it."""
        return {
            "id": self.id,
            "kind": self.kind.value,
            "state": self.state.value,
            "issued_by": self.issued_by,
            "issued_at": self.issued_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "sent_at": self.sent_at.isoformat() if self.sent_at else None,
            "done_at": self.done_at.isoformat() if self.done_at else None,
            "error": self.error,
        }
