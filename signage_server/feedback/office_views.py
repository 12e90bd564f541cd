"""The village office's side of feedback heard without a smartphone (代录): the form on which
staff record a case a villager brought by the hotline, a letter, the paper mailbox or a
reception day; the receipt slip (回执) printed for the villager; the look-up of a receipt at
the counter. Each view parses the request, calls one use case of
``feedback.services.recording`` and renders."""

from __future__ import annotations

import datetime as dt
import secrets
from typing import Any

from flask import Blueprint
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from flask_login import current_user
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.assets import STORE
from signage_server.config import Settings
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.rules import NoticeKind
from signage_server.errorhandlers import domain_message
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.feedback import presenters
from signage_server.feedback import rules
from signage_server.feedback.forms import RecordForm
from signage_server.feedback.rules import Channel
from signage_server.feedback.services import inbox as cases
from signage_server.feedback.services import recording
from signage_server.feedback.services import visibility
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import tree_choices
from signage_server.paper.downloads import pdf_response
from signage_server.paper.qr import qr_svg
from signage_server.paper.render import offload
from signage_server.paper.render import render_pdf
from signage_server.paper.slips import slip_html
from signage_server.web.outcome import REFUSALS

bp = Blueprint("feedback_office", __name__, url_prefix="/feedback")


def _prepare(form: RecordForm, principal: Principal, code: str) -> tuple[list[Org], Org]:
    """Fill the form's choices for the org of ``code`` (default: the first the caller records
    for): its public disclosures, and the kinds (an objection where a voter list is public).

    :raise PermissionDenied: the caller records cases for no org, or not for this one.
    """
    orgs = recording.recording_orgs(db.session, principal)
    if not orgs:
        raise PermissionDenied(
            N_("You may not record feedback for that organisation."), code="forbidden"
        )
    org, _role = recording.recording_org(db.session, principal, code or orgs[0].code)
    items = recording.public_items(db.session, org, registry.now())
    form.org.data = org.code
    form.item.choices = [(0, _("The organisation in general (no particular item)"))] + [
        (r.item_id, r.title) for r in items
    ]
    form.offer(rules.form_kinds(any(r.notice_kind is NoticeKind.VOTER_LIST for r in items)))
    return orgs, org


def _record_page(form: RecordForm, orgs: list[Org], org: Org, status: int) -> Response:
    html = render_template(
        "feedback/record.html",
        form=form,
        org=org,
        org_choices=tree_choices(orgs),
        hints={kind.value: hint for kind, hint in rules.KIND_HINTS.items()},
        days_back=rules.RECEIVED_DAYS_BACK,
    )
    return make_response(html, status)


@bp.route("/record", methods=["GET", "POST"])
@login_required
def record() -> Response:
    """代录意见: record a case a villager brought without a smartphone. After recording, the
    recorder sees the receipt slip, never the case (unless they may see it anyway)."""
    principal = current_principal()
    form = RecordForm()
    code = (request.form.get("org") if request.method == "POST" else request.args.get("org")) or ""
    orgs, org = _prepare(form, principal, code)
    if request.method == "GET":
        form.nonce.data = secrets.token_hex(16)
        form.received_on.data = local_today()
        form.channel.data = Channel.PHONE.value
        return _record_page(form, orgs, org, 200)
    if not form.validate_on_submit():
        return _record_page(form, orgs, org, 400)
    heard = recording.Heard(
        org=org.code,
        channel=Channel(form.channel.data),
        received_on=form.received_on.data,
        submission=form.submission(),
        item_id=form.item.data or None,
    )
    try:
        case = recording.record_case(db.session, principal, heard, registry.now())
    except REFUSALS as error:
        db.session.rollback()
        form.form_errors.append(domain_message(error))
        return _record_page(form, orgs, org, error.status)
    return redirect(url_for(".slip", receipt=case.receipt))


def local_today() -> dt.date:
    return registry.now().astimezone(local_tz()).date()


@bp.get("/slip/<receipt>")
@login_required
def slip(receipt: str) -> str:
    """The receipt slip on screen, with the PDF to print for the villager."""
    principal = current_principal()
    case = recording.slip_case(db.session, principal, receipt, registry.now())
    found = presenters.slip(db.session, case)
    return render_template(
        "feedback/slip.html",
        s=found,
        qr=qr_svg(found.track_url, title=found.receipt),
        case_id=case.id if visibility.can_see(principal, case) else None,
    )


@bp.get("/slip/<receipt>.pdf")
@login_required
def slip_pdf(receipt: str) -> Response:
    """The receipt slip (回执) as an A5 PDF, in Chinese."""
    now = registry.now()
    case = recording.slip_case(db.session, current_principal(), receipt, now)
    html, filename = slip_html(presenters.slip(db.session, case), now, local_tz())
    pdf = offload(render_pdf, html, registry.get(STORE))
    return pdf_response(pdf, filename, f"receipt-{case.receipt}.pdf")


def _lookup_rate() -> str:
    return registry.get(Settings).lookup_rate_limit


def _lookup_key() -> str:
    return f"user:{current_user.get_id()}"


@bp.get("/lookup")
@login_required
@limiter.limit(
    _lookup_rate,
    key_func=_lookup_key,
    scope="lookup",
    exempt_when=lambda: not request.args.get("receipt", "").strip(),
)
def lookup() -> Response:
    """按回执查询: a villager at the counter gives their receipt code; staff see the case only
    if they may see it anyway (one answer for unknown and not theirs), to tell how it stands."""
    receipt = request.args.get("receipt", "").strip()
    context: dict[str, Any] = {"receipt": receipt, "row": None, "missing": ""}
    status = 200
    if receipt:
        principal = current_principal()
        now = registry.now()
        try:
            tracked = recording.look_up(db.session, principal, receipt)
        except NotFound as error:
            context["missing"] = domain_message(error)
            status = 404
        else:
            context.update(
                row=cases.row(db.session, principal, tracked.case, now),
                replies_intact=tracked.replies_intact,
                answered_by=presenters.answered_by,
            )
    return make_response(render_template("feedback/lookup.html", **context), status)
