"""Print jobs in a real browser: the job page's progress bar follows the job to 100% and the
download, and its cancel button stops a running job after the current document. The worker
is driven step by step by the test (no sleeps racing the clock); the page polls the JSON."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Page
from playwright.sync_api import expect
from werkzeug.serving import make_server

from signage_server import migrations
from signage_server import services as registry
from signage_server.accounts.services import Passwords
from signage_server.db import create_engine
from signage_server.demo.seed import seed
from signage_server.extensions import db
from signage_server.paper.jobs import backends
from signage_server.paper.jobs import services
from signage_server.paper.models import PrintJob
from tests import print_kind
from tests.browser.test_admin_ui import log_in
from tests.conftest import DEMO_PASSWORD
from tests.conftest import make_app
from tests.servers import free_port

pytestmark = pytest.mark.browser


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Flask, str]]:
    """The app (threading mode, the tests' kind registered, no worker running) served by a
    threaded WSGI server in this process, on a seeded SQLite database."""
    url = f"sqlite:///{tmp_path / 'jobs.db'}"
    engine = create_engine(url)
    migrations.upgrade(engine)
    engine.dispose()
    app = make_app(url, tmp_path / "data", login_rate_limit="1000 per minute")
    with app.app_context():
        seed(db.session, registry.get(Passwords), DEMO_PASSWORD)
        db.session.commit()
    controls = print_kind.registered()
    next(controls)
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield app, f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=10)
        next(controls, None)
        db.dispose(app)


def start_from_the_form(page: Page, base: str, audience: str) -> int:
    page.goto(base + "/print-jobs")
    form = page.locator(f'form[data-kind="{print_kind.NAME}"]')
    form.locator('select[name="org"]').select_option("CHENGGUAN")
    form.locator('select[name="param-audience"]').select_option(audience)
    form.get_by_role("button").click()
    expect(page).to_have_url(re.compile(r"/print-jobs/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


@pytest.fixture
def worker() -> Iterator[Any]:
    """Returns ``steps(app, job_id)``: the worker, one committed change per ``next``. Whatever
    a failed test left unfinished is closed (the job's app context popped with it)."""
    started: list[Iterator[Any]] = []

    def steps(app: Flask, job_id: int) -> Iterator[Any]:
        def run() -> Iterator[Any]:
            with backends.job_context(app) as context:
                yield from services.execute(db.session, job_id, **context)

        started.append(run())
        return started[-1]

    yield steps
    for run in reversed(started):
        run.close()  # type: ignore[attr-defined]


def test_the_progress_bar_follows_the_job_to_its_download(
    page: Page, served: tuple[Flask, str], screenshots: Path, worker: Any
) -> None:
    app, base = served
    log_in(page, base, "xian_operator")
    job_id = start_from_the_form(page, base, "public")
    bar = page.locator("#print-job [data-role=progress]")
    status = page.locator("#job-status")
    expect(bar).to_have_attribute("aria-valuenow", "0")
    expect(status).to_have_text("等待开始")

    run = worker(app, job_id)
    next(run)  # claimed
    next(run)  # planned: three documents
    expect(status).to_have_text("已完成 0 / 3")
    next(run)
    expect(bar).to_have_attribute("aria-valuenow", "33")
    expect(page.locator("#print-job [data-role=bar]")).to_have_class(
        re.compile(r"\bprint-bar-30\b")
    )
    expect(status).to_contain_text("已完成 1 / 3")
    page.screenshot(path=screenshots / "print-job-running.png", full_page=True)
    next(run)
    expect(bar).to_have_attribute("aria-valuenow", "66")
    next(run)
    expect(bar).to_have_attribute("aria-valuenow", "99")  # bundling the ZIP
    job = next(run)
    assert job.state.value == "done"
    assert next(run, None) is None
    # Finished: the page loads again with the download and the files.
    expect(page.locator("#job-download")).to_be_visible()
    expect(bar).to_have_attribute("aria-valuenow", "100")
    expect(page.locator("#print-job")).to_have_attribute("data-state", "done")
    expect(page.locator("#job-files li")).to_have_count(3)
    expect(page.locator("#job-cancel")).to_have_count(0)
    page.screenshot(path=screenshots / "print-job-done.png", full_page=True)
    with page.expect_download() as download:
        page.locator("#job-download").click()
    assert download.value.suggested_filename == f"test_sheets-CHENGGUAN-20261123-{job_id}.zip"

    page.goto(base + "/print-jobs")
    row = page.locator(f'tr[data-job="{job_id}"]')
    expect(row.locator("[data-role=progress]")).to_have_attribute("aria-valuenow", "100")
    page.screenshot(path=screenshots / "print-jobs.png", full_page=True)


def test_the_cancel_button_stops_the_job_after_the_current_document(
    page: Page, served: tuple[Flask, str], screenshots: Path, worker: Any
) -> None:
    app, base = served
    log_in(page, base, "xian_operator")
    job_id = start_from_the_form(page, base, "party")
    bar = page.locator("#print-job [data-role=progress]")
    run = worker(app, job_id)
    for _change in range(3):  # claimed, planned, first document made
        next(run)
    expect(bar).to_have_attribute("aria-valuenow", "33")

    page.locator("#job-cancel button").click()
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator("#job-status")).to_have_text("正在取消：做完当前这份后停止…")
    expect(page.locator("#job-cancel button")).to_be_disabled()

    job = next(run)  # the worker looks before the next document: it stops
    assert job.state.value == "cancelled"
    assert next(run, None) is None
    expect(page.locator("#print-job")).to_have_attribute("data-state", "cancelled")
    expect(bar).to_have_attribute("aria-valuenow", "33")
    expect(page.locator("#job-download")).to_have_count(0)
    page.screenshot(path=screenshots / "print-job-cancelled.png", full_page=True)
    with app.app_context():
        found = db.session.get(PrintJob, job_id)
        assert found is not None and (found.done, found.total) == (1, 3)
