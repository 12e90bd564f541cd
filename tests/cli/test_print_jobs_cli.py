"""``signage print …`` for batches: run here with progress, --background, watch, cancel, Ctrl-C,
and the boards and dossiers commands before their kinds exist."""

from __future__ import annotations

import io
import signal
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from flask import Flask

from signage_server import services as registry
from signage_server.cli import print as print_cli
from signage_server.extensions import db
from signage_server.paper import ARCHIVE
from signage_server.paper.jobs import backends
from signage_server.paper.jobs import services
from signage_server.paper.models import PrintJob
from tests import print_kind
from tests.conftest import Demo
from tests.print_kind import Control


@pytest.fixture
def sheets() -> Iterator[Control]:
    yield from print_kind.registered()


def invoke(app: Flask, *args: str) -> Result:
    result = app.test_cli_runner().invoke(args=list(args))
    if result.exception and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def job_state(app: Flask, job_id: int) -> PrintJob:
    with app.app_context():
        job = db.session.get(PrintJob, job_id)
        assert job is not None
        return job


@pytest.fixture
def no_kinds() -> Iterator[None]:
    yield from print_kind.without_product_kinds()


def test_boards_and_dossiers_say_clearly_when_their_kind_is_missing(
    app: Flask, demo: Demo, sheets: Control, no_kinds: None
) -> None:
    result = invoke(app, "print", "boards", "--org", "JIYI")
    assert result.exit_code == 1
    assert "print jobs of kind 'boards' are not available in this installation" in result.output
    assert "(kinds registered: test_sheets)" in result.output
    result = invoke(app, "print", "archive", "--org", "JIYI", "--year", "2026")
    assert result.exit_code == 1
    assert "kind 'dossiers' are not available" in result.output
    with app.app_context():
        assert db.session.query(PrintJob).count() == 0


def test_a_job_runs_here_with_a_line_per_document(
    app: Flask, demo: Demo, sheets: Control, tmp_path: Path
) -> None:
    result = invoke(
        app,
        "print",
        "job",
        print_kind.NAME,
        "--org",
        "CHENGGUAN",
        "-p",
        "title=公开栏",
        "-o",
        str(tmp_path),
    )
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Print job #1: test_sheets for CHENGGUAN"
    assert lines[1:4] == [
        "[  1/3]  33%  城关镇  ok",
        "[  2/3]  66%  东关村  ok",
        "[  3/3] 100%  西关村  ok",
    ]
    assert "Print job #1 done: 3 of 3 made." in result.stdout
    # Where the files are kept, and the ZIP written where asked.
    with app.app_context():
        job = db.session.get(PrintJob, 1)
        assert job is not None and job.download is not None
        kept = registry.get(ARCHIVE).path(job.download["sha256"])
    assert f"kept at {kept}" in result.stdout
    written = tmp_path / "test_sheets-CHENGGUAN-20261123-1.zip"
    assert zipfile.ZipFile(io.BytesIO(written.read_bytes())).namelist() == [
        "城关镇公开栏.pdf",
        "东关村公开栏.pdf",
        "西关村公开栏.pdf",
    ]


def test_a_failed_document_is_reported_and_a_failed_job_exits_1(
    app: Flask, demo: Demo, sheets: Control
) -> None:
    result = invoke(
        app, "print", "job", print_kind.NAME, "--org", "CHENGGUAN", "-p", "fail=CHENGGUAN-02"
    )
    assert result.exit_code == 0
    assert "[  3/3] 100%  西关村  FAILED You may not do this for %(org)s." in result.stdout
    assert "failed: 西关村: You may not do this for %(org)s." in result.stderr
    assert "done: 2 of 3 made" in result.stdout
    result = invoke(app, "print", "job", print_kind.NAME, "--org", "JIYI-01", "-p", "fail=JIYI-01")
    assert result.exit_code == 1
    assert "Print job #2 failed after 1 of 1: You may not do this for 集义村." in result.stdout


def test_bad_parameters_are_refused_before_anything_runs(
    app: Flask, demo: Demo, sheets: Control
) -> None:
    result = invoke(app, "print", "job", print_kind.NAME, "--org", "JIYI", "-p", "audience=all")
    assert (
        result.exit_code == 1
        and "audience: Audience must be one of: public, party, unit." in result.output
    )
    result = invoke(app, "print", "job", print_kind.NAME, "--org", "JIYI", "-p", "pages")
    assert result.exit_code == 2 and "'pages' is not NAME=VALUE" in result.output
    result = invoke(app, "print", "job", print_kind.NAME, "--org", "NOWHERE")
    assert result.exit_code == 1 and "no organisation with code NOWHERE" in result.output


def ctrl_c() -> None:
    """What Ctrl-C does: the process's SIGINT handler runs, here and now. (A real signal sent
    with os.kill is handled at some later bytecode of the main thread, possibly inside a garbage
    collector's callback, where an exception it raises is ignored: the test would be flaky.)"""
    handler = signal.getsignal(signal.SIGINT)
    assert callable(handler)
    handler(signal.SIGINT, None)


