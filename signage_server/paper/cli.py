"""``signage print …``: posters, boards and archive dossiers from the command line."""

from __future__ import annotations

import click


@click.group("print")
def print_group() -> None:
    """Print posters, boards and archive dossiers (PDF)."""


# --- posters and boards --------------------------------------------------------------


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
