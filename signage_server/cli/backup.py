"""``signage backup DEST`` and ``signage restore SRC``: a whole installation, online.

These two run without the app: starting it would create keys in the data directory (and so
make an empty target look used, or back up an installation that is not there). They read the
same settings (``SIGNAGE_DATA_DIR``, ``SIGNAGE_DATABASE_URL``) and call
:mod:`signage_server.ops.backup`, whose refusals (:class:`BackupError`) are printed as
``Error: …`` with exit status 1.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask

from signage_server import config
from signage_server import migrations
from signage_server.cli.base import fail
from signage_server.clock import FileClock
from signage_server.clock import SystemClock
from signage_server.ops.backup import BackupError
from signage_server.ops.backup import Target
from signage_server.ops.backup import backup
from signage_server.ops.backup import restore


def _settings() -> config.Settings:
    try:
        return config.load_settings()
    except config.ConfigError as error:
        fail(str(error))


def _target(settings: config.Settings) -> Target:
    """The installation of ``settings``, where the app would find it (creating nothing)."""
    # The instance folder the app would take for its data directory when none is set.
    instance = Flask("signage_server", instance_path=settings.data_dir or None).instance_path
    data_dir, database_url = config.installation_paths(settings, instance)
    return Target(data_dir, database_url)


@click.command("backup")
@click.argument("dest", type=click.Path(path_type=Path))
@click.option(
    "--keys/--no-keys",
    default=True,
    show_default=True,
    help="Include the key files of the data directory (audit key, secret key). Without them,"
    " keep the keys separately: a restore needs the same audit key.",
)
def backup_command(dest: Path, keys: bool) -> None:
    """Back up the installation (database, assets, archive, audit head log, keys) into DEST:
    a new directory, or a .tar / .tar.gz file. Safe while the server runs."""
    settings = _settings()
    now = (FileClock(settings.test_clock) if settings.test_clock else SystemClock()).now()
    try:
        report = backup(_target(settings), dest, keys=keys, now=now)
    except BackupError as error:
        fail(str(error))
    manifest = report.manifest
    database = manifest["database"]
    rows = sum(database["rows"].values())
    files = ", ".join(f"{n} {store}" for store, n in manifest["files"].items())
    click.echo(
        f"Backup written to {report.path}: {database['kind']} database at schema revision"
        f" {database['schema_revision']} ({rows} rows), {files} files,"
        f" keys: {', '.join(manifest['keys']) or 'none'}."
    )
    if keys and manifest["keys"]:
        click.echo(
            "It holds the audit key: keep it as safe as the key itself (offline, not with the"
            " database dumps)."
        )
    if settings.audit_key:
        click.echo("SIGNAGE_AUDIT_KEY comes from the environment: back it up separately.", err=True)


@click.command("restore")
@click.argument("source", type=click.Path(path_type=Path))
@click.option(
    "--force",
    is_flag=True,
    help="Replace the installation already in the data directory and database.",
)
def restore_command(source: Path, force: bool) -> None:
    """Restore the backup SOURCE (a directory or .tar / .tar.gz made by `signage backup`)
    into the data directory and database of this environment. Every part is checked against
    the backup's manifest first. Stop the server before."""
    settings = _settings()
    target = _target(settings)
    try:
        report = restore(
            source,
            target,
            force=force,
            audit_key_in_environment=settings.audit_key,
            known_revisions=migrations.revisions(),
        )
    except BackupError as error:
        fail(str(error))
    for warning in report.warnings:
        click.echo(f"WARNING: {warning}", err=True)
    database = report.manifest["database"]
    click.echo(
        f"Restored {source} (made {report.manifest['created_at']}) into {target.data_dir}"
        f" and the {target.kind} database."
    )
    revision = database["schema_revision"]
    if revision != migrations.head():
        click.echo(
            f"The backup's schema is at revision {revision}, this version's is at"
            f" {migrations.head()}: run `signage init-db` before starting the server."
        )
    click.echo("Check it: `signage audit verify`.")
