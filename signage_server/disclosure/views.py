"""Operator pages of disclosure items: list, editor with live preview, detail, diff, tasks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask import abort
from flask import flash
from flask import g
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import listing
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.assets import services as assets
from signage_server.audit import services as audit
from signage_server.catalog.services import entries_for
from signage_server.disclosure import path as procedure
from signage_server.disclosure import rules
from signage_server.disclosure import services
from signage_server.disclosure import trail
from signage_server.disclosure.context import env
from signage_server.disclosure.context import fields_from
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.context import visible_item
from signage_server.disclosure.editor_preview import draft_preview
from signage_server.disclosure.forms import OUTSIDE_CATALOG
from signage_server.disclosure.forms import ItemForm
from signage_server.disclosure.forms import TransitionForm
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.presenters import TASK_STEPS
from signage_server.disclosure.presenters import actions_for
from signage_server.disclosure.presenters import body_html
from signage_server.disclosure.presenters import describe_problems
from signage_server.disclosure.presenters import diff_revisions
from signage_server.disclosure.presenters import items_query
from signage_server.disclosure.presenters import task_query
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.extensions import db
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_choices
from signage_server.orgs.services import tree_order
from signage_server.paper.posters import poster_choice
from signage_server.screens import player
from signage_server.screens import showing
from signage_server.screens.framing import framable_by_this_site

bp = Blueprint("disclosure", __name__)
SYSTEM_LABEL = N_("System (on schedule)")


def higher_review_label(reason: str) -> str:
    """Translate a reason for higher review (template filter)."""
    return str(_(rules.HIGHER_REVIEW_LABELS.get(reason, reason)))


def person(username: str) -> str:
    """Show a user by real name and post instead of login name (template filter; the audit
    trail stores login names). Looked up once per request."""
    if username == services.SYSTEM:
        return str(_(SYSTEM_LABEL))
    known: dict[str, str] = g.setdefault("display_names", {})
    if username not in known:
        known.update(trail.display_names(db.session, [username]))
    return known.get(username) or username


# --- form <-> fields ------------------------------------------------------------------


def parse_table(text: str) -> tuple[list[str], list[list[str]]]:
    """Read a pasted table: a heading line, then rows; tab- or ``|``-separated cells."""
    lines = [line for line in text.replace("\r\n", "\n").split("\n") if line.strip()]
    if not lines:
        return [], []
    separator = "\t" if "\t" in lines[0] else "|"
    columns = [c.strip() for c in lines[0].strip().strip("|").split(separator)]
    rows = []
    for line in lines[1:]:
        # Cells stay as typed: "12680.50" keeps its two decimals on the screen.
        cells = [c.strip() for c in line.strip().strip("|").split(separator)]
        cells += [""] * (len(columns) - len(cells))
        rows.append(cells[: max(len(columns), len(cells))])
    return columns, rows


def table_text(body: dict[str, Any]) -> str:
    lines = ["\t".join(body.get("columns", []))]
    lines += ["\t".join("" if c is None else str(c) for c in row) for row in body.get("rows", [])]
    return "\n".join(lines)


def body_from_form(form: ItemForm) -> dict[str, Any]:
    kind = form.body_type.data
    if kind == "table":
        columns, rows = parse_table(form.table.data or "")
        return {
            "type": "table",
            "columns": columns,
            "rows": rows,
            "caption": form.caption.data or "",
            "note": form.note.data or "",
        }
    if kind in ("image", "pdf"):
        return {"type": kind, "asset": form.asset.data or "", "caption": form.caption.data or ""}
    return {
        "type": "text",
        "text": form.text.data or "",
        "format": form.text_format.data or "plain",
    }


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=local_tz()) if value is not None else None


def payload_from_form(form: ItemForm) -> dict[str, Any]:
    """Return the form as the API's item payload."""
    notice = None
    if form.notice_kind.data:
        notice = {
            "kind": NoticeKind(form.notice_kind.data),
            "min_working_days": form.notice_min_days.data,
        }
    return {
        "title": form.title.data or "",
        "category": Category(form.category.data),
        "timing": Timing(form.timing.data),
        "scope": Scope(form.scope.data),
        "major": bool(form.major.data),
        "urgent": bool(form.urgent.data),
        "notice": notice,
        "valid_from": _aware(form.valid_from.data),
        "valid_until": _aware(form.valid_until.data),
        "stage": form.stage.data or "",
        "department": form.department.data or "",
        "accountable_person": form.accountable.data or "",
        "catalog_entry": None
        if form.catalog_entry.data in ("", OUTSIDE_CATALOG)
        else form.catalog_entry.data,
        "body": body_from_form(form),
    }


