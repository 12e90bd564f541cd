"""The handlers' side: the feedback inbox, one case with its actions, and the export.

Each view parses the request, calls one use case of ``feedback.services`` and renders. Cases
are selected through ``services.visibility``: a case the caller may not see is a 404, never
a 403, so its existence does not leak either. Which actions a case page offers is the
workflow table's answer (``rules.offered``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

from flask import Blueprint
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import listing
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.disclosure.context import env as disclosure_env
from signage_server.disclosure.context import local_tz
from signage_server.errors import BadRequest
from signage_server.extensions import db
from signage_server.feedback import rules
from signage_server.feedback.forms import AssignForm
from signage_server.feedback.forms import NoteForm
from signage_server.feedback.forms import ReplyForm
from signage_server.feedback.models import Case
from signage_server.feedback.rules import Action
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Channel
from signage_server.feedback.rules import Kind
from signage_server.feedback.services import handling
from signage_server.feedback.services import inbox as cases
from signage_server.feedback.services import visibility
from signage_server.i18n import N_
from signage_server.orgs.services import tree_choices
from signage_server.web.outcome import commit_or_flash
from signage_server.web.spreadsheet import csv_text

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


def _bar(principal: Principal) -> listing.Filters:
    """The inbox's search and filters, read from the query string."""
    fields = [
        listing.search(placeholder=N_("Receipt or words of the message")),
        listing.select(
            "org",
            N_("Organisation"),
            tree_choices(cases.filter_orgs(db.session, principal)),
            translate=False,
        ),
        listing.select("kind", N_("Kind"), [(k.value, k.label) for k in Kind]),
        listing.select("channel", N_("How it came"), [(c.value, c.label) for c in Channel]),
        listing.select("state", N_("State"), [(s.value, s.label) for s in CaseState]),
        listing.date("from", N_("Received from")),
        listing.date("to", N_("Received until")),
        listing.check("overdue", N_("Overdue only")),
        listing.check("hidden", N_("Hidden")),
    ]
    return listing.Filters(fields, request.args)


def _filters(bar: listing.Filters) -> cases.Filters:
    """Turn the bar's values into the query's filters (an org the caller does not see is
    left out)."""
    since, before = bar.moments("from", "to", local_tz())
    return cases.Filters(
        org=bar.get("org"),
        state=CaseState(bar.get("state")) if bar.get("state") else None,
        kind=Kind(bar.get("kind")) if bar.get("kind") else None,
        channel=Channel(bar.get("channel")) if bar.get("channel") else None,
        hidden=bar.flag("hidden"),
        text=bar.get("q"),
        received_from=since,
        received_before=before,
        overdue=bar.flag("overdue"),
    )


@bp.get("")
@login_required
def inbox() -> str:
    principal = current_principal()
    bar = _bar(principal)
    now = registry.now()
    number = listing.page_number(request.args.get("page"))
    page, rows = cases.page(db.session, principal, _filters(bar), number, now)
    return render_template(
        "feedback/inbox.html",
        rows=rows,
        page=page,
        filters=bar,
        may_record=bool(rules.recording_paths(principal.grants)),
    )


@bp.get("/export.csv")
@login_required
def export() -> Response:
    """The visible cases as CSV (UTF-8 with BOM, for Excel), identities only where allowed."""
    principal = current_principal()
    now = registry.now()
    header = [
        _("Receipt"),
        _("Kind"),
        _("State"),
        _("About"),
        _("Item"),
        _("Received at"),
        _("Submitter"),
        _("Message"),
        _("Overdue"),
        _("How it came"),
        _("Recorded by"),
    ]
    lines = []
    tz = local_tz()
    for found in cases.export(db.session, principal, _filters(_bar(principal)), now):
        case = found.row.case
        if found.row.identity and case.real_name:
            submitter = " ".join(filter(None, (case.name, case.phone)))
        else:
            submitter = _("Real name") if case.real_name else _("Anonymous")
        lines.append(
            [
                case.receipt,
                _(case.kind.label),
                _(case.state.label),
                case.org.name,
                found.title,
                case.received_at.astimezone(tz).strftime("%Y-%m-%d %H:%M"),
                submitter,
                case.text,
                _("Yes") if found.row.overdue else "",
                _(case.channel.label),
                case.recorded_by.name if case.recorded_by else "",
            ]
        )
    response = make_response(csv_text(header, lines))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=feedback.csv"
    return response


@bp.get("/<int:case_id>")
@login_required
def case(case_id: int) -> str:
    found = cases.case_page(db.session, current_principal(), case_id, registry.now())
    shown = found.row.case
    assign_form = AssignForm()
    assign_form.assignee.choices = [(0, _("Nobody in particular"))] + [
        (u.id, u.name) for u in found.handlers
    ]
    assign_form.assignee.data = shown.assignee_id or 0
    reply_form = ReplyForm()
    if shown.draft is not None:
        reply_form.text.data = shown.draft.text
    return render_template(
        "feedback/case.html",
        case=shown,
        deadlines=found.row.deadlines,
        today=found.row.today,
        identity=found.row.identity,
        actions=found.actions,
        assign_form=assign_form,
        reply_form=reply_form,
        note_form=NoteForm(),
        Action=Action,
        Kind=Kind,
        CaseState=CaseState,
        Decision=rules.Decision,
    )


