"""The item editor's preview of what is typed: the form's content as a draft, handed to
``screens.drafts`` for the layouts it would reach and a manifest each, with the editor's
captions (see docs/player-protocol.md, "all_pages")."""

from __future__ import annotations

import datetime as dt
from enum import Enum
from typing import Any
from typing import TypeVar

from flask import current_app
from flask import url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from content.bodies import BodyError
from content.bodies import canonical_body
from content.languages import check_translation
from content.languages import language
from signage_server.assets.models import Asset
from signage_server.disclosure.context import env
from signage_server.disclosure.context import local_tz
from signage_server.disclosure.forms import ItemForm
from signage_server.disclosure.models import Item
from signage_server.disclosure.presenters import describe_problems
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.disclosure.services import Fields
from signage_server.disclosure.services import parsed_body
from signage_server.errors import BadRequest
from signage_server.orgs.models import Org
from signage_server.screens import drafts
from signage_server.screens.context import manifest_context
from signage_server.unit_of_work import session

E = TypeVar("E", bound=Enum)


def _aware(value: dt.datetime | None) -> dt.datetime | None:
    return value.replace(tzinfo=local_tz()) if value is not None else None


def _enum(kind: type[E], value: Any) -> E:
    """Return the member of ``kind`` named by ``value``; the first one when none is (a preview
    shows something whatever the form holds)."""
    try:
        return kind(value)
    except ValueError:
        return next(iter(kind))


def draft_preview(
    form: ItemForm,
    typed: dict[str, Any],
    org: Org,
    item: Item | None,
    *,
    problems: bool,
    translation: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Return where the editor's content would be shown and how (see ``screens.drafts``),
    with what is wrong with its body (and its ``translation``) when ``problems``."""
    problem = None
    try:
        body = canonical_body(parsed_body(typed))
    except BadRequest as error:
        body = {"type": "text", "text": _("(no content yet)"), "format": "plain"}
        if problems:
            problem = describe_problems([dict(p) for p in error.details or []])
    if body["type"] == "pdf":
        asset = session().get(Asset, body["asset"])
        if asset is not None and asset.kind == "pdf":
            body = {**body, "pages": list(asset.pages)}
    second = None
    try:
        second = check_translation(translation, body, language(org.second_language))
    except BodyError as error:
        if problems and problem is None:
            problem = describe_problems([dict(p) for p in error.problems])
    notice = form.notice_kind.data or None
    draft = Fields(
        title=form.title.data or _("(no title yet)"),
        category=_enum(Category, form.category.data),
        timing=_enum(Timing, form.timing.data),
        scope=_enum(Scope, form.scope.data),
        body=body,
        major=bool(form.major.data),
        urgent=bool(form.urgent.data),
        notice_kind=_enum(NoticeKind, notice) if notice else None,
        notice_min_days=form.notice_min_days.data if notice else None,
        valid_from=_aware(form.valid_from.data),
        valid_until=_aware(form.valid_until.data),
        stage=form.stage.data or "",
        translation=second,
    )
    current = item.current if item is not None else None
    if current is None:
        number = 1
    else:
        number = current.number if current.state is State.DRAFT else current.number + 1
    now = env().now
    found = drafts.preview(
        session(),
        org,
        draft,
        item_id=item.id if item is not None else 0,
        number=number,
        context=manifest_context(current_app._get_current_object(), now),  # type: ignore[attr-defined]
        tz=local_tz(),
    )
    total = sum(layout["screens"] for layout in found["layouts"])
    for layout in found["layouts"]:
        count = layout["screens"]
        layout["caption"] = (
            layout["title"]
            + " · "
            + (ngettext("%(num)d screen", "%(num)d screens", count) if count else _("no screen"))
        )
        layout["player_url"] = url_for(
            "disclosure.preview_player", all_pages=1, layout=layout["name"]
        )
    summary = (
        ngettext(
            "Once published, it is shown on %(num)d screen, as below: every page as the screen"
            " shows it.",
            "Once published, it is shown on %(num)d screens, as below: every page as each"
            " screen shows it.",
            total,
        )
        if found["reached"]
        else _(
            "No screen would show it: no screen of its organisation or below is for the people"
            " it is disclosed to. Below, as a landscape screen would show it."
        )
    )
    return {**found, "problem": problem, "summary": summary}
