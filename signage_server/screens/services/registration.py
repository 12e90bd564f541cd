"""Registering screens and changing their settings; looking a screen up for an operator.

The domain operations take a session (the CLI and the demo seed call them); the use cases
(``register_screen``, ``edit_screen``, ``screen_for``) own the permission check and the commit.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import asdict
from dataclasses import dataclass
from dataclasses import field
from typing import Any

from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation
from signage_server.fleet.snapshots import rules as snapshot_rules
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.screens import aloud
from signage_server.screens import changes
from signage_server.screens.layouts import design_sizes
from signage_server.screens.manifests import protected_notices_on
from signage_server.screens.models import Screen
from signage_server.screens.rules import Audience
from signage_server.screens.rules import Bilingual
from signage_server.screens.rules import scope_fits
from signage_server.screens.services.lookup import screen_for
from signage_server.screens.services.tokens import issue_token
from signage_server.unit_of_work import committed

RESOLUTION_MAX = 8192


def parse_resolution(text: str) -> str:
    """Return ``"WxH"`` normalised; raise :class:`BadRequest` when malformed."""
    try:
        width, height = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise BadRequest(
            N_("Give the resolution as width x height, e.g. 1920x1080."), code="invalid_resolution"
        ) from None
    if not (64 <= width <= RESOLUTION_MAX and 64 <= height <= RESOLUTION_MAX):
        raise BadRequest(
            N_("Give the resolution as width x height, e.g. 1920x1080."), code="invalid_resolution"
        )
    return f"{width}x{height}"


@dataclass
class ScreenFields:
    name: str
    audience: Audience
    layout: str = "landscape"
    resolution: str = ""
    timezone: str = "Asia/Shanghai"
    location: str = ""
    #: Times of day it reads the item on it aloud (``"HH:MM"``; ``screens.aloud``).
    read_aloud_times: list[str] = field(default_factory=list)
    #: A key of its box (Enter, a media key, a USB button sending one) reads the item aloud.
    read_aloud_key: bool = False
    #: How it shows an item disclosed in two languages (side by side, or alternating).
    bilingual: str = Bilingual.SIDE
    #: Minutes between the snapshots its box agent takes (0: none on a timer).
    snapshot_every_min: int = snapshot_rules.DEFAULT_EVERY_MIN


def fields_of(screen: Screen) -> ScreenFields:
    """Return a screen's settings as they are now."""
    return ScreenFields(
        name=screen.name,
        audience=screen.audience,
        layout=screen.layout,
        resolution=screen.resolution,
        timezone=screen.timezone,
        location=screen.location,
        read_aloud_times=aloud.times_of(screen.read_aloud_times),
        read_aloud_key=screen.read_aloud_key,
        bilingual=screen.bilingual,
        snapshot_every_min=screen.snapshot_every_min,
    )


