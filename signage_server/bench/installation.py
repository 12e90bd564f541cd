"""A throw-away demo installation for the benchmarks, and the machine a report describes.

:func:`seeded` makes one in a folder (``signage init-db`` and ``signage seed-demo`` in
subprocesses, with cheap password hashing); :func:`demo_installation` also serves it with the
real ``signage serve`` on a free port. Nothing here needs the Flask app: everything runs as
``signage`` subprocesses.
"""

from __future__ import annotations

import contextlib
import os
import platform
import secrets
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from signage_server.config import child_environment


def signage_command() -> list[str]:
    """How to run the ``signage`` console script of this interpreter."""
    script = Path(sys.executable).parent / "signage"
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from signage_server.cli import main; main()"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run_module(env: dict[str, str], module: str, *args: str, timeout: float = 600) -> str:
    """Run ``python -m signage_server.bench.MODULE ARGS`` (this interpreter, a fresh process)
    in the environment ``env``; return its output."""
    argv = [sys.executable, "-m", f"signage_server.bench.{module}", *args]
    return _output(argv, env, " ".join([module, *args]), timeout, tail=3000)


def signage(env: dict[str, str], *args: str, timeout: float = 300) -> str:
    """Run ``signage ARGS`` in the environment ``env``; return its output."""
    return _output([*signage_command(), *args], env, " ".join(["signage", *args]), timeout)


def _output(
    argv: list[str], env: dict[str, str], label: str, timeout: float, tail: int = 2000
) -> str:
    """Run ``argv`` in ``env``; return its output, or fail with the end of its errors.

    :raise click.ClickException: it exited with an error.
    """
    result = subprocess.run(  # noqa: S603 - this interpreter or our console script
        argv, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if result.returncode != 0:
        raise click.ClickException(
            f"{label} failed ({result.returncode}):\n{result.stderr[-tail:]}"
        )
    return result.stdout


def seeded(
    folder: Path,
    public_url: str = "https://signage.example.invalid",
    database_url: str | None = None,
    **settings: str,
) -> dict[str, str]:
    """Seed a demo installation in ``folder`` (its database there, or at ``database_url``,
    which must be empty), with further ``settings`` (``feedback_rate_limit="…"``), and return
    its environment (no server: printing needs only the database; :func:`demo_installation`
    serves one)."""
    data_dir = folder / "data"
    data_dir.mkdir()
    env = child_environment(
        data_dir=str(data_dir),
        demo_password=secrets.token_urlsafe(12),
        # Nobody logs in: cheap password hashing keeps the seeding fast.
        argon2_time_cost="1",
        argon2_memory_cost="1024",
        argon2_parallelism="1",
        public_url=public_url,
        **({"database_url": database_url} if database_url else {}),
        **settings,
    )
    signage(env, "init-db")
    signage(env, "seed-demo")
    return env


@dataclass
class Installation:
    base: str
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes]

    def run(self, *args: str) -> str:
        return signage(self.env, *args)

    def log_tail(self, chars: int = 2000) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")[-chars:]


def _wait_until_up(base: str, process: subprocess.Popen[bytes], log: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            tail = log.read_text(encoding="utf-8", errors="replace")[-3000:]
            raise click.ClickException(f"signage serve exited early:\n{tail}")
        try:
            with urllib.request.urlopen(base + "/healthz", timeout=1):  # noqa: S310 - our server
                return
        except OSError:
            time.sleep(0.2)
    raise click.ClickException(f"{base} did not answer within {timeout:.0f}s")


@contextlib.contextmanager
def demo_installation(**settings: str) -> Iterator[Installation]:
    """A freshly seeded demo county in a temporary data directory, served on a free port
    (with further ``settings``, see :func:`seeded`)."""
    with tempfile.TemporaryDirectory(prefix="signage-bench-") as folder:
        port = free_port()
        base = f"http://127.0.0.1:{port}"
        env = seeded(Path(folder), public_url=base, **settings)
        log = Path(folder) / "serve.log"
        with log.open("wb") as out:
            process = subprocess.Popen(  # noqa: S603 - our own console script
                [*signage_command(), "serve", "--port", str(port)],
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        try:
            _wait_until_up(base, process, log, timeout=60)
            yield Installation(base, env, log, process)
        finally:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


# --- the machine --------------------------------------------------------------------------


def machine() -> dict[str, Any]:
    """CPUs, platform and Python of this machine: what every report names."""
    return {
        "cpus": os.cpu_count(),
        "platform": platform.platform(),
        "python": platform.python_version(),
    }


def machine_hardware() -> dict[str, Any]:
    """:func:`machine` with the CPU model and the memory (from /proc, where readable)."""
    info = machine()
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                info["memory_gib"] = round(int(line.split()[1]) / 1024 / 1024, 1)
                break
    return info


def machine_load() -> dict[str, Any]:
    """:func:`machine` with the load average (timings depend on it)."""
    return machine() | {"load_average": [round(x, 2) for x in os.getloadavg()]}
