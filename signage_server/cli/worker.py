"""``signage worker``: run print jobs in the background (RQ, or the database queue)."""

from __future__ import annotations

import contextlib

import click

from signage_server.cli.base import Command
from signage_server.cli.base import app
from signage_server.paper.jobs import backends


@click.command("worker", cls=Command)
@click.option("--burst", is_flag=True, help="Run the print jobs waiting now, then exit.")
@click.option(
    "--max-jobs",
    type=click.IntRange(1),
    help="Exit after this many jobs (systemd starts it again, with fresh memory).",
)
def worker_command(burst: bool, max_jobs: int | None) -> None:
    """Run print jobs in the background: the RQ queue with SIGNAGE_REDIS_URL (production: its
    own systemd unit), else the jobs queued in the database."""
    worker_app = app()
    where = backends.describe(worker_app)
    if where["backend"] == "rq":
        click.echo(f"Print worker on the RQ queue {where['queue']} (Ctrl+C to stop).")
        with contextlib.suppress(KeyboardInterrupt):
            backends.run_rq_worker(worker_app, burst=burst, max_jobs=max_jobs)
        return
    if burst:
        backends.recover(worker_app)
        ran = backends.drain(worker_app)
        click.echo(f"Print jobs run: {len(ran)}.")
        return
    click.echo("Print worker on the jobs queued in the database (Ctrl+C to stop).")
    worker = backends.InProcessWorker(worker_app)
    with contextlib.suppress(KeyboardInterrupt):
        worker.run(max_jobs=max_jobs)
