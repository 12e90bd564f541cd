"""Run the real ``signage`` server process for end-to-end tests, and drive its installation
(``signage`` commands on its database and data directory) from the test's own process."""

from __future__ import annotations

import dataclasses
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from collections.abc import Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask

from signage_server import create_app
from signage_server.config import load_settings
from signage_server.extensions import db

SIGNAGE = str(Path(sys.executable).parent / "signage")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    base: str
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")


def wait_until_up(server: Server, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise AssertionError(f"server exited early:\n{server.output[-3000:]}")
        try:
            with urllib.request.urlopen(server.base + "/healthz", timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise AssertionError(
        f"{server.base} did not answer within {timeout}s:\n{server.output[-3000:]}"
    )


@contextmanager
def running(
    env: dict[str, str], command: str = "serve", timeout: float = 60, port: int | None = None
) -> Iterator[Server]:
    """Start ``signage <command> --port <port>``; yield once /healthz answers; stop it.

    The output goes to a file (a pipe nobody reads would block the server when it fills).
    """
    port = port or free_port()
    with tempfile.NamedTemporaryFile(prefix="signage-", suffix=".log", delete=False) as log:
        process = subprocess.Popen(
            [SIGNAGE, command, "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
        )
    server = Server(f"http://127.0.0.1:{port}", process, Path(log.name))
    try:
        wait_until_up(server, timeout)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class Installation:
    """The installation a server process started with ``env`` serves, driven from this
    process: :meth:`cli` runs a ``signage`` command through Flask's CLI runner on an app of
    the same settings (database, data directory, keys, clock), as the console script would,
    without a console-script process's second or two of start-up for each command."""

    def __init__(self, env: Mapping[str, str]) -> None:
        settings = dataclasses.asdict(load_settings(environ=env))
        # This process's log output stays as pytest configured it.
        self.app: Flask = create_app({**settings, "log_level": "WARNING"})

    def cli(self, *args: str) -> str:
        """Run ``signage <args>``; return what it printed on stdout (a failing command fails
        the test)."""
        result = self.app.test_cli_runner().invoke(args=list(args))
        if result.exception and not isinstance(result.exception, SystemExit):
            raise result.exception
        assert result.exit_code == 0, f"signage {' '.join(args)}: {result.output}"
        return result.stdout

    def close(self) -> None:
        db.dispose(self.app)


@contextmanager
def installed(env: Mapping[str, str]) -> Iterator[Installation]:
    """Yield the :class:`Installation` of ``env``; close its connections afterwards."""
    installation = Installation(env)
    try:
        yield installation
    finally:
        installation.close()
