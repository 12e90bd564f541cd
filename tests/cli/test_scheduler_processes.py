"""Two real ``signage serve`` processes on one PostgreSQL database: exactly one of their
schedulers works at a time; when that process is killed the other takes over; a server
stopped by SIGTERM releases the lease.

Both servers read the test's clock file (``SIGNAGE_TEST_CLOCK``): the test moves time past
an item's end and past the lease's expiry in single steps, and polls (generously) for what
the servers do; it never waits for the wall clock to reach a moment.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any
from typing import TypeVar

import pytest
import sqlalchemy as sa

from signage_server.audit.models import AuditRecord
from signage_server.clock import FileClock
from signage_server.extensions import db
from signage_server.lease import services as lease
from tests.conftest import fresh_postgres_database
from tests.factories import Factory
from tests.servers import Installation
from tests.servers import Server
from tests.servers import installed
from tests.servers import running

T = TypeVar("T")
#: Generous: two servers share this machine's two cores with the test.
PATIENCE = 60.0


def poll(what: Callable[[], T | None], message: str) -> T:
    deadline = time.monotonic() + PATIENCE
    while time.monotonic() < deadline:
        found = what()
        if found is not None:
            return found
        time.sleep(0.1)
    raise AssertionError(message)


def scheduler(server: Server) -> dict[str, Any]:
    with urllib.request.urlopen(server.base + "/healthz", timeout=10) as response:
        found: dict[str, Any] = json.loads(response.read())["scheduler"]
        return found


def expiries(installation: Installation, item_id: int) -> int:
    """How many ``expire`` records the audit chain holds for the item."""
    with installation.app.app_context():
        count = db.session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditRecord)
            .where(AuditRecord.item_id == item_id, AuditRecord.action == "expire")
        )
        db.session.rollback()
        return int(count or 0)


def renewed_after(lease: dict[str, Any], moment: dt.datetime) -> bool:
    """Whether the lease was renewed after ``moment`` (it then expires 30 s after it)."""
    expires = lease["expires_at"]
    return expires is not None and dt.datetime.fromisoformat(expires) > moment + dt.timedelta(
        seconds=30
    )


@pytest.mark.slow
@pytest.mark.postgres
def test_two_servers_one_scheduler_and_a_take_over(tmp_path: Path) -> None:
    clock = FileClock(tmp_path / "clock")
    clock.set(dt.datetime.now(dt.UTC).replace(microsecond=0))
    with fresh_postgres_database() as url:
        env = {k: v for k, v in os.environ.items() if not k.startswith("SIGNAGE_")} | {
            "SIGNAGE_DATA_DIR": str(tmp_path / "data"),
            "SIGNAGE_DATABASE_URL": url,
            "SIGNAGE_TEST_CLOCK": str(clock.path),
            "SIGNAGE_SCHEDULER_LEASE_SECONDS": "30",
            "SIGNAGE_ARGON2_TIME_COST": "1",
            "SIGNAGE_ARGON2_MEMORY_COST": "1024",
            "SIGNAGE_ARGON2_PARALLELISM": "1",
        }
        with installed(env) as installation:
            installation.cli("init-db")
            make = Factory(installation.app)
            # The clock moves by less than the lease each time (a longer leap would let the
            # lease lapse and the other server take over).
            first_end = clock.now() + dt.timedelta(hours=1)
            second_end = first_end + dt.timedelta(seconds=40)
            first = make.item(state="published", valid_until=first_end.isoformat())["id"]
            second = make.item(state="published", valid_until=second_end.isoformat())["id"]
            clock.set(first_end - dt.timedelta(seconds=5))
            with running(env) as one, running(env) as two:
                servers = {one.process.pid: one, two.process.pid: two}
                holder = poll(lambda: scheduler(one)["holder"], "no scheduler took the lease")
                assert scheduler(two)["holder"] == holder
                pid = int(holder.split(":")[1])
                assert pid in servers, (holder, list(servers))
                (other,) = (s for p, s in servers.items() if p != pid)

                # The first item's end: expired once, by whichever holds the lease.
                clock.set(first_end)
                poll(
                    lambda: expiries(installation, first) or None,
                    "the first item was not expired",
                )
                # The other server's scheduler has been waiting all along.
                assert "scheduler lease taken" not in other.output
                assert f"waits: {holder} holds the lease" in other.output
                # The holder dies without releasing the lease; the other keeps waiting ...
                servers[pid].process.send_signal(signal.SIGKILL)
                servers[pid].process.wait(timeout=10)
                assert scheduler(other)["holder"] == holder
                # ... until the lease has expired (the clock moves past it in one step).
                clock.advance(seconds=31)
                taken = poll(
                    lambda: h if (h := scheduler(other)["holder"]) not in (None, holder) else None,
                    f"the other server did not take over:\n{other.output[-3000:]}",
                )
                assert int(taken.split(":")[1]) == other.process.pid
                assert f"scheduler lease taken by {taken}" in other.output

                clock.set(second_end)
                poll(
                    lambda: expiries(installation, second) or None,
                    f"the second item was not expired:\n{other.output[-3000:]}",
                )
                # A few more rounds of the survivor: nothing is expired twice.
                clock.advance(seconds=1)
                poll(
                    lambda: renewed_after(scheduler(other), second_end) or None,
                    "the survivor did not renew the lease",
                )
                assert expiries(installation, first) == 1
                assert expiries(installation, second) == 1
            # Stopped by SIGTERM (as systemd stops it), the survivor released the lease.
            with installation.app.app_context():
                left = lease.get(db.session, lease.SCHEDULER)
                db.session.rollback()
            assert left is not None and left.holder is None, left
            assert f"scheduler lease released by {taken}" in other.output
