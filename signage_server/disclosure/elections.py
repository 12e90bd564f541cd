"""Before a village election: the results of the outgoing audit (离任审计) of the village
committee are published before the election. A check in the spirit of compliance, kept
small: for a village with a voter list (选民名单) whose election is still ahead, is there a
published item marked as the outgoing audit (``notices.is_outgoing_audit``: its title or its
catalog entry's) since the previous election on record? If not, the approver is warned on the
voter list's page. It warns only; it refuses nothing."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.catalog.models import CatalogEntry
from signage_server.disclosure import notices
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.notices import NoticeKind
from signage_server.disclosure.notices import OutgoingAudit


def outgoing_audit_warning(
    session: Session, revision: Revision, now: dt.datetime, tz: dt.tzinfo
) -> OutgoingAudit | None:
    """Return the warning for a voter list ``revision`` whose election is still ahead when
    its village has published no outgoing audit since the previous election; else ``None``."""
    election = revision.election_on
    today = now.astimezone(tz).date()
    if revision.notice_kind is not NoticeKind.VOTER_LIST or election is None or election < today:
        return None
    org_id = revision.item.org_id
    since = session.scalar(
        sa.select(sa.func.max(Revision.election_on))
        .join(Item, Item.id == Revision.item_id)
        .where(
            Item.org_id == org_id,
            Revision.notice_kind == NoticeKind.VOTER_LIST,
            Revision.published_at.is_not(None),
            Revision.election_on < election,
        )
    )
    query = (
        sa.select(Revision.title, CatalogEntry.title)
        .join(Item, Item.id == Revision.item_id)
        .outerjoin(CatalogEntry, CatalogEntry.id == Revision.catalog_entry_id)
        .where(Item.org_id == org_id, Revision.published_at.is_not(None))
    )
    if since is not None:
        # Published after the previous election day (local day; the zone is the caller's).
        query = query.where(Revision.published_at >= notices.election_end(since, tz))
    published = session.execute(query)
    if any(notices.is_outgoing_audit(title, entry or "") for title, entry in published):
        return None
    return OutgoingAudit(election, since)
