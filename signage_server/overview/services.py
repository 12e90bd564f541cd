"""What the home page shows, read in a few queries for the organisations a caller may see.

Every function takes the SQL condition on :class:`Org` of what the caller may see (from the
permission module, ``Principal.org_condition()``), so nothing outside it is counted.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server.catalog import services as catalog
from signage_server.catalog import tally
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import State
from signage_server.orgs.models import Org
from signage_server.overview import rules
from signage_server.screens.models import Screen
from signage_server.screens.showing import screen_json


@dataclass(frozen=True)
class ScreenState:
    """A screen as the screen wall sees it."""

    screen: Screen
    online: bool
    up_to_date: bool
    revoked: bool


def screen_states(
    session: Session, condition: sa.ColumnElement[bool], now: dt.datetime
) -> list[ScreenState]:
    """Return every active screen of the visible orgs, longest offline first."""
    screens = session.scalars(
        sa.select(Screen)
        .join(Org, Screen.org_id == Org.id)
        .where(condition, Screen.active.is_(True))
        .options(selectinload(Screen.org))
        .order_by(Screen.last_seen_at.is_not(None), Screen.last_seen_at, Org.path, Screen.name)
    )
    states = []
    for screen in screens:
        facts = screen_json(screen, now)
        states.append(ScreenState(screen, facts["online"], facts["up_to_date"], facts["revoked"]))
    return states


def notices_ending(
    session: Session, condition: sa.ColumnElement[bool], now: dt.datetime
) -> list[Revision]:
    """Return the published public notices (公示) of the visible orgs that end soon."""
    query = (
        sa.select(Revision)
        .join(Item, Revision.item_id == Item.id)
        .join(Org, Item.org_id == Org.id)
        .where(condition)
        .where(
            Revision.state == State.PUBLISHED,
            Revision.notice_kind.is_not(None),
            Revision.valid_until > now,
            Revision.valid_until <= now + rules.NOTICE_ENDING_WITHIN,
        )
        .options(selectinload(Revision.item).selectinload(Item.org))
        .order_by(Revision.valid_until, Revision.id)
    )
    return [r for r in session.scalars(query) if rules.ending_soon(r.valid_until, now)]


@dataclass(frozen=True)
class CatalogHealth:
    """The catalog entries owed in the visible orgs."""

    #: The organisation at the top of what the caller sees (for "see all").
    root: Org | None
    #: Organisations with entries overdue or never disclosed, worst first.
    owing: list[tally.Row[Org]]
    total: tally.Tally


def catalog_health(
    session: Session, orgs: Sequence[Org], now: dt.datetime, tz: dt.tzinfo
) -> CatalogHealth:
    """Return where the catalog stands in ``orgs`` (the visible orgs, in tree order)."""
    rows, _lines = catalog.subtree_rows(session, orgs, now, tz)
    owing = tally.sort_rows([row for row in rows if row.tally.owed], tally.Sort())
    return CatalogHealth(
        root=orgs[0] if orgs else None,
        owing=owing,
        total=tally.total(row.tally for row in rows),
    )