def test_ctrl_c_cancels_after_the_current_document(app: Flask, demo: Demo, sheets: Control) -> None:
    def interrupt(code: str) -> None:
        if code == "CHENGGUAN-01":
            ctrl_c()  # the user's Ctrl-C, during the second document

    sheets.hook = interrupt
    before = signal.getsignal(signal.SIGINT)
    result = invoke(app, "print", "job", print_kind.NAME, "--org", "CHENGGUAN")
    assert result.exit_code == 1
    assert "Cancelling after the current document (Ctrl-C again to stop now)" in result.stderr
    assert "Print job #1 cancelled after 2 of 3" in result.stdout
    assert sheets.ran == ["CHENGGUAN", "CHENGGUAN-01"]
    assert job_state(app, 1).state.value == "cancelled"
    # The command's handler is gone again.
    assert signal.getsignal(signal.SIGINT) is before


def test_a_second_ctrl_c_stops_at_once(app: Flask, demo: Demo, sheets: Control) -> None:
    def interrupt(code: str) -> None:
        if code == "CHENGGUAN-01":
            ctrl_c()
            ctrl_c()

    sheets.hook = interrupt
    result = invoke(app, "print", "job", print_kind.NAME, "--org", "CHENGGUAN")
    assert result.exit_code == 130
    assert "Print job #1 stopped." in result.stderr
    job = job_state(app, 1)
    assert (job.state.value, job.done) == ("cancelled", 1)
    assert sheets.ran == ["CHENGGUAN"]  # the second document was cut, and not kept


def test_background_prints_the_id_and_watch_follows_the_job(
    app: Flask, demo: Demo, sheets: Control, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = invoke(app, "print", "job", print_kind.NAME, "--org", "CHENGGUAN", "--background")
    assert result.exit_code == 0
    assert result.stdout == "1\n"
    assert "Print job #1 queued for the server's print worker." in result.stderr
    listed = invoke(app, "print", "jobs").stdout
    assert listed.startswith("#1     queued       0/0      0%  test_sheets CHENGGUAN")

    # Another process runs it: each time `watch` waits, the runner makes one more step.
    with backends.job_context(app) as context:
        run = services.execute(db.session, 1, **context)
        monkeypatch.setattr(print_cli, "_wait", lambda seconds: next(run, None))
        result = invoke(app, "print", "watch", "1")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[:3] == [
        "[  1/3]  33%  城关镇  ok",
        "[  2/3]  66%  东关村  ok",
        "[  3/3] 100%  西关村  ok",
    ]
    assert "Print job #1 done: 3 of 3 made." in result.stdout
    assert invoke(app, "print", "watch", "1").exit_code == 0  # a finished job: at once
    assert invoke(app, "print", "watch", "99").exit_code == 1


def test_a_job_run_elsewhere_is_followed_not_run_twice(
    app: Flask, demo: Demo, sheets: Control, monkeypatch: pytest.MonkeyPatch
) -> None:
    from signage_server.paper.jobs.rules import Runner

    def someone_else_claims(kind: str, org: str, params: dict[str, Any], background: bool) -> int:
        job_id = submit(kind, org, params, background)
        with app.app_context():
            services.claim(db.session, job_id, Runner("server", "b", 1), registry.now())
            db.session.execute(PrintJob.__table__.update().values(state="done", total=3, done=3))
            db.session.commit()
        return job_id

    submit = print_cli._submit
    monkeypatch.setattr(print_cli, "_submit", someone_else_claims)
    result = invoke(app, "print", "job", print_kind.NAME, "--org", "CHENGGUAN")
    assert "is run by another process: following it." in result.stdout
    assert sheets.ran == []


def test_cancel_command(app: Flask, demo: Demo, sheets: Control) -> None:
    invoke(app, "print", "job", print_kind.NAME, "--org", "CHENGGUAN", "--background")
    assert invoke(app, "print", "cancel", "1").stdout == "Print job #1 cancelled.\n"
    again = invoke(app, "print", "cancel", "1")
    assert again.exit_code == 1 and "has ended already (cancelled)" in again.output
    assert invoke(app, "print", "cancel", "7").exit_code == 1


def test_worker_burst_without_redis_runs_the_waiting_jobs(
    app: Flask, demo: Demo, sheets: Control
) -> None:
    invoke(app, "print", "job", print_kind.NAME, "--org", "CHENGGUAN", "--background")
    invoke(app, "print", "job", print_kind.NAME, "--org", "JIYI-01", "--background")
    result = invoke(app, "worker", "--burst")
    assert result.stdout == "Print jobs run: 2.\n"
    assert [job_state(app, n).state.value for n in (1, 2)] == ["done", "done"]
