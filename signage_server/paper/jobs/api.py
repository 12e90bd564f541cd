"""``/api/v1/print-jobs``: start a batch, follow its progress, cancel it, download what it
made. Bearer token or the login session (the job page's script polls it)."""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import jsonify
from flask import request
from flask import send_file
from pydantic import BaseModel
from pydantic import ConfigDict
from pydantic import Field

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.api import api_blueprint
from signage_server.api import parse
from signage_server.errors import NotFound
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.paper import ARCHIVE
from signage_server.paper.jobs import services
from signage_server.paper.jobs.kinds import describe
from signage_server.paper.jobs.kinds import registered_kinds
from signage_server.paper.jobs.presenters import job_json
from signage_server.paper.jobs.presenters import local_now

bp = api_blueprint("print_jobs_api", __name__, sessions=True)


class JobIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(min_length=1, max_length=32)
    org: str = Field(min_length=1, max_length=32)
    params: dict[str, Any] = Field(default_factory=dict)


@bp.get("/print-jobs/kinds")
def kinds() -> Response:
    """The kinds of job this installation makes, with their parameters."""
    current_principal()
    return jsonify({"kinds": [describe(kind) for kind in registered_kinds()]})


@bp.get("/print-jobs")
def index() -> Response:
    """The caller's recent jobs (started by them, or of organisations they may view), newest
    first; ``?state=running`` … filters, ``?limit=`` (at most 100)."""
    jobs = services.visible_jobs(
        db.session,
        current_principal(),
        state=request.args.get("state", ""),
        limit=request.args.get("limit", type=int) or 20,
    )
    return jsonify({"jobs": [job_json(job) for job in jobs]})


@bp.post("/print-jobs")
def submit() -> tuple[Response, int, dict[str, str]]:
    """Start a job: ``{"kind", "org", "params": {…}}`` → 202 with the job (the open job with
    the same kind, organisation and parameters, when there is one)."""
    principal = current_principal()
    data = parse(JobIn)
    job = services.start_job(
        db.session, principal, kind=data.kind, org=data.org, params=data.params, now=local_now()
    )
    body = job_json(job)
    return jsonify(body), 202, {"Location": body["url"]}


@bp.get("/print-jobs/<int:job_id>")
def show(job_id: int) -> Response:
    job = services.get_visible(db.session, current_principal(), job_id)
    return jsonify(job_json(job))


@bp.post("/print-jobs/<int:job_id>/cancel")
def cancel(job_id: int) -> Response:
    """Cancel: at once when it has not started, else before its next document."""
    job, _state = services.cancel_job(db.session, current_principal(), job_id, registry.now())
    return jsonify(job_json(job))


def _send(entry: dict[str, Any]) -> Response:
    path = registry.get(ARCHIVE).path(entry["sha256"])
    if path is None:
        raise NotFound(N_("The file is missing from the archive."), code="file_missing")
    response = send_file(
        path,
        mimetype=entry.get("mime") or "application/octet-stream",
        as_attachment=True,
        download_name=entry["name"],
        max_age=0,
    )
    response.headers["Cache-Control"] = "private, no-cache"
    return response


@bp.get("/print-jobs/<int:job_id>/download")
def download(job_id: int) -> Response:
    """The job's one file, or the ZIP of its files, once it is done."""
    return _send(services.finished_download(db.session, current_principal(), job_id))


@bp.get("/print-jobs/<int:job_id>/files/<int:index>")
def file(job_id: int, index: int) -> Response:
    """One file the job made (available as soon as that step is done)."""
    return _send(services.made_file(db.session, current_principal(), job_id, index))
