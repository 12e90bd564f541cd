"""The ``signage`` root group: every command group of the command line, in one list.

``signage_server.cli.main`` runs :func:`run` (after patching gevent for the serving commands);
``create_app`` attaches the same commands to ``app.cli`` (:func:`init_app`), so that
``flask --app signage_server`` knows them too. Where each command lives:

- :mod:`~signage_server.cli.db`: ``init-db``, ``db revision``, ``db downgrade``
- :mod:`~signage_server.cli.demo`: ``seed-demo``, ``demo``
- :mod:`~signage_server.cli.serve`: ``serve``, ``scheduler``
- :mod:`~signage_server.cli.worker`: ``worker`` (print jobs)
- :mod:`~signage_server.cli.users`: ``user …``; :mod:`~signage_server.cli.tokens`: ``token …``
- :mod:`~signage_server.cli.orgs`: ``org …``; :mod:`~signage_server.cli.screens`: ``screen …``
- :mod:`~signage_server.cli.audit`: ``audit verify``
- :mod:`~signage_server.cli.backup`: ``backup``, ``restore`` (without the app; the work in
  :mod:`signage_server.ops.backup`)
- :mod:`~signage_server.cli.workdays`: ``calendar …``
- :mod:`~signage_server.cli.print`: ``print …`` (posters, boards, dossiers, print jobs)
- :mod:`~signage_server.cli.supervision`: ``supervision digest``
- :mod:`~signage_server.cli.bench`: ``bench …`` (loads :mod:`signage_server.bench` on use)

:mod:`~signage_server.cli.base` holds the app context and the one translation of domain
errors every command shares; :mod:`~signage_server.cli.lookup` finds the users and
organisations named on a command line.
"""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import FlaskGroup

from signage_server import create_app
from signage_server.cli.audit import audit_group
from signage_server.cli.backup import backup_command
from signage_server.cli.backup import restore_command
from signage_server.cli.bench import bench_group
from signage_server.cli.db import db_group
from signage_server.cli.db import init_db_command
from signage_server.cli.demo import demo_command
from signage_server.cli.demo import seed_demo_command
from signage_server.cli.orgs import org_group
from signage_server.cli.print import print_group
from signage_server.cli.screens import screen_group
from signage_server.cli.serve import scheduler_command
from signage_server.cli.serve import serve_command
from signage_server.cli.supervision import supervision_group
from signage_server.cli.tokens import token_group
from signage_server.cli.users import user_group
from signage_server.cli.workdays import calendar_group
from signage_server.cli.worker import worker_command

COMMANDS: list[click.Command] = [
    init_db_command,
    db_group,
    seed_demo_command,
    serve_command,
    demo_command,
    user_group,
    token_group,
    org_group,
    scheduler_command,
    worker_command,
    audit_group,
    backup_command,
    restore_command,
    calendar_group,
    screen_group,
    bench_group,
    print_group,
    supervision_group,
]


def init_app(app: Flask) -> None:
    """Attach the commands to ``app.cli`` (so ``flask --app signage_server`` knows them too)."""
    for command in COMMANDS:
        app.cli.add_command(command)


def run(args: list[str]) -> None:
    """Run the ``signage`` command line with ``args``."""
    group = FlaskGroup(
        name="signage",
        create_app=lambda: create_app(),
        add_default_commands=False,
        add_version_option=False,
        load_dotenv=False,
        set_debug_flag=False,
        help="Sunshine Signage (阳光公开屏) server administration.",
    )
    for command in COMMANDS:
        group.add_command(command)
    group.main(args=args, prog_name="signage")
