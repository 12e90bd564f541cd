"""What operators look at: the screen wall (filtered, paged), the screens of an organisation,
one screen's page with its proof of play, a screen's manifest, and the organisations offered
in the screen forms.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from signage_server import listing
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Permission
from signage_server.fleet.power import schedules as power
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within
from signage_server.orgs.rules import path_ids
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import require_by_code
from signage_server.orgs.services import tree_choices
from signage_server.screens import manifests
from signage_server.screens import showing
from signage_server.screens.context import current_context
from signage_server.screens.layouts import labels
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.screens.rules import Audience
from signage_server.screens.services.lookup import screen_for
from signage_server.unit_of_work import committed
from signage_server.unit_of_work import session as current_session

#: Proof-of-play records a screen's page lists.
PAGE_PLAYED = 20
#: The most proof-of-play records the API returns at once.
PLAYED_MAX = 1000


def org_choices(
    principal: Principal, permission: Permission = Permission.VIEW
) -> list[tuple[str, str]]:
    """Return the organisations where ``principal`` has ``permission``, as form choices (a
    tree)."""
    orgs = current_session().scalars(sa.select(Org).where(principal.org_condition(permission)))
    return tree_choices(orgs)


def wall_filters(principal: Principal, args: Mapping[str, str]) -> listing.Filters:
    """Return the screen wall's filters, read from the query string ``args``."""
    fields = [
        listing.search(placeholder=N_("Name or place of the screen")),
        listing.select("org", N_("Organisation"), org_choices(principal), translate=False),
        listing.select(
            "online",
            N_("Connection"),
            [
                ("yes", N_("online")),
                ("no", N_("offline")),
                ("scheduled_off", N_("off by schedule")),
            ],
        ),
        listing.select(
            "content",
            N_("Content update"),
            [("current", N_("up to date")), ("behind", N_("not up to date"))],
        ),
        listing.select("audience", N_("Audience"), [(a.value, a.label) for a in Audience]),
        listing.select("layout", N_("Layout"), labels().items(), translate=False),
    ]
    return listing.Filters(fields, args)


def wall_query(principal: Principal, filters: listing.Filters, now: dt.datetime) -> sa.Select[Any]:
    """The screens the user may see (active ones), narrowed by the wall's filters."""
    query = (
        sa.select(Screen)
        .join(Org, Screen.org_id == Org.id)
        .where(principal.org_condition(), Screen.active.is_(True))
        .order_by(Org.code, Screen.name, Screen.id)
    )
    if filters.get("q"):
        query = query.where(listing.text_match(filters.get("q"), Screen.name, Screen.location))
    org = get_by_code(current_session(), filters.get("org")) if filters.get("org") else None
    if org is not None:
        query = query.where(within([org.path]))
    if filters.get("online") == "scheduled_off":
        # 定时开关屏: the screens their power schedule has off now.
        visible = current_session().scalars(query.with_only_columns(Screen.id).order_by(None))
        query = query.where(Screen.id.in_(power.scheduled_off_ids(current_session(), visible, now)))
    elif filters.get("online"):
        online = showing.online_condition(now)
        query = query.where(online if filters.get("online") == "yes" else ~online)
    if filters.get("content"):
        current = showing.up_to_date_condition()
        query = query.where(current if filters.get("content") == "current" else ~current)
    if filters.get("audience"):
        query = query.where(Screen.audience == Audience(filters.get("audience")))
    if filters.get("layout"):
        query = query.where(Screen.layout == filters.get("layout"))
    return query


@dataclass(frozen=True)
class Wall:
    """One page of the screen wall: each screen with what the wall shows of it."""

    screens: list[tuple[Screen, dict[str, Any]]]
    page: listing.Page[Any]
    filters: listing.Filters


def wall(principal: Principal, args: Mapping[str, str]) -> Wall:
    """Return the page of the screen wall that ``args`` asks for (filters and page number):
    every screen the user may see, online state, what it shows, last seen, up to date."""
    now = registry.now()
    filters = wall_filters(principal, args)
    session = current_session()
    page = listing.paginate(
        session, wall_query(principal, filters, now), listing.page_number(args.get("page"))
    )
    screens: list[Screen] = page.rows
    titles = showing.live_titles(session, (s.current_item_id for s in screens if s.current_item_id))
    return Wall([(s, showing.screen_json(s, now, titles)) for s in screens], page, filters)


def screens_of(principal: Principal, org_code: str | None) -> list[Screen]:
    """Return the screens ``principal`` may see (of the subtree of ``org_code`` if given).

    :raise NotFound: no such organisation.
    """
    session = current_session()
    query = sa.select(Screen).join(Org, Screen.org_id == Org.id).where(principal.org_condition())
    if org_code:
        org = require_by_code(session, org_code)
        query = query.where(within([org.path]))
    return list(session.scalars(query.order_by(Org.code, Screen.name)))


def played_on(screen: Screen, limit: int) -> list[PlayRecord]:
    """Return the screen's newest ``limit`` proof-of-play records, newest first."""
    return list(
        current_session().scalars(
            sa.select(PlayRecord)
            .where(PlayRecord.screen_id == screen.id)
            .order_by(PlayRecord.started_at.desc())
            .limit(min(max(limit, 1), PLAYED_MAX))
        )
    )


def proof_of_play(principal: Principal, screen_id: int, limit: int) -> list[PlayRecord]:
    """Return a screen's proof of play, newest first (at most :data:`PLAYED_MAX`).

    :raise NotFound, PermissionDenied: no such screen, or the caller may not see it.
    """
    return played_on(screen_for(principal, screen_id, Permission.VIEW), limit)


@dataclass(frozen=True)
class ScreenPage:
    """One screen as its page shows it."""

    screen: Screen
    can_manage: bool
    #: What the wall shows of it.
    state: dict[str, Any]
    played: list[PlayRecord]
    #: The titles of the item revisions ``played`` names.
    played_titles: dict[tuple[int, int], str]


def screen_page(principal: Principal, screen: Screen) -> ScreenPage:
    """Return what the page of ``screen`` shows ``principal`` (who may see it)."""
    played = played_on(screen, PAGE_PLAYED)
    return ScreenPage(
        screen=screen,
        can_manage=principal.can(Permission.MANAGE_SCREENS, screen.org),
        state=showing.screen_json(screen, registry.now()),
        played=played,
        played_titles=showing.revision_titles(
            current_session(), ((r.item_id, r.revision) for r in played)
        ),
    )


def screen_manifest(principal: Principal, screen_id: int) -> dict[str, Any]:
    """Return what the screen would receive now (compiled when it has none yet).

    :raise NotFound, PermissionDenied: no such screen, or the caller may not see it.
    """
    with committed() as session:
        screen = screen_for(principal, screen_id, Permission.VIEW)
        return manifests.current(session, screen, current_context(registry.now()))


def wall_rooms(principal: Principal) -> list[int]:
    """Return the organisations whose screens' news an operator's screen wall hears live:
    the tops of what ``principal`` may see (news of a screen reaches every org above it)."""
    rooms = [path_ids(path)[-1] for path in principal.visible_roots()]
    current_session().rollback()  # loading the operator opened a transaction: end it
    return rooms
