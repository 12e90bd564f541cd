"""``signage bench …``: the benchmarks, loaded from :mod:`signage_server.bench` on use.

The benchmarks are a developer's tool (Chromium through Playwright, throw-away installations
run as subprocesses) that the server application never imports: this group knows their
names and help only when a ``bench`` command line is parsed. They need no app context.
"""

from __future__ import annotations

import click


def _commands() -> dict[str, click.Command]:
    # lazy: here, not at the top: the server (create_app attaches every command group, this one
    # too) must not import the bench package; tests/unit/test_architecture.py checks it.
    from signage_server.bench.commands import COMMANDS

    return COMMANDS


class BenchGroup(click.Group):
    """A group whose commands are imported when the command line reaches it."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(_commands())

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return _commands().get(cmd_name)


@click.group("bench", cls=BenchGroup)
def bench_group() -> None:
    """Benchmarks of a throw-away demo installation (results: docs/benchmarks.md)."""
