"""Take, renew, release and read a lease in the database (``scheduler_lease``).

Taking and renewing are one conditional UPDATE (``… WHERE name = :name AND (holder =
:holder OR holder IS NULL OR expires_at <= :now)``): the database decides, so two processes
trying at the same moment never both succeed, on SQLite (one writer at a time) as on
PostgreSQL (the second UPDATE waits for the first's row lock, then finds its condition false).
The first time a name is used its row is inserted; a racing insert loses on the primary key.

The time is always passed in (the app's clock), never read here: every process of an
installation then judges expiry by the same clock as the rest of the app, and tests move it.
Each function commits its own transaction: call them between units of work.
"""

from __future__ import annotations

import datetime as dt
import os
import secrets
import socket
from typing import Any
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.lease.models import SchedulerLease
from signage_server.lease.rules import Lease
from signage_server.lease.rules import holder_id

#: The lease of the scheduler's rounds (:mod:`signage_server.scheduler`).
SCHEDULER = "scheduler"


def new_holder() -> str:
    """A holder id for this process: ``host:pid:random``."""
    return holder_id(socket.gethostname(), os.getpid(), secrets.token_hex(4))


def hold(
    session: Session, name: str, holder: str, now: dt.datetime, duration: dt.timedelta
) -> bool:
    """Take or renew the lease ``name`` for ``holder`` until ``now + duration``; commit.

    Return whether ``holder`` holds it now (``False``: another process does, and its lease
    has not expired).
    """
    if _take(session, name, holder, now, duration):
        session.commit()
        return True
    session.rollback()
    exists = get(session, name) is not None
    session.rollback()
    if exists:
        return False
    # The first use of this name: insert its row (another process may do so at the same time:
    # one insert wins, the other fails on the primary key and tries the UPDATE again).
    try:
        session.add(
            SchedulerLease(
                name=name,
                holder=holder,
                acquired_at=now,
                renewed_at=now,
                expires_at=now + duration,
            )
        )
        session.commit()
        return True
    except sa.exc.IntegrityError:
        session.rollback()
    won = _take(session, name, holder, now, duration)
    session.commit()
    return won


def _take(
    session: Session, name: str, holder: str, now: dt.datetime, duration: dt.timedelta
) -> bool:
    """The conditional UPDATE (uncommitted); return whether it changed the row."""
    table: Any = SchedulerLease.__table__
    columns: Any = table.c
    statement = (
        sa.update(table)
        .where(
            columns.name == name,
            sa.or_(
                columns.holder == holder,
                columns.holder.is_(None),
                columns.expires_at.is_(None),
                columns.expires_at <= now,
            ),
        )
        .values(
            holder=holder,
            # A renewal keeps the time it was first taken; a take-over starts afresh.
            acquired_at=sa.case(
                (
                    sa.and_(columns.holder == holder, columns.acquired_at.is_not(None)),
                    columns.acquired_at,
                ),
                else_=sa.bindparam("taken_at", now, type_=columns.acquired_at.type),
            ),
            renewed_at=now,
            expires_at=now + duration,
        )
    )
    result = cast(sa.CursorResult[Any], session.execute(statement))
    return result.rowcount == 1


def release(session: Session, name: str, holder: str, now: dt.datetime) -> bool:
    """Give the lease ``name`` up if ``holder`` holds it (a clean shutdown: another process
    takes it at its next round, without waiting for it to expire); commit. Return whether
    it was released."""
    table: Any = SchedulerLease.__table__
    columns: Any = table.c
    result = cast(
        sa.CursorResult[Any],
        session.execute(
            sa.update(table)
            .where(columns.name == name, columns.holder == holder)
            .values(holder=None, expires_at=now)
        ),
    )
    session.commit()
    return result.rowcount == 1


def get(session: Session, name: str) -> Lease | None:
    """The lease ``name`` as stored (``None``: never taken)."""
    row = session.get(SchedulerLease, name, populate_existing=True)
    if row is None:
        return None
    return Lease(row.name, row.holder, row.acquired_at, row.renewed_at, row.expires_at)
