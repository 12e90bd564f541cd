"""The dashboard, the health check and the language switch."""

from __future__ import annotations

from collections import Counter
from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_login import current_user

from signage_server import __version__
from signage_server import listing
from signage_server import services
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.config import Settings
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.presenters import TASK_STEPS
from signage_server.disclosure.presenters import task_query
from signage_server.disclosure.services import integrity_alarms
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.feedback.rules import SEEING_ROLES
from signage_server.feedback.services.inbox import workload
from signage_server.i18n import SUPPORTED_LOCALES
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.services import tree_order
from signage_server.overview import services as overview
from signage_server.overview.rules import Findings
from signage_server.overview.rules import not_up_to_date
from signage_server.web.forms import LocaleForm
from signage_server.web.safety import safe_next

bp = Blueprint("web", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """Report liveness and whether the database (and Redis, when configured) answer."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(sa.text("SELECT 1"))
        checks["database"] = "ok"
    except sa.exc.SQLAlchemyError:
        checks["database"] = "error"
    redis_url = services.get(Settings).redis_url
    if redis_url:
        import redis

        try:
            redis.Redis.from_url(redis_url, socket_timeout=2).ping()
            checks["redis"] = "ok"
        except redis.RedisError:
            checks["redis"] = "error"
    healthy = all(v == "ok" for v in checks.values())
    body = {"status": "ok" if healthy else "error", "version": __version__, **checks}
    return jsonify(body), 200 if healthy else 503


@bp.get("/")
@login_required
def dashboard() -> str:
    """Answer "is everything all right?" for the caller's organisations, each finding a link;
    then the user's organisations and roles."""
    principal = current_principal()
    now = services.now()
    condition = principal.org_condition()
    visible = tree_order(db.session.scalars(sa.select(Org).where(condition)))
    orgs = [org for _depth, org in visible]
    by_org: dict[int, dict[str, Any]] = {}
    for grant in principal.user.grants:
        entry = by_org.setdefault(grant.org_id, {"org": grant.org, "roles": []})
        entry["roles"].append(grant.role)
    counts = Counter(org.kind for org in orgs)
    # Counted (one COUNT per step), not loaded: a county has many.
    tasks = {step: listing.count(db.session, task_query(principal, step)) for step in TASK_STEPS}
    alarms = integrity_alarms(db.session, condition)
    feedback = workload(db.session, principal, now)
    screens = overview.screen_states(db.session, condition, now)
    offline = [s for s in screens if not s.online]
    stale = [
        s for s in screens if not_up_to_date(s.online, s.up_to_date, bool(s.screen.acked_version))
    ]
    notices = overview.notices_ending(db.session, condition, now)
    catalog = overview.catalog_health(db.session, orgs, now, local_tz())
    findings = Findings(
        integrity_alarms=len(alarms),
        offline_screens=len(offline),
        stale_screens=len(stale),
        owed_entries=catalog.total.owed,
        overdue_feedback=len(feedback.overdue),
        tasks=sum(tasks.values()),
        notices_ending=len(notices),
    )
    return render_template(
        "dashboard.html",
        now=now,
        findings=findings,
        integrity_alarms=alarms,
        tasks=tasks,
        screens=screens,
        offline=offline,
        stale=stale,
        notices=notices,
        catalog=catalog,
        # Who meets feedback cases at all: the home page shows them its state.
        sees_feedback=any(principal.has_role(role) for role in SEEING_ROLES),
        feedback_open=len(feedback.open),
        feedback_overdue=feedback.overdue,
        grants=sorted(by_org.values(), key=lambda e: e["org"].path),
        kind_counts=[(kind, counts[kind]) for kind in OrgKind if counts[kind]],
        visible_count=len(orgs),
        members=sum(org.party_members or 0 for org in orgs),
        can_admin=any(
            principal.can(p, e["org"])
            for e in by_org.values()
            for p in (Permission.MANAGE_USERS, Permission.MANAGE_ORGS)
        ),
    )


@bp.post("/locale")
def set_locale() -> Response:
    """Switch the interface language (kept for the user, or for the session)."""
    form = LocaleForm()
    if form.validate_on_submit() and form.locale.data in SUPPORTED_LOCALES:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            current_user.locale = form.locale.data
            db.session.commit()
    target = safe_next(request.form.get("next")) or url_for("web.dashboard")
    return redirect(target)  # type: ignore[return-value]
