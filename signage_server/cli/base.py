"""What every command module shares: the app context and the one CLI error translation.

A command made with :class:`Command` (or inside a :class:`Group`) runs in the app's context.
When a service refuses with a :class:`~signage_server.errors.DomainError`, the session is
rolled back and the error is translated here, once, for every command (as
``signage_server/errorhandlers.py`` does for HTTP): its message through the app's catalog in
:data:`LOCALE`, printed as ``Error: …`` with exit status 1. Commands do not catch domain
errors themselves.

Imported only after ``signage_server.cli.main`` has patched gevent (it imports Flask).
"""

from __future__ import annotations

from typing import Any
from typing import NoReturn

import click
from flask import Flask
from flask import current_app
from flask.cli import ScriptInfo
from flask_babel import force_locale

from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.extensions import db

#: The language of the command line (its messages and the domain errors it shows).
LOCALE = "en"


def fail(message: str) -> NoReturn:
    """Stop the command: print ``Error: message`` and exit with status 1."""
    raise click.ClickException(message)


def message_of(error: DomainError) -> str:
    """Return the message of ``error`` in the command line's language."""
    with force_locale(LOCALE):
        return domain_message(error)


def refuse(error: DomainError) -> NoReturn:
    """Stop the command because a service refused with ``error``.

    Details that are field errors (``{"field", "message"}``, each naming its field) say more
    than the message and stand in for it; details that are lines of text (a file's bad lines)
    are printed one a line on stderr before it.
    """
    details = error.details if isinstance(error.details, list) else []
    fields = [d["message"] for d in details if isinstance(d, dict) and d.get("message")]
    if fields:
        fail("; ".join(str(message) for message in fields))
    for line in details:
        if isinstance(line, str):
            click.echo(line, err=True)
    fail(message_of(error))


def app() -> Flask:
    """Return the app the command runs in."""
    return current_app._get_current_object()  # type: ignore[attr-defined,no-any-return]


class Command(click.Command):
    """A command that runs in the app's context, its domain errors translated once."""

    def invoke(self, ctx: click.Context) -> Any:
        if not current_app:
            ctx.with_resource(ctx.ensure_object(ScriptInfo).load_app().app_context())
        try:
            return super().invoke(ctx)
        except DomainError as error:
            db.session.rollback()
            refuse(error)


class Group(click.Group):
    """A command group whose commands are :class:`Command`\\ s."""

    command_class = Command
