"""``signage token …``: API tokens of a user (create, list, revoke)."""

from __future__ import annotations

import click

from signage_server.accounts import services as accounts
from signage_server.cli.base import Group
from signage_server.cli.base import fail
from signage_server.cli.lookup import user_named
from signage_server.extensions import db


@click.group("token", cls=Group)
def token_group() -> None:
    """Manage API tokens."""


@token_group.command("create")
@click.argument("name")
@click.option("--label", default="cli", show_default=True, help="What the token is for.")
@click.option("--days", type=click.IntRange(1, 3650), help="Expire after this many days.")
def token_create(name: str, label: str, days: int | None) -> None:
    """Print a new API token for user NAME."""
    user = user_named(name)
    if not user.active:
        fail(f"user {name} is deactivated")
    _token, plain = accounts.create_token(
        db.session, user, name=label, expires_at=accounts.token_expiry(days)
    )
    db.session.commit()
    click.echo(plain)


@token_group.command("list")
@click.argument("name")
def token_list(name: str) -> None:
    """List the API tokens of user NAME (never their secret part)."""
    user = user_named(name)
    for token in accounts.tokens_of(db.session, user):
        state = "revoked" if token.revoked_at else "active"
        click.echo(f"{token.id:>5}  {token.prefix}…  {token.name:<20} {state}")


@token_group.command("revoke")
@click.argument("token_id", type=int)
def token_revoke(token_id: int) -> None:
    """Revoke the API token with id TOKEN_ID."""
    token = accounts.get_token(db.session, token_id)
    if token is None:
        fail(f"no token with id {token_id}")
    accounts.revoke_token(db.session, token, actor=None)
    db.session.commit()
    click.echo(f"Token {token.prefix}… revoked.")
