"""The audit log page: every change the user may see, newest first, in pages, searchable
(the records and their filters: ``audit.log``)."""

from __future__ import annotations

from flask import Blueprint
from flask import render_template
from flask import request

from signage_server import listing
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.audit import log
from signage_server.disclosure.context import local_tz
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.services import choices

bp = Blueprint("audit", __name__)


@bp.get("/audit")
@login_required
def audit_log() -> str:
    principal = current_principal()
    filters = listing.Filters(
        [
            listing.search(placeholder=N_("Who (name) or title of the item")),
            listing.select("subject", N_("About"), log.SUBJECT_LABELS.items()),
            listing.select(
                "org",
                N_("Organisation"),
                choices(db.session, principal),
                translate=False,
            ),
            listing.date("from", N_("From")),
            listing.date("to", N_("Until")),
        ],
        request.args,
    )
    since, before = filters.moments("from", "to", local_tz())
    found = log.log_page(
        db.session,
        principal,
        log.LogFilters(
            text=filters.get("q"),
            subject=filters.get("subject"),
            org=filters.get("org"),
            since=since,
            before=before,
        ),
        listing.page_number(request.args.get("page")),
    )
    return render_template(
        "audit/log.html",
        page=found.page,
        filters=filters,
        subjects=found.subjects,
        action_label=log.action_label,
        role_labels=log.ROLE_LABELS,
    )
