"""The villagers' side (no login): the form behind every QR code, the receipt, the
tracking page and the QR images themselves. Light pages that work without JavaScript."""

from __future__ import annotations

import io
import logging
import secrets
from collections.abc import Callable
from typing import Any

import segno
from flask import Blueprint
from flask import Response
from flask import current_app
from flask import jsonify
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from signage_server import services as registry
from signage_server.audit.services import head as audit_head
from signage_server.config import Settings
from signage_server.disclosure import viewing
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.audience import Decision as Disclosed
from signage_server.disclosure.audience import Status
from signage_server.disclosure.models import Revision
from signage_server.disclosure.presenters import asset_url
from signage_server.disclosure.presenters import body_html
from signage_server.disclosure.rules import ACTION_LABELS
from signage_server.disclosure.services import seal_intact
from signage_server.errorhandlers import wants_json
from signage_server.extensions import client_address
from signage_server.extensions import csrf
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.feedback import codes
from signage_server.feedback import services
from signage_server.feedback.forms import PublicFeedbackForm
from signage_server.feedback.models import Case
from signage_server.feedback.models import Reply
from signage_server.feedback.presenters import clock
from signage_server.feedback.rules import KIND_HINTS
from signage_server.feedback.rules import PUBLIC_DUTY_LABELS
from signage_server.feedback.rules import Decision
from signage_server.feedback.rules import Kind
from signage_server.feedback.services import Submission

logger = logging.getLogger(__name__)

bp = Blueprint("feedback_public", __name__, url_prefix="/f")
csrf.exempt(bp)


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


def code_key() -> bytes:
    return codes.derive_key(current_app.config["SECRET_KEY"])


def _target() -> services.Target:
    code = (request.view_args or {})["code"]
    return services.resolve(db.session, code_key(), code, request.args.get("s"))


def _decision(target: services.Target) -> Disclosed | None:
    """What anybody with the code may see of the item: the one audience rule, as anonymous
    (the QR page is public; a login changes nothing here)."""
    if target.revision is None:
        return None
    return viewing.decision(target.revision, ANONYMOUS, registry.now())


def _publication(target: services.Target, decision: Disclosed | None) -> dict[str, Any]:
    """The item's publication record, and its content only while it is the disclosure."""
    if target.item is None or target.revision is None or decision is None or not decision.full:
        return {}
    revision: Revision = target.revision
    # A body that does not match its seal in the audit chain (changed in the database) is
    # never presented as the disclosed content (DESIGN.md §2, tamper evidence).
    intact = seal_intact(revision)
    if not intact:
        logger.error(
            "INTEGRITY ALARM: item %s revision %s does not match its seal; the QR page"
            " does not present it",
            revision.item_id,
            revision.number,
        )
    content = decision.content and intact
    return {
        "steps": services.publication_record(db.session, target.item, revision),
        "content_sha256": revision.content_sha256,
        "intact": intact,
        "body": body_html(revision.body, revision.title) if content else None,
        "attachments": [asset_url(sha) for sha in revision.attachments] if content else [],
        "current": target.item.live_number == revision.number,
    }


def _status(target: services.Target, decision: Disclosed | None) -> dict[str, Any]:
    """How the item stands when it is not (or no longer, or not yet) the current disclosure:
    when, by whom and why it ended (only the when for a limited view), and where the current
    revision is when that one may be shown."""
    if target.item is None or target.revision is None or decision is None:
        return {}
    if decision.status is Status.CURRENT:
        return {}
    revision: Revision = target.revision
    replacement = ""
    live = target.item.live
    if (
        live is not None
        and live.number != revision.number
        and viewing.decision(live, ANONYMOUS, registry.now()).content
    ):
        replacement = url_for(
            ".form", code=codes.make(code_key(), "r", target.item.id, live.number)
        )
        if target.screen_code:
            replacement += "?s=" + target.screen_code
    return {
        "status": decision.status.value,
        "label": decision.status.label,
        "action": viewing.STATUS_ACTIONS.get(decision.status, ""),
        "starts": viewing.window(revision).start if decision.status is Status.SCHEDULED else None,
        "endings": viewing.public_endings(db.session, target.item, revision, decision),
        "replacement": replacement,
    }


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


