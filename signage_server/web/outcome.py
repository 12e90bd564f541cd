"""How a form view carries out one change: commit and say so, or roll back and say why.

:func:`flash_outcome` is for use cases that commit themselves (``<domain>/services``): it
only says what became of the change.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from signage_server.errorhandlers import domain_message
from signage_server.errors import BadRequest
from signage_server.errors import Conflict
from signage_server.errors import DomainError
from signage_server.errors import RuleViolation
from signage_server.extensions import db


def commit_or_flash(change: Callable[[], object], success: str) -> bool:
    """Carry out ``change`` and commit, flashing ``success``; or roll back, flashing why not.

    :return: whether the change was committed.
    """
    try:
        change()
    except DomainError as error:
        db.session.rollback()
        flash(domain_message(error), "danger")
        return False
    db.session.commit()
    flash(success, "success")
    return True


#: Refusals a form view tells the user about on the page it returns to; the others (no
#: permission, no such thing) are errors the error handlers render.
REFUSALS = (BadRequest, Conflict, RuleViolation)


def flash_outcome(change: Callable[[], object], success: str) -> bool:
    """Carry out ``change`` (a use case that commits or rolls back itself), flashing
    ``success``, or flashing why it was refused (:data:`REFUSALS`).

    :return: whether the change was made.
    """
    try:
        change()
    except REFUSALS as error:
        flash(domain_message(error), "danger")
        return False
    flash(success, "success")
    return True
