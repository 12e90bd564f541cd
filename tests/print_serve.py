"""``signage`` with the tests' print kind registered (``python -m tests.print_serve serve …``):
the real server, on gevent, running a real batch in its in-process worker.

With ``PRINT_JOBS_ON_THE_LOOP=1`` the worker runs in a greenlet instead of a native thread:
only to measure what that would do to the server (scripts/bench_print_jobs.py)."""

from __future__ import annotations

import os
import sys

if len(sys.argv) > 1 and sys.argv[1] in ("serve", "demo"):
    from gevent import monkey

    monkey.patch_all()

from signage_server.cli import main
from tests import print_kind

if os.environ.get("PRINT_JOBS_ON_THE_LOOP") == "1":
    import gevent

    from signage_server.paper.jobs import backends

    backends._native_start = lambda: gevent.spawn  # type: ignore[assignment]
    backends._native_sleep = lambda: gevent.sleep  # type: ignore[assignment]

print_kind.register()
main()
