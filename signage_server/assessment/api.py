"""``GET /api/v1/reports/assessment.pdf?org=CODE&period=2026H2``: the assessment report."""

from __future__ import annotations

from flask import Response
from flask import request

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.api import api_blueprint
from signage_server.api import session_allowed
from signage_server.assessment import printing
from signage_server.assessment import services
from signage_server.assets import STORE
from signage_server.disclosure.viewing import local_tz
from signage_server.errors import BadRequest
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.paper.downloads import pdf_response
from signage_server.paper.render import offload
from signage_server.paper.render import render_pdf

bp = api_blueprint("assessment_api", __name__)


@bp.get("/reports/assessment.pdf")
@session_allowed
def assessment_pdf() -> Response:
    """The assessment report of ``?org=`` for ``?period=`` (``2026H1``, ``2026H2``,
    ``2026Y``; default the current half year): 400 bad period, 404 unknown org, 403 when
    the caller may not see the organisation's assessment."""
    code = request.args.get("org", "")
    if not code:
        raise BadRequest(N_("Say which organisation: ?org=CODE."), code="missing_org")
    now = registry.now()
    tz = local_tz()
    report = services.report(
        db.session, current_principal(), code, request.args.get("period"), now, tz
    )
    html, filename = printing.report_html(report, now, tz)
    pdf = offload(render_pdf, html, registry.get(STORE))
    return pdf_response(pdf, filename, f"assessment-{report.org.code}-{report.period.code}.pdf")
