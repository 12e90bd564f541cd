"""Print jobs: batches of documents made in the background (a township's boards, a year of
dossiers), with their progress visible in the UI, the API and the command line, cancellable
between two documents, and never run on the event loop that serves the screens.

Kinds: the plug-in interface
============================

What a job makes is decided by its *kind*, registered once per process (at app creation, e.g.
in ``paper.init_app``; registering the same name again replaces it)::

    from signage_server.paper.jobs import Output, Param, Step, register_kind

    register_kind(
        "boards",                       # the name jobs, the API and the CLI use
        plan_boards,                    # plan(session, job) -> list[Step]
        label=N_("Boards of every organisation"),
        permission=Permission.VIEW,     # needed at the job's org to start and cancel it
        params=[Param("audience", N_("Audience"), "choice", choices=..., default="public")],
    )

``plan(session, job) -> Sequence[Step]`` runs once when the job starts, in the worker, with the
worker's database session. ``job`` is the :class:`~signage_server.paper.models.PrintJob`:
``job.org`` is the organisation it was started for, ``job.params`` its parameters (checked
against the kind's :class:`Param` list: present, of their type, defaults filled in),
``job.created_by`` the user (``None`` from the command line). It returns the steps in order;
an empty list makes a job that is done at once with nothing to download. If ``plan`` raises,
the job fails with the error as its message.

``Step(label, run)``: ``label`` is shown while the step runs ("集义村"); ``run(session)`` makes
one document and returns an :class:`Output` ``(name, data, mime="application/pdf")`` to keep,
or ``None`` (nothing to keep, e.g. it only wrote rows). The framework, for every step:

1. first reads ``cancel_requested`` afresh: when set, the job ends ``cancelled`` there
   (a step is never cut in the middle);
2. commits the step's label as the job's message (visible to other processes);
3. calls ``run(session)``. What the step wrote through the session is committed with the
   step's progress. If it raises, its writes are rolled back, the step is recorded among the
   job's ``failures`` (label and reason; a ``DomainError``'s message id and parameters, so that
   the UI translates it) and **the job goes on** with the next step: a board that cannot be
   printed does not lose the other twenty;
4. stores the output in the archive store (``signage_server.paper.ARCHIVE``, content-
   addressed), appends ``{label, name, sha256, size, mime}`` to ``results`` (names made safe
   and unique within the job), adds one to ``done`` and commits.

At the end, several outputs are bundled into one ZIP (stored too) as the job's ``download``;
a single output is the download itself. The job ends ``done`` (failed steps listed), or
``failed`` when it had steps and none of them succeeded. ``run`` must not commit or roll back
the session itself (the framework does, per step); it runs in a native thread or another
process, never on the event loop, so it may render with WeasyPrint directly; it runs inside a
request context of its own (no user, the installation's default language, ``url_for`` on
``SIGNAGE_PUBLIC_URL``), so it may render templates (``render_template``) as the pages do.

Running
=======

:func:`~signage_server.paper.jobs.services.submit` creates a queued job (or returns the open
job with the same key); once the transaction commits it is handed to the backend: with
``SIGNAGE_REDIS_URL`` an RQ queue (``SIGNAGE_PRINT_QUEUE``) served by ``signage worker``;
otherwise the in-process worker of ``signage serve`` (a native thread, one job at a time, that
also picks up jobs queued by other processes from the database). Every runner claims a job with
one conditional UPDATE, so a job never runs twice. ``signage print …`` may also run a job in
the command's own process. A job left running by a process that died is started again from
its first step by the next worker to start on that host, at most ``rules.MAX_ATTEMPTS`` times,
then it fails (see :mod:`.rules`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from signage_server.paper.jobs.kinds import Kind
from signage_server.paper.jobs.kinds import Output
from signage_server.paper.jobs.kinds import Step
from signage_server.paper.jobs.kinds import get_kind
from signage_server.paper.jobs.kinds import register_kind
from signage_server.paper.jobs.kinds import registered_kinds
from signage_server.paper.jobs.kinds import unregister_kind
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.jobs.rules import Param

if TYPE_CHECKING:
    from flask import Flask

__all__ = [
    "JobState",
    "Kind",
    "Output",
    "Param",
    "Step",
    "get_kind",
    "init_app",
    "register_kind",
    "registered_kinds",
    "unregister_kind",
]


def init_app(app: Flask) -> None:
    """The backend that runs jobs, the API and the pages."""
    # cycle: jobs.api, jobs.backends, jobs.views -> jobs.services -> jobs.kinds (re-exported here)
    from signage_server.paper.jobs import api
    from signage_server.paper.jobs import backends
    from signage_server.paper.jobs import views

    backends.init_app(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
