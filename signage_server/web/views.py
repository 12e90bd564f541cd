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
from signage_server import services
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.config import Settings
from signage_server.disclosure.presenters import tasks_for
from signage_server.disclosure.services import integrity_alarms
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.feedback.presenters import clock as feedback_clock
from signage_server.feedback.services import open_cases
from signage_server.feedback.services import overdue
from signage_server.i18n import SUPPORTED_LOCALES
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
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
    """Show the user's organisations and roles, and what the roles let them do."""
    principal = current_principal()
    visible = list(db.session.scalars(sa.select(Org).where(principal.org_condition())))
    by_org: dict[int, dict[str, Any]] = {}
    for grant in principal.user.grants:
        entry = by_org.setdefault(grant.org_id, {"org": grant.org, "roles": []})
        entry["roles"].append(grant.role)
    counts = Counter(org.kind for org in visible)
    tasks = {name: len(items) for name, items in tasks_for(db.session, principal).items()}
    alarms = integrity_alarms(db.session, principal.org_condition())
    feedback_open = open_cases(db.session, principal)
    feedback_overdue = []
    if feedback_open:
        deadline_clock = feedback_clock()
        feedback_overdue = [c for c in feedback_open if overdue(c, deadline_clock)]
    return render_template(
        "dashboard.html",
        integrity_alarms=alarms,
        tasks=tasks,
        feedback_open=len(feedback_open),
        feedback_overdue=feedback_overdue,
        grants=sorted(by_org.values(), key=lambda e: e["org"].path),
        kind_counts=[(kind, counts[kind]) for kind in OrgKind if counts[kind]],
        visible_count=len(visible),
        members=sum(org.party_members or 0 for org in visible),
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
