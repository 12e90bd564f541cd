"""``signage org …``: the organisation tree (list it, create an organisation)."""

from __future__ import annotations

import click

from signage_server.cli.base import Group
from signage_server.cli.lookup import org_with_code
from signage_server.extensions import db
from signage_server.orgs import services as orgs
from signage_server.orgs.rules import OrgKind


@click.group("org", cls=Group)
def org_group() -> None:
    """Inspect organisations."""


@org_group.command("list")
def org_list() -> None:
    """Print the organisation tree."""
    for depth, org in orgs.whole_tree(db.session):
        state = "" if org.active else " (dissolved)"
        click.echo(f"{'  ' * depth}{org.code:<12} {org.name} [{org.kind.value}]{state}")


@org_group.command("create")
@click.argument("code")
@click.option("--name", required=True, help="Name, e.g. 集义镇.")
@click.option(
    "--kind",
    required=True,
    type=click.Choice(["county", "township", "village", "agency", "school"]),
)
@click.option("--parent", "parent_code", help="Code of the parent (none for the county).")
@click.option("--members", "party_members", type=click.IntRange(0), help="Party members.")
def org_create(
    code: str, name: str, kind: str, parent_code: str | None, party_members: int | None
) -> None:
    """Create organisation CODE (the first one of a new installation is the county)."""
    parent = org_with_code(parent_code) if parent_code else None
    org = orgs.create_org(
        db.session,
        actor=None,
        code=code,
        name=name,
        kind=OrgKind(kind),
        parent=parent.code if parent is not None else None,
        party_members=party_members,
    )
    click.echo(f"Created {org.code} {org.name} ({org.kind.value}).")
