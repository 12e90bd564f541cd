"""Print jobs over the API and the pages: submit, progress, cancel between two documents, the
ZIP of real PDFs, permissions, recovery after a crash, and the server answering while a job
runs in the in-process worker's thread."""

from __future__ import annotations

import io
import subprocess
import threading
import zipfile
from collections.abc import Iterator
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from signage_server import services as registry
from signage_server.extensions import db
from signage_server.paper.jobs import backends
from signage_server.paper.jobs import register_kind
from signage_server.paper.jobs import services
from signage_server.paper.jobs import unregister_kind
from signage_server.paper.jobs.rules import MAX_ATTEMPTS
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.jobs.rules import Runner
from signage_server.paper.models import PrintJob
from tests import print_kind
from tests.conftest import Demo
from tests.conftest import csrf_token
from tests.conftest import post_form
from tests.pdfs import pdf_text
from tests.print_kind import Control
from tests.print_kind import Gate

API = "/api/v1/print-jobs"


@pytest.fixture
def sheets() -> Iterator[Control]:
    yield from print_kind.registered()


def start(
    client: FlaskClient, demo: Demo, user: str, org: str, **params: Any
) -> tuple[int, dict[str, Any]]:
    response = client.post(
        API,
        json={"kind": print_kind.NAME, "org": org, "params": params},
        headers=demo.headers(user),
    )
    return response.status_code, response.get_json()


def show(client: FlaskClient, demo: Demo, user: str, job_id: int) -> dict[str, Any]:
    response = client.get(f"{API}/{job_id}", headers=demo.headers(user))
    assert response.status_code == 200, response.get_json()
    body: dict[str, Any] = response.get_json()
    return body


# --- a job from start to download ---------------------------------------------------------------


