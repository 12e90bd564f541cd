"""``signage print …``: posters, boards and archive dossiers from the command line."""

from __future__ import annotations

import click


@click.group("print")
def print_group() -> None:
    """Print posters, boards and archive dossiers (PDF)."""


# --- posters and boards --------------------------------------------------------------


# --- archive dossiers ----------------------------------------------------------------


# --- batches (print jobs) --------------------------------------------------------------
