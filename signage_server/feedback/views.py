"""The handlers' side: the feedback inbox, one case with its actions, and the export.

Every page selects cases through ``services.visible_condition`` / ``visible_case``: a case
the caller may not see is a 404, never a 403, so its existence does not leak either.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import listing
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.disclosure import viewing
from signage_server.disclosure.context import env as disclosure_env
from signage_server.disclosure.context import local_tz
from signage_server.errors import BadRequest
from signage_server.extensions import db
from signage_server.feedback import rules
from signage_server.feedback import services
from signage_server.feedback.forms import AssignForm
from signage_server.feedback.forms import NoteForm
from signage_server.feedback.forms import ReplyForm
from signage_server.feedback.models import Case
from signage_server.feedback.presenters import clock
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Kind
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_choices
from signage_server.web.outcome import commit_or_flash
from signage_server.web.spreadsheet import csv_text

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


def _bar(principal: Principal) -> listing.Filters:
    """The inbox's search and filters, read from the query string."""
    orgs = db.session.scalars(sa.select(Org).where(principal.org_condition()))
    fields = [
        listing.search(placeholder=N_("Receipt or words of the message")),
        listing.select(
            "org",
            N_("Organisation"),
            tree_choices(orgs),
            translate=False,
        ),
        listing.select("kind", N_("Kind"), [(k.value, k.label) for k in Kind]),
        listing.select("state", N_("State"), [(s.value, s.label) for s in CaseState]),
        listing.date("from", N_("Received from")),
        listing.date("to", N_("Received until")),
        listing.check("overdue", N_("Overdue only")),
        listing.check("hidden", N_("Hidden")),
    ]
    return listing.Filters(fields, request.args)


def _filters(principal: Principal, bar: listing.Filters) -> services.Filters:
    """Turn the bar's values into the query's filters (the org only if the caller sees it)."""
    org = get_by_code(db.session, bar.get("org")) if bar.get("org") else None
    if org is not None and not principal.can(Permission.VIEW, org):
        org = None
    since, before = bar.moments("from", "to", local_tz())
    return services.Filters(
        org=org,
        state=CaseState(bar.get("state")) if bar.get("state") else None,
        kind=Kind(bar.get("kind")) if bar.get("kind") else None,
        hidden=bar.flag("hidden"),
        text=bar.get("q"),
        received_from=since,
        received_before=before,
        overdue=clock() if bar.flag("overdue") else None,
    )


@bp.get("")
@login_required
def inbox() -> str:
    principal = current_principal()
    bar = _bar(principal)
    now = clock()
    query = services.cases_query(principal, _filters(principal, bar))
    page = listing.paginate(db.session, query, listing.page_number(request.args.get("page")))
    rows = []
    for case in page.rows:
        deadlines = services.deadlines(case, now)
        rows.append(
            {
                "case": case,
                "deadlines": deadlines,
                "overdue": any(d.overdue(now.today) for d in deadlines),
                "identity": services.can_see_identity(principal, case),
            }
        )
    return render_template(
        "feedback/inbox.html",
        rows=rows,
        page=page,
        filters=bar,
        today=now.today,
    )


@bp.get("/export.csv")
@login_required
def export() -> Response:
    """The visible cases as CSV (UTF-8 with BOM, for Excel), identities only where allowed."""
    principal = current_principal()
    filters = _filters(principal, _bar(principal))
    now = clock()
    viewer = viewing.member(principal)  # item titles only where the audience rule allows
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
    ]
    rows = []
    for case in db.session.scalars(services.cases_query(principal, filters)):
        if services.can_see_identity(principal, case) and case.real_name:
            submitter = " ".join(filter(None, (case.name, case.phone)))
        else:
            submitter = _("Real name") if case.real_name else _("Anonymous")
        rows.append(
            [
                case.receipt,
                _(case.kind.label),
                _(case.state.label),
                case.org.name,
                viewing.title_for(case.item, viewer, now.now),
                case.received_at.astimezone(now.tz).strftime("%Y-%m-%d %H:%M"),
                submitter,
                case.text,
                _("Yes") if services.overdue(case, now) else "",
            ]
        )
    response = make_response(csv_text(header, rows))
    response.headers["Content-Type"] = "text/csv; charset=utf-8"
    response.headers["Content-Disposition"] = "attachment; filename=feedback.csv"
    return response