def fill_form(form: ItemForm, revision: Revision) -> None:
    tz = local_tz()
    form.title.data = revision.title
    form.category.data = revision.category.value
    form.timing.data = revision.timing.value
    form.scope.data = revision.scope.value
    form.major.data = revision.major
    form.urgent.data = revision.urgent
    form.notice_kind.data = revision.notice_kind.value if revision.notice_kind else ""
    form.notice_min_days.data = revision.notice_min_days
    for name in ("valid_from", "valid_until"):
        value = getattr(revision, name)
        getattr(form, name).data = value.astimezone(tz).replace(tzinfo=None) if value else None
    form.stage.data = revision.stage
    form.department.data = revision.department
    form.accountable.data = revision.accountable
    form.catalog_entry.data = (
        revision.catalog_entry.code if revision.catalog_entry else OUTSIDE_CATALOG
    )
    body = revision.body
    form.body_type.data = body["type"]
    form.caption.data = body.get("caption", "")
    if body["type"] == "text":
        form.text.data = body["text"]
        form.text_format.data = body.get("format", "plain")
    elif body["type"] == "table":
        form.table.data = table_text(body)
        form.note.data = body.get("note", "")
    else:
        form.asset.data = body["asset"]


def _draft_orgs(principal: Principal) -> list[tuple[int, Org]]:
    orgs = db.session.scalars(sa.select(Org).where(principal.org_condition(Permission.DRAFT_ITEMS)))
    return tree_order(orgs)


def _prepare_form(form: ItemForm, principal: Principal, org: Org | None) -> Org | None:
    choices = _draft_orgs(principal)
    form.org.choices = [(o.code, "\u3000" * d + o.name) for d, o in choices]
    if org is None and form.org.data:
        org = get_by_code(db.session, form.org.data)
    if org is None and choices:
        org = choices[0][1]
    if org is not None:
        form.org.data = org.code
        entries = entries_for(db.session, org)
        # No default: 目录外 forces a higher review, so it is a choice of its own, last.
        if form.catalog_entry.data is None:
            form.catalog_entry.data = ""
        form.catalog_entry.choices = [
            ("", _("— Choose the catalog entry —")),
            *((e.code, f"{e.code} {e.title}") for e in entries),
            (OUTSIDE_CATALOG, _("Outside the catalog (needs higher review)")),
        ]
        # The editor's script fills in category, timing and scope when an entry is chosen.
        form.entry_defaults = json.dumps(
            {
                e.code: {
                    "category": e.category.value,
                    "timing": e.timing.value,
                    "scope": e.scope.value,
                }
                for e in entries
            }
        )
    return org


def _store_upload(form: ItemForm, principal: Principal) -> None:
    upload = form.file.data
    if form.body_type.data not in ("image", "pdf") or upload is None or not upload.filename:
        return
    asset, _prepared = assets.store_upload(
        db.session, upload.read(), filename=upload.filename, uploaded_by=principal.user
    )
    form.asset.data = asset.sha256


def _domain_message(error: DomainError) -> str:
    message: str = domain_message(error)
    if error.code == "invalid_body" and isinstance(error.details, list):
        message += " " + describe_problems(error.details)
    return message


# --- pages ----------------------------------------------------------------------------


def _org_options(principal: Principal) -> list[tuple[str, str]]:
    """Return the orgs the caller may see as filter choices, indented as a tree."""
    visible = db.session.scalars(sa.select(Org).where(principal.org_condition()))
    return tree_choices(visible)


def _item_filters(
    principal: Principal, *extra: listing.Field, dates: tuple[str, str]
) -> listing.Filters:
    fields = [
        listing.search(placeholder=N_("Words of the title")),
        listing.select("org", N_("Organisation"), _org_options(principal), translate=False),
        listing.select("category", N_("Category"), [(c.value, c.label) for c in Category]),
        *extra,
        listing.date("from", dates[0]),
        listing.date("to", dates[1]),
    ]
    return listing.Filters(fields, request.args)


