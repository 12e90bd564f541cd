"""Domain errors: what services raise on purpose, each with its HTTP status.

No Flask import here; ``signage_server.errorhandlers`` maps them to responses.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every error a domain raises on purpose."""

    status = 400
    code = "bad_request"

    def __init__(
        self, message: str, *, code: str | None = None, details: Any = None, **params: Any
    ) -> None:
        """Make an error.

        :param message: an English message marked with ``N_``; may use ``%(name)s``
            placeholders filled from ``params``. The edge translates it.
        :param code: a stable machine-readable code (defaults to the class's).
        :param details: extra JSON-serialisable data for API clients (e.g. field errors).
        """
        super().__init__(message % params if params else message)
        self.message = message
        self.params = params
        if code is not None:
            self.code = code
        self.details = details


class BadRequest(DomainError):
    """The input is malformed (400)."""


class Unauthorized(DomainError):
    """No or invalid credentials (401)."""

    status = 401
    code = "unauthorized"


class PermissionDenied(DomainError):
    """Not allowed for this user or organisation (403)."""

    status = 403
    code = "forbidden"


class NotFound(DomainError):
    """No such thing, or the caller may not know it exists (404)."""

    status = 404
    code = "not_found"


class Conflict(DomainError):
    """Not allowed in the current state (409)."""

    status = 409
    code = "conflict"


class RuleViolation(DomainError):
    """A domain rule forbids it (422)."""

    status = 422
    code = "rule_violation"


class Unavailable(DomainError):
    """The installation cannot do it now, for a reason an administrator must mend (503)."""

    status = 503
    code = "unavailable"


class TooLarge(DomainError):
    """The content is larger than accepted (413)."""

    status = 413
    code = "too_large"


class UnsupportedMediaType(DomainError):
    """This kind of content is not accepted (415)."""

    status = 415
    code = "unsupported_media_type"


class Busy(Unavailable):
    """Too busy right now: the caller should try again shortly (503, ``Retry-After``)."""

    code = "busy"
    #: Extra response headers: when to come back.
    headers = {"Retry-After": "30"}  # noqa: RUF012 - read only
