"""Operator pages of disclosure items: list, editor with live preview, detail, diff, tasks."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import jsonify
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from content.languages import Language
from content.languages import language
from content.languages import translation_body_type
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.disclosure import pages
from signage_server.disclosure import use_cases
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.context import visible_item
from signage_server.disclosure.editor_preview import draft_preview
from signage_server.disclosure.forms import OUTSIDE_CATALOG
from signage_server.disclosure.forms import ItemForm
from signage_server.disclosure.forms import TransitionForm
from signage_server.disclosure.models import Revision
from signage_server.disclosure.presenters import describe_problems
from signage_server.disclosure.presenters import diff_revisions
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.orgs.models import Org
from signage_server.screens import player
from signage_server.screens.framing import framable_by_this_site

bp = Blueprint("disclosure", __name__)


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


def translation_from_form(form: ItemForm, org: Org) -> dict[str, Any] | None:
    """Return the second language's title and body as typed (``None``: the org discloses in
    Chinese only); its body has the type the Chinese body's calls for."""
    second = language(org.second_language)
    if second is None:
        return None
    if translation_body_type({"type": form.body_type.data}) == "table":
        columns, rows = parse_table(form.tr_table.data or "")
        body: dict[str, Any] = {
            "type": "table",
            "columns": columns,
            "rows": rows,
            "caption": form.tr_caption.data or "",
            "note": form.tr_note.data or "",
        }
    else:
        text_format = form.text_format.data if form.body_type.data == "text" else "plain"
        body = {"type": "text", "text": form.tr_text.data or "", "format": text_format or "plain"}
    return {"lang": second.code, "title": form.tr_title.data or "", "body": body}


def _second_language(form: ItemForm, org: Org) -> Language | None:
    """Return the org's second language, its fields set to be typed in it (``lang``, ``dir``,
    its font), or ``None`` when it discloses in Chinese only."""
    second = language(org.second_language)
    if second is not None:
        for field in (form.tr_title, form.tr_text, form.tr_table, form.tr_caption, form.tr_note):
            field.render_kw = {
                **(field.render_kw or {}),
                "lang": second.tag,
                "dir": second.direction,
            }
    return second


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=local_tz()) if value is not None else None


def payload_from_form(form: ItemForm, org: Org) -> dict[str, Any]:
    """Return the form as the API's item payload (``org``: the item's organisation)."""
    notice = None
    if form.notice_kind.data:
        notice = {
            "kind": NoticeKind(form.notice_kind.data),
            "min_working_days": form.notice_min_days.data,
            "election_on": form.election_on.data,
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
        "translation": translation_from_form(form, org),
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
    form.election_on.data = revision.election_on
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
    translation = revision.translation
    if translation:
        second = translation["body"]
        form.tr_title.data = translation["title"]
        if second["type"] == "table":
            form.tr_table.data = table_text(second)
            form.tr_caption.data = second.get("caption", "")
            form.tr_note.data = second.get("note", "")
        else:
            form.tr_text.data = second.get("text", "")


def _prepare_form(form: ItemForm, choices: pages.EditorChoices) -> Org | None:
    """Offer the editor's choices in ``form``; return the org it drafts at."""
    form.org.choices = [(o.code, "\u3000" * d + o.name) for d, o in choices.orgs]
    org = choices.org
    if org is not None:
        form.org.data = org.code
        # No default: 目录外 forces a higher review, so it is a choice of its own, last.
        if form.catalog_entry.data is None:
            form.catalog_entry.data = ""
        form.catalog_entry.choices = [
            ("", _("— Choose the catalog entry —")),
            *((e.code, f"{e.code} {e.title}") for e in choices.entries),
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
                for e in choices.entries
            }
        )
    return org


def _upload(form: ItemForm) -> use_cases.Upload | None:
    """Return the body's file sent with the form, if any."""
    upload = form.file.data
    if form.body_type.data not in ("image", "pdf") or upload is None or not upload.filename:
        return None
    return use_cases.Upload(upload.read(), upload.filename)


def _import_sheet(form: ItemForm, principal: Principal) -> str | None:
    """Read the spreadsheet sent with a table body into the table field (for the operator to
    check and correct) and store it, to be saved with the draft (``sheet_asset``); return what
    was imported, or ``None`` when no spreadsheet came.

    :raise DomainError: the file cannot be imported.
    """
    sent = form.sheet_file.data
    if form.body_type.data != "table" or sent is None or not sent.filename:
        return None
    upload = use_cases.Upload(sent.read(), sent.filename)
    table = use_cases.read_sheet(upload, form.sheet_name.data or "", form.sheet_range.data or "")
    form.table.data = table_text({"columns": table.columns, "rows": table.rows})
    form.sheet_asset.data = use_cases.store_sheet(principal, upload)
    if table.sheet:
        return str(
            _(
                "%(rows)s rows were imported from the sheet “%(sheet)s”. Check the table and the"
                " preview, correct what needs it, then save the draft.",
                rows=len(table.rows),
                sheet=table.sheet,
            )
        )
    return str(
        _(
            "%(rows)s rows were imported. Check the table and the preview, correct what needs"
            " it, then save the draft.",
            rows=len(table.rows),
        )
    )


