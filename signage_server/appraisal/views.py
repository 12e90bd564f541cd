"""The approver's pages of democratic appraisals: the list and the form for a new one, an
appraisal with its live tally (approver, reviewer, township), the steps open / close /
publish results, and the printable QR poster."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.appraisal import links
from signage_server.appraisal import rules
from signage_server.appraisal import services
from signage_server.appraisal.forms import ActionForm
from signage_server.appraisal.forms import AppraisalForm
from signage_server.disclosure.context import env
from signage_server.disclosure.viewing import local_tz
from signage_server.extensions import db
from signage_server.orgs.services import require_by_code
from signage_server.paper.qr import qr_svg
from signage_server.web.outcome import flash_outcome

bp = Blueprint("appraisal", __name__, url_prefix="/appraisals")


def _form() -> AppraisalForm:
    form = AppraisalForm()
    form.org.choices = [
        (org.code, org.name) for org in services.villages_managed(db.session, current_principal())
    ]
    return form


@bp.get("")
@login_required
def appraisals() -> str:
    principal = current_principal()
    now = registry.now()
    return render_template(
        "appraisal/list.html",
        appraisals=services.list_appraisals(db.session, principal, now),
        form=_form(),
        now=now,
        phase_of=services.phase_of,
        phase_labels=rules.PHASE_LABELS,
        state_labels=rules.STATE_LABELS,
    )


@bp.post("")
@login_required
def create() -> Response:
    principal = current_principal()
    form = _form()
    if form.validate():
        opens_at, closes_at = form.period(local_tz())
        draft = services.Draft(
            year=form.year.data,
            title=form.title.data,
            opens_at=opens_at,
            closes_at=closes_at,
            members=form.member_list(),
        )
        org = require_by_code(db.session, form.org.data)
        created: list[int] = []
        if flash_outcome(
            lambda: created.append(
                services.create_appraisal(db.session, principal, org, draft, registry.now()).id
            ),
            _("The appraisal was drafted. Open it to start the voting."),
        ):
            return redirect(url_for(".appraisal", appraisal_id=created[0]))
    else:
        for messages in form.errors.values():
            for message in messages:
                flash(str(message), "danger")
    return redirect(url_for(".appraisals"))


@bp.get("/<int:appraisal_id>")
@login_required
def appraisal(appraisal_id: int) -> str:
    principal = current_principal()
    now = registry.now()
    found = services.readable_appraisal(db.session, principal, appraisal_id, now)
    return render_template(
        "appraisal/detail.html",
        appraisal=found,
        phase=services.phase_of(found, now).value,
        phase_labels={p.value: label for p, label in rules.PHASE_LABELS.items()},
        state_labels=rules.STATE_LABELS,
        rating_labels=rules.RATING_LABELS,
        ratings=list(rules.Rating),
        tally=services.tally_of(db.session, found),
        comments=(
            services.comments_of(db.session, found)
            if principal.can(Permission.SEE_APPRAISAL_RESULTS, found.org)
            else {}
        ),
        names={s.id: s.label for s in found.subjects},
        page_url=links.page_url(found.id) if found.state is not rules.State.DRAFT else "",
        page_code=links.page_code(found.id),
        can_manage=principal.can(Permission.MANAGE_APPRAISALS, found.org),
        can_draft=principal.can(Permission.DRAFT_ITEMS, found.org),
        form=ActionForm(),
    )


def _step(appraisal_id: int, action: str) -> Response:
    principal = current_principal()
    form = ActionForm()
    if form.validate():
        now = registry.now()
        found = services.readable_appraisal(db.session, principal, appraisal_id, now)
        if action == "open":
            flash_outcome(
                lambda: services.open_appraisal(db.session, principal, found, now),
                _("The appraisal is open."),
            )
        elif action == "close":
            flash_outcome(
                lambda: services.close_appraisal(db.session, principal, found, now),
                _("The appraisal is closed; its tally is sealed in the audit chain."),
            )
        else:
            flash_outcome(
                lambda: services.publish_results(db.session, principal, found, env()),
                _("The results were drafted as a disclosure item: submit it for review."),
            )
    return redirect(url_for(".appraisal", appraisal_id=appraisal_id))


@bp.post("/<int:appraisal_id>/open")
@login_required
def open_(appraisal_id: int) -> Response:
    return _step(appraisal_id, "open")


@bp.post("/<int:appraisal_id>/close")
@login_required
def close(appraisal_id: int) -> Response:
    return _step(appraisal_id, "close")


@bp.post("/<int:appraisal_id>/publish")
@login_required
def publish(appraisal_id: int) -> Response:
    return _step(appraisal_id, "publish")


@bp.get("/<int:appraisal_id>/poster")
@login_required
def poster(appraisal_id: int) -> str:
    """A printable A4 page with the QR code of the villagers' page."""
    found = services.visible_appraisal(
        db.session, current_principal(), appraisal_id, Permission.SEE_APPRAISAL_RESULTS
    )
    url = links.page_url(found.id)
    return render_template("appraisal/poster.html", appraisal=found, url=url, qr=qr_svg(url))
