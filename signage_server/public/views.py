"""``/p/``: the list of organisations, and each one's public disclosure page (no login).

Nothing on these pages depends on who asks (a login changes nothing: the audience rule is
asked as for an anonymous visitor), so browsers and proxies may keep them for a minute.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import Response
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.disclosure.rules import ACTION_LABELS
from signage_server.disclosure.rules import NOTICE_LABELS
from signage_server.extensions import client_address
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.public import presenters
from signage_server.web import visitor

bp = Blueprint("public", __name__, url_prefix="/p")
bp.after_request(visitor.remember)

#: Seconds browsers and proxies may keep a page (nothing personal is on it).
MAX_AGE = 60


def _rate() -> str:
    return registry.get(Settings).public_page_rate_limit


@bp.after_request
def _cache(response: Response) -> Response:
    """Let a page be kept for a minute: by shared caches too when the visitor has no cookie
    but the text size (a session's answer may carry a refreshed session cookie, which no proxy
    may keep)."""
    if response.status_code == 200:
        scope = "public" if visitor.only_preference_cookies() else "private"
        response.headers["Cache-Control"] = f"{scope}, max-age={MAX_AGE}"
        # The language follows the visitor's session, the type size the cookie ``large``:
        # one copy per variant.
        response.vary.add("Cookie")
    return response


#: One budget per client address for every public page.
_limit = limiter.shared_limit(_rate, scope="public_page", key_func=client_address)


@bp.route("/")
@_limit
def index() -> Any:
    return render_template("public/index.html", orgs=presenters.directory(db.session))


@bp.route("/<code>")
@_limit
def org_page(code: str) -> Any:
    org = presenters.find_org(db.session, code)
    if org.code != code:
        return redirect(url_for(".org_page", code=org.code, year=request.args.get("year")), 301)
    found = presenters.page(db.session, org, registry.now(), year=request.args.get("year"))
    html = render_template(
        "public/org.html",
        page=found,
        step_labels={a.value: label for a, label in ACTION_LABELS.items()},
        notice_labels=NOTICE_LABELS,
        **visitor.languages(org),
    )
    return make_response(html)
