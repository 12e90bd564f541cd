"""Where print jobs run: an RQ queue on Redis (``SIGNAGE_REDIS_URL`` set; ``signage worker``
serves it), or the in-process worker of ``signage serve`` (a native thread, never a greenlet:
a job renders for seconds and would stall every screen's connection on the event loop).

Either way a job is run by :func:`run_job`, which claims it with one conditional UPDATE, so
that a job handed to two runners (the queue and a ``signage print`` command, two servers on
one database) runs once.
"""

from __future__ import annotations

import logging
import signal
import threading
from collections.abc import Callable
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from typing import Protocol

from flask import Flask
from sqlalchemy import event

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.disclosure.viewing import local_tz
from signage_server.extensions import db
from signage_server.paper import ARCHIVE
from signage_server.paper.jobs import services
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.render import prepare_for_native_threads

logger = logging.getLogger(__name__)

#: Seconds an RQ job may run: no limit (a year of dossiers takes long; cancelling is ours).
RQ_TIMEOUT = -1
#: How long RQ keeps a failed RQ job's record (ours is in the database anyway).
RQ_FAILURE_TTL = 7 * 24 * 3600
#: How often the in-process worker looks for queued jobs in the database when nobody woke
#: it (jobs queued by other processes, e.g. ``signage print … --background``).
POLL_SECONDS = 2.0
#: How often, while it waits, it looks for jobs a dead process of this host left running.
RECOVER_SECONDS = 30.0


class Backend(Protocol):
    """Hands committed jobs to whatever runs them."""

    name: str

    def dispatch(self, job_ids: list[int]) -> None: ...


BACKEND: registry.Key[Backend] = registry.Key("print job backend")


@contextmanager
def job_context(app: Flask) -> Iterator[dict[str, Any]]:
    """Push the context a job runs in and yield what :func:`services.execute` needs besides
    the session (``db.session`` of this context) and the job: a request context of its own
    (no user: the installation's default language; ``url_for`` builds addresses on
    ``SIGNAGE_PUBLIC_URL``), so that steps render templates as the pages do."""

    settings = registry.get(Settings, app)
    with app.test_request_context("/", base_url=settings.public_url):
        yield {
            "store": registry.get(ARCHIVE, app),
            "clock": registry.get(registry.CLOCK, app).now,
            "runner": services.this_runner(),
            "tz": local_tz(app),
        }


def run_job(
    app: Flask,
    job_id: int,
    *,
    on_progress: Callable[[Any], None] | None = None,
    stop: Callable[[], bool] | None = None,
    interrupted: JobState = JobState.QUEUED,
) -> JobState | None:
    """Run job ``job_id`` to its end in a :func:`job_context`, if it is queued; return the
    state it ended in (``None``: another runner has it). See :func:`services.execute`."""
    with job_context(app) as context:
        state: JobState | None = None
        for job in services.execute(
            db.session, job_id, stop=stop, interrupted=interrupted, **context
        ):
            state = job.state
            if on_progress is not None:
                on_progress(job)
        return state


def drain(app: Flask) -> list[int]:
    """Run every queued job now, in this thread, oldest first (tests; ``signage worker
    --burst`` without Redis). Return the ids run."""
    ran: list[int] = []
    while True:
        with app.app_context():
            job_id = services.next_queued(db.session)
        if job_id is None:
            return ran
        run_job(app, job_id)
        ran.append(job_id)


def recover(app: Flask, *, starting: bool = True) -> list[int]:
    """Queue again (or fail) the jobs a dead process of this host left running; commits, so
    they are dispatched."""
    with app.app_context():
        now = registry.now()
        return services.recover(db.session, now, starting=starting)


# --- in-process -------------------------------------------------------------------------------


def _native_start() -> Callable[[Callable[[], None]], None]:
    """Return how to start a native OS thread, even when gevent patched ``threading``."""
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        monkey = None
    if monkey is not None and monkey.is_module_patched("threading"):
        start_new_thread = monkey.get_original("_thread", "start_new_thread")
        return lambda target: start_new_thread(target, ())
    return lambda target: threading.Thread(target=target, name="print-jobs", daemon=True).start()


def _native_sleep() -> Callable[[float], None]:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover
        monkey = None
    if monkey is not None and monkey.is_module_patched("time"):
        sleep: Callable[[float], None] = monkey.get_original("time", "sleep")
        return sleep
    import time

    return time.sleep


