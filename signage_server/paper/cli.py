"""``signage print …``: posters, boards and archive dossiers from the command line."""

from __future__ import annotations

from pathlib import Path

import click


@click.group("print")
def print_group() -> None:
    """Print posters, boards and archive dossiers (PDF)."""


# --- posters and boards --------------------------------------------------------------


def _write(pdf: bytes, output: Path | None, filename: str) -> None:
    from signage_server.paper.posters import page_count

    path = output or Path.cwd() / filename
    path.write_bytes(pdf)
    pages = page_count(pdf)
    click.echo(f"{path}  ({pages} page{'s' if pages != 1 else ''}, {len(pdf) / 1024:.0f} KiB)")


_OUTPUT = click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="File to write (default: a name made of the organisation and the title, here).",
)


@print_group.command("poster")
@click.argument("item_id", type=int)
@click.option("--size", type=click.Choice(["A4", "A3"]), default="A4", show_default=True)
@click.option(
    "--orientation",
    type=click.Choice(["portrait", "landscape", "auto"]),
    default="auto",
    show_default=True,
    help="auto: landscape for a table too wide for portrait.",
)
@click.option(
    "--revision",
    type=click.IntRange(1, None),
    help="Revision to print (default: the one disclosed now, else the newest, as a proof).",
)
@_OUTPUT
def print_poster(
    item_id: int, size: str, orientation: str, revision: int | None, output: Path | None
) -> None:
    """Print the poster of item ITEM_ID (PDF): the disclosure with the QR code of its form,
    or a watermarked proof without one when the revision is not current."""
    from signage_server import services as registry
    from signage_server.assets import STORE
    from signage_server.disclosure.services import get_item
    from signage_server.errors import DomainError
    from signage_server.extensions import db
    from signage_server.paper.posters import poster
    from signage_server.paper.render import render_pdf

    try:
        item = get_item(db.session, item_id)
        document = poster(
            db.session,
            item,
            size=size,
            orientation=orientation,
            now=registry.now(),
            revision=revision,
        )
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    _write(render_pdf(document.html, registry.get(STORE)), output, document.filename)


@print_group.command("board")
@click.argument("org_code")
@click.option(
    "--audience",
    type=click.Choice(["public", "party", "unit"]),
    default="public",
    show_default=True,
    help="public: the village square; party: the party activity room; unit: the office.",
)
@_OUTPUT
def print_board(org_code: str, audience: str, output: Path | None) -> None:
    """Print the board (公开栏) of organisation ORG_CODE (PDF): a cover, the contents, then
    every item a screen of that audience there shows now, in the catalog's order."""
    from signage_server import services as registry
    from signage_server.assets import STORE
    from signage_server.disclosure.audience import Audience
    from signage_server.errors import DomainError
    from signage_server.extensions import db
    from signage_server.orgs.services import require_by_code
    from signage_server.paper.posters import board
    from signage_server.paper.render import render_pdf

    try:
        org = require_by_code(db.session, org_code)
        document = board(db.session, org, audience=Audience(audience), now=registry.now())
    except DomainError as error:
        raise click.ClickException(str(error)) from None
    click.echo(f"{len(document.sheets)} items on the board.")
    _write(render_pdf(document.html, registry.get(STORE)), output, document.filename)


# --- archive dossiers ----------------------------------------------------------------


@print_group.command("archive")
@click.option("--item", "item_id", type=int, required=True, help="The item's id.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, writable=True),
    help="Where to write the PDF (default: dossier-<item>.pdf; with --store, only if given).",
)
@click.option(
    "--store",
    is_flag=True,
    help="Make the archived dossier: store it and seal it in the audit chain (else an interim"
    " dossier is printed, stored nowhere).",
)
def print_archive(item_id: int, output: str | None, store: bool) -> None:
    """Print an item's archive dossier (归档卷宗)."""
    from pathlib import Path

    from signage_server import services as registry
    from signage_server.disclosure.services import get_item
    from signage_server.errors import DomainError
    from signage_server.extensions import db
    from signage_server.paper import ARCHIVE
    from signage_server.paper.archive import dossier_pdf
    from signage_server.paper.archive import make_dossier

    session = db.session
    try:
        item = get_item(session, item_id)
        now = registry.now()
        if store:
            dossier = make_dossier(session, item, now=now, actor="cli", role="system")
            session.commit()
            data = registry.get(ARCHIVE).get(dossier.sha256) or b""
        else:
            data = dossier_pdf(session, item, now=now)
    except DomainError as error:
        session.rollback()
        message = error.message % error.params if error.params else error.message
        raise click.ClickException(message) from None
    if output or not store:
        target = Path(output or f"dossier-{item_id}.pdf")
        target.write_bytes(data)
        click.echo(f"Wrote {target} ({len(data)} bytes).")
    if store:
        click.echo(
            f"Dossier {dossier.id} of item {item_id} stored and sealed: {dossier.pages} pages,"
            f" {dossier.size} bytes, sha256 {dossier.sha256}, audit record {dossier.audit_seq}."
        )
    else:
        click.echo("Interim dossier: not stored, not sealed (use --store to archive it).")


# --- batches (print jobs) --------------------------------------------------------------
