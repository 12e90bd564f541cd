"""What ``/healthz`` asks: does the database answer, and Redis when it is configured; and
which process holds the scheduler's lease (for operators: no secret in it)."""

from __future__ import annotations

import datetime as dt

import redis
import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.lease import services as lease


def checks(session: Session, redis_url: str | None) -> dict[str, str]:
    """Return ``{"database": "ok" | "error"}``, with ``"redis"`` when ``redis_url`` is set."""
    found: dict[str, str] = {}
    try:
        session.execute(sa.text("SELECT 1"))
        found["database"] = "ok"
    except sa.exc.SQLAlchemyError:
        found["database"] = "error"
    if redis_url:
        try:
            redis.Redis.from_url(redis_url, socket_timeout=2).ping()
            found["redis"] = "ok"
        except redis.RedisError:
            found["redis"] = "error"
    return found


def scheduler(session: Session, now: dt.datetime) -> dict[str, str | None]:
    """Return ``{"holder": …, "expires_at": …}`` of the scheduler's lease at ``now`` (both
    ``None`` when no scheduler holds it; ``{"error": …}`` when it cannot be read). Not a
    check: a server run without a scheduler is healthy."""
    try:
        found = lease.get(session, lease.SCHEDULER)
    except sa.exc.SQLAlchemyError:
        session.rollback()
        return {"holder": None, "expires_at": None, "error": "unreadable"}
    holder = found.current_holder(now) if found else None
    if found is None or holder is None or found.expires_at is None:
        return {"holder": None, "expires_at": None}
    return {"holder": holder, "expires_at": found.expires_at.isoformat()}
