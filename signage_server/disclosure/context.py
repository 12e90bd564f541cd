"""What the use cases and pages of the disclosure domain share: the environment of the
procedure for this request (the time, the session's working-day calendar, the installation's
time zone: ``viewing.local_tz``), the caller's item, and turning input into ``Fields``."""

from __future__ import annotations

from typing import Any

from flask import g
from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import require
from signage_server.accounts.rules import Permission
from signage_server.catalog.services import require_entry_for
from signage_server.disclosure.models import Item
from signage_server.disclosure.services import Env
from signage_server.disclosure.services import Fields
from signage_server.disclosure.services import get_item
from signage_server.disclosure.viewing import local_tz as local_tz
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.workdays.services import calendar_of


def env() -> Env:
    """Return the procedure's environment for this request (calendar loaded once)."""
    if "procedure_env" not in g:
        g.procedure_env = Env(now=registry.now(), calendar=calendar_of(db.session), tz=local_tz())
    result: Env = g.procedure_env
    return result


def visible_item(item_id: int, permission: Permission = Permission.VIEW) -> tuple[Item, Principal]:
    """Return the item and the caller, who must have ``permission`` at the item's org.

    :raise NotFound: no such item.
    :raise PermissionDenied: outside the caller's reach.
    """
    item = get_item(db.session, item_id)
    principal = require(permission, item.org)
    return item, principal


#: API field names that differ from ``Fields``.
RENAMED = {"accountable_person": "accountable"}


def fields_from(
    session: Session, org: Org, payload: dict[str, Any], *, partial: bool = False
) -> Any:
    """Turn an API payload (or form data in the same shape) into ``Fields`` or changes.

    :param partial: return a dict of the given changes only (for edits).
    """
    values: dict[str, Any] = {}
    for key, value in payload.items():
        if key == "notice":
            values["notice_kind"] = value["kind"] if value else None
            values["notice_min_days"] = value.get("min_working_days") if value else None
            values["election_on"] = value.get("election_on") if value else None
        elif key == "catalog_entry":
            values["catalog_entry"] = require_entry_for(session, org, value) if value else None
        else:
            values[RENAMED.get(key, key)] = value
    if partial:
        return values
    return Fields(**values)
