"""The supervision pages: the overview of the caller's scope, inspections and their findings
through rectification, supervisors' meetings, the roster, accountability records."""

from __future__ import annotations

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.disclosure.viewing import local_tz
from signage_server.i18n import N_
from signage_server.supervision import presenters
from signage_server.supervision import use_cases
from signage_server.supervision.forms import AccountabilityForm
from signage_server.supervision.forms import DismissForm
from signage_server.supervision.forms import FindingActionForm
from signage_server.supervision.forms import FindingForm
from signage_server.supervision.forms import InspectionForm
from signage_server.supervision.forms import MeetingForm
from signage_server.supervision.forms import SupervisorForm
from signage_server.supervision.rules import Breach
from signage_server.supervision.rules import FindingAction
from signage_server.supervision.rules import Measure
from signage_server.supervision.rules import MeetingKind
from signage_server.supervision.rules import Point
from signage_server.web.outcome import flash_outcome

bp = Blueprint("supervision", __name__, url_prefix="/supervision")

#: What each action on a finding says when it is done.
DONE = {
    FindingAction.RECTIFY: N_("The rectification was reported."),
    FindingAction.ACCEPT: N_("The rectification was accepted; the finding is closed."),
    FindingAction.REOPEN: N_("The finding was sent back for rectification."),
}


@bp.get("")
@login_required
def overview() -> str:
    context = presenters.overview_page(current_principal(), registry.now(), local_tz())
    return render_template("supervision/overview.html", **context)


@bp.route("/inspections/new", methods=["GET", "POST"])
@login_required
def new_inspection() -> str | Response:
    principal = current_principal()
    context = presenters.new_inspection_page(principal, request.args.get("org"))
    form = InspectionForm()
    form.inspectors.choices = context["inspectors"]
    if request.method == "GET":
        form.inspected_on.data = registry.now().astimezone(local_tz()).date()
    if form.validate_on_submit():
        made: list[int] = []
        if flash_outcome(
            lambda: made.append(
                use_cases.record_inspection(
                    principal,
                    context["org"].code,
                    inspected_on=form.inspected_on.data,
                    results=form.results(),
                    summary=form.summary.data or "",
                    inspector_ids=list(form.inspectors.data or []),
                    now=registry.now(),
                ).id
            ),
            _("The inspection was recorded. Add its findings below."),
        ):
            return redirect(url_for("supervision.inspection", inspection_id=made[0]))
    return render_template(
        "supervision/inspection_new.html", form=form, points=list(Point), **context
    )


@bp.get("/inspections/<int:inspection_id>")
@login_required
def inspection(inspection_id: int) -> str:
    context = presenters.inspection_page(
        current_principal(), inspection_id, registry.now(), local_tz()
    )
    form = FindingForm()
    form.owner.choices = context["owners"]
    form.deadline.data = context["default_deadline"]
    return render_template("supervision/inspection.html", form=form, **context)


@bp.post("/inspections/<int:inspection_id>/findings")
@login_required
def add_finding(inspection_id: int) -> Response:
    principal = current_principal()
    form = FindingForm()
    if form.validate():
        flash_outcome(
            lambda: use_cases.add_finding(
                principal,
                inspection_id,
                point=Point(form.point.data),
                description=form.description.data,
                owner_id=form.owner.data,
                deadline=form.deadline.data,
                item_id=form.item.data,
                now=registry.now(),
                tz=local_tz(),
            ),
            _("The finding was recorded."),
        )
    else:
        presenters.inspection_page(principal, inspection_id, registry.now(), local_tz())
        _flash_form_errors(form)
    return redirect(url_for("supervision.inspection", inspection_id=inspection_id))


@bp.get("/findings/<int:finding_id>")
@login_required
def finding(finding_id: int) -> str:
    context = presenters.finding_page(current_principal(), finding_id, registry.now(), local_tz())
    return render_template("supervision/finding.html", form=FindingActionForm(), **context)


@bp.post("/findings/<int:finding_id>/action")
@login_required
def finding_action(finding_id: int) -> Response:
    principal = current_principal()
    form = FindingActionForm()
    action = form.chosen()
    if form.validate() and action is not None:
        flash_outcome(
            lambda: use_cases.act_on_finding(
                principal,
                finding_id,
                action,
                text=form.text.data or "",
                evidence=form.evidence.data or "",
                deadline=form.deadline.data,
                now=registry.now(),
                tz=local_tz(),
            ),
            _(DONE[action]),
        )
    else:
        presenters.finding_page(principal, finding_id, registry.now(), local_tz())
        _flash_form_errors(form)
    return redirect(url_for("supervision.finding", finding_id=finding_id))