def _filtered(query: sa.Select[Item], filters: listing.Filters, when: Any) -> sa.Select[Item]:
    """Narrow a query of items (joined with org and current revision) by the filters."""
    if filters.get("q"):
        query = query.where(listing.text_match(filters.get("q"), Revision.title))
    if filters.get("org"):
        org = get_by_code(db.session, filters.get("org"))
        if org is not None:
            query = query.where(Org.path.like(org.path + "%"))
    if filters.get("category"):
        query = query.where(Revision.category == Category(filters.get("category")))
    if filters.get("state"):
        query = query.where(Revision.state == State(filters.get("state")))
    first, last = filters.check_range("from", "to")
    return query.where(listing.date_range(when, first, last, local_tz()))


@bp.get("/items")
@login_required
def items() -> str:
    """List the items the caller may see, newest first, in pages; search by title, filter by
    org, category, state and date of the last change."""
    principal = current_principal()
    filters = _item_filters(
        principal,
        listing.select("state", N_("State"), [(s.value, s.label) for s in State]),
        dates=(N_("Updated from"), N_("Updated until")),
    )
    query = _filtered(items_query(principal), filters, Item.updated_at)
    page = listing.paginate(db.session, query, listing.page_number(request.args.get("page")))
    board_org = get_by_code(db.session, filters.get("org")) if filters.get("org") else None
    return render_template(
        "disclosure/items.html",
        page=page,
        filters=filters,
        board_org=board_org if board_org and principal.can(Permission.VIEW, board_org) else None,
        can_draft=principal.has_role_for(Permission.DRAFT_ITEMS),
        now=env().now,
        display_state=services.display_state,
    )


@bp.route("/items/new", methods=["GET", "POST"])
@login_required
def new_item() -> Any:
    principal = current_principal()
    form = ItemForm()
    requested = (
        get_by_code(db.session, request.args.get("org", "")) if request.method == "GET" else None
    )
    org = _prepare_form(form, principal, requested)
    if org is None:
        abort(403)
    error = None
    if request.method == "POST" and form.validate():
        principal.require(Permission.DRAFT_ITEMS, org)
        try:
            _store_upload(form, principal)
            fields = fields_from(db.session, org, payload_from_form(form))
            item = services.create_item(db.session, org, principal, fields, env())
        except DomainError as problem:
            db.session.rollback()
            error = _domain_message(problem)
        else:
            db.session.commit()
            flash(_("The draft was saved."), "success")
            return redirect(url_for("disclosure.item", item_id=item.id))
    elif request.method == "GET":
        form.body_type.data = "text"
        form.scope.data = "public"
    status = 200 if request.method == "GET" else 400
    # After an error the preview shows what was typed (the form holds it).
    pages = draft_preview(form, body_from_form(form), org, None, problems=request.method == "POST")
    return render_template(
        "disclosure/editor.html", form=form, item=None, error=error, org=org, pages=pages
    ), status


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int) -> Any:
    item, principal = visible_item(item_id, Permission.DRAFT_ITEMS)
    form = ItemForm()
    _prepare_form(form, principal, item.org)
    form.org.choices = [(item.org.code, item.org.name)]
    error = None
    if request.method == "GET":
        fill_form(form, item.current)
    elif form.validate():
        try:
            _store_upload(form, principal)
            changes = fields_from(db.session, item.org, payload_from_form(form), partial=True)
            services.edit_item(db.session, item, principal, changes, env())
        except DomainError as problem:
            db.session.rollback()
            error = _domain_message(problem)
        else:
            db.session.commit()
            flash(_("The draft was saved."), "success")
            return redirect(url_for("disclosure.item", item_id=item.id))
    status = 200 if request.method == "GET" else 400
    pages = draft_preview(
        form, body_from_form(form), item.org, item, problems=request.method == "POST"
    )
    return render_template(
        "disclosure/editor.html", form=form, item=item, error=error, pages=pages
    ), status


@bp.post("/items/preview")
@login_required
def preview() -> Any:
    """Where the editor's unsaved content would be shown, and a manifest per layout for the
    real player to paginate (called as the operator types). The caller must be allowed to
    draft at the organisation (or to edit the item, when it names one)."""
    principal = current_principal()
    form = ItemForm()
    item_id = request.form.get("item", type=int)
    item = None
    if item_id is not None:
        item, principal = visible_item(item_id, Permission.DRAFT_ITEMS)
        org = item.org
    else:
        org = get_by_code(db.session, form.org.data or "") or abort(404)
        principal.require(Permission.DRAFT_ITEMS, org)
    return jsonify(draft_preview(form, body_from_form(form), org, item, problems=True))


