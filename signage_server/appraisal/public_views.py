"""The villagers' pages of a democratic appraisal (no login, no JavaScript): the page behind
the QR code with the number form, the one-time code, the ballot, the receipt, and the QR
image. Nothing here stores or shows a number; see ``appraisal.services`` for the vote.
"""

from __future__ import annotations

import io
from typing import Any

import segno
from flask import Blueprint
from flask import Response
from flask import make_response
from flask import render_template
from flask import request

from signage_server import services as registry
from signage_server.appraisal import codes
from signage_server.appraisal import links
from signage_server.appraisal import rules
from signage_server.appraisal import services
from signage_server.appraisal.forms import CodeForm
from signage_server.appraisal.forms import PhoneForm
from signage_server.appraisal.forms import ballot_answers
from signage_server.appraisal.models import Appraisal
from signage_server.appraisal.rules import CodeCheck
from signage_server.config import Settings
from signage_server.errorhandlers import domain_message
from signage_server.errors import Conflict
from signage_server.errors import RuleViolation
from signage_server.extensions import client_address
from signage_server.extensions import csrf
from signage_server.extensions import db
from signage_server.extensions import limiter

bp = Blueprint("appraisal_public", __name__, url_prefix=codes.PREFIX)
csrf.exempt(bp)


@bp.after_request
def _no_store(response: Response) -> Response:
    """Pages carrying a ticket are never cached (a shared phone's back button, a proxy)."""
    if "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def _code_rate() -> str:
    return registry.get(Settings).appraisal_code_rate_limit


def _rate() -> str:
    return registry.get(Settings).appraisal_rate_limit


def _appraisal(code: str) -> Appraisal:
    return services.resolve(db.session, codes.read(links.code_key(), code))


def _page(template: str, appraisal: Appraisal, status: int = 200, **context: Any) -> Response:
    sender = links.sender()
    html = render_template(
        template,
        appraisal=appraisal,
        code=request.view_args["code"] if request.view_args else "",
        phase=services.phase_of(appraisal, registry.now()).value,
        phase_labels={p.value: label for p, label in rules.PHASE_LABELS.items()},
        rating_labels={r.value: label for r, label in rules.RATING_LABELS.items()},
        demo_notice=sender.demo_notice,
        **context,
    )
    return make_response(html, status)


def _refused(appraisal: Appraisal, error: Conflict) -> Response:
    return _page("appraisal/refused.html", appraisal, 409, reason=domain_message(error))


@bp.get("/<code>")
def page(code: str) -> Response:
    appraisal = _appraisal(code)
    return _page(
        "appraisal/public.html", appraisal, form=PhoneForm(), sendable=links.sender().delivers
    )


@bp.post("/<code>/code")
@limiter.limit(_code_rate, key_func=client_address, scope="appraisal-code")
def send_code(code: str) -> Response:
    appraisal = _appraisal(code)
    form = PhoneForm(request.form)
    if not form.validate():
        sendable = links.sender().delivers
        return _page("appraisal/public.html", appraisal, 400, form=form, sendable=sendable)
    if (form.website.data or "").strip():
        # A robot: it gets the next page as a person would, and nothing is sent.
        return _page("appraisal/code.html", appraisal, form=CodeForm(ticket=rules.new_ticket()))
    try:
        ticket = services.request_code(
            db.session,
            appraisal,
            form.phone.data,
            key=links.voter_key(),
            sender=links.sender(),
            policy=links.policy(),
            now=registry.now(),
        )
    except Conflict as error:
        return _refused(appraisal, error)
    return _page("appraisal/code.html", appraisal, form=CodeForm(ticket=ticket))


@bp.post("/<code>/verify")
@limiter.limit(_rate, key_func=client_address, scope="appraisal")
def verify(code: str) -> Response:
    appraisal = _appraisal(code)
    form = CodeForm(request.form)
    if not form.validate():
        return _page("appraisal/code.html", appraisal, 400, form=form)
    try:
        checked = services.verify_code(
            db.session,
            appraisal,
            form.ticket.data or "",
            form.code.data,
            key=links.voter_key(),
            policy=links.policy(),
            now=registry.now(),
        )
    except Conflict as error:
        return _refused(appraisal, error)
    if checked.outcome is CodeCheck.OK:
        return _page(
            "appraisal/ballot.html", appraisal, ticket=form.ticket.data, chosen={}, missing=[]
        )
    if checked.outcome is CodeCheck.WRONG:
        return _page(
            "appraisal/code.html",
            appraisal,
            422,
            form=form,
            wrong=True,
            tries_left=checked.tries_left,
        )
    if checked.outcome is CodeCheck.LOCKED:
        return _page("appraisal/locked.html", appraisal, 429)
    return _page("appraisal/locked.html", appraisal, 409, expired=True)


@bp.post("/<code>/vote")
@limiter.limit(_rate, key_func=client_address, scope="appraisal")
def vote(code: str) -> Response:
    appraisal = _appraisal(code)
    ticket = request.form.get("ticket", "")
    subjects = [s.id for s in appraisal.subjects]
    answers, missing = ballot_answers(request.form, subjects)
    chosen = {a.subject: a.rating.value for a in answers.values()}
    if missing:
        return _page(
            "appraisal/ballot.html", appraisal, 422, ticket=ticket, chosen=chosen, missing=missing
        )
    try:
        services.cast_ballot(
            db.session, appraisal, ticket, answers, policy=links.policy(), now=registry.now()
        )
    except Conflict as error:
        return _refused(appraisal, error)
    except RuleViolation:
        return _page(
            "appraisal/ballot.html", appraisal, 422, ticket=ticket, chosen=chosen, missing=subjects
        )
    return _page("appraisal/receipt.html", appraisal, 201)


@bp.get("/<code>/qr.svg")
def qr_svg(code: str) -> Response:
    """The QR code of the appraisal's page as SVG (to print at any size)."""
    appraisal = _appraisal(code)
    out = io.BytesIO()
    segno.make(links.page_url(appraisal.id), error="m", micro=False).save(
        out, kind="svg", scale=8, border=2, title="QR"
    )
    response = make_response(out.getvalue())
    response.headers["Content-Type"] = "image/svg+xml; charset=utf-8"
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response
