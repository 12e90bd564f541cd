"""Store uploads, and decide who may fetch a stored file."""

from __future__ import annotations

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
from signage_server.accounts.rules import Permission
from signage_server.assets.models import Asset
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.models import RevisionAsset
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.errors import DomainError
from signage_server.i18n import N_

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


def is_public(session: Session, sha256: str) -> bool:
    """Tell whether a public item on display uses the file (anyone may fetch it)."""
    query = (
        sa.select(sa.literal(1))
        .select_from(RevisionAsset)
        .join(Revision, Revision.id == RevisionAsset.revision_id)
        .where(
            RevisionAsset.sha256 == sha256,
            Revision.state == State.PUBLISHED,
            Revision.scope == Scope.PUBLIC,
        )
        .limit(1)
    )
    return session.scalar(query) is not None


def may_fetch(session: Session, principal: Principal, asset: Asset) -> bool:
    """Tell whether ``principal`` uploaded ``asset`` or may see an item that uses it."""
    if asset.uploaded_by_id == principal.user.id:
        return True
    sha = asset.parent or asset.sha256
    items = session.scalars(
        sa.select(Item)
        .join(Revision, Revision.item_id == Item.id)
        .join(RevisionAsset, RevisionAsset.revision_id == Revision.id)
        .where(RevisionAsset.sha256.in_([sha, asset.sha256]))
    )
    if any(principal.can(Permission.VIEW, item.org) for item in items):
        return True
    return shown_on_visible_screens(session, principal, asset.sha256)


def shown_on_visible_screens(session: Session, principal: Principal, sha256: str) -> bool:
    """Tell whether a screen the caller may see plays the file (screen previews: a village
    operator sees the township's items on the village's screens)."""
    from signage_server.orgs.models import Org
    from signage_server.screens.models import Manifest
    from signage_server.screens.models import Screen

    versions = session.scalars(
        sa.select(Screen.manifest_version)
        .join(Org, Screen.org_id == Org.id)
        .where(principal.org_condition(), Screen.manifest_version != "")
        .distinct()
        .limit(200)
    )
    for version in versions:
        manifest = session.get(Manifest, version)
        if manifest is not None and any(
            a["sha256"] == sha256 for item in manifest.body.get("items", []) for a in item["assets"]
        ):
            return True
    return False
