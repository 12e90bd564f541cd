"""How a form view carries out one change: commit and say so, or roll back and say why."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash

from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
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
