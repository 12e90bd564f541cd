"""The one place that turns errors into HTTP responses.

Under ``/api/`` every error, including Werkzeug's (404, 405, 413, 429 ...), becomes
``{"error": {"code": ..., "message": ...}}`` with the status of CONTRACT.md; elsewhere an
error page is rendered. Unexpected exceptions are logged by Flask and become a 500 that
tells the caller nothing about them.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask import Response
from flask import jsonify
from flask import make_response
from flask import render_template
from flask import request
from flask_babel import gettext
from werkzeug.exceptions import HTTPException

from signage_server.errors import DomainError
from signage_server.i18n import Label

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


def _render(status: int, code: str, message: str, details: Any = None) -> Response:
    if wants_json():
        return error_response(status, code, message, details)
    html = render_template("error.html", status=status, code=code, message=message)
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
    if status == 429:
        message = gettext("Too many requests. Please wait a moment and try again.")
    elif status >= 500:
        # Flask has logged the original exception; tell the caller nothing about it.
        message = gettext("Internal server error.")
    else:
        message = error.description or error.name
    response = _render(status, code, message)
    original = error.get_response().headers
    for key in ("Retry-After", "Allow"):
        if key in original:
            response.headers[key] = original[key]
    return response


def init_app(app: Flask) -> None:
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
