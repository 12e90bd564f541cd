"""``/text-size``: the 大字 switch of every villager's page, a small GET form (no script) that
remembers the choice (``web.visitor``) and sends the visitor back to the page."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Flask
from flask import redirect
from flask import request
from werkzeug.wrappers import Response

from signage_server.web import visitor
from signage_server.web.safety import safe_next

bp = Blueprint("text_size", __name__)


@bp.get("/text-size")
def switch() -> Response:
    """Set (``?large=1``) or clear (``?large=0``) large type, then go back to ``next``."""
    response = redirect(safe_next(request.args.get("next")) or "/p/", 303)
    if request.args.get("large") == "1":
        response.set_cookie(
            visitor.LARGE, "1", max_age=visitor.MAX_AGE, samesite="Lax", httponly=True
        )
    else:
        response.delete_cookie(visitor.LARGE, samesite="Lax", httponly=True)
    response.headers["Cache-Control"] = "no-store"
    return response


def _template_context() -> dict[str, Any]:
    return {"large_type": visitor.large_type(), "text_size_back": visitor.back_here}


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)
    app.context_processor(_template_context)