def _handlers(case: Case) -> list[User]:
    """Users who may act on ``case`` (for assigning it)."""
    roles = rules.roles_handling(case.kind)
    grants = db.session.scalars(
        sa.select(RoleGrant).where(RoleGrant.role.in_([r.value for r in roles]))
    ).all()
    users = {g.user.id: g.user for g in grants if g.user.active}
    # The same decision that ``services.assign`` makes about the chosen user.
    handlers = [u for u in users.values() if services.can_handle(Principal.of(u), case)]
    return sorted(handlers, key=lambda u: u.username)


@bp.get("/<int:case_id>")
@login_required
def case(case_id: int) -> str:
    principal = current_principal()
    found = services.visible_case(db.session, principal, case_id)
    if services.fill_shown(db.session, found):
        db.session.commit()
    now = clock()
    assign_form = AssignForm()
    assign_form.assignee.choices = [(0, _("Nobody in particular"))] + [
        (u.id, u.name) for u in _handlers(found)
    ]
    assign_form.assignee.data = found.assignee_id or 0
    reply_form = ReplyForm()
    if found.draft is not None:
        reply_form.text.data = found.draft.text
    return render_template(
        "feedback/case.html",
        case=found,
        deadlines=services.deadlines(found, now),
        today=now.today,
        identity=services.can_see_identity(principal, found),
        handler=services.can_handle(principal, found),
        reviewer=services.can_review_refusal(principal, found),
        can_make_item=found.kind is not Kind.REPORT
        and principal.can(Permission.DRAFT_ITEMS, found.org),
        assign_form=assign_form,
        reply_form=reply_form,
        note_form=NoteForm(),
        Kind=Kind,
        CaseState=CaseState,
        Decision=rules.Decision,
    )


def _act(case_id: int, change: Callable[[Case, Principal, Any], object], success: str) -> Response:
    principal = current_principal()
    found = services.visible_case(db.session, principal, case_id)
    commit_or_flash(lambda: change(found, principal, clock().now), success)
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

    def change(case: Case, principal: Principal, now: Any) -> None:
        if not form.validate_on_submit():
            raise BadRequest(_("The form has expired. Please try again."))
        user = db.session.get(User, user_id) if user_id else None
        services.assign(db.session, case, principal, user, now)

    return _act(case_id, change, _("The case was assigned."))


def _simple(name: str, func: Callable[..., object], success: str, with_note: bool) -> None:
    def view(case_id: int) -> Response:
        def change(case: Case, principal: Principal, now: Any) -> None:
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


_simple("acknowledge", services.acknowledge, N_("The case was acknowledged."), False)
_simple("conclude", services.conclude, N_("The investigation was recorded as concluded."), True)
_simple("publish", services.publish_reply, N_("The reply was published."), False)
_simple("grant", services.grant, N_("The request was granted."), True)
_simple("refuse", services.refuse, N_("The refusal was sent for higher review."), True)
_simple("close", services.close, N_("The case was closed."), False)
_simple("reopen", services.reopen, N_("The case was reopened."), True)
_simple("hide", services.hide, N_("The case was hidden. It is kept, not deleted."), True)
_simple("unhide", services.unhide, N_("The case is shown again."), False)


@bp.post("/<int:case_id>/review")
@login_required
def review(case_id: int) -> Response:
    confirm = request.form.get("decision") == "confirm"

    def change(case: Case, principal: Principal, now: Any) -> None:
        services.review_refusal(db.session, case, principal, confirm, _note(), now)

    return _act(case_id, change, _("The review was recorded."))


@bp.post("/<int:case_id>/reply")
@login_required
def reply(case_id: int) -> Response:
    form = ReplyForm()

    def change(case: Case, principal: Principal, now: Any) -> None:
        if not form.validate_on_submit():
            raise BadRequest(_("Write the reply."))
        services.reply(db.session, case, principal, form.text.data, bool(form.publish.data), now)

    message = _("The reply was published.") if request.form.get("publish") else _("Draft saved.")
    return _act(case_id, change, message)


@bp.post("/<int:case_id>/make-item")
@login_required
def make_item(case_id: int) -> Response:
    principal = current_principal()
    found = services.visible_case(db.session, principal, case_id)
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
        item = services.make_item(db.session, found, principal, title, body, disclosure_env())
        made.append(item.id)

    if commit_or_flash(change, _("A disclosure draft was made from the reply.")) and made:
        return redirect(url_for("disclosure.item", item_id=made[0]))
    return redirect(url_for("feedback.case", case_id=case_id))
