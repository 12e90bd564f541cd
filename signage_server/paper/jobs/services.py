"""Use cases of print jobs: submit, cancel, run (step by step, committing each), recover after
a crash, and the queries of who sees which job. The rules they apply are in :mod:`.rules`.

The pages and the API call :func:`start_job` and :func:`cancel_job` (the caller's permission,
the change, the commit) and the queries :func:`visible_jobs`, :func:`jobs_page`,
:func:`get_visible`, :func:`finished_download` and :func:`made_file`; the command line and the
workers use the building blocks (:func:`submit`, :func:`cancel`, :func:`execute` ...).
"""

from __future__ import annotations

import datetime as dt
import io
import logging
import os
import socket
import zipfile
from collections.abc import Callable
from collections.abc import Iterator
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from content.assets import AssetStore
from signage_server import listing
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.db import transaction
from signage_server.db import utcnow
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import DomainError
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.paper.jobs import rules
from signage_server.paper.jobs.kinds import Kind
from signage_server.paper.jobs.kinds import Output
from signage_server.paper.jobs.kinds import get_kind
from signage_server.paper.jobs.kinds import registered_kinds
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.jobs.rules import Runner
from signage_server.paper.models import PrintJob

logger = logging.getLogger(__name__)

#: Where a transaction keeps the ids of the jobs to hand to the backend once it commits.
DISPATCH_KEY = "signage_print_jobs_dispatch"
ZIP_MIME = "application/zip"


# --- the process ----------------------------------------------------------------------------


def _boot_id() -> str:
    try:
        return Path("/proc/sys/kernel/random/boot_id").read_text().strip()[:36]
    except OSError:
        return ""


def this_runner() -> Runner:
    """Return who this process is, as recorded on the jobs it runs."""
    return Runner(socket.gethostname().replace("|", "_")[:60], _boot_id(), os.getpid())


def process_alive(pid: int) -> bool:
    """Tell whether process ``pid`` of this host is alive."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # it exists, under another user
    return True


# --- dispatching after commit -----------------------------------------------------------------


def mark_for_dispatch(session: Session, job_id: int) -> None:
    """Hand job ``job_id`` to the backend once ``session``'s transaction commits."""
    session.info.setdefault(DISPATCH_KEY, []).append(job_id)


def take_dispatch(session: Session) -> list[int]:
    """Remove and return the jobs to hand to the backend (after a commit)."""
    found = session.info.pop(DISPATCH_KEY, None)
    return list(found) if isinstance(found, list) else []


def discard_dispatch(session: Session) -> None:
    """Forget them (the transaction rolled back)."""
    session.info.pop(DISPATCH_KEY, None)


# --- submitting and cancelling ----------------------------------------------------------------


def require_kind(name: str) -> Kind:
    """Return the registered kind ``name``.

    :raise BadRequest: no such kind in this installation (the message lists the kinds).
    """
    kind = get_kind(name)
    if kind is None:
        known = ", ".join(k.name for k in registered_kinds()) or "-"
        raise BadRequest(
            N_("There is no print job of kind “%(kind)s” here (kinds: %(known)s)."),
            code="unknown_kind",
            kind=name,
            known=known,
        )
    return kind


def open_job(session: Session, key: str) -> PrintJob | None:
    """Return the queued or running job with ``key``, if any."""
    return session.scalar(
        sa.select(PrintJob).where(PrintJob.key == key, PrintJob.state.in_(rules.OPEN))
    )


def submit(
    session: Session,
    kind: str,
    params: Mapping[str, Any],
    *,
    org: Org,
    user: User | None,
    now: dt.datetime | None = None,
    key: str | None = None,
    dispatch: bool = True,
) -> PrintJob:
    """Queue a job of ``kind`` for ``org`` (the caller checked the kind's permission there).

    When an open job has the same key (``key``, or for an exclusive kind the kind, org and
    parameters), that job is returned instead of a new one. The new job is handed to the
    backend once the transaction commits (unless ``dispatch`` is false: the caller runs it).

    :raise BadRequest: unknown kind or bad parameters.
    """
    found = require_kind(kind)
    now = now or utcnow()
    clean = rules.clean_params(found.params, params, now)
    key = key or (rules.default_key(found.name, org.id, clean) if found.exclusive else None)
    if key is not None:
        existing = open_job(session, key)
        if existing is not None:
            return existing
    job = PrintJob(
        kind=found.name,
        params=clean,
        key=key,
        state=JobState.QUEUED,
        org_id=org.id,
        created_by_id=user.id if user is not None else None,
        total=0,
        done=0,
        message="",
        results=[],
        failures=[],
        cancel_requested=False,
        attempts=0,
        created_at=now,
    )
    try:
        with session.begin_nested():
            session.add(job)
            session.flush()
    except sa.exc.IntegrityError:
        # Another request made the same job meanwhile (the open-key index).
        existing = open_job(session, key) if key is not None else None
        if existing is None:
            raise
        return existing
    if dispatch:
        mark_for_dispatch(session, job.id)
    return job


