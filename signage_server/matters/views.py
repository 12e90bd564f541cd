"""The 四议两公开 pages: matters of an organisation, a new matter, one matter's path with the
forms to record its next stage and link its two disclosures."""

from __future__ import annotations

import datetime as dt

from flask import Blueprint
from flask import abort
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
from signage_server.matters import presenters
from signage_server.matters import use_cases
from signage_server.matters.forms import LinkForm
from signage_server.matters.forms import MatterForm
from signage_server.matters.forms import StageForm
from signage_server.matters.forms import WithdrawForm
from signage_server.matters.rules import Body
from signage_server.matters.rules import Counting
from signage_server.matters.rules import Meeting
from signage_server.matters.rules import StageKind
from signage_server.web.outcome import commit_or_flash

bp = Blueprint("matters", __name__, url_prefix="/matters")

#: The two disclosures a matter links.
LINKS = ("decision", "result")


def _today() -> dt.date:
    return registry.now().astimezone(local_tz()).date()


@bp.get("")
@login_required
def matters() -> str:
    """The major matters of an organisation and of the villages below it."""
    context = presenters.list_page(current_principal(), request.args.get("org"))
    return render_template("matters/list.html", **context)


@bp.route("/new", methods=["GET", "POST"])
@login_required
def new_matter() -> str | Response:
    principal = current_principal()
    context = presenters.list_page(principal, request.args.get("org"))
    form = MatterForm()
    form.org.choices = [(o.code, o.name) for o in context["may_open"]]
    if not form.org.choices:
        abort(403)
    if request.method == "GET" and context["org"] in context["may_open"]:
        form.org.data = context["org"].code
    if form.validate_on_submit():
        opened: list[int] = []

        def open_it() -> None:
            opened.append(
                use_cases.open_matter(
                    principal, form.org.data, form.title.data, form.summary.data or ""
                ).id
            )

        if commit_or_flash(open_it, _("The matter was opened.")):
            return redirect(url_for("matters.detail", matter_id=opened[0]))
    return render_template("matters/new.html", form=form, **context)


@bp.get("/<int:matter_id>")
@login_required
def detail(matter_id: int) -> str:
    """One matter: the four-stage path as a timeline and its two disclosures."""
    principal = current_principal()
    matter = presenters.visible_matter(principal, matter_id)
    context = presenters.detail_page(principal, matter, _today())
    stage_form = StageForm()
    if context["bodies"]:
        stage_form.body.choices = [(b.value, _(b.label)) for b in context["bodies"]]
    return render_template(
        "matters/detail.html",
        stage_form=stage_form,
        link_form=LinkForm(),
        withdraw_form=WithdrawForm(),
        **context,
    )


@bp.post("/<int:matter_id>/stages/<kind>")
@login_required
def record_stage(matter_id: int, kind: str) -> Response:
    principal = current_principal()
    matter = presenters.visible_matter(principal, matter_id)
    if kind not in {k.value for k in StageKind}:
        abort(404)
    form = StageForm()
    if form.validate() and form.held_on.data is not None:
        meeting = Meeting(
            kind=StageKind(kind),
            held_on=form.held_on.data,
            body=Body(form.body.data),
            present=form.present.data,
            expected=form.expected.data,
            votes_for=form.votes_for.data,
            votes_against=form.votes_against.data,
            abstained=form.abstained.data,
            counting=Counting(form.counting.data),
        )
        commit_or_flash(
            lambda: use_cases.record_stage(
                principal,
                matter.id,
                meeting,
                form.resolution.data,
                _today(),
            ),
            _("The stage was recorded."),
        )
    else:
        _flash_errors(form)
    return redirect(url_for("matters.detail", matter_id=matter.id))


@bp.post("/<int:matter_id>/stages/last/withdraw")
@login_required
def withdraw_stage(matter_id: int) -> Response:
    """Withdraw the last recorded stage (a wrong date, count or text), to record it again."""
    principal = current_principal()
    matter = presenters.visible_matter(principal, matter_id)
    form = WithdrawForm()
    if form.validate():
        commit_or_flash(
            lambda: use_cases.withdraw_last_stage(principal, matter.id, form.reason.data),
            _("The stage was withdrawn: record it again."),
        )
    else:
        _flash_errors(form)
    return redirect(url_for("matters.detail", matter_id=matter.id))


@bp.post("/<int:matter_id>/links/<which>")
@login_required
def link(matter_id: int, which: str) -> Response:
    principal = current_principal()
    matter = presenters.visible_matter(principal, matter_id)
    if which not in LINKS:
        abort(404)
    form = LinkForm()
    if form.validate():
        commit_or_flash(
            lambda: use_cases.link(principal, matter.id, which, form.item.data),
            _("The disclosure item was linked."),
        )
    else:
        _flash_errors(form)
    return redirect(url_for("matters.detail", matter_id=matter.id))


def _flash_errors(form: StageForm | LinkForm) -> None:
    for name, messages in form.errors.items():
        label = form[name].label.text if name in form else name
        for message in messages:
            flash(f"{label}: {message}", "danger")