@bp.get("/items/preview/player")
@login_required
@framable_by_this_site
def preview_player() -> str:
    """The real player, in the editor's preview frame: it is handed its manifest by the
    editor page (``?all_pages=1&layout=…`` shows every page of it side by side)."""
    return player.page(preview_source="parent")


@bp.get("/items/<int:item_id>")
@login_required
def item(item_id: int) -> str:
    item, principal = visible_item(item_id)
    current = item.current
    live = item.live
    rejected = trail.rejected_before(item, current)
    screens_of = showing.screens_showing(db.session, item, env().now, principal.org_condition())
    return render_template(
        "disclosure/item.html",
        item=item,
        current=current,
        live=live,
        progress=trail.progress(db.session, item),
        returned=trail.progress(db.session, item, rejected).path.returned if rejected else None,
        screens_of=screens_of,
        screens_online=sum(1 for s in screens_of if s.presence is showing.Presence.ONLINE),
        next_labels={k.value: v for k, v in procedure.NEXT_LABELS.items()},
        freshness_labels={k.value: v for k, v in showing.FRESHNESS_LABELS.items()},
        body=body_html(current.body),
        live_body=body_html(live.body)
        if live is not None and live.number != current.number
        else None,
        actions=actions_for(item, principal),
        records=audit.records_of(db.session, item.id),
        form=TransitionForm(),
        can_edit=principal.can(Permission.DRAFT_ITEMS, item.org)
        and current.state
        not in {State.SUBMITTED, State.REVIEWED, State.APPROVED, State.READY, State.ARCHIVED},
        now=env().now,
        display=services.display_state(live, env().now) if live else "off",
        actions_labels={a.value: a.label for a in Action},
        role_labels={**{r.value: r.label for r in Role}, services.SYSTEM: SYSTEM_LABEL},
        poster=poster_choice(item, env().now),
    )


@bp.post("/items/<int:item_id>/transition")
@login_required
def transition(item_id: int) -> Response:
    item, principal = visible_item(item_id)
    form = TransitionForm()
    if not form.validate() or form.action.data not in {a.value for a in Action}:
        abort(400)
    try:
        services.transition(
            db.session, item, principal, Action(form.action.data), form.reason.data or "", env()
        )
    except DomainError as problem:
        db.session.rollback()
        flash(_domain_message(problem), "danger")
    else:
        db.session.commit()
        flash(_("Done: %(step)s.", step=_(Action(form.action.data).label)), "success")
    return redirect(url_for("disclosure.item", item_id=item.id))


@bp.get("/items/<int:item_id>/diff")
@login_required
def diff(item_id: int) -> str:
    item, _principal = visible_item(item_id)
    newer = item.revision(request.args.get("to", item.current_number, type=int))
    older = item.revision(request.args.get("from", (newer.number - 1) if newer else 0, type=int))
    if older is None or newer is None:
        abort(404)
    return render_template(
        "disclosure/diff.html",
        item=item,
        older=older,
        newer=newer,
        changes=diff_revisions(older, newer),
    )


@bp.get("/tasks")
@login_required
def tasks() -> str:
    """The caller's inbox: 待我审核 / 待我审签 / 待上级审核 / 待发布 / 被退回 / 草稿, one step at a
    time in pages, each step with its count; search and filters apply to every step."""
    principal = current_principal()
    step = request.args.get("step", "")
    filters = _item_filters(principal, dates=(N_("From"), N_("Until")))
    when = sa.func.coalesce(Revision.submitted_at, Revision.updated_at)
    counts = {
        name: listing.count(db.session, _filtered(task_query(principal, name), filters, when))
        for name in TASK_STEPS
    }
    if step not in counts:
        step = next((name for name in TASK_STEPS if counts[name]), TASK_STEPS[0])
    filters.keep = {"step": step}
    query = _filtered(task_query(principal, step), filters, when)
    page = listing.paginate(db.session, query, listing.page_number(request.args.get("page")))
    return render_template(
        "disclosure/tasks.html", step=step, counts=counts, page=page, filters=filters
    )