def _importing() -> bool:
    """Whether the form was sent by 导入并预览 with a file (import, show, do not save); the
    button sent without a file (Enter in a field, whose default is the form's first button)
    saves."""
    sent = request.files.get("sheet_file")
    return bool(request.form.get("import_sheet")) and sent is not None and bool(sent.filename)


def _domain_message(error: DomainError) -> str:
    message: str = domain_message(error)
    if error.code == "invalid_body" and isinstance(error.details, list):
        message += " " + describe_problems(error.details)
    return message


# --- pages ----------------------------------------------------------------------------


@bp.get("/items")
@login_required
def items() -> str:
    """List the items the caller may see, newest first, in pages; search by title, filter by
    org, category, state and date of the last change."""
    context = pages.items_page(current_principal(), request.args)
    return render_template("disclosure/items.html", **context)


@bp.route("/items/new", methods=["GET", "POST"])
@login_required
def new_item() -> Any:
    principal = current_principal()
    form = ItemForm()
    code = request.args.get("org", "") if request.method == "GET" else form.org.data
    org = _prepare_form(form, pages.editor_choices(principal, code))
    if org is None:
        abort(403)
    error = imported = None
    if request.method == "POST":
        principal.require(Permission.DRAFT_ITEMS, org)
        try:
            imported = _import_sheet(form, principal)
        except DomainError as problem:
            error = _domain_message(problem)
    if request.method == "POST" and error is None and not _importing() and form.validate():
        try:
            item = use_cases.create_item(
                principal,
                org,
                payload_from_form(form, org),
                _upload(form),
                form.sheet_asset.data or "",
            )
        except DomainError as problem:
            error = _domain_message(problem)
        else:
            flash(_("The draft was saved."), "success")
            return redirect(url_for("disclosure.item", item_id=item.id))
    elif request.method == "GET":
        form.body_type.data = "text"
        form.scope.data = "public"
    status = 200 if request.method == "GET" or (_importing() and error is None) else 400
    # After an error the preview shows what was typed (the form holds it).
    shown = draft_preview(
        form,
        body_from_form(form),
        org,
        None,
        problems=request.method == "POST",
        translation=translation_from_form(form, org),
    )
    return render_template(
        "disclosure/editor.html",
        form=form,
        item=None,
        error=error,
        imported=imported,
        org=org,
        pages=shown,
        second=_second_language(form, org),
    ), status


@bp.route("/items/<int:item_id>/edit", methods=["GET", "POST"])
@login_required
def edit_item(item_id: int) -> Any:
    item, principal = visible_item(item_id, Permission.DRAFT_ITEMS)
    form = ItemForm()
    _prepare_form(form, pages.editor_choices(principal, item.org.code))
    form.org.choices = [(item.org.code, item.org.name)]
    error = imported = None
    if request.method == "GET":
        fill_form(form, item.current)
    else:
        try:
            imported = _import_sheet(form, principal)
        except DomainError as problem:
            error = _domain_message(problem)
    if request.method == "POST" and error is None and not _importing() and form.validate():
        try:
            use_cases.edit_item(
                principal,
                item.id,
                payload_from_form(form, item.org),
                _upload(form),
                form.sheet_asset.data or "",
            )
        except DomainError as problem:
            error = _domain_message(problem)
        else:
            flash(_("The draft was saved."), "success")
            return redirect(url_for("disclosure.item", item_id=item.id))
    status = 200 if request.method == "GET" or (_importing() and error is None) else 400
    shown = draft_preview(
        form,
        body_from_form(form),
        item.org,
        item,
        problems=request.method == "POST",
        translation=translation_from_form(form, item.org),
    )
    return render_template(
        "disclosure/editor.html",
        form=form,
        item=item,
        error=error,
        imported=imported,
        pages=shown,
        second=_second_language(form, item.org),
    ), status


@bp.post("/items/preview")
@login_required
def preview() -> Any:
    """Where the editor's unsaved content would be shown, and a manifest per layout for the
    real player to paginate (called as the operator types). The caller must be allowed to
    draft at the organisation (or to edit the item, when it names one)."""
    form = ItemForm()
    org, item = pages.preview_target(
        current_principal(), request.form.get("item", type=int), form.org.data or ""
    )
    return jsonify(
        draft_preview(
            form,
            body_from_form(form),
            org,
            item,
            problems=True,
            translation=translation_from_form(form, org),
        )
    )


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
    context = pages.item_page(item_id)
    return render_template("disclosure/item.html", form=TransitionForm(), **context)


@bp.post("/items/<int:item_id>/transition")
@login_required
def transition(item_id: int) -> Response:
    item, principal = visible_item(item_id)
    form = TransitionForm()
    if not form.validate() or form.action.data not in {a.value for a in Action}:
        abort(400)
    action = Action(form.action.data)
    try:
        use_cases.take_step(principal, item.id, action, form.reason.data or "", form.meeting())
    except DomainError as problem:
        flash(_domain_message(problem), "danger")
    else:
        flash(_("Done: %(step)s.", step=_(action.label)), "success")
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
    context = pages.tasks_page(current_principal(), request.args)
    return render_template("disclosure/tasks.html", **context)