def cancel(session: Session, job: PrintJob, now: dt.datetime) -> JobState:
    """Cancel ``job``: at once when it has not started, else before its next step (the
    runner sees the request). Return the state it is left in.

    :raise Conflict: it has ended already.
    """
    decision = rules.cancel_decision(job.state)
    if decision is rules.Cancel.NOW:
        done = session.execute(
            sa.update(PrintJob)
            .where(PrintJob.id == job.id, PrintJob.state == JobState.QUEUED)
            .values(state=JobState.CANCELLED, cancel_requested=True, finished_at=now)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(done) == 1:
            session.refresh(job)
            return job.state
        session.refresh(job)  # a runner claimed it meanwhile
        decision = rules.cancel_decision(job.state)
    if decision is rules.Cancel.REQUEST:
        session.execute(
            sa.update(PrintJob)
            .where(PrintJob.id == job.id, PrintJob.state == JobState.RUNNING)
            .values(cancel_requested=True)
            .execution_options(synchronize_session=False)
        )
        session.refresh(job)
        return job.state
    raise Conflict(N_("This print job has ended already."), code="job_finished")


def _rowcount(result: Any) -> int:
    return int(getattr(result, "rowcount", 0) or 0)


# --- running ------------------------------------------------------------------------------------


def claim(session: Session, job_id: int, runner: Runner, now: dt.datetime) -> PrintJob | None:
    """Make ``runner`` the one running job ``job_id``, if it is queued (one conditional UPDATE:
    of two runners, one wins). Commits. Return the job, or ``None`` when it was not queued."""
    result = session.execute(
        sa.update(PrintJob)
        .where(PrintJob.id == job_id, PrintJob.state == JobState.QUEUED)
        .values(
            state=JobState.RUNNING,
            runner=str(runner),
            started_at=now,
            finished_at=None,
            attempts=PrintJob.attempts + 1,
            done=0,
            total=0,
            message="",
            results=[],
            failures=[],
            download=None,
        )
        .execution_options(synchronize_session=False)
    )
    session.commit()
    if _rowcount(result) != 1:
        return None
    return session.get(PrintJob, job_id, populate_existing=True)


def _reason(error: BaseException) -> tuple[str, dict[str, str]]:
    """Return why a step failed: a message id and its parameters (translated where shown)."""
    if isinstance(error, DomainError):
        return error.message, {k: str(v) for k, v in error.params.items()}
    text = str(error).strip().splitlines()[0] if str(error).strip() else ""
    return (f"{type(error).__name__}: {text}" if text else type(error).__name__)[:500], {}


def _english(reason: str, params: Mapping[str, str]) -> str:
    try:
        return reason % params if params else reason
    except (KeyError, TypeError, ValueError):
        return reason


def cancel_requested(session: Session, job_id: int) -> bool:
    """Read the job's cancel request afresh (another process may have set it)."""
    return bool(session.scalar(sa.select(PrintJob.cancel_requested).where(PrintJob.id == job_id)))


def _end(
    session: Session, job: PrintJob, state: JobState, now: dt.datetime, message: str = ""
) -> None:
    job.state = state
    job.finished_at = now
    if message or state is not JobState.RUNNING:
        job.message = message
    session.commit()


def execute(
    session: Session,
    job_id: int,
    *,
    store: AssetStore,
    clock: Callable[[], dt.datetime],
    runner: Runner,
    tz: dt.tzinfo = dt.UTC,
    stop: Callable[[], bool] | None = None,
    interrupted: JobState = JobState.QUEUED,
) -> Iterator[PrintJob]:
    """Run job ``job_id`` if it is queued, yielding the job after each committed change
    (claimed, planned, each step, the end), so that a caller shows progress or drives it
    step by step. Nothing is yielded when another runner has it.

    :param stop: asked between steps besides the job's own cancel request (Ctrl-C in the
        command line): when true, the job ends cancelled.
    :param interrupted: what the job becomes when the run is cut by an exception that is
        not a step's failure (``KeyboardInterrupt``, ``SystemExit``, the generator closed):
        queued again (a worker shutting down) or cancelled (a user's second Ctrl-C).
    """
    job = claim(session, job_id, runner, clock())
    if job is None:
        return
    ended = False  # once true, the job's end is committed: nothing left to interrupt
    try:
        yield job
        kind = get_kind(job.kind)
        try:
            if kind is None:
                raise BadRequest(
                    N_("There is no print job of kind “%(kind)s” here."),
                    code="unknown_kind",
                    kind=job.kind,
                )
            steps = list(kind.plan(session, job))
        except Exception as error:
            session.rollback()
            reason, params = _reason(error)
            logger.warning("print job %s could not be planned: %s", job.id, reason)
            job.failures = [{"label": "", "reason": reason, "params": params}]
            _end(session, job, JobState.FAILED, clock(), _english(reason, params))
            ended = True
            yield job
            return
        job.total = len(steps)
        session.commit()
        yield job
        for index, step in enumerate(steps):
            if rules.should_stop(cancel_requested(session, job.id), bool(stop and stop())):
                _end(session, job, JobState.CANCELLED, clock(), step.label[:500])
                ended = True
                yield job
                return
            job.message = step.label[:500]
            session.commit()
            try:
                output = step.run(session)
                entry = _keep(store, output, step.label, job.results) if output else None
            except Exception as error:
                session.rollback()
                reason, params = _reason(error)
                logger.warning("print job %s, step %r failed: %s", job.id, step.label, reason)
                job.failures = [
                    *job.failures,
                    {"label": step.label, "reason": reason, "params": params},
                ]
            else:
                if entry is not None:
                    job.results = [*job.results, entry]
            job.done = index + 1
            session.commit()
            yield job
        _finish(session, job, kind, store, clock(), tz)
        ended = True
        yield job
    except BaseException as error:  # Ctrl-C, a worker's shutdown, the generator closed …
        if not ended:
            _interrupt(session, job.id, interrupted, clock(), error)
        raise


def _keep(
    store: AssetStore, output: Output, label: str, results: list[dict[str, Any]]
) -> dict[str, Any]:
    sha256 = store.put(output.data)
    return {
        "label": label[:200],
        "name": rules.unique_name(output.name, (r["name"] for r in results)),
        "sha256": sha256,
        "size": len(output.data),
        "mime": output.mime,
    }


def _finish(
    session: Session, job: PrintJob, kind: Kind, store: AssetStore, now: dt.datetime, tz: dt.tzinfo
) -> None:
    results = list(job.results)
    try:
        shape = rules.download_kind(len(results))
        if shape is rules.Download.SINGLE:
            job.download = dict(results[0])
        elif shape is rules.Download.BUNDLE:
            data = bundle(store, results, now.astimezone(tz))
            name = kind.bundle_name(job) if kind.bundle_name else default_bundle_name(job, now, tz)
            job.download = {
                "label": "",
                "name": rules.safe_name(name, "print-job.zip"),
                "sha256": store.put(data),
                "size": len(data),
                "mime": ZIP_MIME,
            }
    except Exception as error:
        session.rollback()
        reason, params = _reason(error)
        logger.exception("print job %s: bundling failed", job.id)
        _end(session, job, JobState.FAILED, now, _english(reason, params))
        return
    state = rules.final_state(job.total, len(results))
    message = ""
    if state is JobState.FAILED and job.failures:
        first = job.failures[0]
        message = _english(first["reason"], first.get("params") or {})
    _end(session, job, state, now, message)


def default_bundle_name(job: PrintJob, now: dt.datetime, tz: dt.tzinfo) -> str:
    org = job.org.code if job.org is not None else "all"
    return f"{job.kind}-{org}-{now.astimezone(tz):%Y%m%d}-{job.id}.zip"


def bundle(store: AssetStore, results: list[dict[str, Any]], when: dt.datetime) -> bytes:
    """Return one ZIP of the stored ``results`` (already compressed PDFs: stored as they are;
    UTF-8 names; every entry dated ``when``, so the same files make the same ZIP)."""
    stamp = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_STORED) as archive:
        for result in results:
            data = store.get(result["sha256"])
            if data is None:
                raise FileNotFoundError(f"{result['name']} is missing from the archive store")
            info = zipfile.ZipInfo(result["name"], date_time=stamp)
            info.external_attr = 0o644 << 16
            archive.writestr(info, data)
    return buffer.getvalue()


