"""The dashboard, the health check and the language switch (the home page's content:
``overview.services.home``; the health checks: ``web.health``)."""

from __future__ import annotations

from dataclasses import fields

from flask import Blueprint
from flask import Response
from flask import abort
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import send_file
from flask import session
from flask import url_for
from flask_login import current_user

from content.fonts import font_file
from signage_server import __version__
from signage_server import services
from signage_server.accounts import services as accounts
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.config import Settings
from signage_server.disclosure.context import local_tz
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.i18n import SUPPORTED_LOCALES
from signage_server.overview import services as overview
from signage_server.web import health
from signage_server.web.forms import LocaleForm
from signage_server.web.safety import safe_next

bp = Blueprint("web", __name__)


@bp.get("/healthz")
@limiter.exempt
def healthz() -> tuple[Response, int]:
    """Report liveness and whether the database (and Redis, when configured) answer; and
    which process holds the scheduler's lease, until when."""
    checks = health.checks(db.session, services.get(Settings).redis_url)
    healthy = all(v == "ok" for v in checks.values())
    body: dict[str, object] = {
        "status": "ok" if healthy else "error",
        "version": __version__,
        **checks,
        "scheduler": health.scheduler(db.session, services.now()),
    }
    return jsonify(body), 200 if healthy else 503


@bp.get("/fonts/<code>.ttf")
@limiter.exempt
def font(code: str) -> Response:
    """The font of a disclosure language, for phones and players that lack one (public, cached
    for a year: a font file of a Debian package does not change under its name)."""
    path = font_file(code)
    if path is None:
        abort(404)
    return send_file(path, mimetype="font/ttf", max_age=365 * 24 * 3600)


@bp.get("/")
@login_required
def dashboard() -> str:
    """Answer "is everything all right?" for the caller's organisations, each finding a link;
    then the user's organisations and roles."""
    now = services.now()
    home = overview.home(db.session, current_principal(), now=now, tz=local_tz())
    return render_template(
        "dashboard.html", now=now, **{f.name: getattr(home, f.name) for f in fields(home)}
    )


@bp.post("/locale")
def set_locale() -> Response:
    """Switch the interface language (kept for the user, or for the session)."""
    form = LocaleForm()
    if form.validate_on_submit() and form.locale.data in SUPPORTED_LOCALES:
        session["locale"] = form.locale.data
        if current_user.is_authenticated:
            accounts.set_locale(db.session, current_user, form.locale.data)
    target = safe_next(request.form.get("next")) or url_for("web.dashboard")
    return redirect(target)  # type: ignore[return-value]