def test_a_job_makes_a_zip_of_real_pdfs(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    status, job = start(client, demo, "xian_operator", "CHENGGUAN", title="公开栏")
    assert status == 202, job
    assert job["state"] == "queued" and job["percent"] == 0 and job["download"] is None
    assert job["params"] == {"audience": "public", "title": "公开栏", "fail": "-", "pages": 1}

    assert backends.drain(app) == [job["id"]]

    done = show(client, demo, "xian_operator", job["id"])
    assert (done["state"], done["done"], done["total"], done["percent"]) == ("done", 3, 3, 100)
    assert sheets.ran == ["CHENGGUAN", "CHENGGUAN-01", "CHENGGUAN-02"]
    names = ["城关镇公开栏.pdf", "东关村公开栏.pdf", "西关村公开栏.pdf"]
    assert [r["name"] for r in done["results"]] == names
    assert done["failures"] == []

    response = client.get(done["download"], headers=demo.headers("xian_operator"))
    assert response.status_code == 200
    assert response.mimetype == "application/zip"
    assert "attachment" in response.headers["Content-Disposition"]
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.namelist() == names
    for name, org in zip(names, ["城关镇", "东关村", "西关村"], strict=True):
        assert f"{org}公开栏" in pdf_text(archive.read(name)).replace("\n", "")

    # Each file on its own, too (as soon as its step is done).
    single = client.get(done["results"][1]["url"], headers=demo.headers("xian_operator"))
    assert single.mimetype == "application/pdf"
    assert single.data == archive.read(names[1])
    assert (
        client.get(f"{API}/{job['id']}/files/3", headers=demo.headers("xian_operator")).status_code
        == 404
    )


def test_one_document_downloads_as_itself(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    _status, job = start(client, demo, "jiyi01_editor", "JIYI-01", audience="party")
    backends.drain(app)
    done = show(client, demo, "jiyi01_editor", job["id"])
    assert done["total"] == 1 and done["download_name"] == "集义村公开栏.pdf"
    response = client.get(done["download"], headers=demo.headers("jiyi01_editor"))
    assert response.mimetype == "application/pdf"
    assert "party" in pdf_text(response.data)


def test_nothing_to_make_is_done_with_nothing_to_download(
    app: Flask, client: FlaskClient, demo: Demo
) -> None:
    register_kind("test_empty", lambda session, job: [])
    try:
        response = client.post(
            API, json={"kind": "test_empty", "org": "JIYI"}, headers=demo.headers("jiyi_editor")
        )
        backends.drain(app)
        done = show(client, demo, "jiyi_editor", response.get_json()["id"])
        assert (done["state"], done["percent"], done["download"]) == ("done", 100, None)
        missing = client.get(f"{API}/{done['id']}/download", headers=demo.headers("jiyi_editor"))
        assert missing.status_code == 404
        assert missing.get_json()["error"]["code"] == "nothing_made"
    finally:
        unregister_kind("test_empty")


# --- failures -----------------------------------------------------------------------------------


def test_a_failing_document_does_not_lose_the_others(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    _status, job = start(client, demo, "xian_operator", "CHENGGUAN", fail="CHENGGUAN-01")
    backends.drain(app)
    done = show(client, demo, "xian_operator", job["id"])
    assert done["state"] == "done" and done["done"] == 3
    assert [r["name"] for r in done["results"]] == ["城关镇公开栏.pdf", "西关村公开栏.pdf"]
    # The reason, translated for the caller (a DomainError's message id and parameters).
    assert done["failures"] == [{"label": "东关村", "reason": "您无权对“东关村”执行此操作。"}]
    archive = zipfile.ZipFile(
        io.BytesIO(client.get(done["download"], headers=demo.headers("xian_operator")).data)
    )
    assert archive.namelist() == ["城关镇公开栏.pdf", "西关村公开栏.pdf"]


def test_a_job_whose_every_document_fails_fails(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    _status, job = start(client, demo, "jiyi01_editor", "JIYI-01", fail="JIYI-01")
    backends.drain(app)
    done = show(client, demo, "jiyi01_editor", job["id"])
    assert done["state"] == "failed" and done["download"] is None
    assert done["message"] == "You may not do this for 集义村."
    response = client.get(f"{API}/{job['id']}/download", headers=demo.headers("jiyi01_editor"))
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "job_not_done"


def test_a_plan_that_raises_fails_the_job(app: Flask, client: FlaskClient, demo: Demo) -> None:
    def plan(session: Any, job: PrintJob) -> list[Any]:
        raise RuntimeError("no template for boards")

    register_kind("test_broken", plan)
    try:
        response = client.post(
            API, json={"kind": "test_broken", "org": "JIYI"}, headers=demo.headers("jiyi_editor")
        )
        backends.drain(app)
        done = show(client, demo, "jiyi_editor", response.get_json()["id"])
        assert done["state"] == "failed"
        assert done["message"] == "RuntimeError: no template for boards"
    finally:
        unregister_kind("test_broken")


# --- cancelling ---------------------------------------------------------------------------------


def test_cancel_stops_between_two_documents(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    _status, job = start(client, demo, "xian_operator", "CHENGGUAN")
    seen: dict[str, Any] = {}

    def cancel_during_the_second(code: str) -> None:
        if code == "CHENGGUAN-01":
            # Another request, while the worker is inside the second document.
            response = app.test_client().post(
                f"{API}/{job['id']}/cancel", headers=demo.headers("xian_operator")
            )
            seen["cancel"] = response.status_code, response.get_json()

    sheets.hook = cancel_during_the_second
    backends.drain(app)

    status, body = seen["cancel"]
    assert status == 200 and body["state"] == "running" and body["cancel_requested"]
    assert body["status"] == "正在取消：做完当前这份后停止…"  # Chinese first
    done = show(client, demo, "xian_operator", job["id"])
    # The document being made when the cancel came is finished and kept; the third never runs.
    assert sheets.ran == ["CHENGGUAN", "CHENGGUAN-01"]
    assert (done["state"], done["done"], done["total"], done["percent"]) == ("cancelled", 2, 3, 66)
    assert len(done["results"]) == 2 and done["download"] is None
    again = client.post(f"{API}/{job['id']}/cancel", headers=demo.headers("xian_operator"))
    assert again.status_code == 409
    assert again.get_json()["error"]["code"] == "job_finished"


def test_cancel_before_it_starts_is_immediate(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    _status, job = start(client, demo, "xian_operator", "CHENGGUAN")
    response = client.post(f"{API}/{job['id']}/cancel", headers=demo.headers("xian_operator"))
    assert response.get_json()["state"] == "cancelled"
    assert backends.drain(app) == []
    assert sheets.ran == []


# --- one job per batch ------------------------------------------------------------------------------


def test_the_same_batch_twice_is_one_job(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    _s, first = start(client, demo, "xian_operator", "CHENGGUAN")
    _s, again = start(client, demo, "xian_supervisor", "CHENGGUAN", audience="public")
    _s, other = start(client, demo, "xian_operator", "CHENGGUAN", audience="party")
    assert again["id"] == first["id"] and other["id"] != first["id"]
    backends.drain(app)
    _s, later = start(client, demo, "xian_operator", "CHENGGUAN")
    assert later["id"] not in (first["id"], other["id"])


def test_the_open_key_is_unique_in_the_database(app: Flask, demo: Demo, sheets: Control) -> None:
    with app.app_context():
        org = db.session.scalar(sa.text("SELECT id FROM orgs WHERE code = 'JIYI'"))
        for _n in range(2):
            db.session.add(
                PrintJob(kind="x", params={}, key="k", state=JobState.QUEUED, org_id=org)
            )
        with pytest.raises(sa.exc.IntegrityError):
            db.session.flush()
        db.session.rollback()
        # Finished jobs do not hold their key.
        db.session.add(PrintJob(kind="x", params={}, key="k", state=JobState.DONE, org_id=org))
        db.session.add(PrintJob(kind="x", params={}, key="k", state=JobState.QUEUED, org_id=org))
        db.session.flush()
        db.session.rollback()


# --- input and permissions ----------------------------------------------------------------------


def test_bad_requests_get_json_errors(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    headers = demo.headers("xian_operator")

    def error(body: Any) -> tuple[int, dict[str, Any]]:
        response = client.post(API, json=body, headers=headers)
        return response.status_code, response.get_json()["error"]

    status, found = error({"kind": "no_such_kind", "org": "JIYI"})
    assert status == 400 and found["code"] == "unknown_kind"
    assert "test_sheets" in found["message"] and "boards" in found["message"]
    status, found = error({"kind": print_kind.NAME, "org": "JIYI", "params": {"audience": "all"}})
    assert status == 400 and found["code"] == "invalid_params"
    assert found["details"][0]["field"] == "audience"
    # Which parameter, by its label in the caller's language.
    assert "受众" in found["message"] and "audience" not in found["message"]
    status, found = error({"kind": print_kind.NAME, "org": "JIYI", "params": {"pages": 99}})
    assert found["code"] == "invalid_params" and found["details"][0]["field"] == "pages"
    status, found = error({"kind": print_kind.NAME, "org": "JIYI", "audience": "public"})
    assert status == 400 and found["code"] == "invalid_fields"
    status, found = error({"kind": print_kind.NAME, "org": "NOWHERE"})
    assert status == 404 and found["code"] == "org_not_found"
    assert client.get(f"{API}/999", headers=headers).status_code == 404
    assert client.get(API).status_code == 401


def test_who_may_start_see_and_cancel(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    # Boards-like kinds need view at the organisation.
    status, body = start(client, demo, "jiyi01_editor", "CHENGGUAN")
    assert status == 403 and body["error"]["code"] == "forbidden"
    _s, job = start(client, demo, "xian_operator", "CHENGGUAN")
    # Outside the job's organisation: it does not exist (and is not listed).
    outsider = client.get(f"{API}/{job['id']}", headers=demo.headers("jiyi_admin"))
    assert outsider.status_code == 404
    listed = client.get(API, headers=demo.headers("jiyi_admin")).get_json()["jobs"]
    assert job["id"] not in [j["id"] for j in listed]
    # The county sees it.
    listed = client.get(API, headers=demo.headers("xian_supervisor")).get_json()["jobs"]
    assert job["id"] in [j["id"] for j in listed]

    # Dossier-like kinds need publishing at the organisation, to start and to cancel.
    from signage_server.accounts.rules import Permission

    register_kind(
        "test_dossiers",
        print_kind.plan,
        permission=Permission.PUBLISH_ITEMS,
        params=print_kind.PARAMS,
    )
    try:
        refused = client.post(
            API,
            json={"kind": "test_dossiers", "org": "JIYI-01"},
            headers=demo.headers("jiyi01_editor"),
        )
        assert refused.status_code == 403
        made = client.post(
            API,
            json={"kind": "test_dossiers", "org": "JIYI-01"},
            headers=demo.headers("jiyi01_approver"),
        ).get_json()
        # The editor sees it (view at the organisation) but may not cancel it ...
        assert show(client, demo, "jiyi01_editor", made["id"])["state"] == "queued"
        cancel = client.post(f"{API}/{made['id']}/cancel", headers=demo.headers("jiyi01_editor"))
        assert cancel.status_code == 403
        # ... the operator may (publishing is theirs too).
        cancel = client.post(f"{API}/{made['id']}/cancel", headers=demo.headers("jiyi01_operator"))
        assert cancel.get_json()["state"] == "cancelled"
    finally:
        unregister_kind("test_dossiers")


def test_the_kinds_are_listed(client: FlaskClient, demo: Demo, sheets: Control) -> None:
    kinds = client.get(f"{API}/kinds", headers=demo.headers("jiyi_editor")).get_json()["kinds"]
    by_name = {k["name"]: k for k in kinds}
    assert set(by_name) == {print_kind.NAME, "boards", "dossiers"}
    assert by_name[print_kind.NAME]["params"][0] == {
        "name": "audience",
        "type": "choice",
        "choices": ["public", "party", "unit"],
        "required": False,
        "minimum": None,
        "maximum": None,
    }


def test_the_login_session_reads_and_changes_with_its_csrf_token(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    _s, job = start(client, demo, "xian_operator", "CHENGGUAN")
    demo.login(client, "xian_operator")
    assert client.get(f"{API}/{job['id']}").get_json()["id"] == job["id"]
    # A change with the cookie alone (a forged cross-site request) is refused ...
    forged = client.post(f"{API}/{job['id']}/cancel")
    assert forged.status_code == 400 and forged.get_json()["error"]["code"] == "bad_request"
    # ... with the page's token it is the user's own.
    token = csrf_token(client, f"/print-jobs/{job['id']}")
    done = client.post(f"{API}/{job['id']}/cancel", headers={"X-CSRFToken": token})
    assert done.get_json()["state"] == "cancelled"


# --- recovery after a crash ---------------------------------------------------------------------


def _dead_pid() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid


def test_a_job_left_running_by_a_dead_process_is_run_again(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    here = services.this_runner()
    _s, dead = start(client, demo, "xian_operator", "CHENGGUAN")
    _s, tired = start(client, demo, "xian_operator", "CHENGGUAN", audience="party")
    _s, alive = start(client, demo, "xian_operator", "CHENGGUAN", audience="unit")
    _s, elsewhere = start(client, demo, "jiyi01_editor", "JIYI-01")
    with app.app_context():
        now = registry.now()
        gone = Runner(here.host, here.boot, _dead_pid())
        for job_id, runner in [
            (dead["id"], gone),
            (tired["id"], gone),
            # This test's own parent process: alive.
            (alive["id"], Runner(here.host, here.boot, __import__("os").getppid())),
            (elsewhere["id"], Runner("another-server", here.boot, 1)),
        ]:
            assert services.claim(db.session, job_id, runner, now) is not None
        db.session.execute(
            sa.update(PrintJob).where(PrintJob.id == tired["id"]).values(attempts=MAX_ATTEMPTS)
        )
        db.session.commit()

    # A worker starting up: recovers, then runs what is queued (one job, then stops).
    worker = backends.InProcessWorker(app)
    worker.run(max_jobs=1)

    ran = show(client, demo, "xian_operator", dead["id"])
    assert (ran["state"], ran["attempts"], ran["done"]) == ("done", 2, 3)
    failed = show(client, demo, "xian_operator", tired["id"])
    assert failed["state"] == "failed"
    assert failed["message"].startswith(f"interrupted {MAX_ATTEMPTS} times")
    assert show(client, demo, "xian_operator", alive["id"])["state"] == "running"
    assert show(client, demo, "jiyi01_editor", elsewhere["id"])["state"] == "running"
    assert worker.ran == [dead["id"]]


def test_while_running_a_worker_leaves_its_own_process_jobs_alone(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    here = services.this_runner()
    _s, mine = start(client, demo, "xian_operator", "CHENGGUAN")
    _s, gone = start(client, demo, "xian_operator", "CHENGGUAN", audience="party")
    with app.app_context():
        now = registry.now()
        services.claim(db.session, mine["id"], here, now)
        services.claim(db.session, gone["id"], Runner(here.host, here.boot, _dead_pid()), now)
        # From time to time, while the in-process worker waits (a killed command's job).
        assert services.recover(db.session, now, starting=False) == [gone["id"]]
    assert show(client, demo, "xian_operator", mine["id"])["state"] == "running"
    assert show(client, demo, "xian_operator", gone["id"])["state"] == "queued"


# --- never blocking the server ----------------------------------------------------------------------


def test_the_server_answers_while_the_worker_thread_makes_a_document(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    gate = Gate()
    threads: set[int] = set()

    def hold(code: str) -> None:
        threads.add(threading.get_ident())
        gate(code)

    sheets.hook = hold
    worker = backends.InProcessWorker(app, poll=0.2)
    worker.start()
    try:
        _s, job = start(client, demo, "xian_operator", "CHENGGUAN")
        assert gate.wait_entered() == "CHENGGUAN"
        # The worker is inside the first document, and holds it: the app keeps answering.
        assert client.get("/healthz").status_code == 200
        running = show(client, demo, "xian_operator", job["id"])
        assert (running["state"], running["done"], running["total"]) == ("running", 0, 3)
        assert running["message"] == "城关镇"
        demo.login(client, "xian_operator")
        page = client.get(f"/print-jobs/{job['id']}").get_data(as_text=True)
        assert 'aria-valuenow="0"' in page and "城关镇" in page
        gate.release()
        assert gate.wait_entered() == "CHENGGUAN-01"
        assert show(client, demo, "xian_operator", job["id"])["percent"] == 33
        gate.release()
        assert gate.wait_entered() == "CHENGGUAN-02"
        gate.release()
        assert worker.idle.wait(30), "the worker did not finish"
    finally:
        worker.stop()
        assert worker.ended.wait(30), "the worker thread did not end"
    assert show(client, demo, "xian_operator", job["id"])["state"] == "done"
    assert threads and threading.get_ident() not in threads


# --- pages ------------------------------------------------------------------------------------------


def test_the_pages_start_follow_and_cancel_a_job(
    app: Flask, client: FlaskClient, demo: Demo, sheets: Control
) -> None:
    demo.login(client, "xian_operator")
    page = client.get("/print-jobs").get_data(as_text=True)
    assert f'data-kind="{print_kind.NAME}"' in page
    assert 'name="param-audience"' in page and 'name="param-pages"' in page
    # The organisations the user may start it for, the county first.
    assert page.index('value="XIAN"') < page.index('value="CHENGGUAN"')
    response = post_form(
        client,
        "/print-jobs",
        {
            "kind": print_kind.NAME,
            "org": "CHENGGUAN",
            "param-audience": "public",
            "param-title": "公开栏",
            "param-fail": "-",
            "param-pages": "1",
        },
        page="/print-jobs",
    )
    assert response.status_code == 302
    url = response.headers["Location"]
    job_page = client.get(url).get_data(as_text=True)
    assert 'aria-valuenow="0"' in job_page and "print-bar-0" in job_page
    assert 'id="job-cancel"' in job_page and 'id="job-refresh"' in job_page
    assert "js/print-job.js" in job_page and "data-print-job=" in job_page

    backends.drain(app)
    job_page = client.get(url).get_data(as_text=True)
    assert 'aria-valuenow="100"' in job_page and "print-bar-100" in job_page
    assert 'id="job-download"' in job_page and "job-cancel" not in job_page
    assert "城关镇公开栏.pdf" in job_page and "data-print-job=" not in job_page
    listing = client.get("/print-jobs").get_data(as_text=True)
    assert f'href="{url}"' in listing

    # Cancelling from the page (a job that has not started: at once).
    _s, queued = start(client, demo, "xian_operator", "CHENGGUAN", audience="party")
    response = post_form(
        client, f"/print-jobs/{queued['id']}/cancel", {}, page=f"/print-jobs/{queued['id']}"
    )
    assert response.status_code == 302
    assert show(client, demo, "xian_operator", queued["id"])["state"] == "cancelled"


def test_a_bad_form_says_why(app: Flask, client: FlaskClient, demo: Demo, sheets: Control) -> None:
    demo.login(client, "jiyi01_editor")
    response = post_form(
        client,
        "/print-jobs",
        {"kind": print_kind.NAME, "org": "CHENGGUAN", "param-audience": "public"},
        page="/print-jobs",
        follow_redirects=True,
    )
    # Another township's: not named back (ids walked elsewhere must not tell whose they are).
    assert "您无权对该单位执行此操作。" in response.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PrintJob)) == 0


@pytest.fixture
def no_kinds() -> Iterator[None]:
    yield from print_kind.without_product_kinds()


def test_the_pages_work_with_no_kind_registered(
    client: FlaskClient, demo: Demo, no_kinds: None
) -> None:
    demo.login(client, "jiyi_editor")
    page = client.get("/print-jobs").get_data(as_text=True)
    assert "print-starter" not in page and 'id="print-job-list"' in page
    assert 'href="/print-jobs"' in client.get("/").get_data(as_text=True)