Change = Callable[[Case, Principal, dt.datetime], object]


def _act(case_id: int, change: Change, success: str) -> Response:
    """Carry out ``change`` on a case the caller sees (404 otherwise), flash how it went, and
    go back to the case."""
    principal = current_principal()
    found = visibility.visible_case(db.session, principal, case_id)
    commit_or_flash(lambda: change(found, principal, registry.now()), success)
    return redirect(url_for("feedback.case", case_id=case_id))


def _note() -> str:
    form = NoteForm()
    if not form.validate():
        raise BadRequest(_("The note is too long."))
    return str(form.note.data or "")


@bp.post("/<int:case_id>/assign")
@login_required
def assign(case_id: int) -> Response:
    form = AssignForm()
    user_id = request.form.get("assignee", 0, type=int)

    def change(case: Case, principal: Principal, now: dt.datetime) -> None:
        if not form.validate_on_submit():
            raise BadRequest(_("The form has expired. Please try again."))
        handling.assign_case(db.session, case, principal, user_id or None, now)

    return _act(case_id, change, _("The case was assigned."))


def _simple(name: str, func: Callable[..., object], success: str, with_note: bool) -> None:
    def view(case_id: int) -> Response:
        def change(case: Case, principal: Principal, now: dt.datetime) -> None:
            form = NoteForm()
            if not form.validate_on_submit():
                raise BadRequest(_("The form has expired. Please try again."))
            if with_note:
                func(db.session, case, principal, str(form.note.data or ""), now)
            else:
                func(db.session, case, principal, now)

        return _act(case_id, change, _(success))

    view.__name__ = name
    bp.post(f"/<int:case_id>/{name}")(login_required(view))


_simple("acknowledge", handling.acknowledge_case, N_("The case was acknowledged."), False)
_simple(
    "conclude", handling.conclude_case, N_("The investigation was recorded as concluded."), True
)
_simple("publish", handling.publish_reply, N_("The reply was published."), False)
_simple("extend", handling.extend_request, N_("The time to decide was extended."), True)
_simple("grant", handling.grant_request, N_("The request was granted."), True)
_simple("refuse", handling.refuse_request, N_("The refusal was sent for higher review."), True)
_simple("close", handling.close_case, N_("The case was closed."), False)
_simple("reopen", handling.reopen_case, N_("The case was reopened."), True)
_simple("hide", handling.hide_case, N_("The case was hidden. It is kept, not deleted."), True)
_simple("unhide", handling.unhide_case, N_("The case is shown again."), False)


@bp.post("/<int:case_id>/transfer")
@login_required
def transfer(case_id: int) -> Response:
    """Transfer a report or complaint to another organisation (转办). The case leaves the
    transferring body's reach: back to the inbox then, not to a page that is now a 404."""
    principal = current_principal()
    found = visibility.visible_case(db.session, principal, case_id)
    form = NoteForm()
    to = request.form.get("to", "")

    def change() -> None:
        if not form.validate_on_submit():
            raise BadRequest(_("The form has expired. Please try again."))
        handling.transfer_case(
            db.session, found, principal, to, str(form.note.data or ""), registry.now()
        )

    if commit_or_flash(change, _("The case was transferred.")) and not visibility.can_see(
        principal, found
    ):
        return redirect(url_for("feedback.inbox"))
    return redirect(url_for("feedback.case", case_id=case_id))


@bp.post("/<int:case_id>/review")
@login_required
def review(case_id: int) -> Response:
    confirm = request.form.get("decision") == "confirm"

    def change(case: Case, principal: Principal, now: dt.datetime) -> None:
        handling.review_refusal(db.session, case, principal, confirm, _note(), now)

    return _act(case_id, change, _("The review was recorded."))


@bp.post("/<int:case_id>/reply")
@login_required
def reply(case_id: int) -> Response:
    form = ReplyForm()

    def change(case: Case, principal: Principal, now: dt.datetime) -> None:
        if not form.validate_on_submit():
            raise BadRequest(_("Write the reply."))
        handling.reply_to_case(
            db.session, case, principal, form.text.data, bool(form.publish.data), now
        )

    message = _("The reply was published.") if request.form.get("publish") else _("Draft saved.")
    return _act(case_id, change, message)


@bp.post("/<int:case_id>/make-item")
@login_required
def make_item(case_id: int) -> Response:
    principal = current_principal()
    found = visibility.visible_case(db.session, principal, case_id)
    form = NoteForm()
    made: list[int] = []

    def change() -> None:
        if not form.validate_on_submit():
            raise BadRequest(_("The form has expired. Please try again."))
        about = found.item.live.title if found.item is not None and found.item.live else ""
        title = (
            _("Reply to villagers' feedback: %(about)s", about=about)
            if about
            else _("Reply to villagers' feedback")
        )
        reply = found.published_replies[-1].text if found.published_replies else ""
        body = (
            _("Question: %(question)s", question=found.text)
            + "\n\n"
            + _("Answer: %(answer)s", answer=reply)
        )
        item = handling.make_item(db.session, found, principal, title, body, disclosure_env())
        made.append(item.id)

    if commit_or_flash(change, _("A disclosure draft was made from the reply.")) and made:
        return redirect(url_for("disclosure.item", item_id=made[0]))
    return redirect(url_for("feedback.case", case_id=case_id))