def _check(fields: ScreenFields, layouts: Iterable[str]) -> ScreenFields:
    name = " ".join(fields.name.split())
    if not name or len(name) > 100:
        raise BadRequest(N_("Screen names have 1-100 characters."), code="invalid_name")
    if fields.layout not in set(layouts):
        raise BadRequest(N_("Unknown layout."), code="invalid_layout")
    try:
        zoneinfo.ZoneInfo(fields.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise BadRequest(N_("Unknown time zone."), code="invalid_timezone") from None
    try:
        fields.read_aloud_times = list(aloud.parse_times(fields.read_aloud_times))
    except aloud.ReadTimesError:
        raise BadRequest(
            N_("Give the times of day as HH:MM, e.g. 08:00 18:00 (at most %(n)s)."),
            code="invalid_read_aloud_times",
            n=aloud.MAX_TIMES,
        ) from None
    try:
        fields.bilingual = Bilingual(fields.bilingual).value
    except ValueError:
        raise BadRequest(
            N_("Bilingual items are shown side by side or alternating."), code="invalid_bilingual"
        ) from None
    if not snapshot_rules.valid_every(fields.snapshot_every_min):
        raise BadRequest(
            N_("Snapshots are taken every 0 (never) to %(n)s minutes."),
            code="invalid_snapshot_every",
            n=snapshot_rules.EVERY_MIN_MAX,
        )
    fields.name = name
    if fields.resolution:
        fields.resolution = parse_resolution(fields.resolution)
    return fields


def register(
    session: Session,
    org: Org,
    fields: ScreenFields,
    *,
    layouts: dict[str, tuple[int, int]],
    with_token: bool = True,
) -> tuple[Screen, str | None]:
    """Create a screen at ``org``; return it and its token (shown once), if one was asked for.

    :param layouts: known layouts and their design sizes (the default resolution).
    :raise BadRequest: malformed name, layout, time zone, resolution or bilingual mode.
    """
    fields = _check(fields, layouts)
    width, height = layouts[fields.layout]
    screen = Screen(
        org=org,
        name=fields.name,
        location=fields.location.strip()[:200],
        audience=fields.audience,
        layout=fields.layout,
        resolution=fields.resolution or f"{width}x{height}",
        timezone=fields.timezone,
        read_aloud_times=aloud.stored(fields.read_aloud_times),
        read_aloud_key=fields.read_aloud_key,
        bilingual=fields.bilingual,
        snapshot_every_min=fields.snapshot_every_min,
    )
    session.add(screen)
    session.flush()
    token = issue_token(session, screen) if with_token else None
    changes.touch_screens(session, [screen.id])
    return screen, token


def update(
    session: Session,
    screen: Screen,
    fields: ScreenFields,
    layouts: dict[str, tuple[int, int]],
    *,
    now: dt.datetime | None = None,
) -> None:
    """Change a screen's name, place, audience, layout, resolution, time zone, reading aloud or
    the way it shows bilingual items.

    :param now: when given, an audience change that would take a public notice in its
        minimum period off this screen is refused (the edges always give it).
    :raise RuleViolation: ``notice_running``.
    """
    fields = _check(fields, layouts)
    if now is not None and fields.audience is not screen.audience:
        check_keeps_notices(session, screen, fields.audience, now)
    screen.name = fields.name
    screen.location = fields.location.strip()[:200]
    screen.audience = fields.audience
    screen.layout = fields.layout
    screen.resolution = fields.resolution or screen.resolution
    screen.timezone = fields.timezone
    screen.read_aloud_times = aloud.stored(fields.read_aloud_times)
    screen.read_aloud_key = fields.read_aloud_key
    # Pushed like any other change (changes.touch_screens): the manifest's `bilingual`.
    screen.bilingual = fields.bilingual
    screen.snapshot_every_min = fields.snapshot_every_min
    session.flush()
    changes.touch_screens(session, [screen.id])


def check_keeps_notices(
    session: Session, screen: Screen, audience: Audience, now: dt.datetime
) -> None:
    """Refuse a screen change that takes a notice in its minimum period off the screen.

    Revoking a screen's token is not such a change: a stolen token is revoked at once.

    :raise RuleViolation: ``notice_running``, naming the notice.
    """
    for revision, _item, _org in protected_notices_on(session, screen, now):
        if not scope_fits(revision.scope, audience):
            raise RuleViolation(
                N_(
                    "The public notice “%(title)s” is running its minimum period on this"
                    " screen: the change would take it off. Only the superior organisation"
                    " may end a notice early."
                ),
                code="notice_running",
                title=revision.title,
            )


# --- use cases --------------------------------------------------------------------------


def register_screen(
    principal: Principal, org_code: str, fields: ScreenFields
) -> tuple[Screen, str]:
    """Register a screen at the organisation ``org_code``; return it and its token (once).

    :raise NotFound: no such organisation.
    :raise PermissionDenied: the caller may not manage screens there.
    :raise BadRequest: malformed name, layout, time zone or resolution.
    """
    with committed() as session:
        org = require_by_code(session, org_code)
        principal.require(Permission.MANAGE_SCREENS, org)
        screen, token = register(session, org, fields, layouts=design_sizes())
    assert token is not None
    return screen, token


def edit_screen(principal: Principal, screen_id: int, changed: Mapping[str, Any]) -> Screen:
    """Change the settings named in ``changed`` (fields of :class:`ScreenFields`).

    :raise PermissionDenied: the caller may not manage the screen.
    :raise BadRequest: malformed settings.
    :raise RuleViolation: ``notice_running``: the change would take a notice in its minimum
        period off the screen.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.MANAGE_SCREENS)
        fields = ScreenFields(**{**asdict(fields_of(screen)), **changed})
        update(session, screen, fields, design_sizes(), now=registry.now())
    return screen
