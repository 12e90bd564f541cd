"""The villager's choice of language on the public pages (QR page, feedback form, tracking
page, public page): Chinese, or the organisation's second language (``content.languages``).

The choice comes as ``?lang=<code>`` on a link of the page (no script needed) and is kept in a
cookie, so the form, the receipt and the tracking page follow it. Where the product has the
pages' own words in that language (a catalog under ``translations/``), the page speaks it;
the item's texts always come in the chosen language first.
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import g
from flask import request
from flask import url_for

from content.languages import LANGUAGES
from content.languages import PRIMARY
from content.languages import Language
from content.languages import language
from signage_server.i18n import VISITOR_LOCALES
from signage_server.orgs.models import Org

COOKIE = "lang"
#: A year: the choice is a reader's, not a session's.
MAX_AGE = 365 * 24 * 3600


def wanted() -> str:
    """Return the language code the visitor asked for (``""``: none)."""
    code = request.args.get(COOKIE) or request.cookies.get(COOKIE) or ""
    return code if code == PRIMARY.code or code in LANGUAGES else ""


def choose(second: Language | None) -> Language | None:
    """Return ``second`` (an organisation's second language) when the visitor chose it, and
    let the page's own words follow where a catalog exists; ``None``: Chinese."""
    if second is None or wanted() != second.code:
        return None
    locale = VISITOR_LOCALES.get(second.code)
    if locale is not None:
        g.visitor_locale = locale
        g.visitor_dir = second.direction
    return second


def languages(org: Org) -> dict[str, Any]:
    """The visitor's language on a page about ``org``: ``chosen`` (``None``: Chinese) and the
    ``choices`` to offer (none when the org discloses in Chinese only)."""
    second = language(org.second_language)
    chosen = choose(second)
    choices = []
    if second is not None:
        here = {**(request.view_args or {}), **request.args.to_dict()}
        for offered in (PRIMARY, second):
            choices.append(
                {
                    "language": offered,
                    "href": url_for(str(request.endpoint), **{**here, COOKIE: offered.code}),
                    "current": offered is (chosen or PRIMARY),
                }
            )
    return {"chosen": chosen, "choices": choices}


def remember(response: Response) -> Response:
    """Keep a choice made with ``?lang=`` for the visitor's next pages (an answer that sets
    it is the visitor's own: no shared cache keeps it)."""
    code = request.args.get(COOKIE)
    if code and (code == PRIMARY.code or code in LANGUAGES):
        response.set_cookie(
            COOKIE, code, max_age=MAX_AGE, samesite="Lax", httponly=True, secure=request.is_secure
        )
        cache = response.headers.get("Cache-Control", "")
        if "public" in cache:
            response.headers["Cache-Control"] = cache.replace("public", "private")
    return response
