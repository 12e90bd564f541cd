"""``signage user …``: create users, grant roles, list them, set passwords."""

from __future__ import annotations

import sys

import click

from signage_server import services
from signage_server.accounts import services as accounts
from signage_server.accounts.rules import Role
from signage_server.cli.base import Group
from signage_server.cli.base import fail
from signage_server.cli.lookup import org_with_code
from signage_server.cli.lookup import user_named
from signage_server.extensions import db
from signage_server.orgs.services import get_by_code


def read_password(prompt: bool) -> str:
    """Read a password: from stdin, or prompted twice (hidden) on a terminal."""
    if not sys.stdin.isatty() or not prompt:
        line = sys.stdin.readline()
        return line.rstrip("\r\n")
    value: str = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    return value


@click.group("user", cls=Group)
def user_group() -> None:
    """Manage users."""


@user_group.command("create")
@click.argument("name")
@click.option("--org", "org_code", required=True, help="Code of the user's organisation.")
@click.option("--role", "roles", multiple=True, help="Role at that organisation (repeatable).")
@click.option("--display-name", default="", help="Full name and post, e.g. 王建国（村党支部书记）.")
@click.option("--no-password", is_flag=True, help="Account for API tokens only.")
def user_create(
    name: str, org_code: str, roles: tuple[str, ...], display_name: str, no_password: bool
) -> None:
    """Create user NAME (password from stdin, or prompted on a terminal)."""
    valid = {r.value for r in Role}
    unknown = [r for r in roles if r not in valid]
    if unknown:
        fail(f"unknown role(s): {', '.join(unknown)}; roles are: {', '.join(sorted(valid))}")
    org = org_with_code(org_code)
    password = None if no_password else read_password(prompt=True)
    if password == "":
        fail("empty password (give one on stdin, or --no-password)")
    user = accounts.create_user(
        db.session,
        services.get(accounts.Passwords),
        username=name,
        display_name=display_name,
        home_org=org,
        password=password,
        roles=[Role(r) for r in roles],
    )
    db.session.commit()
    held = ", ".join(r for r in roles) or "no roles"
    click.echo(f"Created user {user.username} at {org.code} ({held}).")


@user_group.command("grant")
@click.argument("name")
@click.option("--org", "org_code", required=True)
@click.option("--role", "roles", multiple=True, required=True)
def user_grant(name: str, org_code: str, roles: tuple[str, ...]) -> None:
    """Grant user NAME roles at an organisation."""
    user = accounts.get_user(db.session, name)
    org = get_by_code(db.session, org_code)
    if user is None or org is None:
        fail("no such user or organisation")
    try:
        parsed = [Role(r) for r in roles]
    except ValueError as error:
        fail(str(error))
    for role in parsed:
        accounts.grant_role(db.session, user, org, role, actor=None)
    db.session.commit()
    click.echo(f"{user.username} holds {', '.join(roles)} at {org.code}.")


@user_group.command("list")
def user_list() -> None:
    """List users with their roles."""
    for user in accounts.all_users(db.session):
        grants = ", ".join(f"{g.role.value}@{g.org.code}" for g in user.grants) or "-"
        state = "" if user.active else " (inactive)"
        click.echo(f"{user.username:<22} {user.home_org.code:<10} {grants}{state}")


@user_group.command("passwd")
@click.argument("name")
def user_passwd(name: str) -> None:
    """Set the password of user NAME (from stdin, or prompted on a terminal)."""
    user = user_named(name)
    accounts.set_password(
        db.session, services.get(accounts.Passwords), user, read_password(True), actor=None
    )
    db.session.commit()
    click.echo(f"Password of {user.username} set.")
