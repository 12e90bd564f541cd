"""What a villager chooses on the public pages (QR page, feedback form, tracking page, public
page, appraisal pages), without JavaScript, kept in cookies that hold nothing personal:

- the language: Chinese, or the organisation's second language (``content.languages``), as
  ``?lang=<code>`` on a link of the page, kept in the cookie ``lang`` so that the form, the
  receipt and the tracking page follow it. Where the product has the pages' own words in
  that language (a catalog under ``translations/``) the page speaks it; the item's texts
  always come in the chosen language first;
- 大字 (large type): the switch of every page (``public.text_size_views``) keeps it in the
  cookie ``large``; the pages then carry ``class="large"`` on ``<html>``.

A page whose request carries no other cookie stays cacheable by shared caches, one copy per
variant (``Vary: Cookie``).
"""

from __future__ import annotations

from typing import Any

from flask import Response
from flask import g
from flask import has_request_context
from flask import request
from flask import url_for

from content.languages import LANGUAGES
from content.languages import PRIMARY
from content.languages import Language
from content.languages import language
from signage_server.i18n import VISITOR_LOCALES
from signage_server.orgs.models import Org

COOKIE = "lang"
#: The cookie that remembers large type ("1"); without it, standard type.
LARGE = "large"
#: A year: the choices belong to the phone's reader, not to a visit.
MAX_AGE = 365 * 24 * 3600


def large_type() -> bool:
    """Tell whether the current request asks for large type (a document rendered outside a
    request, a print job's poster, never does)."""
    return has_request_context() and request.cookies.get(LARGE) == "1"


def only_preference_cookies() -> bool:
    """Tell whether the request carries no cookie but these choices (nothing personal)."""
    return set(request.cookies) <= {LARGE, COOKIE}


def back_here() -> str | None:
    """Return where the switch of the current page leads back to: the page itself when it
    was asked for with GET; a page answering a form has no address to come back to."""
    if not has_request_context() or request.method != "GET":
        return None
    return request.full_path.rstrip("?")


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
        # The page's own address with the other language: the visitor's query kept, but never
        # url_for's own options (``_external``, ``_scheme``…), which would let a crafted link
        # make these links point elsewhere (``javascript:``).
        query = {k: v for k, v in request.args.to_dict().items() if not k.startswith("_")}
        here = {**(request.view_args or {}), **query}
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
