"""``/assessments?org=CODE&period=2026H2``: the computed figures, the six headings, the
assessor's form (the superior organisation), the ranking of a township's villages, the PDF."""

from __future__ import annotations

from flask import Blueprint
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.assessment import rules
from signage_server.assessment import services
from signage_server.assessment.forms import ScoresForm
from signage_server.disclosure.viewing import local_tz
from signage_server.extensions import db
from signage_server.web.outcome import flash_outcome

bp = Blueprint("assessment", __name__, url_prefix="/assessments")


def _page(form: ScoresForm | None = None) -> str:
    principal = current_principal()
    now = registry.now()
    code = request.args.get("org") or services.default_org_code(db.session, principal)
    report = services.report(
        db.session, principal, code, request.args.get("period"), now, local_tz()
    )
    if form is None:
        form = ScoresForm()
        form.fill(report.assessment)
    return render_template(
        "assessment/page.html",
        r=report,
        form=form,
        periods=rules.period_choices(report.today),
        headings_zh=rules.HEADING_ZH,
        weights=(round(rules.COMPUTED_WEIGHT * 100), round(rules.ASSESSOR_WEIGHT * 100)),
    )


@bp.get("")
@login_required
def page() -> str:
    return _page()


@bp.post("")
@login_required
def save() -> Response | str:
    form = ScoresForm()
    code = request.args.get("org", "")
    period = request.args.get("period", "")
    if not form.validate():
        return _page(form)
    if flash_outcome(
        lambda: services.save_by_code(
            db.session, current_principal(), code, period, form.entry(), registry.now(), local_tz()
        ),
        _("The assessment was saved."),
    ):
        return redirect(url_for(".page", org=code, period=period))
    return _page(form)
