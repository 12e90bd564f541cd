"""``signage print …``: posters, boards and archive dossiers from the command line.

One document (``poster``, ``board``, ``archive --item``) is made here and written to a file;
a batch (``boards``, ``archive --org --year``, the hidden ``job``) is a print job, run here
with a progress display or queued for the worker (``--background``); ``jobs``, ``watch`` and
``cancel`` follow and stop them.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from typing import Any

import click

from signage_server import services as registry
from signage_server.assets import STORE
from signage_server.cli.base import Group
from signage_server.cli.base import app
from signage_server.cli.base import fail
from signage_server.cli.lookup import org_with_code
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.services import get_item
from signage_server.extensions import db
from signage_server.orgs.services import require_by_code
from signage_server.paper import ARCHIVE
from signage_server.paper.archive import dossier_pdf
from signage_server.paper.archive import make_dossier
from signage_server.paper.jobs import services as jobs
from signage_server.paper.jobs.backends import describe
from signage_server.paper.jobs.backends import run_job
from signage_server.paper.jobs.kinds import get_kind
from signage_server.paper.jobs.kinds import registered_kinds
from signage_server.paper.jobs.presenters import local_now
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.posters import board
from signage_server.paper.posters import poster
from signage_server.paper.render import page_count
from signage_server.paper.render import render_pdf


@click.group("print", cls=Group)
def print_group() -> None:
    """Print posters, boards and archive dossiers (PDF)."""


# --- posters and boards --------------------------------------------------------------


def _write(pdf: bytes, output: Path | None, filename: str) -> None:
    path = output or Path.cwd() / filename
    path.write_bytes(pdf)
    pages = page_count(pdf)
    click.echo(f"{path}  ({pages} page{'s' if pages != 1 else ''}, {len(pdf) / 1024:.0f} KiB)")


_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: a name made of the organisation and the title, here).",
)


@print_group.command("poster")
@click.argument("item_id", type=int)
@click.option("--size", type=click.Choice(["A4", "A3"]), default="A4", show_default=True)
@click.option(
    "--orientation",
    type=click.Choice(["portrait", "landscape", "auto"]),
    default="auto",
    show_default=True,
    help="auto: landscape for a table too wide for portrait.",
)
@click.option(
    "--revision",
    type=click.IntRange(1, None),
    help="Revision to print (default: the one disclosed now, else the newest, as a proof).",
)
@_OUTPUT
def print_poster(
    item_id: int, size: str, orientation: str, revision: int | None, output: Path | None
) -> None:
    """Print the poster of item ITEM_ID (PDF): the disclosure with the QR code of its form,
    or a watermarked proof without one when the revision is not current."""
    document = poster(
        db.session,
        get_item(db.session, item_id),
        size=size,
        orientation=orientation,
        now=registry.now(),
        revision=revision,
    )
    _write(render_pdf(document.html, registry.get(STORE)), output, document.filename)


@print_group.command("board")
@click.argument("org_code")
@click.option(
    "--audience",
    type=click.Choice(["public", "party", "unit"]),
    default="public",
    show_default=True,
    help="public: the village square; party: the party activity room; unit: the office.",
)
@_OUTPUT
def print_board(org_code: str, audience: str, output: Path | None) -> None:
    """Print the board (公开栏) of organisation ORG_CODE (PDF): a cover, the contents, then
    every item a screen of that audience there shows now, in the catalog's order."""
    org = require_by_code(db.session, org_code)
    document = board(db.session, org, audience=Audience(audience), now=registry.now())
    click.echo(f"{len(document.sheets)} items on the board.")
    _write(render_pdf(document.html, registry.get(STORE)), output, document.filename)


# --- archive dossiers ----------------------------------------------------------------


def _archive_item(item_id: int, output: str | None, store: bool) -> None:
    """Print an item's archive dossier (归档卷宗): interim, or with ``store`` the archived one."""
    item = get_item(db.session, item_id)
    now = registry.now()
    if store:
        dossier = make_dossier(db.session, item, now=now, actor="cli", role="system")
        db.session.commit()
        data = registry.get(ARCHIVE).get(dossier.sha256) or b""
    else:
        data = dossier_pdf(db.session, item, now=now)
    if output or not store:
        target = Path(output or f"dossier-{item_id}.pdf")
        target.write_bytes(data)
        click.echo(f"Wrote {target} ({len(data)} bytes).")
    if store:
        click.echo(
            f"Dossier {dossier.id} of item {item_id} stored and sealed: {dossier.pages} pages,"
            f" {dossier.size} bytes, sha256 {dossier.sha256}, audit record {dossier.audit_seq}."
        )
    else:
        click.echo("Interim dossier: not stored, not sealed (use --store to archive it).")


# --- batches (print jobs) --------------------------------------------------------------


#: Seconds between two looks at a job that another process runs (``watch``).
WATCH_SECONDS = 1.0


