"""What ``/healthz`` asks: does the database answer, and Redis when it is configured."""

from __future__ import annotations

import redis
import sqlalchemy as sa
from sqlalchemy.orm import Session


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
