"""How a use-case service carries out its change: in the request's session, committed at the
end, or rolled back when the service raises (the edge then renders the error).

Use-case services (``<domain>/services``) open the unit of work with :func:`committing`;
edges never touch the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from signage_server.extensions import db


def session() -> Session:
    """Return the session of the current app context (a request, a command, a job)."""
    return db.session


@contextmanager
def committing() -> Iterator[Session]:
    """Yield the current session; commit when the block ends, roll back if it raises."""
    current = db.session
    try:
        yield current
    except BaseException:
        current.rollback()
        raise
    current.commit()
