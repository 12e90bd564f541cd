"""Store uploads, and decide who may fetch a stored file."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from content.assets import AssetStore
from content.assets import Limits
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


def upload(
    session: Session,
    store: AssetStore,
    data: bytes,
    *,
    filename: str,
    uploaded_by: User,
    limits: Limits,
) -> tuple[Asset, Prepared]:
    """Check, normalise and store ``data``; record it (and a PDF's page images).

    :raise content.assets.AssetRejected: the content is not acceptable.
    """
    prepared = prepare_upload(data, store, limits)
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
