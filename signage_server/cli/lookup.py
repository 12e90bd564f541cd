"""What commands name on their command line, found or refused with the command line's words.

A user by name and an organisation by code: every command that takes one says the same
``no user called NAME`` / ``no organisation with code CODE`` (exit 1) when it does not exist.
"""

from __future__ import annotations

from signage_server.accounts.models import User
from signage_server.accounts.services import get_user
from signage_server.cli.base import fail
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code


def user_named(name: str) -> User:
    """Return the user called ``name``, or stop the command."""
    user = get_user(db.session, name)
    if user is None:
        fail(f"no user called {name}")
    return user


def org_with_code(code: str) -> Org:
    """Return the organisation with ``code``, or stop the command."""
    org = get_by_code(db.session, code)
    if org is None:
        fail(f"no organisation with code {code}")
    return org