def _wait(seconds: float) -> None:
    """Wait between two looks at a job (tests replace it to drive the job instead)."""
    time.sleep(seconds)


class _Progress:
    """Shows a job's progress: a bar on a terminal; otherwise (a log, a pipe) one line per
    document made."""

    def __init__(self, tty: bool | None = None) -> None:
        self.tty = sys.stdout.isatty() if tty is None else tty
        self.bar: Any = None
        self.shown_done = 0
        self.shown_failures = 0
        self.label = ""

    def update(self, job: Any) -> None:
        if job.total and self.tty:
            if self.bar is None:
                self.bar = click.progressbar(
                    length=job.total,
                    label=f"#{job.id}",
                    show_pos=True,
                    show_percent=True,
                    item_show_func=lambda label: label,
                )
                self.bar.render_progress()
            self.bar.update(job.done - self.shown_done, job.message)
        elif job.total:
            failures = job.failures or []
            for done in range(self.shown_done + 1, job.done + 1):
                failed = done == job.done and len(failures) > self.shown_failures
                mark = "FAILED " + failures[-1]["reason"] if failed else "ok"
                label = job.message if done == job.done else ""
                share = 100 * done // job.total
                click.echo(f"[{done:>3}/{job.total}] {share:>3}%  {label}  {mark}")
        self.shown_done = job.done
        self.shown_failures = len(job.failures or [])

    def close(self) -> None:
        if self.bar is not None:
            self.bar.render_finish()
            self.bar = None


def _report(job: Any, output: str | None) -> None:
    """Say how the job ended and where its files are; copy the download to ``output``."""
    for failure in job.failures or []:
        label = f"{failure['label']}: " if failure.get("label") else ""
        click.echo(f"  failed: {label}{failure['reason']}", err=True)
    if job.state is not JobState.DONE:
        detail = f": {job.message}" if job.message else ""
        click.echo(f"Print job #{job.id} {job.state.value} after {job.done} of {job.total}{detail}")
        raise SystemExit(1)
    made = len(job.results or [])
    click.echo(f"Print job #{job.id} done: {made} of {job.total} made.")
    if not job.download:
        return
    store = registry.get(ARCHIVE)
    path = store.path(job.download["sha256"])
    click.echo(f"Download: {job.download['name']} ({job.download['size']} bytes), kept at {path}")
    if output:
        target = Path(output)
        if target.is_dir():
            target = target / job.download["name"]
        data = store.get(job.download["sha256"])
        if data is None:
            fail(f"{job.download['name']} is missing from the archive")
        target.write_bytes(data)
        click.echo(f"Written to {target}")


def _run_here(job_id: int, output: str | None) -> None:
    """Run job ``job_id`` in this process with a progress display; Ctrl-C asks it to stop after
    the current document, a second Ctrl-C stops it at once. When another runner has it
    already, follow it instead."""
    asked = {"stop": False}

    def on_sigint(signum: int, frame: Any) -> None:
        if asked["stop"]:
            raise KeyboardInterrupt
        asked["stop"] = True
        click.echo("\nCancelling after the current document (Ctrl-C again to stop now)…", err=True)

    try:
        previous = signal.signal(signal.SIGINT, on_sigint)
    except ValueError:  # not the main thread
        previous = None
    progress = _Progress()
    try:
        state = run_job(
            app(),
            job_id,
            on_progress=progress.update,
            stop=lambda: asked["stop"],
            interrupted=JobState.CANCELLED,
        )
    except KeyboardInterrupt:
        progress.close()
        click.echo(f"Print job #{job_id} stopped.", err=True)
        raise SystemExit(130) from None
    finally:
        progress.close()
        if previous is not None:
            signal.signal(signal.SIGINT, previous)
    if state is None:
        click.echo(f"Print job #{job_id} is run by another process: following it.")
        _watch(job_id, output)
        return
    _report(jobs.fresh_job(db.session, job_id), output)


def _watch(job_id: int, output: str | None) -> None:
    progress = _Progress()
    try:
        while True:
            job = jobs.fresh_job(db.session, job_id)  # what the runner committed since
            if job is None:
                fail(f"no print job #{job_id}")
            progress.update(job)
            if job.finished:
                break
            _wait(WATCH_SECONDS)
    except KeyboardInterrupt:
        progress.close()
        click.echo(
            f"\nStopped following; print job #{job_id} goes on"
            f" (cancel it with: signage print cancel {job_id}).",
            err=True,
        )
        raise SystemExit(130) from None
    progress.close()
    _report(job, output)


def _submit(kind: str, org_code: str, params: dict[str, Any], background: bool) -> int:
    if get_kind(kind) is None:
        known = ", ".join(k.name for k in registered_kinds()) or "none"
        fail(
            f"print jobs of kind '{kind}' are not available in this installation"
            f" (kinds registered: {known})"
        )
    org = org_with_code(org_code)
    job = jobs.submit(
        db.session, kind, params, org=org, user=None, now=local_now(), dispatch=background
    )
    db.session.commit()
    return job.id


