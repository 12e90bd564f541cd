"""The print jobs pages: the recent jobs with their progress, a job's page (progress, cancel,
download), and the forms that start a job of each registered kind."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import listing
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.errors import NotFound
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.services import choices
from signage_server.paper.jobs import presenters
from signage_server.paper.jobs import services
from signage_server.paper.jobs.kinds import Kind
from signage_server.paper.jobs.kinds import registered_kinds
from signage_server.paper.jobs.presenters import local_now
from signage_server.paper.jobs.rules import JobState

bp = Blueprint("print_jobs", __name__)

#: Form fields of a kind's parameters are named ``param-<name>``.
PARAM_PREFIX = "param-"


@dataclass
class Starter:
    """The form that starts a job of one kind: the organisations the user may start it for."""

    kind: Kind
    orgs: list[tuple[str, str]]
    org: str
    values: dict[str, Any]


def _starters(principal: Principal) -> list[Starter]:
    now = local_now()
    home = principal.user.home_org.code
    found = []
    for kind in registered_kinds():
        orgs = choices(db.session, principal, kind.permission)
        if not orgs:
            continue
        codes = [code for code, _name in orgs]
        found.append(
            Starter(
                kind=kind,
                orgs=orgs,
                org=home if home in codes else codes[0],
                values={p.name: p.initial(now) for p in kind.params},
            )
        )
    return found


@bp.get("/print-jobs")
@login_required
def jobs() -> str:
    """The jobs of the user's organisations (and their own), newest first, with progress."""
    principal = current_principal()
    filters = listing.Filters(
        [listing.select("state", N_("State"), [(s.value, s.label) for s in JobState])],
        request.args,
    )
    page = services.jobs_page(
        db.session,
        principal,
        state=filters.get("state"),
        number=listing.page_number(request.args.get("page")),
    )
    return render_template(
        "print_jobs/jobs.html",
        page=page,
        filters=filters,
        starters=_starters(principal),
        presenters=presenters,
    )


@bp.post("/print-jobs")
@login_required
def start() -> Response:
    """Start a job of a registered kind from its form; go to its page."""
    principal = current_principal()
    params = {
        key[len(PARAM_PREFIX) :]: value
        for key, value in request.form.items()
        if key.startswith(PARAM_PREFIX)
    }
    try:
        job = services.start_job(
            db.session,
            principal,
            kind=request.form.get("kind", ""),
            org=request.form.get("org", ""),
            params=params,
            now=local_now(),
        )
    except DomainError as error:
        flash(domain_message(error), "danger")
        return redirect(url_for("print_jobs.jobs"))
    flash(_("The print job was started."), "success")
    return redirect(url_for("print_jobs.job", job_id=job.id))


@bp.get("/print-jobs/<int:job_id>")
@login_required
def job(job_id: int) -> str:
    """A job: its progress (updated every second by a script; without it, by the refresh
    link), cancel while it runs, download once done."""
    principal = current_principal()
    found = services.get_visible(db.session, principal, job_id)
    return render_template(
        "print_jobs/job.html",
        job=found,
        presenters=presenters,
        may_cancel=found.open and services.may_cancel(principal, found),
    )


@bp.post("/print-jobs/<int:job_id>/cancel")
@login_required
def cancel(job_id: int) -> Response:
    try:
        _job, state = services.cancel_job(db.session, current_principal(), job_id, local_now())
    except NotFound:
        raise  # not the caller's to see: the error page, as for the job's page
    except DomainError as error:
        flash(domain_message(error), "danger")
    else:
        if state is JobState.CANCELLED:
            flash(_("The print job was cancelled."), "success")
        else:
            flash(_("The print job stops after the document it is making now."), "success")
    return redirect(url_for("print_jobs.job", job_id=job_id))
