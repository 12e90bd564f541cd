"""Store uploads, and decide who may fetch a stored file.

The use cases at the end (``upload_asset``, ``file_for``) are what the edges call: they own
the role check, the commit and the audience decision."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from content.assets import AssetRejected
from content.assets import AssetStore
from content.assets import Limits
from content.assets import PdfRenderer
from content.assets import Prepared
from content.assets import prepare_sheet
from content.assets import prepare_upload
from signage_server import services as registry
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Role
from signage_server.accounts.services import find_token
from signage_server.assets.models import Asset
from signage_server.assets.storage import STORE
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.audience import Member
from signage_server.disclosure.audience import RevisionFacts
from signage_server.disclosure.audience import ScreenViewer
from signage_server.disclosure.audience import fully_visible
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.models import RevisionAsset
from signage_server.disclosure.viewing import facts
from signage_server.errors import BadRequest
from signage_server.errors import Busy
from signage_server.errors import DomainError
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.errors import RuleViolation
from signage_server.errors import TooLarge
from signage_server.errors import UnsupportedMediaType
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.screens.models import Screen
from signage_server.screens.services.tokens import is_screen_token
from signage_server.screens.services.tokens import screen_for_token
from signage_server.unit_of_work import committed
from signage_server.unit_of_work import session as current_session

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


#: The shared error of each status a refused upload has.
_ERRORS: dict[int, type[DomainError]] = {
    400: BadRequest,
    413: TooLarge,
    415: UnsupportedMediaType,
    422: RuleViolation,
    503: Busy,
}


def refusal(error: AssetRejected, limits: Limits) -> DomainError:
    """Return the domain error that says why an upload was refused (with the check's status
    and code; the message translated for the refusals people meet most)."""
    message = _REFUSALS.get(error.code)
    params = {"limit": limits.max_pdf_pages} if error.code == "too_many_pages" else {}
    return _ERRORS[error.status](message or error.message, code=error.code, **params)


def _record(session: Session, prepared: Prepared, filename: str, uploaded_by: User) -> Asset:
    """Record a newly stored file (not flushed)."""
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
    return asset


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

    :raise DomainError: the content is not acceptable (:func:`refusal`).
    """
    try:
        prepared = prepare_upload(data, store, limits, renderer=renderer)
    except AssetRejected as error:
        raise refusal(error, limits) from None
    asset = session.get(Asset, prepared.sha256)
    if asset is None:
        asset = _record(session, prepared, filename, uploaded_by)
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


# --- use cases --------------------------------------------------------------------------

#: The roles that may upload files.
UPLOADERS = (Role.EDITOR, Role.OPERATOR, Role.APPROVER)


def store_upload(
    session: Session, data: bytes, *, filename: str, uploaded_by: User
) -> tuple[Asset, Prepared]:
    """Check and store ``data`` with the app's store, limits and PDF renderer (not committed:
    the caller's change commits it).

    :raise DomainError: the content is not acceptable.
    """
    return upload(
        session,
        registry.get(STORE),
        data,
        filename=filename,
        uploaded_by=uploaded_by,
        limits=registry.get(Limits),
        renderer=registry.get(PdfRenderer),
    )


def store_sheet(session: Session, data: bytes, *, filename: str, uploaded_by: User) -> Asset:
    """Check and store a spreadsheet (.xlsx or .csv) a table was imported from, as uploaded
    (not committed: the caller's change commits it).

    :raise DomainError: the content is not a spreadsheet we import, or too large.
    """
    limits = registry.get(Limits)
    try:
        prepared = prepare_sheet(data, registry.get(STORE), limits)
    except AssetRejected as error:
        raise refusal(error, limits) from None
    asset = session.get(Asset, prepared.sha256)
    if asset is None:
        asset = _record(session, prepared, filename, uploaded_by)
        session.flush()
    return asset


def upload_asset(principal: Principal, data: bytes, filename: str) -> tuple[Asset, Prepared]:
    """Store an uploaded image or PDF; its type comes from its content.

    :raise PermissionDenied: the caller is no editor, operator or approver.
    :raise DomainError: the content is not acceptable (400, 413, 415, 422, 503).
    """
    if not any(principal.has_role(role) for role in UPLOADERS):
        raise PermissionDenied(N_("Only editors and operators upload files."), code="forbidden")
    with committed() as session:
        return store_upload(session, data, filename=filename, uploaded_by=principal.user)


@dataclass(frozen=True)
class File:
    """A stored file a caller may fetch."""

    asset: Asset
    path: Path
    #: Anybody may fetch it (a current public item uses it).
    public: bool


def _caller(session: Session, token: str | None, user: User | None) -> Principal | None:
    if token:
        found = find_token(session, token)
        return Principal.of(found.user, found) if found else None
    return Principal.of(user) if user is not None else None


def file_for(sha256: str, token: str | None, user: User | None) -> File:
    """Return the stored file ``sha256`` if the caller may fetch it now: anybody for a current
    public item, a screen (by its ``token``) for what it may show, a user (by an API ``token``
    or logged in as ``user``) for what their grants (or their screens) let them see.

    :raise NotFound: ``asset_not_found``: no such file, or the caller may not know of it.
    """
    session = current_session()
    asset = session.get(Asset, sha256) if len(sha256) == 64 else None
    path = registry.get(STORE).path(sha256) if asset is not None else None
    if asset is None or path is None:
        raise NotFound(N_("No such file."), code="asset_not_found")
    now = registry.now()
    public = is_public(session, asset, now)
    if not public:
        if is_screen_token(token):
            screen = screen_for_token(session, token)
            allowed = screen is not None and screen_may_fetch(session, screen, asset, now)
        else:
            principal = _caller(session, token, user)
            allowed = principal is not None and may_fetch(session, principal, asset, now)
        if not allowed:
            raise NotFound(N_("No such file."), code="asset_not_found")
    return File(asset, path, public)
