"""The use cases of disclosure items, as the edges (views, API) call them: one function per
action, each checking the caller's permission, applying the rules (through :mod:`.services`,
which seals every step in the audit chain), and committing, or rolling back when it raises.

Drafting: :func:`create_item`, :func:`edit_item`. The procedure: :func:`submit_item`,
:func:`review_item`, :func:`approve_item`, :func:`superior_approve_item`, :func:`reject_item`,
:func:`publish_item` (which replaces the live revision: a revised item goes out this way),
:func:`withdraw_item` (ends a publication; during a notice's protection only the superior
organisation's), :func:`archive_item`; :func:`take_step` takes one of them by name, for the
edges that receive the step as data. Expiry is the scheduler's (``services.expire_due``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from content.sheets import SheetError
from content.sheets import SheetTable
from content.sheets import read_table
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.assets import services as assets
from signage_server.assets.models import Asset
from signage_server.disclosure import services
from signage_server.disclosure.context import env
from signage_server.disclosure.context import fields_from
from signage_server.disclosure.context import visible_item
from signage_server.disclosure.models import Item
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.rules import Action
from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.unit_of_work import committed


@dataclass(frozen=True)
class Upload:
    """A file sent with the editor's form: the body's image or PDF, or a spreadsheet."""

    data: bytes
    filename: str


def _with_upload(
    session: Session, payload: dict[str, Any], upload: Upload | None, principal: Principal
) -> dict[str, Any]:
    """Store ``upload`` and make it the body's file.

    :raise DomainError: the file is not acceptable.
    """
    if upload is None:
        return payload
    asset, _prepared = assets.store_upload(
        session, upload.data, filename=upload.filename, uploaded_by=principal.user
    )
    return {**payload, "body": {**payload["body"], "asset": asset.sha256}}


#: What an import refusal says (the same sentences as ``content.sheets``, to translate).
_SHEET_MESSAGES = {
    "empty": N_("The file is empty."),
    "too_large": N_("The spreadsheet file is larger than %(limit)s MB."),
    "old_format": N_(
        "Old .xls files (and password-protected workbooks) cannot be read: save the sheet as "
        ".xlsx (Excel workbook) in Excel or WPS and import that."
    ),
    "unsupported_type": N_(
        "Only .xlsx workbooks and .csv files (UTF-8 or GB18030) can be imported."
    ),
    "bad_range": N_("Write the range as two corner cells, e.g. A1:E20."),
    "corrupt": N_("The spreadsheet file is damaged or incomplete."),
    "no_such_sheet": N_("The workbook has no sheet “%(sheet)s”; its sheets are: %(sheets)s."),
    "uncalculated": N_(
        "Cell %(cell)s has a formula saved without its value: open the file in Excel or WPS, "
        "save it, and import it again."
    ),
    "no_cells": N_("The sheet (or the range) has no filled cells."),
    "too_many_columns": N_("The table has %(count)s columns; at most %(limit)s are accepted."),
    "too_many_rows": N_("The table has %(count)s rows; at most %(limit)s are accepted."),
}


def read_sheet(upload: Upload, sheet: str = "", cell_range: str = "") -> SheetTable:
    """Read the table of an uploaded spreadsheet (see ``content.sheets.read_table``).

    :raise BadRequest: the file cannot be imported (code ``sheet_<why>``).
    """
    try:
        return read_table(upload.data, sheet=sheet, cell_range=cell_range)
    except SheetError as error:
        message = _SHEET_MESSAGES.get(error.code, N_("The spreadsheet cannot be imported."))
        raise BadRequest(message, code=f"sheet_{error.code}", **error.params) from None


def store_sheet(principal: Principal, upload: Upload) -> str:
    """Store the spreadsheet a table is being imported from (before the draft is saved, so
    that the saved revision can name it); return its sha256.

    :raise DomainError: not a spreadsheet we import.
    """
    with committed() as session:
        asset = assets.store_sheet(
            session, upload.data, filename=upload.filename, uploaded_by=principal.user
        )
        return asset.sha256


def _with_sheet(
    session: Session,
    payload: dict[str, Any],
    sheet: str,
    principal: Principal,
    attachments: list[str],
) -> dict[str, Any]:
    """Add the spreadsheet ``sheet`` (a sha256 :func:`store_sheet` returned) the table was
    imported from to the revision's ``attachments`` (after ``attachments``, those it had), so
    that it is sealed with the revision.

    :raise RuleViolation: not a spreadsheet the caller stored.
    """
    if not sheet:
        return payload
    asset = session.get(Asset, sheet) if len(sheet) == 64 else None
    if asset is None or asset.kind != "sheet" or asset.uploaded_by_id != principal.user.id:
        raise RuleViolation(N_("An attachment was not uploaded."), code="unknown_asset")
    kept = [sha for sha in attachments if sha != asset.sha256]
    return {**payload, "attachments": [*kept, asset.sha256]}


def create_item(
    principal: Principal,
    org: Org | str,
    payload: dict[str, Any],
    upload: Upload | None = None,
    sheet: str = "",
) -> Item:
    """Draft a new item at ``org`` (an org or its code) from an API payload (or form data in
    its shape), with the body's file when one is uploaded and the spreadsheet ``sheet`` (a
    sha256 from :func:`store_sheet`) its table was imported from.

    :raise NotFound: no such organisation.
    :raise PermissionDenied: the caller may not draft items there.
    :raise BadRequest, RuleViolation: see :func:`services.validate`.
    """
    with committed() as session:
        found = org if isinstance(org, Org) else require_by_code(session, org)
        principal.require(Permission.DRAFT_ITEMS, found)
        payload = _with_upload(session, payload, upload, principal)
        payload = _with_sheet(session, payload, sheet, principal, [])
        fields = fields_from(session, found, payload)
        return services.create_item(session, found, principal, fields, env())


def edit_item(
    principal: Principal,
    item_id: int,
    changes: dict[str, Any],
    upload: Upload | None = None,
    sheet: str = "",
) -> Item:
    """Change the item's draft (past draft: open a new draft revision) with ``changes``, in
    the API payload's shape (``upload``, ``sheet``: as :func:`create_item`).

    :raise NotFound: no such item.
    :raise PermissionDenied: the caller may not draft items at its organisation.
    :raise Conflict: a revision is in the procedure, or the item is archived.
    :raise BadRequest, RuleViolation: see :func:`services.validate`.
    """
    with committed() as session:
        item, _principal = visible_item(item_id, Permission.DRAFT_ITEMS)
        changes = _with_upload(session, changes, upload, principal)
        changes = _with_sheet(session, changes, sheet, principal, list(item.current.attachments))
        fields = fields_from(session, item.org, changes, partial=True)
        services.edit_item(session, item, principal, fields, env())
        return item


def _step(step: services.Step, principal: Principal, item_id: int, reason: str) -> Item:
    """Take a step of the procedure on an item the caller may see, and commit."""
    with committed() as session:
        item, _principal = visible_item(item_id)
        step(session, item, principal, env(), reason)
        return item


def submit_item(principal: Principal, item_id: int, reason: str = "") -> Item:
    """Submit the item's draft for review (see :func:`services.submit_item`)."""
    return _step(services.submit_item, principal, item_id, reason)


