"""The item editor's preview of an unsaved draft: the layouts of the screens that would show it
once published, and for each a one-item manifest that the real player paginates
(``/items/preview/player?all_pages=1``). Nothing here is stored. No Flask.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlalchemy.orm import Session

import layouts
from signage_server.audit.rules import canonical_json
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import State
from signage_server.disclosure.services import Fields
from signage_server.orgs.models import Org
from signage_server.screens import manifests

#: The order in which the editor shows the layouts.
ORDER = ("landscape", "portrait", "led", "ticker")
#: The layout shown when no screen would show the draft.
FALLBACK = "landscape"


def revision_of(draft: Fields, number: int, now: dt.datetime) -> Revision:
    """Return ``draft`` as a revision published at ``now`` (never added to a session)."""
    digest = hashlib.sha256(
        canonical_json({"title": draft.title, "body": draft.body, "translation": draft.translation})
    )
    return Revision(
        number=number,
        state=State.DRAFT,
        title=draft.title,
        category=draft.category,
        timing=draft.timing,
        scope=draft.scope,
        major=draft.major,
        urgent=draft.urgent,
        notice_kind=draft.notice_kind,
        notice_min_days=draft.notice_min_days,
        body=draft.body,
        valid_from=draft.valid_from,
        valid_until=draft.valid_until,
        stage=draft.stage,
        published_at=now,
        content_sha256=digest.hexdigest(),
        translation=draft.translation,
    )


def short_label(name: str) -> str:
    """Return a layout's name without its size: "横屏" of "横屏 1920×1080"."""
    return layouts.get(name).short_label_zh


def layouts_in_order(reached: dict[str, int]) -> list[str]:
    """Return the known layouts of ``reached`` in the editor's order (the fallback if none)."""
    names = [name for name in ORDER if reached.get(name)]
    names += sorted(n for n in reached if n not in ORDER and n in layouts.LAYOUTS)
    return names or [FALLBACK]


def preview(
    session: Session,
    org: Org,
    draft: Fields,
    *,
    item_id: int,
    number: int,
    context: manifests.Context,
    tz: dt.tzinfo,
) -> dict[str, Any]:
    """Return where ``draft`` (an item of ``org``) would be shown and how: ``reached`` (whether
    any screen would show it) and, per layout, its labels, design size, number of screens and
    the manifest the player is given."""
    reached = manifests.layouts_for(session, org, draft.scope)
    revision = revision_of(draft, number, context.now)
    out = []
    for name in layouts_in_order(reached):
        layout = layouts.get(name)
        out.append(
            {
                "name": name,
                "label": short_label(name),
                "title": layout.label_zh,
                "width": layout.width,
                "height": layout.height,
                "screens": reached.get(name, 0),
                "manifest": manifests.draft_manifest(
                    session, revision, item_id, org, name, context, tz
                ),
            }
        )
    return {"reached": bool(reached), "layouts": out}
