"""The one place that turns errors into HTTP responses.

Under ``/api/`` every error, including Werkzeug's (404, 405, 413, 429 ...), becomes
``{"error": {"code": ..., "message": ...}}`` with the status of CONTRACT.md; elsewhere an
error page is rendered. Unexpected exceptions are logged by Flask and become a 500 that
tells the caller nothing about them.

Every message is in the user's language: Werkzeug's own descriptions ("The requested URL
was not found on the server ...") are English text outside our catalog, so an HTTP error
says what :data:`HTTP_MESSAGES` says for its status instead. The villagers' pages (the QR
form, receipts, tracking; the organisations' public pages: :data:`PUBLIC_ERROR_PAGES`) get
their own error page, with no staff navigation and a way on (scan again, look up a receipt,
the list of organisations).
"""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask
from flask import Response
from flask import jsonify
from flask import make_response
from flask import render_template
from flask import request
from flask_babel import gettext
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DataError
from werkzeug.exceptions import BadRequest
from werkzeug.exceptions import HTTPException

from signage_server.errors import DomainError
from signage_server.i18n import N_
from signage_server.i18n import Label

logger = logging.getLogger(__name__)

_HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "rule_violation",
    429: "rate_limited",
    500: "internal_error",
}

#: What an HTTP error says, by status (translated when shown).
HTTP_MESSAGES = {
    400: N_("The request could not be understood. Please go back and try again."),
    401: N_("Please log in first."),
    403: N_("You are not allowed to open this page."),
    404: N_("This page does not exist. Please check the address."),
    405: N_("This action is not possible here."),
    409: N_("This conflicts with a change made in the meantime. Please reload the page."),
    413: N_("The upload is too large."),
    415: N_("This kind of file is not accepted."),
    429: N_("Too many requests. Please wait a moment and try again."),
    500: N_("Internal server error."),
}
#: The message of any other status.
HTTP_MESSAGE_OTHER = N_("The request could not be handled.")
#: A form sent without (or with an expired) CSRF token.
CSRF_MESSAGE = N_("The page has expired. Please go back, reload it and try again.")

#: Where the villagers' pages live (no login), by path prefix, and the error page of each.
PUBLIC_ERROR_PAGES = {"/f": "feedback/error.html", "/p": "public/error.html"}


def wants_json() -> bool:
    """Tell whether the current request should get a JSON error rather than a page."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return (
        best == "application/json"
        and request.accept_mimetypes[best] > request.accept_mimetypes["text/html"]
    )


def error_response(status: int, code: str, message: str, details: Any = None) -> Response:
    """Return the JSON error body of CONTRACT.md with ``status``."""
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    response = jsonify({"error": body})
    response.status_code = status
    return response


def public_error_page() -> str | None:
    """Return the error page of the villagers' page the current request is for, if it is one."""
    for prefix, template in PUBLIC_ERROR_PAGES.items():
        if request.path == prefix or request.path.startswith(prefix + "/"):
            return template
    return None


def public_request() -> bool:
    """Tell whether the current request is for one of the villagers' pages."""
    return public_error_page() is not None


def _render(status: int, code: str, message: str, details: Any = None) -> Response:
    if wants_json():
        return error_response(status, code, message, details)
    template = public_error_page() or "error.html"
    html = render_template(template, status=status, code=code, message=message)
    return make_response(html, status)


def domain_message(error: DomainError) -> str:
    """Return the error's message in the user's language, labels among its params too."""
    params = {k: gettext(v) if isinstance(v, Label) else v for k, v in error.params.items()}
    return str(gettext(error.message, **params))


def handle_domain_error(error: DomainError) -> Response:
    message = domain_message(error)
    response = _render(error.status, error.code, message, error.details)
    if error.status == 401 and wants_json():
        response.headers["WWW-Authenticate"] = 'Bearer realm="signage"'
    response.headers.update(getattr(error, "headers", None) or {})
    return response


def handle_http_exception(error: HTTPException) -> Response:
    status = error.code or 500
    code = _HTTP_CODES.get(status, "http_error")
    # Werkzeug's descriptions are English and, for a 500, may tell about the original
    # exception (which Flask has logged): the caller gets our message for the status.
    if isinstance(error, CSRFError):
        message = gettext(CSRF_MESSAGE)
    elif status >= 500:
        message = gettext(HTTP_MESSAGES[500])
    else:
        message = gettext(HTTP_MESSAGES.get(status, HTTP_MESSAGE_OTHER))
    response = _render(status, code, message)
    original = error.get_response().headers
    for key in ("Retry-After", "Allow"):
        if key in original:
            response.headers[key] = original[key]
    return response


def handle_out_of_range(error: Exception) -> Response:
    """A number the database cannot hold (an id of 20 digits in a form or a JSON body): the
    request is wrong, not the server."""
    logger.info("out-of-range value refused: %s", type(error).__name__)
    return handle_http_exception(BadRequest())


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    # SQLite's driver overflows in Python; PostgreSQL answers "out of range" (a DataError).
    app.register_error_handler(OverflowError, handle_out_of_range)
    app.register_error_handler(DataError, handle_out_of_range)
