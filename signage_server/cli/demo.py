"""``signage seed-demo`` and ``signage demo``: the demo county, and a server showing it.

``demo`` is ``init-db`` + ``seed-demo`` + ``serve``: it runs :func:`signage_server.cli.db.init_db`
and :func:`signage_server.cli.serve.serve`, the bodies of those commands.
"""

from __future__ import annotations

import click

from signage_server import services
from signage_server.accounts.services import Passwords
from signage_server.cli.base import Command
from signage_server.cli.base import app
from signage_server.cli.db import init_db
from signage_server.cli.serve import default_public_url
from signage_server.cli.serve import serve
from signage_server.config import Settings
from signage_server.demo.seed import demo_password
from signage_server.demo.seed import seed
from signage_server.extensions import db
from signage_server.screens.links import player_url


@click.command("seed-demo", cls=Command)
def seed_demo_command() -> None:
    """Load the demo county (idempotent) and print the logins."""
    seed_demo()


def seed_demo() -> None:
    """Load the demo county and print what was created, the logins and the screens."""
    password = demo_password(services.get(Settings))
    result = seed(db.session, services.get(Passwords), password, content_at=services.now())
    db.session.commit()
    click.echo(
        f"Demo county: {result.orgs_created} organisations and {result.users_created} users"
        f" created ({result.orgs_total} and {result.users_total} in all)."
    )
    if result.items_created:
        click.echo(f"Demo disclosure items: {result.items_created} told through the procedure.")
    if result.cases_created:
        click.echo(f"Demo feedback cases: {result.cases_created} (log in as jiyi01_handler).")
    click.echo("")
    click.echo(f"Demo logins (password for every one: {password}):")
    for username, display, roles in result.logins:
        click.echo(f"  {username:<20} {display}  [{roles}]")
    if result.screens:
        click.echo("")
        click.echo("Demo screens (open an address in a browser, full screen: F11):")
        for name, token in result.screens:
            click.echo(f"  {name}: {player_url(token)}")


@click.command("demo", cls=Command)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
def demo_command(host: str, port: int) -> None:
    """init-db + seed-demo + serve."""
    default_public_url(app(), host, port)
    init_db()
    seed_demo()
    click.echo("")
    click.echo(f"Log in at http://{host}:{port}/login with one of the users above.")
    serve(host, port)
