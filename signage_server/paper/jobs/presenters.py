"""How a print job is shown: its JSON (API, the pages' script), its status line, its
parameters and failures in the user's language."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import url_for
from flask_babel import gettext

from signage_server import services as registry
from signage_server.disclosure.context import local_tz
from signage_server.paper.jobs.kinds import Kind
from signage_server.paper.jobs.kinds import get_kind
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.models import PrintJob

#: The bar's width goes in steps of this many percent (a class per step: no inline style).
BAR_STEP = 5


def local_now() -> dt.datetime:
    """Return now in the installation's time zone (a kind's defaults, e.g. this year)."""
    return registry.now().astimezone(local_tz())


def bar_class(percent: int) -> str:
    """Return the class giving a progress bar the width of ``percent`` (rounded down to
    :data:`BAR_STEP`)."""
    return f"print-bar-{max(0, min(100, percent)) // BAR_STEP * BAR_STEP}"


def kind_label(job_or_kind: PrintJob | Kind | str) -> str:
    """Return the translated name of a job's kind (its name when it is not registered)."""
    if isinstance(job_or_kind, Kind):
        kind: Kind | None = job_or_kind
    else:
        name = job_or_kind.kind if isinstance(job_or_kind, PrintJob) else job_or_kind
        kind = get_kind(name)
        if kind is None:
            return name
    assert kind is not None
    return str(gettext(kind.label)) if kind.label else kind.name


def _translated(reason: str, params: dict[str, Any] | None) -> str:
    try:
        return str(gettext(reason, **(params or {})))
    except (KeyError, TypeError, ValueError):
        return reason


def failures(job: PrintJob) -> list[dict[str, str]]:
    """Return the job's failed steps: ``{"label", "reason"}``, the reason translated."""
    return [
        {"label": f.get("label", ""), "reason": _translated(f.get("reason", ""), f.get("params"))}
        for f in job.failures or []
    ]


def status_text(job: PrintJob) -> str:
    """Return one line saying where the job stands, in the user's language."""
    if job.state is JobState.QUEUED:
        if job.attempts:
            return str(gettext("Waiting to start again (its process stopped)"))
        return str(gettext("Waiting to start"))
    if job.state is JobState.RUNNING:
        if job.cancel_requested:
            return str(gettext("Stopping after the current document…"))
        if not job.total:
            return str(gettext("Preparing…"))
        if not job.message:
            return str(gettext("%(done)s of %(total)s done", done=job.done, total=job.total))
        return str(
            gettext(
                "%(done)s of %(total)s done · now: %(label)s",
                done=job.done,
                total=job.total,
                label=job.message,
            )
        )
    if job.state is JobState.CANCELLED:
        return str(gettext("Cancelled after %(done)s of %(total)s", done=job.done, total=job.total))
    if job.state is JobState.FAILED:
        found = failures(job)
        reason = found[0]["reason"] if found else job.message
        return str(gettext("Failed: %(reason)s", reason=reason))
    if not job.total:
        return str(gettext("Done: there was nothing to make"))
    failed = len(job.failures or [])
    if failed:
        return str(
            gettext(
                "Done: %(made)s of %(total)s made, %(failed)s failed",
                made=job.total - failed,
                total=job.total,
                failed=failed,
            )
        )
    return str(gettext("Done: %(total)s of %(total)s made", total=job.total))


def param_rows(job: PrintJob) -> list[tuple[str, str]]:
    """Return the job's parameters as ``(label, value)``, both in the user's language."""
    kind = get_kind(job.kind)
    rows: list[tuple[str, str]] = []
    for name, value in (job.params or {}).items():
        spec = kind.param(name) if kind is not None else None
        if spec is None:
            rows.append((name, str(value)))
            continue
        shown = str(value)
        for choice, label in spec.choices:
            if choice == str(value):
                shown = str(gettext(label))
        rows.append((str(gettext(spec.label)), shown))
    return rows


def file_url(job: PrintJob, index: int) -> str:
    return url_for("print_jobs_api.file", job_id=job.id, index=index)


def job_json(job: PrintJob) -> dict[str, Any]:
    """Return the job as the API and the pages' script see it."""
    download = job.download if job.state is JobState.DONE else None
    return {
        "id": job.id,
        "kind": job.kind,
        "kind_label": kind_label(job),
        "org": job.org.code if job.org is not None else None,
        "org_name": job.org.name if job.org is not None else None,
        "params": job.params,
        "state": job.state.value,
        "state_label": str(gettext(job.state.label)),
        "finished": job.finished,
        "done": job.done,
        "total": job.total,
        "percent": job.percent,
        "bar_class": bar_class(job.percent),
        "message": job.message,
        "status": status_text(job),
        "cancel_requested": job.cancel_requested,
        "attempts": job.attempts,
        "results": [
            {
                "label": r.get("label", ""),
                "name": r["name"],
                "size": r["size"],
                "url": file_url(job, index),
            }
            for index, r in enumerate(job.results or [])
        ],
        "failures": failures(job),
        "download": url_for("print_jobs_api.download", job_id=job.id) if download else None,
        "download_name": download["name"] if download else None,
        "download_size": download["size"] if download else None,
        "created_by": job.created_by.username if job.created_by is not None else None,
        "created_at": job.created_at.isoformat(),
        "started_at": job.started_at.isoformat() if job.started_at else None,
        "finished_at": job.finished_at.isoformat() if job.finished_at else None,
        "url": url_for("print_jobs_api.show", job_id=job.id),
        "page": url_for("print_jobs.job", job_id=job.id),
    }
