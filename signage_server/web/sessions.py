"""The signed session cookie, re-sent only where it means something.

A logged-in session is permanent, and its cookie's expiry slides: Flask re-sends the cookie
with every response (``SESSION_REFRESH_EACH_REQUEST``). A page is many responses: its
scripts, styles, fonts, frames and the fetches it makes. Each of those answers carries the
session as it was when it was asked for. When one of them arrives after a form's answer has
changed the session (a flash message: "草稿已保存。"), the browser keeps the older cookie and
the change is lost.

So an unchanged session is re-sent only with the answer to a page the user opens
(``Sec-Fetch-Dest: document``; a browser that does not say counts as a page): the expiry
still slides with every page opened. A changed session is always sent.
"""

from __future__ import annotations

from flask import Flask
from flask import request
from flask.sessions import SecureCookieSessionInterface
from flask.sessions import SessionMixin

#: What a browser names the destination of a page the user opens.
PAGE = "document"


class SessionCookies(SecureCookieSessionInterface):
    """Flask's signed cookie session, re-sent unchanged only with pages."""

    def should_set_cookie(self, app: Flask, session: SessionMixin) -> bool:
        if session.modified:
            return True
        if request.headers.get("Sec-Fetch-Dest", PAGE) != PAGE:
            return False
        return super().should_set_cookie(app, session)
