"""``signage serve`` and ``signage scheduler``: run the server (gevent) and its scheduler.

Any number of schedulers may run on one installation; one of them, the lease's holder, does
the rounds (:mod:`signage_server.scheduler`). ``signage scheduler --status`` tells which.
Stopped by Ctrl+C or SIGTERM (systemd), a scheduler releases the lease on its way out.

:func:`serve` is also the last step of ``signage demo`` (:mod:`signage_server.cli.demo`).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import os
import signal
import threading
from typing import Any

import click
import gevent
from flask import Flask
from gevent.pywsgi import WSGIHandler
from gevent.pywsgi import WSGIServer

from signage_server import config
from signage_server import services
from signage_server.cli.base import Command
from signage_server.cli.base import app
from signage_server.config import Settings
from signage_server.extensions import db
from signage_server.lease import services as lease
from signage_server.logs import REQUEST_ID
from signage_server.logs import AccessLog
from signage_server.logs import request_id
from signage_server.paper.jobs.backends import start_worker
from signage_server.process import tune_gc
from signage_server.scheduler import Scheduler
from signage_server.scheduler import run_forever

#: Longest a stopping server waits for its scheduler to finish its round and release the
#: lease (a dossier being made takes a second or two).
RELEASE_WAIT = 5.0


@click.command("serve", cls=Command)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--no-scheduler", is_flag=True, help="Do not run the scheduler in this process.")
def serve_command(host: str, port: int, no_scheduler: bool) -> None:
    """Run the server with its scheduler (gevent; production: gunicorn, see deploy/)."""
    serve(host, port, scheduler=not no_scheduler)


@click.command("scheduler", cls=Command)
@click.option(
    "--status", is_flag=True, help="Say which process holds the scheduler's lease, and exit."
)
def scheduler_command(status: bool) -> None:
    """Run the scheduler alone: expiry on time (production: its own systemd unit).

    Any number may run: one at a time does the work (the holder of the lease)."""
    if status:
        click.echo(lease_status())
        return
    stop = threading.Event()
    # systemd stops the unit with SIGTERM: finish the round, release the lease, exit.
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo("Scheduler running (Ctrl+C to stop).")
    with contextlib.suppress(KeyboardInterrupt):
        run_forever(app(), stop)


def lease_status() -> str:
    """One line: who holds the scheduler's lease, and until when."""
    now = services.now()
    found = lease.get(db.session, lease.SCHEDULER)
    holder = found.current_holder(now) if found else None
    if found is None or holder is None or found.expires_at is None:
        last = f" (last: {found.holder})" if found and found.holder else ""
        return f"scheduler lease: free{last}: no scheduler is running, or one is taking over"
    left = (found.expires_at - now).total_seconds()
    since = found.acquired_at.isoformat() if found.acquired_at else "?"
    return (
        f"scheduler lease: held by {holder} since {since},"
        f" expires {found.expires_at.isoformat()} (in {left:.0f} s)"
    )


def serve(host: str, port: int, *, scheduler: bool = True) -> None:
    """Serve the app on ``host:port`` until Ctrl+C, with the scheduler unless told not to."""
    server_app = app()
    default_public_url(server_app, host, port)
    stop = threading.Event()
    rounds = None
    if scheduler:
        rounds = gevent.spawn(run_forever, server_app, stop, Scheduler(server_app))
        gevent.signal_handler(signal.SIGTERM, _terminate, stop, rounds)
    # Without Redis, print jobs run here, in a native thread (never on the event loop).
    start_worker(server_app)
    click.echo(f"Serving Sunshine Signage on http://{host}:{port}/  (Ctrl+C to stop)")
    tune_gc()
    server = WSGIServer(
        (host, port),
        server_app,
        log=AccessLog(),
        error_log=logging.getLogger("signage_server"),
        handler_class=AccessHandler,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        server.stop(timeout=5)
    finally:
        stop.set()
        if rounds is not None:
            rounds.join(timeout=RELEASE_WAIT)


def _terminate(stop: threading.Event, rounds: Any) -> None:
    """On SIGTERM: let the scheduler end its round and release the lease (so that another
    process takes over at once), then die of the signal as before."""
    stop.set()
    rounds.join(timeout=RELEASE_WAIT)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    os.kill(os.getpid(), signal.SIGTERM)


def default_public_url(app: Flask, host: str, port: int) -> None:
    """Without ``SIGNAGE_PUBLIC_URL``, point QR codes and player addresses at this server."""
    if config.is_set("public_url"):
        return
    if host in ("0.0.0.0", "::", ""):  # noqa: S104 - a comparison, not a binding
        host = "127.0.0.1"
    settings = services.get(Settings, app)
    services.register(
        app, Settings, dataclasses.replace(settings, public_url=f"http://{host}:{port}")
    )


class AccessHandler(WSGIHandler):  # type: ignore[misc]
    """gevent's request handler: gives each request its id, and logs it with its fields
    through :meth:`signage_server.logs.AccessLog.request`."""

    def get_environ(self) -> dict[str, Any]:
        environ: dict[str, Any] = super().get_environ()
        request_id(environ)
        return environ

    def log_request(self) -> None:
        log = self.server.log
        if not isinstance(log, AccessLog):
            super().log_request()
            return
        environ = self.environ or {}
        status = (self._orig_status or self.status or "000").split()[0]
        address = self.client_address
        log.request(
            self.format_request(),
            {
                "request_id": environ.get(REQUEST_ID),
                "method": self.command,
                "path": self.path,
                "status": int(status) if status.isdigit() else None,
                "duration_s": (
                    round(self.time_finish - self.time_start, 6) if self.time_finish else None
                ),
                "bytes": self.response_length,
                "remote_addr": address[0] if isinstance(address, tuple) else address,
            },
        )
