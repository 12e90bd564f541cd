"""Store uploads, and decide who may fetch a stored file."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import Session

from content.assets import AssetRejected
from content.assets import AssetStore
from content.assets import Limits
from content.assets import PdfRenderer
from content.assets import Prepared
from content.assets import prepare_upload
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.assets.models import Asset
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.audience import Member
from signage_server.disclosure.audience import RevisionFacts
from signage_server.disclosure.audience import ScreenViewer
from signage_server.disclosure.audience import fully_visible
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.models import RevisionAsset
from signage_server.disclosure.viewing import facts
from signage_server.errors import DomainError
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.screens.models import Screen

#: Messages (translated) for the refusals people meet most; others keep the checker's text.
_REFUSALS = {
    "active_content": N_(
        "PDFs with scripts, actions, forms or embedded files are not accepted: print or export "
        "the document to a plain PDF and upload that."
    ),
    "render_timeout": N_(
        "The PDF took too long to convert into images: split it or simplify it and upload it again."
    ),
    "busy": N_("Other PDFs are being converted right now. Please try again in a minute."),
    "too_many_pages": N_("The PDF has too many pages: at most %(limit)s pages are accepted."),
}


class UploadRefused(DomainError):
    """The uploaded content was refused; the status comes from the check."""

    def __init__(self, error: AssetRejected, limits: Limits) -> None:
        message = _REFUSALS.get(error.code)
        params = {"limit": limits.max_pdf_pages} if error.code == "too_many_pages" else {}
        super().__init__(message or error.message, code=error.code, **params)
        self.status = error.status
        #: Extra response headers (a busy server says when to come back).
        self.headers = {"Retry-After": "30"} if error.status == 503 else {}


def upload(
    session: Session,
    store: AssetStore,
    data: bytes,
    *,
    filename: str,
    uploaded_by: User,
    limits: Limits,
    renderer: PdfRenderer | None = None,
) -> tuple[Asset, Prepared]:
    """Check, normalise and store ``data``; record it (and a PDF's page images).

    A PDF is checked and rendered by ``renderer`` in a child process (time limit, bounded
    concurrency); nothing is stored or recorded when it is refused.

    :raise content.assets.AssetRejected: the content is not acceptable.
    """
    prepared = prepare_upload(data, store, limits, renderer=renderer)
    asset = session.get(Asset, prepared.sha256)
    if asset is None:
        asset = Asset(
            sha256=prepared.sha256,
            mime=prepared.mime,
            kind=prepared.kind,
            size=prepared.size,
            width=prepared.width,
            height=prepared.height,
            pages=list(prepared.pages),
            original_name=filename[:200],
            uploaded_by_id=uploaded_by.id,
        )
        session.add(asset)
        for page in prepared.pages:
            if session.get(Asset, page) is None:
                session.add(
                    Asset(
                        sha256=page,
                        mime="image/png",
                        kind="image",
                        size=len(store.get(page) or b""),
                        parent=prepared.sha256,
                        uploaded_by_id=uploaded_by.id,
                    )
                )
        session.flush()
    return asset, prepared


def uses(session: Session, asset: Asset) -> list[RevisionFacts]:
    """Return the revisions that use ``asset`` (for a PDF's page image: the PDF's too)."""
    shas = [asset.sha256] + ([asset.parent] if asset.parent else [])
    rows = session.execute(
        sa.select(Revision, Org)
        .join(RevisionAsset, RevisionAsset.revision_id == Revision.id)
        .join(Item, Item.id == Revision.item_id)
        .join(Org, Org.id == Item.org_id)
        .where(RevisionAsset.sha256.in_(shas))
    )
    return [facts(revision, org) for revision, org in rows]


def is_public(session: Session, asset: Asset, now: dt.datetime) -> bool:
    """Tell whether anybody may fetch ``asset``: the audience rule lets an anonymous visitor
    see an item using it, now."""
    return fully_visible(uses(session, asset), ANONYMOUS, now)


def screen_may_fetch(session: Session, screen: Screen, asset: Asset, now: dt.datetime) -> bool:
    """Tell whether ``screen`` may show an item using ``asset`` (now or in its manifest's days)."""
    return fully_visible(uses(session, asset), ScreenViewer(screen.audience, screen.org.path), now)


def may_fetch(session: Session, principal: Principal, asset: Asset, now: dt.datetime) -> bool:
    """Tell whether ``principal`` uploaded ``asset`` or may see an item that uses it: by their
    grants, or as a screen they may see would (screen previews: a village operator sees the
    township's items on the village's screens)."""
    if asset.uploaded_by_id == principal.user.id:
        return True
    found = uses(session, asset)
    if fully_visible(found, Member.of(principal.grants), now):
        return True
    screens = session.execute(
        sa.select(Screen.audience, Org.path)
        .join(Org, Screen.org_id == Org.id)
        .where(principal.org_condition(), Screen.active.is_(True))
        .distinct()
    )
    return any(fully_visible(found, ScreenViewer(a, path), now) for a, path in screens)
