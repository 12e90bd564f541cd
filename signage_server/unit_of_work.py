"""The unit of work of a use case: where the use-case services get their session, and commit.

Services that are given a session use :func:`signage_server.db.transaction` directly.

The layers (README "Architecture"): pure rules take plain values; domain services take a
``Session`` and flush (the CLI, the scheduler, the demo and the tests drive them in one
transaction); use-case services (``disclosure.use_cases``, ``catalog.use_cases``, ...), one
function per action, run in the app context's session through :func:`committed`, so that
views and API handlers never touch the database: they parse input, call one use case and
render.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.orm import Session

from signage_server.db import transaction
from signage_server.extensions import db


def session() -> Session:
    """Return the session of the current app context (a request, a job, a CLI command)."""
    return db.session


@contextmanager
def committed() -> Iterator[Session]:
    """Yield the app context's session; commit when the block succeeds, roll back when it
    raises (the error goes on to the edge, which translates it once): :func:`db.transaction
    <signage_server.db.transaction>` on the app context's session."""
    with transaction(db.session) as current:
        yield current
