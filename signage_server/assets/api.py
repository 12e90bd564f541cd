"""``POST /api/v1/assets`` (upload) and ``GET /assets/<sha256>`` (fetch)."""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user

from content.assets import AssetRejected
from content.assets import Limits
from content.assets import PdfRenderer
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.rules import Role
from signage_server.accounts.services import find_token
from signage_server.api import api_blueprint
from signage_server.api import bearer_token
from signage_server.assets import STORE
from signage_server.assets import services
from signage_server.assets.models import Asset
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.errors import PermissionDenied
from signage_server.extensions import db
from signage_server.extensions import talisman
from signage_server.i18n import N_
from signage_server.screens.models import Screen
from signage_server.screens.services import screen_for_token

bp = api_blueprint("assets_api", __name__)
files = Blueprint("assets", __name__)

#: How long browsers and screens keep a file: forever, its name is its content.
FOREVER = 365 * 24 * 3600
#: How long a shared cache (a proxy) may keep a public item's file without asking again.
PUBLIC_SHARED_SECONDS = 300


@bp.post("/assets")
def upload() -> tuple[Response, int]:
    """Store an uploaded image or PDF (multipart ``file``); its type comes from its content."""
    principal = current_principal()
    if not any(principal.has_role(r) for r in (Role.EDITOR, Role.OPERATOR, Role.APPROVER)):
        raise PermissionDenied(N_("Only editors and operators upload files."), code="forbidden")
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest(N_("Send the file in the multipart field “file”."), code="file_required")
    data = upload.read()
    try:
        asset, prepared = services.upload(
            db.session,
            registry.get(STORE),
            data,
            filename=upload.filename or "",
            uploaded_by=principal.user,
            limits=registry.get(Limits),
            renderer=registry.get(PdfRenderer),
        )
    except AssetRejected as error:
        raise services.UploadRefused(error, registry.get(Limits)) from None
    db.session.commit()
    body = {
        "sha256": asset.sha256,
        "type": asset.mime,
        "kind": asset.kind,
        "size": asset.size,
        "width": asset.width,
        "height": asset.height,
        "url": url_for("assets.fetch", sha256=asset.sha256),
    }
    if prepared.pages:
        body["pages"] = [
            {"sha256": p, "url": url_for("assets.fetch", sha256=p)} for p in prepared.pages
        ]
    return jsonify(body), 201


def _caller() -> Principal | None:
    token_text = bearer_token()
    if token_text:
        token = find_token(db.session, token_text)
        return Principal.of(token.user, token) if token else None
    if current_user.is_authenticated:
        return Principal.of(current_user._get_current_object())
    return None


def _screen() -> Screen | None:
    """Return the screen whose token the caller sent, if any."""
    token = bearer_token()
    if not token or not token.startswith("scr_"):
        return None
    return screen_for_token(db.session, token)


@files.get("/assets/<sha256>")
def fetch(sha256: str) -> Response:
    """Send a stored file to a caller the audience rule lets see an item using it, now:
    anybody for a current public item, a screen for what it may show, a user for what their
    grants (or their screens) let them see. Everybody else gets 404: nothing is revealed."""
    asset = db.session.get(Asset, sha256) if len(sha256) == 64 else None
    path = registry.get(STORE).path(sha256) if asset is not None else None
    if asset is None or path is None:
        raise NotFound(N_("No such file."), code="asset_not_found")
    now = registry.now()
    public = services.is_public(db.session, asset, now)
    if not public:
        screen = _screen()
        if screen is not None:
            allowed = services.screen_may_fetch(db.session, screen, asset, now)
        else:
            principal = _caller()
            allowed = principal is not None and services.may_fetch(
                db.session, principal, asset, now
            )
        if not allowed:
            raise NotFound(N_("No such file."), code="asset_not_found")
    response = send_file(path, mimetype=asset.mime, max_age=FOREVER, etag=sha256, conditional=True)
    response.cache_control.public = public
    if public:
        # Shared caches ask again after five minutes: a withdrawn item's files stop there too.
        response.cache_control.s_maxage = PUBLIC_SHARED_SECONDS
    else:
        response.cache_control.private = True
    response.cache_control.immutable = True
    return response


#: Stored files are data, never documents of this site: no script, plugin or form runs in
#: them even when a browser is led to open one (an old PDF with JavaScript, a polyglot).
FILE_POLICY = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; sandbox"
talisman(content_security_policy=FILE_POLICY)(fetch)


@files.after_request
def _inert(response: Response) -> Response:
    """Serve files as what they are (``nosniff``) and PDFs as downloads, never inline."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.mimetype == "application/pdf" and response.status_code in (200, 206):
        name = (request.view_args or {}).get("sha256", "document")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.pdf"'
    return response
