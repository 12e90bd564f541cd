"""The audit log page: every change the user may see, newest first, in pages, searchable."""

from __future__ import annotations

import sqlalchemy as sa
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
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_choices

bp = Blueprint("audit", __name__)


@bp.get("/audit")
@login_required
def audit_log() -> str:
    principal = current_principal()
    orgs = db.session.scalars(sa.select(Org).where(principal.org_condition()))
    filters = listing.Filters(
        [
            listing.search(placeholder=N_("Who (name) or title of the item")),
            listing.select("subject", N_("About"), log.SUBJECT_LABELS.items()),
            listing.select(
                "org",
                N_("Organisation"),
                tree_choices(orgs),
                translate=False,
            ),
            listing.date("from", N_("From")),
            listing.date("to", N_("Until")),
        ],
        request.args,
    )
    org = get_by_code(db.session, filters.get("org")) if filters.get("org") else None
    since, before = filters.moments("from", "to", local_tz())
    query = log.log_query(
        principal,
        log.LogFilters(
            text=filters.get("q"),
            subject=filters.get("subject"),
            org=org,
            since=since,
            before=before,
        ),
    )
    page = listing.paginate(db.session, query, listing.page_number(request.args.get("page")))
    return render_template(
        "audit/log.html",
        page=page,
        filters=filters,
        subjects=log.subjects_of(db.session, page.rows),
        action_label=log.action_label,
        role_labels=log.ROLE_LABELS,
    )
