"""The villagers' side (no login): the form behind every QR code, the receipt, the
tracking page and the QR images themselves. Light pages that work without JavaScript.

What a page shows comes from ``feedback.presenters`` (the audience rule, as anonymous); what
a code names and what a submission becomes, from ``feedback.services``; the QR code's
address from ``feedback.links``.
"""

from __future__ import annotations

import io
import secrets
from collections.abc import Callable
from typing import Any

import segno
from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from signage_server import services as registry
from signage_server.audit.services import head as audit_head
from signage_server.config import Settings
from signage_server.disclosure.rules import ACTION_LABELS
from signage_server.errorhandlers import wants_json
from signage_server.errors import BadRequest
from signage_server.extensions import client_address
from signage_server.extensions import csrf
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.feedback import codes
from signage_server.feedback import links
from signage_server.feedback import presenters
from signage_server.feedback import rules
from signage_server.feedback.forms import ObjectionForm
from signage_server.feedback.forms import PublicFeedbackForm
from signage_server.feedback.rules import KIND_HINTS
from signage_server.feedback.services import handling
from signage_server.feedback.services import intake
from signage_server.feedback.services import scanning
from signage_server.i18n import N_
from signage_server.web import visitor

bp = Blueprint("feedback_public", __name__, url_prefix=codes.FORM_PREFIX)
csrf.exempt(bp)
bp.after_request(visitor.remember)


@bp.after_request
def _no_store(response: Response) -> Response:
    """Pages with a form nonce, a receipt or a case's answer are never cached (a shared phone's
    back button, a proxy): only the QR images, which say so themselves, are."""
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def _feedback_rate() -> str:
    return registry.get(Settings).feedback_rate_limit


def _track_rate() -> str:
    return registry.get(Settings).track_rate_limit


def _target() -> scanning.Target:
    code = (request.view_args or {})["code"]
    return scanning.resolve(db.session, code, request.args.get("s"))


#: The public form's fields in page order: the first wrong one gets the focus.
FORM_FIELDS = ("kind", "text", "name", "phone", "consent")


def invalid_attrs(form: PublicFeedbackForm) -> Callable[[Any], dict[str, Any]]:
    """Return what marks a wrong field of ``form`` (for the template): a red border, the
    message under it named by ``aria-describedby``, ``aria-invalid``, and the focus on the
    first wrong field (``autofocus``: no script needed)."""
    first = next((name for name in FORM_FIELDS if form[name].errors), None)

    def attrs(field: Any) -> dict[str, Any]:
        if not field.errors:
            return {}
        found: dict[str, Any] = {
            "class_": "invalid",
            "aria-invalid": "true",
            "aria-describedby": f"{field.name}-error",
        }
        if field.name == first:
            found["autofocus"] = True
        return found

    return attrs


@bp.route("/<code>", methods=["GET", "POST"])
@limiter.limit(_feedback_rate, key_func=client_address, methods=["POST"], scope="feedback")
def form(code: str) -> Any:
    target = _target()
    languages = visitor.languages(target.org)
    now = registry.now()
    decision = presenters.disclosed(target, now)
    form = PublicFeedbackForm(request.form if request.method == "POST" else None)
    form.offer(rules.form_kinds(scanning.is_voter_list(target)))
    if request.method == "GET":
        form.nonce.data = secrets.token_hex(16)
    elif form.validate():
        submission = form.submission(honeypot=(form.website.data or "").strip())
        case = intake.submit_case(db.session, target, submission, now)
        if wants_json():
            response = jsonify({"receipt": case.receipt})
            response.status_code = 201
            return response
        context = presenters.case_context(db.session, case, now)
        html = render_template("feedback/receipt.html", case=case, **context, **languages)
        return make_response(html, 201)
    elif wants_json():
        response = jsonify(
            {
                "error": {
                    "code": "bad_request",
                    "message": "; ".join(
                        str(message) for messages in form.errors.values() for message in messages
                    ),
                    "details": {name: [str(m) for m in ms] for name, ms in form.errors.items()},
                }
            }
        )
        response.status_code = 400
        return response
    status = 400 if request.method == "POST" else 200
    html = render_template(
        "feedback/form.html",
        form=form,
        target=target,
        view=decision.visibility.value if decision is not None else "general",
        hints=KIND_HINTS,
        invalid=invalid_attrs(form),
        step_labels={a.value: label for a, label in ACTION_LABELS.items()},
        publication=presenters.publication(db.session, target, decision),
        matter=presenters.matter_path(db.session, target, decision, now),
        status=presenters.status(db.session, target, decision, now),
        audit_head=audit_head(db.session),
        **languages,
    )
    return make_response(html, status)


@bp.route("/track", methods=["GET"])
def track_lookup() -> Any:
    receipt = request.args.get("receipt", "").strip()
    if receipt:
        return redirect(url_for(".track", receipt=receipt))
    return render_template("feedback/track_lookup.html")


@bp.route("/track/<receipt>")
@limiter.limit(_track_rate, key_func=client_address, scope="track")
def track(receipt: str) -> Any:
    tracked = intake.track(db.session, receipt)
    if wants_json():
        return jsonify(
            presenters.public_case_json(tracked.case, replies_intact=tracked.replies_intact)
        )
    return render_template(
        "feedback/track.html",
        case=tracked.case,
        replies_intact=tracked.replies_intact,
        objection_form=ObjectionForm(),
        may_object=presenters.may_object(tracked.case),
        **presenters.case_context(db.session, tracked.case, registry.now()),
        **visitor.languages(tracked.case.org),
    )


@bp.post("/track/<receipt>/objection")
@limiter.limit(_feedback_rate, key_func=client_address, scope="feedback")
def object_to(receipt: str) -> Any:
    """The real-name reporter's objection to the handling result (异议), by receipt code."""
    case = intake.by_receipt(db.session, receipt)
    form = ObjectionForm(request.form)
    if not form.validate():
        raise BadRequest(N_("Say why you disagree with the handling result."), code="text_required")
    handling.object_to_case(db.session, case, form.text.data or "", registry.now())
    if wants_json():
        return jsonify(presenters.public_case_json(case))
    return redirect(url_for(".track", receipt=case.receipt))


def _qr(code: str) -> segno.QRCode:
    target = _target()
    return segno.make(links.form_url(target.code, target.screen_code), error="m", micro=False)


@bp.route("/<code>/qr.svg")
def qr_svg(code: str) -> Response:
    """The QR code of a form link as SVG (for posters, and to print at any size)."""
    out = io.BytesIO()
    _qr(code).save(out, kind="svg", scale=8, border=2, title="QR")
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.route("/<code>/qr.png")
def qr_png(code: str) -> Response:
    """The QR code of a form link as PNG (``?scale=`` pixels per module, 2 to 40)."""
    scale = min(max(request.args.get("scale", 10, type=int) or 10, 2), 40)
    out = io.BytesIO()
    _qr(code).save(out, kind="png", scale=scale, border=2)
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "image/png"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