def review_item(principal: Principal, item_id: int, reason: str = "") -> Item:
    """Review the item's submitted revision (see :func:`services.review_item`)."""
    return _step(services.review_item, principal, item_id, reason)


def approve_item(principal: Principal, item_id: int, reason: str = "") -> Item:
    """Sign off the item's reviewed revision (see :func:`services.approve_item`)."""
    return _step(services.approve_item, principal, item_id, reason)


def superior_approve_item(principal: Principal, item_id: int, reason: str = "") -> Item:
    """Approve the revision as the superior organisation (see
    :func:`services.superior_approve_item`)."""
    return _step(services.superior_approve_item, principal, item_id, reason)


def reject_item(principal: Principal, item_id: int, reason: str) -> Item:
    """Send the revision back with a written reason (see :func:`services.reject_item`)."""
    return _step(services.reject_item, principal, item_id, reason)


def publish_item(principal: Principal, item_id: int, reason: str = "") -> Item:
    """Publish the ready revision, replacing the live one (see :func:`services.publish_item`)."""
    return _step(services.publish_item, principal, item_id, reason)


def withdraw_item(principal: Principal, item_id: int, reason: str) -> Item:
    """Withdraw the live revision with a written reason (see :func:`services.withdraw_item`)."""
    return _step(services.withdraw_item, principal, item_id, reason)


def archive_item(principal: Principal, item_id: int, reason: str = "") -> Item:
    """Archive the ended live revision (see :func:`services.archive_item`)."""
    return _step(services.archive_item, principal, item_id, reason)


def take_step(
    principal: Principal,
    item_id: int,
    action: Action,
    reason: str,
    meeting: Meeting | None = None,
) -> Item:
    """Take the step ``action`` (one of ``services.STEPS``: the use cases above), as the
    edges receive it by name; ``meeting``: the joint meeting's record (``decide``).

    :raise BadRequest: not a step a user may ask for.
    """
    if action not in services.STEPS:
        raise BadRequest(N_("Unknown action."), code="unknown_action")
    with committed() as session:
        item, _principal = visible_item(item_id)
        services.transition(session, item, principal, action, reason, env(), meeting=meeting)
        return item