class InProcessWorker:
    """The worker of a server without Redis: one native thread running one job at a time,
    woken when a job is submitted here and looking for queued jobs in the database every
    :data:`POLL_SECONDS` (jobs queued by other processes).

    Nothing runs until :meth:`start` (``signage serve`` and gunicorn start it; tests either
    start it or run queued jobs with :func:`drain`). Under gevent a step in this thread cannot
    start a child process (gevent waits for children only on the main thread's loop): a kind
    that needs one runs with Redis and ``signage worker``, which gevent does not patch."""

    name = "in-process"

    def __init__(self, app: Flask, *, poll: float = POLL_SECONDS) -> None:
        self.app = app
        self.poll = poll
        self._wake = False
        self._stop = False
        self.started = False
        #: Set while the thread waits with nothing to do, and once it has ended (tests).
        self.idle = threading.Event()
        self.ended = threading.Event()
        self.ran: list[int] = []

    def dispatch(self, job_ids: list[int]) -> None:
        if job_ids:
            self._wake = True  # a plain attribute: safe to set from the event loop's thread

    def start(self) -> None:
        """Start the thread (once): it first recovers jobs a dead process left running."""
        if self.started:
            return
        # Steps render with WeasyPrint: import it here, not first in the thread (see there).
        prepare_for_native_threads()
        self.started = True
        self._stop = False
        _native_start()(self._thread)
        logger.info("print job worker started (in-process, native thread)")

    def stop(self) -> None:
        """Stop after the current job (tests)."""
        self._stop = True

    def _thread(self) -> None:
        self.ended.clear()
        try:
            self.run()
        finally:
            self.started = False
            self.ended.set()

    def run(self, max_jobs: int | None = None) -> None:
        """Recover what a dead process left running, then run queued jobs one at a time until
        stopped (or after ``max_jobs``), in the calling thread."""
        sleep = _native_sleep()
        try:
            recover(self.app)
        except Exception:
            logger.exception("print jobs: recovery at start-up failed")
        count = 0
        since_recovery = 0.0
        while not self._stop and (max_jobs is None or count < max_jobs):
            self._wake = False
            try:
                with self.app.app_context():
                    job_id = services.next_queued(db.session)
            except Exception:
                logger.exception("print jobs: cannot read the queue")
                job_id = None
            if job_id is not None:
                self.idle.clear()
                try:
                    run_job(self.app, job_id)
                except Exception:
                    logger.exception("print job %s: the worker failed", job_id)
                self.ran.append(job_id)
                count += 1
                continue
            self.idle.set()
            waited = 0.0
            while not (self._wake or self._stop) and waited < self.poll:
                sleep(0.1)
                waited += 0.1
            since_recovery += waited
            if since_recovery >= RECOVER_SECONDS:
                since_recovery = 0.0
                try:
                    recover(self.app, starting=False)
                except Exception:
                    logger.exception("print jobs: recovery failed")


# --- RQ on Redis --------------------------------------------------------------------------------


class RQBackend:
    """Jobs go into the RQ queue ``SIGNAGE_PRINT_QUEUE``; ``signage worker`` runs them."""

    name = "rq"

    def __init__(self, redis_url: str, queue_name: str) -> None:
        self.redis_url = redis_url
        self.queue_name = queue_name
        self._queue: Any = None

    def queue(self) -> Any:
        if self._queue is None:
            import redis
            from rq import Queue

            self._queue = Queue(self.queue_name, connection=redis.Redis.from_url(self.redis_url))
        return self._queue

    def dispatch(self, job_ids: list[int]) -> None:
        for job_id in job_ids:
            try:
                self.queue().enqueue(
                    perform,
                    job_id,
                    job_timeout=RQ_TIMEOUT,
                    result_ttl=0,
                    failure_ttl=RQ_FAILURE_TTL,
                    description=f"print job {job_id}",
                )
            except Exception:
                # The job stays queued in the database: `signage worker` queues every such
                # job again when it starts.
                logger.exception("print job %s could not be put into the RQ queue", job_id)


def perform(job_id: int) -> str | None:
    """The function RQ runs: job ``job_id`` in the worker's app."""
    from flask import current_app
    from flask import has_app_context

    if has_app_context():
        app: Flask = current_app._get_current_object()  # type: ignore[attr-defined]
    else:  # pragma: no cover - a plain `rq worker`: build the app from the environment
        # lazy: only a plain `rq worker` builds an app; the server already has one.
        from signage_server import create_app

        app = create_app()
    state = run_job(app, job_id)
    return state.value if state is not None else None


def run_rq_worker(app: Flask, *, burst: bool = False, max_jobs: int | None = None) -> bool:
    """Serve the RQ queue in this process (``signage worker``): first recover the jobs a dead
    process of this host left running and queue again every queued job (Redis may have lost
    them), then run jobs one at a time in this process (``SimpleWorker``: the app, its fonts
    and database pool are made once, not per job; a job that dies with its process is
    recovered at the next start). Return whether any job ran."""
    from rq import SimpleWorker

    backend = registry.get(BACKEND, app)
    if not isinstance(backend, RQBackend):
        raise RuntimeError("SIGNAGE_REDIS_URL is not set: the server runs print jobs itself")
    recover(app)
    with app.app_context():
        waiting = services.queued_ids(db.session)
    backend.dispatch(waiting)
    queue = backend.queue()
    worker = SimpleWorker([queue], connection=queue.connection)
    handlers = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    try:
        with app.app_context():
            return bool(worker.work(burst=burst, max_jobs=max_jobs, logging_level="WARNING"))
    finally:
        for sig, handler in handlers.items():  # RQ installs its own: give them back
            signal.signal(sig, handler)


# --- set-up -------------------------------------------------------------------------------------


def make_backend(app: Flask, settings: Settings) -> Backend:
    if settings.redis_url:
        return RQBackend(settings.redis_url, settings.print_queue)
    return InProcessWorker(app)


def init_app(app: Flask) -> None:
    settings = registry.get(Settings, app)
    backend = make_backend(app, settings)
    registry.register(app, BACKEND, backend)
    factory = db.factory(app)
    event.listen(
        factory,
        "after_commit",
        lambda session: backend.dispatch(services.take_dispatch(session)),
    )
    event.listen(factory, "after_rollback", services.discard_dispatch)


def start_worker(app: Flask) -> InProcessWorker | None:
    """Start the in-process worker of a serving process (``signage serve``, gunicorn) when
    there is no Redis; return it (``None``: ``signage worker`` runs the jobs)."""
    backend = registry.get(BACKEND, app)
    if isinstance(backend, InProcessWorker):
        backend.start()
        return backend
    return None


def describe(app: Flask) -> dict[str, Any]:
    backend = registry.get(BACKEND, app)
    found: dict[str, Any] = {"backend": backend.name}
    if isinstance(backend, RQBackend):
        found["queue"] = backend.queue_name
    return found
