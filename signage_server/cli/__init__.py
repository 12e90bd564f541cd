"""The ``signage`` command line (CONTRACT.md): one module per command group.

:mod:`signage_server.cli.root` lists the groups and says where each lives. This module only
holds the console script's entry point, :func:`main`, which patches the standard library for
gevent before anything else is imported when the server is about to run: that is why the
command modules (which import Flask and the app) are imported inside the functions here.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from flask import Flask

#: Commands that serve (gevent must patch the standard library before they import it).
SERVING_COMMANDS = {"serve", "demo"}


def main() -> None:
    """Entry point of the ``signage`` console script."""
    args = sys.argv[1:]
    if args and args[0] in SERVING_COMMANDS:
        from gevent import monkey

        monkey.patch_all()
    # lazy: after patching: the commands import Flask, the app and their services.
    from signage_server.cli.root import run

    run(args)


def init_app(app: Flask) -> None:
    """Attach the commands to ``app.cli`` (called by ``create_app``)."""
    # lazy: here, not at the top: importing this package (the entry point) must not import Flask
    # before ``main`` patched gevent.
    from signage_server.cli.root import init_app as attach

    attach(app)