def _revision_of(case: Case) -> Revision | None:
    """The revision the case is about: the one whose code was scanned (a poster's: the
    live one then)."""
    if case.item is None:
        return None
    return case.item.revision(case.revision) if case.revision is not None else case.item.live


def case_context(case: Case) -> dict[str, Any]:
    """What the receipt and tracking pages say about a case besides its state: the title of
    the item it is about (only when the audience rule lets anybody read it, as on the QR
    page), the deadlines in working days (the handlers' own), and who answered."""
    now = clock()
    revision = _revision_of(case)
    title = ""
    if revision is not None and viewing.decision(revision, ANONYMOUS, now.now).full:
        title = revision.title if seal_intact(revision) else ""
    return {
        "about_org": case.org.name,
        "about_title": title,
        "deadlines": services.deadlines(case, now),
        "duty_labels": PUBLIC_DUTY_LABELS,
        "today": now.today,
        "answered_by": answered_by,
    }


def answered_by(reply: Reply) -> str:
    """Who answered, as the public record names people: real name and post (the account's
    display name); empty when the account has none (the organisation then answers)."""
    person = reply.published_by or reply.author
    return person.display_name if person is not None else ""


@bp.route("/<code>", methods=["GET", "POST"])
@limiter.limit(_feedback_rate, key_func=client_address, methods=["POST"], scope="feedback")
def form(code: str) -> Any:
    target = _target()
    decision = _decision(target)
    form = PublicFeedbackForm(request.form if request.method == "POST" else None)
    if request.method == "GET":
        form.nonce.data = secrets.token_hex(16)
    elif form.validate():
        submission = Submission(
            kind=Kind(form.kind.data),
            text=form.text.data,
            name=form.name.data or "",
            phone=form.phone.data or "",
            nonce=form.nonce.data or None,
            honeypot=(form.website.data or "").strip(),
        )
        case = services.submit(db.session, target, submission, registry.now())
        db.session.commit()
        if wants_json():
            response = jsonify({"receipt": case.receipt})
            response.status_code = 201
            return response
        html = render_template("feedback/receipt.html", case=case, **case_context(case))
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
        publication=_publication(target, decision),
        status=_status(target, decision),
        audit_head=audit_head(db.session),
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
    case = services.by_receipt(db.session, receipt)
    intact = services.replies_intact(db.session, case)
    if not intact:
        logger.error(
            "INTEGRITY ALARM: the published replies of feedback case %s do not match their seal",
            case.id,
        )
    if wants_json():
        return jsonify(public_case_json(case, replies_intact=intact))
    return render_template(
        "feedback/track.html", case=case, replies_intact=intact, **case_context(case)
    )


def public_case_json(case: Case, *, replies_intact: bool = True) -> dict[str, Any]:
    """What anybody holding the receipt may know: no names, no phone, no handler; no reply
    that does not match its seal in the audit chain."""
    return {
        "receipt": case.receipt,
        "kind": case.kind.value,
        "state": "hidden" if case.hidden else case.state.value,
        "received_at": case.received_at.isoformat(),
        "decision": case.decision.value if case.decision else None,
        "decision_reason": case.decision_reason if case.decision is Decision.REFUSED else "",
        "replies": [
            {"text": r.text, "published_at": r.published_at.isoformat()}
            for r in case.published_replies
            if r.published_at is not None and replies_intact
        ],
        "replies_intact": replies_intact,
    }


def _qr(code: str) -> segno.QRCode:
    target = _target()
    url = registry.get(Settings).public_url.rstrip("/") + url_for(".form", code=target.code)
    if target.screen_code:
        url += "?s=" + target.screen_code
    return segno.make(url, error="m", micro=False)


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