@bp.route("/meetings", methods=["GET", "POST"])
@login_required
def meetings() -> str | Response:
    principal = current_principal()
    code = request.args.get("org")
    context = presenters.meetings_page(principal, code, registry.now(), local_tz())
    form = MeetingForm()
    form.org.choices = context["choices"]
    if request.method == "GET":
        form.held_on.data = registry.now().astimezone(local_tz()).date()
        if context["org"] is not None:
            form.org.data = context["org"].code
    if form.validate_on_submit() and flash_outcome(
        lambda: use_cases.record_meeting(
            principal,
            form.org.data,
            kind=MeetingKind(form.kind.data),
            held_on=form.held_on.data,
            attendees_count=form.attendees_count.data or 0,
            attendees=form.attendees.data or "",
            topics=form.topics.data or "",
            conclusions=form.conclusions.data or "",
            now=registry.now(),
        ),
        _("The meeting was recorded."),
    ):
        return redirect(url_for("supervision.meetings", org=form.org.data))
    return render_template("supervision/meetings.html", form=form, **context)


@bp.route("/roster", methods=["GET", "POST"])
@login_required
def roster() -> str | Response:
    principal = current_principal()
    code = request.args.get("org")
    context = presenters.roster_page(principal, code)
    form = SupervisorForm()
    if form.validate_on_submit() and flash_outcome(
        lambda: use_cases.appoint(
            principal,
            context["roster"].org.code,
            name=form.name.data,
            post=form.post.data or "",
            phone=form.phone.data or "",
            appointed_on=form.appointed_on.data,
            term_until=form.term_until.data,
        ),
        _("The supervisor was added to the roster."),
    ):
        return redirect(url_for("supervision.roster", org=context["roster"].org.code))
    return render_template(
        "supervision/roster.html", form=form, dismiss_form=DismissForm(), **context
    )


@bp.post("/roster/<int:supervisor_id>/dismiss")
@login_required
def dismiss(supervisor_id: int) -> Response:
    principal = current_principal()
    form = DismissForm()
    codes: list[str] = []
    if form.validate():
        flash_outcome(
            lambda: codes.append(use_cases.dismiss(principal, supervisor_id).org.code),
            _("The supervisor was taken off the roster."),
        )
    return redirect(
        url_for("supervision.roster", org=codes[0]) if codes else url_for("supervision.overview")
    )


@bp.get("/accountability")
@login_required
def accountability_list() -> str:
    context = presenters.accountability_list_page(current_principal())
    return render_template("supervision/accountability_list.html", **context)


@bp.route("/accountability/new", methods=["GET", "POST"])
@login_required
def new_accountability() -> str | Response:
    principal = current_principal()
    choices = presenters.accountability_org_choices(principal)
    if not choices:
        presenters.require_accountability_opener(principal)
    form = AccountabilityForm()
    form.org.choices = choices
    if request.method == "GET":
        form.decided_on.data = registry.now().astimezone(local_tz()).date()
        form.org.data = request.args.get("org", "")
        form.finding_ids.data = request.args.get("findings", "")
    if form.validate_on_submit():
        made: list[int] = []
        if flash_outcome(
            lambda: made.append(
                use_cases.open_accountability(
                    principal,
                    form.org.data,
                    breach=Breach(form.breach.data),
                    persons=form.persons.data,
                    facts=form.facts.data,
                    measure=Measure(form.measure.data),
                    decision=form.decision.data or "",
                    decided_on=form.decided_on.data,
                    item_ids=form.item_ids.data or "",
                    finding_ids=form.finding_ids.data or "",
                    now=registry.now(),
                ).id
            ),
            _("The accountability record was opened."),
        ):
            return redirect(url_for("supervision.accountability", record_id=made[0]))
    return render_template("supervision/accountability_new.html", form=form)


@bp.get("/accountability/<int:record_id>")
@login_required
def accountability(record_id: int) -> str:
    context = presenters.accountability_page(current_principal(), record_id)
    return render_template("supervision/accountability.html", **context)


def _flash_form_errors(form: object) -> None:
    errors = getattr(form, "errors", {})
    for messages in errors.values():
        for message in messages:
            flash(str(message), "danger")