def _interrupt(
    session: Session, job_id: int, state: JobState, now: dt.datetime, error: BaseException
) -> None:
    """Leave a job whose run was cut (not by a step's failure) queued again or ended."""
    try:
        session.rollback()
        values: dict[str, Any] = {"state": state, "runner": None}
        if state is JobState.QUEUED:
            values.update(message="", started_at=None)
        else:
            reason, params = _reason(error)
            values.update(finished_at=now, message=_english(reason, params) or "interrupted")
        result = session.execute(
            sa.update(PrintJob)
            .where(PrintJob.id == job_id, PrintJob.state == JobState.RUNNING)
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        session.commit()
        if _rowcount(result) == 1:
            logger.warning("print job %s interrupted (%r): %s", job_id, error, state.value)
    except Exception:
        logger.exception("print job %s: could not record its interruption", job_id)


def next_queued(session: Session) -> int | None:
    """Return the id of the oldest queued job."""
    return session.scalar(
        sa.select(PrintJob.id)
        .where(PrintJob.state == JobState.QUEUED)
        .order_by(PrintJob.id)
        .limit(1)
    )


def queued_ids(session: Session) -> list[int]:
    return list(
        session.scalars(
            sa.select(PrintJob.id).where(PrintJob.state == JobState.QUEUED).order_by(PrintJob.id)
        )
    )


def recover(
    session: Session,
    now: dt.datetime,
    *,
    here: Runner | None = None,
    alive: Callable[[int], bool] = process_alive,
    starting: bool = True,
) -> list[int]:
    """Find the jobs left running by a dead process of this host and queue them again (from
    their first step), or fail those started too often (:func:`rules.after_interruption`):
    at a worker's start (``starting``), and from time to time while the in-process worker
    waits (a ``signage print`` command killed with its terminal). Commits; return the ids
    queued again (dispatched after the commit)."""
    here = here or this_runner()
    requeued: list[int] = []
    for job in session.scalars(
        sa.select(PrintJob).where(PrintJob.state == JobState.RUNNING).order_by(PrintJob.id)
    ):
        if not rules.left_by_dead_process(Runner.parse(job.runner), here, alive, starting=starting):
            continue
        state = rules.after_interruption(job.attempts)
        values: dict[str, Any] = {"state": state, "runner": None}
        if state is JobState.QUEUED:
            values.update(message="", started_at=None)
        else:
            values.update(
                finished_at=now,
                message=f"interrupted {job.attempts} times: the process running it stopped",
                failures=[
                    {
                        "label": "",
                        "reason": N_(
                            "Interrupted %(n)s times: the process running it stopped each time."
                        ),
                        "params": {"n": str(job.attempts)},
                    }
                ],
            )
        result = session.execute(
            sa.update(PrintJob)
            .where(
                PrintJob.id == job.id,
                PrintJob.state == JobState.RUNNING,
                PrintJob.runner.is_(None) if job.runner is None else PrintJob.runner == job.runner,
            )
            .values(**values)
            .execution_options(synchronize_session=False)
        )
        if _rowcount(result) == 1:
            logger.warning("print job %s was left running by a dead process: %s", job.id, state)
            if state is JobState.QUEUED:
                requeued.append(job.id)
                mark_for_dispatch(session, job.id)
    session.commit()
    return requeued


# --- who sees what ------------------------------------------------------------------------------


def visible_condition(principal: Principal) -> sa.ColumnElement[bool]:
    """SQL condition on ``PrintJob``: the caller started it, or may view its organisation."""
    orgs = sa.select(Org.id).where(principal.org_condition(Permission.VIEW))
    return sa.or_(PrintJob.created_by_id == principal.user.id, PrintJob.org_id.in_(orgs))


def may_see(principal: Principal, job: PrintJob) -> bool:
    if job.created_by_id == principal.user.id:
        return True
    return job.org is not None and principal.can(Permission.VIEW, job.org)


def may_cancel(principal: Principal, job: PrintJob) -> bool:
    """The one who started it, or whoever may start such a job at its organisation."""
    if job.created_by_id == principal.user.id:
        return True
    kind = get_kind(job.kind)
    permission = kind.permission if kind is not None else Permission.VIEW
    return job.org is not None and principal.can(permission, job.org)


def get_visible(session: Session, principal: Principal, job_id: int) -> PrintJob:
    """Return job ``job_id`` if the caller may see it.

    :raise NotFound: no such job, or not the caller's to see.
    """
    job = session.get(PrintJob, job_id)
    if job is None or not may_see(principal, job):
        raise NotFound(N_("No such print job."), code="job_not_found")
    return job


def recent_query(condition: sa.ColumnElement[bool] | None = None) -> sa.Select[Any]:
    """Return the jobs matching ``condition``, newest first."""
    query = (
        sa.select(PrintJob)
        .options(selectinload(PrintJob.org), selectinload(PrintJob.created_by))
        .order_by(PrintJob.id.desc())
    )
    return query.where(condition) if condition is not None else query


def recent_jobs(session: Session, limit: int) -> list[PrintJob]:
    """Return the ``limit`` newest print jobs of every organisation."""
    return list(session.scalars(recent_query().limit(limit)))


def get_job(session: Session, job_id: int) -> PrintJob | None:
    """Return print job ``job_id``, or ``None``."""
    return session.get(PrintJob, job_id)


def fresh_job(session: Session, job_id: int) -> PrintJob | None:
    """Return print job ``job_id`` as another process (its runner) committed it last: the
    transaction ends and the job is read again."""
    session.rollback()
    return session.get(PrintJob, job_id, populate_existing=True)


#: Most jobs one list answer holds.
LIST_MAX = 100


def _state(text: str) -> JobState:
    """Return the job state named ``text``.

    :raise BadRequest: no such state (``unknown_state``).
    """
    if text not in {s.value for s in JobState}:
        raise BadRequest(N_("No such state."), code="unknown_state")
    return JobState(text)


def visible_jobs(
    session: Session, principal: Principal, *, state: str, limit: int
) -> list[PrintJob]:
    """Return the newest jobs the caller may see (at most ``limit``, within 1 and
    :data:`LIST_MAX`), of ``state`` when given.

    :raise BadRequest: no such state.
    """
    query = recent_query(visible_condition(principal))
    if state:
        query = query.where(PrintJob.state == _state(state))
    return list(session.scalars(query.limit(max(1, min(limit, LIST_MAX)))))


def jobs_page(
    session: Session, principal: Principal, *, state: str, number: int
) -> listing.Page[PrintJob]:
    """Return page ``number`` of the jobs the caller may see, newest first, of ``state`` when
    given.

    :raise BadRequest: no such state.
    """
    query = recent_query(visible_condition(principal))
    if state:
        query = query.where(PrintJob.state == _state(state))
    return listing.paginate(session, query, number)


def start_job(
    session: Session,
    principal: Principal,
    *,
    kind: str,
    org: str,
    params: Mapping[str, Any],
    now: dt.datetime,
) -> PrintJob:
    """Start a job of ``kind`` for the org with code ``org`` (the kind's permission there),
    or return the open job making the same; handed to the backend once committed.

    :raise BadRequest: unknown kind or bad parameters.
    :raise NotFound: no such organisation.
    :raise PermissionDenied: the caller may not start this kind there.
    """
    with transaction(session):
        found = require_kind(kind)
        where = require_by_code(session, org)
        principal.require(found.permission, where)
        return submit(session, found.name, params, org=where, user=principal.user, now=now)


def cancel_job(
    session: Session, principal: Principal, job_id: int, now: dt.datetime
) -> tuple[PrintJob, JobState]:
    """Cancel the caller's visible job ``job_id`` (see :func:`cancel`): the one who started it,
    or whoever may start such a job at its organisation. Return it with the state it is in.

    :raise NotFound: no such job, or not the caller's to see.
    :raise PermissionDenied: not the caller's to cancel.
    :raise Conflict: it has ended already.
    """
    with transaction(session):
        job = get_visible(session, principal, job_id)
        if not may_cancel(principal, job):
            raise PermissionDenied(N_("You may not cancel this print job."), code="forbidden")
        return job, cancel(session, job, now)


def finished_download(session: Session, principal: Principal, job_id: int) -> dict[str, Any]:
    """Return the download of the caller's visible job (its one file, or the ZIP of its
    files): ``{name, sha256, mime, ...}``.

    :raise NotFound: no such job, or it made no file.
    :raise Conflict: it has not finished.
    """
    job = get_visible(session, principal, job_id)
    if job.state is not JobState.DONE:
        raise Conflict(N_("The print job has not finished."), code="job_not_done")
    if not job.download:
        raise NotFound(N_("The print job made no file."), code="nothing_made")
    return job.download


def made_file(session: Session, principal: Principal, job_id: int, index: int) -> dict[str, Any]:
    """Return file ``index`` that the caller's visible job made (as soon as its step is done).

    :raise NotFound: no such job or file.
    """
    job = get_visible(session, principal, job_id)
    results = job.results or []
    if not 0 <= index < len(results):
        raise NotFound(N_("No such file."), code="file_not_found")
    entry: dict[str, Any] = results[index]
    return entry
