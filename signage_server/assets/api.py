"""``POST /api/v1/assets`` (upload) and ``GET /assets/<sha256>`` (fetch).

Each handler parses its input, calls one use case of ``assets.services`` and answers.
"""

from __future__ import annotations

from flask import Blueprint
from flask import Response
from flask import jsonify
from flask import request
from flask import send_file
from flask import url_for
from flask_login import current_user

from signage_server.accounts.permissions import current_principal
from signage_server.api import api_blueprint
from signage_server.api import bearer_token
from signage_server.assets import services
from signage_server.errors import BadRequest
from signage_server.extensions import talisman
from signage_server.i18n import N_

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
    upload = request.files.get("file")
    if upload is None:
        raise BadRequest(N_("Send the file in the multipart field “file”."), code="file_required")
    asset, prepared = services.upload_asset(principal, upload.read(), upload.filename or "")
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


@files.get("/assets/<sha256>")
def fetch(sha256: str) -> Response:
    """Send a stored file to a caller the audience rule lets see an item using it, now:
    anybody for a current public item, a screen for what it may show, a user for what their
    grants (or their screens) let them see. Everybody else gets 404: nothing is revealed."""
    user = current_user._get_current_object() if current_user.is_authenticated else None
    found = services.file_for(sha256, bearer_token(), user)
    response = send_file(
        found.path, mimetype=found.asset.mime, max_age=FOREVER, etag=sha256, conditional=True
    )
    response.cache_control.public = found.public
    if found.public:
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
    """Serve files as what they are (``nosniff``); PDFs and spreadsheets as downloads, never
    inline."""
    response.headers["X-Content-Type-Options"] = "nosniff"
    extension = _DOWNLOADS.get(response.mimetype or "")
    if extension and response.status_code in (200, 206):
        name = (request.view_args or {}).get("sha256", "document")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}.{extension}"'
    return response


#: The stored files sent as downloads, and their file name extension.
_DOWNLOADS = {
    "application/pdf": "pdf",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "xlsx",
    "text/csv": "csv",
}
