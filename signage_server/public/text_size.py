"""大字: the villagers' pages in large type, chosen without JavaScript.

The switch on every villager's page (the QR form, receipt and tracking pages, the public
pages ``/p/…``, the appraisal's pages, their error pages) is a small GET form to
:func:`switch`, which remembers the choice in the cookie ``large`` and sends the visitor back
to the page. The pages then carry ``class="large"`` on ``<html>`` (the stylesheets do the
rest). The cookie holds nothing personal: a public page stays cacheable, one copy per variant
(``Vary: Cookie``).
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Flask
from flask import redirect
from flask import request
from werkzeug.wrappers import Response

from signage_server.web.safety import safe_next

bp = Blueprint("text_size", __name__)

#: The cookie that remembers large type ("1"); without it, standard type.
COOKIE = "large"
#: A year: the choice belongs to the phone, not to a visit.
MAX_AGE = 365 * 24 * 3600


def large_type() -> bool:
    """Tell whether the current request asks for large type."""
    return request.cookies.get(COOKIE) == "1"


def only_text_size_cookie() -> bool:
    """Tell whether the request carries no cookie but the text size (nothing personal)."""
    return set(request.cookies) <= {COOKIE}


def back_here() -> str | None:
    """Return where the switch of the current page leads back to: the page itself when it
    was asked for with GET; a page answering a form has no address to come back to."""
    if request.method != "GET":
        return None
    return request.full_path.rstrip("?")


@bp.get("/text-size")
def switch() -> Response:
    """Set (``?large=1``) or clear (``?large=0``) large type, then go back to ``next``."""
    response = redirect(safe_next(request.args.get("next")) or "/p/", 303)
    if request.args.get("large") == "1":
        response.set_cookie(COOKIE, "1", max_age=MAX_AGE, samesite="Lax", httponly=True)
    else:
        response.delete_cookie(COOKIE, samesite="Lax", httponly=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def _template_context() -> dict[str, Any]:
    return {"large_type": large_type(), "text_size_back": back_here}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(_template_context)
