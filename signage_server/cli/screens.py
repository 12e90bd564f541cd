"""``signage screen …``: register screens, revoke them, list them with their state."""

from __future__ import annotations

import json

import click

from signage_server import services as registry
from signage_server.cli.base import Group
from signage_server.cli.base import fail
from signage_server.cli.lookup import org_with_code
from signage_server.extensions import db
from signage_server.fleet.commands import services as commands
from signage_server.fleet.commands.rules import Kind
from signage_server.screens import services as screens
from signage_server.screens.layouts import design_sizes
from signage_server.screens.links import player_url
from signage_server.screens.rules import Audience
from signage_server.screens.rules import Bilingual
from signage_server.screens.services import lookup


@click.group("screen", cls=Group)
def screen_group() -> None:
    """Register and revoke screens."""


@screen_group.command("register")
@click.argument("name")
@click.option("--org", "org_code", required=True)
@click.option("--audience", required=True, type=click.Choice(["public", "party", "unit"]))
@click.option("--layout", default="landscape", show_default=True)
@click.option("--resolution", default="", help="WxH; default: the layout's design size.")
@click.option("--timezone", default="Asia/Shanghai", show_default=True)
@click.option("--location", default="")
@click.option("--read-aloud", "read_times", default="", help="Times of day, e.g. '08:00 18:00'.")
@click.option("--read-aloud-key", is_flag=True, help="A key of the box reads the item aloud.")
@click.option(
    "--bilingual",
    default=Bilingual.SIDE.value,
    show_default=True,
    type=click.Choice([b.value for b in Bilingual]),
    help="How items in two languages are shown: side by side, or alternating.",
)
def screen_register(
    name: str,
    org_code: str,
    audience: str,
    layout: str,
    resolution: str,
    timezone: str,
    location: str,
    read_times: str,
    read_aloud_key: bool,
    bilingual: str,
) -> None:
    """Register screen NAME; print JSON {"id", "token", "player_url"} (the token once)."""
    org = org_with_code(org_code)
    fields = screens.ScreenFields(
        name=name,
        audience=Audience(audience),
        layout=layout,
        resolution=resolution,
        timezone=timezone,
        location=location,
        read_aloud_times=[read_times],
        read_aloud_key=read_aloud_key,
        bilingual=bilingual,
    )
    screen, token = screens.register(db.session, org, fields, layouts=design_sizes())
    db.session.commit()
    assert token is not None
    click.echo(json.dumps({"id": screen.id, "token": token, "player_url": player_url(token)}))


@screen_group.command("read-aloud")
@click.argument("screen_id", type=int)
@click.option("--times", default=None, help="Times of day, e.g. '08:00 18:00'; '' for none.")
@click.option("--key/--no-key", default=None, help="Whether a key of the box reads aloud.")
def screen_read_aloud(screen_id: int, times: str | None, key: bool | None) -> None:
    """Set when screen SCREEN_ID reads the item on it aloud (定时朗读); print the setting."""
    screen = lookup.find(db.session, screen_id)
    if screen is None:
        fail(f"no screen with id {screen_id}")
    fields = screens.fields_of(screen)
    if times is not None:
        fields.read_aloud_times = [times]
    if key is not None:
        fields.read_aloud_key = key
    screens.update(db.session, screen, fields, design_sizes())
    db.session.commit()
    setting = {"times": fields.read_aloud_times, "key": fields.read_aloud_key}
    click.echo(json.dumps({"id": screen.id, "read_aloud": setting}))


@screen_group.command("bilingual")
@click.argument("screen_id", type=int)
@click.argument("mode", type=click.Choice([b.value for b in Bilingual]))
def screen_bilingual(screen_id: int, mode: str) -> None:
    """Show items in two languages on screen SCREEN_ID side by side or alternating (pushed to
    the screen at once)."""
    screen = lookup.find(db.session, screen_id)
    if screen is None:
        fail(f"no screen with id {screen_id}")
    fields = screens.fields_of(screen)
    fields.bilingual = mode
    screens.update(db.session, screen, fields, design_sizes())
    db.session.commit()
    click.echo(f"Screen {screen.id} ({screen.name}) shows bilingual items: {mode}.")


@screen_group.command("revoke")
@click.argument("screen_id", type=int)
def screen_revoke(screen_id: int) -> None:
    """Revoke screen SCREEN_ID's token: it is disconnected at once and cannot reconnect."""
    screen = lookup.find(db.session, screen_id)
    if screen is None:
        fail(f"no screen with id {screen_id}")
    screens.revoke(db.session, screen)
    db.session.commit()
    click.echo(f"Screen {screen.id} ({screen.name}) revoked.")


@screen_group.command("list")
def screen_list() -> None:
    """List screens with their state."""
    now = registry.now()
    for screen in lookup.all_screens(db.session):
        state = (
            "revoked"
            if screen.revoked_at
            else ("online" if screens.is_online(screen, now) else "offline")
        )
        click.echo(
            f"{screen.id:>4}  {screen.org.code:<10} {screen.audience.value:<7} {screen.layout:<10}"
            f" {state:<8} {screen.name}"
        )


@screen_group.command("command")
@click.argument("screen_id", type=int)
@click.argument("kind", type=click.Choice([k.value for k in Kind]))
def screen_command(screen_id: int, kind: str) -> None:
    """Send remote command KIND to screen SCREEN_ID (audited as issued by ``cli``); print JSON
    of the command (the identical one still pending, if any)."""
    issued = commands.issue_as_administrator(screen_id, kind)
    click.echo(json.dumps(issued.command.json()))
