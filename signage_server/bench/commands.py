"""The ``signage bench`` commands by name, one per benchmark family.

``signage_server.cli.bench`` imports this module when a ``bench`` command runs, never before.
"""

from __future__ import annotations

import click

from signage_server.bench.appraisal import appraisal_bench
from signage_server.bench.compile import compile_bench
from signage_server.bench.feedback import feedback_bench
from signage_server.bench.manifest_bytes import manifest_bytes
from signage_server.bench.player import player_memory
from signage_server.bench.print import print_bench
from signage_server.bench.push import push_bench
from signage_server.bench.push import storm_bench

COMMANDS: dict[str, click.Command] = {
    command.name: command
    for command in (
        appraisal_bench,
        compile_bench,
        feedback_bench,
        manifest_bytes,
        player_memory,
        print_bench,
        push_bench,
        storm_bench,
    )
    if command.name
}