def _start(
    kind: str, org_code: str, params: dict[str, Any], background: bool, output: str | None
) -> None:
    job_id = _submit(kind, org_code, params, background)
    if background:
        where = describe(app())
        runner = (
            f"the RQ queue {where['queue']} (signage worker runs it)"
            if where["backend"] == "rq"
            else "the server's print worker"
        )
        click.echo(f"Print job #{job_id} queued for {runner}.", err=True)
        click.echo(str(job_id))
        return
    click.echo(f"Print job #{job_id}: {kind} for {org_code}")
    _run_here(job_id, output)


_BACKGROUND = click.option(
    "--background", is_flag=True, help="Only queue the job and print its id (the worker runs it)."
)
_JOB_OUTPUT = click.option(
    "-o", "--output", type=click.Path(dir_okay=True), help="Write the result (ZIP or PDF) here."
)


@print_group.command("boards")
@click.option("--org", "org_code", required=True, help="Every organisation of this subtree.")
@click.option("--audience", default="public", show_default=True, help="public, party or unit.")
@_BACKGROUND
@_JOB_OUTPUT
def print_boards(org_code: str, audience: str, background: bool, output: str | None) -> None:
    """Print the boards (公开栏) of every organisation of a subtree, as a print job."""
    _start("boards", org_code, {"audience": audience}, background, output)


@print_group.command("archive")
@click.option("--item", "item_id", type=int, help="One item's dossier (by the item's id).")
@click.option(
    "--org",
    "org_code",
    help="With --year: the dossiers of every item of this organisation's subtree whose"
    " publication ended that year, made as a print job.",
)
@click.option("--year", type=click.IntRange(2000, 2100))
@click.option(
    "--store",
    is_flag=True,
    help="With --item: make the archived dossier, stored and sealed in the audit chain (else an"
    " interim dossier is printed, stored nowhere). A year's dossiers are always stored.",
)
@_BACKGROUND
@_JOB_OUTPUT
def print_archive(
    item_id: int | None,
    org_code: str | None,
    year: int | None,
    store: bool,
    background: bool,
    output: str | None,
) -> None:
    """Print archive dossiers (归档卷宗): one item's (--item), or a year's (--org, --year)."""
    if item_id is not None:
        if org_code or year is not None or background:
            raise click.UsageError("give either --item, or --org with --year")
        _archive_item(item_id, output, store)
        return
    if not org_code or year is None:
        raise click.UsageError("give --item ID, or --org CODE with --year YEAR")
    _start("dossiers", org_code, {"year": year}, background, output)


@print_group.command("job", hidden=True)
@click.argument("kind")
@click.option("--org", "org_code", required=True)
@click.option("-p", "--param", "params", multiple=True, help="NAME=VALUE (repeatable).")
@_BACKGROUND
@_JOB_OUTPUT
def print_job(
    kind: str, org_code: str, params: tuple[str, ...], background: bool, output: str | None
) -> None:
    """Start a print job of any registered KIND."""
    values: dict[str, Any] = {}
    for item in params:
        name, sep, value = item.partition("=")
        if not sep:
            raise click.BadParameter(f"{item!r} is not NAME=VALUE", param_hint="--param")
        values[name.strip()] = value
    _start(kind, org_code, values, background, output)


@print_group.command("jobs")
@click.option("--limit", default=20, show_default=True, type=click.IntRange(1, 1000))
def print_jobs(limit: int) -> None:
    """List the recent print jobs, newest first."""
    tz = local_tz()
    for job in jobs.recent_jobs(db.session, limit):
        org = job.org.code if job.org else "-"
        who = job.created_by.username if job.created_by else "cli"
        click.echo(
            f"#{job.id:<5} {job.state.value:<9} {job.done:>4}/{job.total:<4} {job.percent:>3}%"
            f"  {job.kind:<10} {org:<10} {job.created_at.astimezone(tz):%Y-%m-%d %H:%M}  {who}"
        )


@print_group.command("watch")
@click.argument("job_id", type=int)
@_JOB_OUTPUT
def print_watch(job_id: int, output: str | None) -> None:
    """Follow print job JOB_ID to its end (run by the server, the worker or a command)."""
    _watch(job_id, output)


@print_group.command("cancel")
@click.argument("job_id", type=int)
def print_cancel(job_id: int) -> None:
    """Cancel print job JOB_ID: at once if it has not started, else after its current
    document."""
    job = jobs.get_job(db.session, job_id)
    if job is None:
        fail(f"no print job #{job_id}")
    if job.finished:
        fail(f"print job #{job_id} has ended already ({job.state.value})")
    state = jobs.cancel(db.session, job, registry.now())
    db.session.commit()
    if state is JobState.CANCELLED:
        click.echo(f"Print job #{job_id} cancelled.")
    else:
        click.echo(f"Print job #{job_id} stops after the document it is making now.")
