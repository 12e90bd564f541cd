"""The pure rules of print jobs: progress, cancelling, parameters, file names, and what becomes
of a job whose process died."""

from __future__ import annotations

import datetime as dt

import pytest

from signage_server.errors import BadRequest
from signage_server.paper.jobs.rules import MAX_ATTEMPTS
from signage_server.paper.jobs.rules import Cancel
from signage_server.paper.jobs.rules import Download
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.jobs.rules import Param
from signage_server.paper.jobs.rules import Runner
from signage_server.paper.jobs.rules import after_interruption
from signage_server.paper.jobs.rules import cancel_decision
from signage_server.paper.jobs.rules import clean_params
from signage_server.paper.jobs.rules import default_key
from signage_server.paper.jobs.rules import download_kind
from signage_server.paper.jobs.rules import final_state
from signage_server.paper.jobs.rules import left_by_dead_process
from signage_server.paper.jobs.rules import percent
from signage_server.paper.jobs.rules import safe_name
from signage_server.paper.jobs.rules import should_stop
from signage_server.paper.jobs.rules import unique_name

NOW = dt.datetime(2026, 11, 23, 9, 0, tzinfo=dt.UTC)


# --- progress --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("state", "done", "total", "expected"),
    [
        (JobState.QUEUED, 0, 0, 0),
        (JobState.RUNNING, 0, 0, 0),
        (JobState.RUNNING, 1, 3, 33),
        (JobState.RUNNING, 2, 3, 66),
        # Every step made, the ZIP still being bundled: not 100 until it is done.
        (JobState.RUNNING, 3, 3, 99),
        (JobState.DONE, 3, 3, 100),
        (JobState.DONE, 0, 0, 100),
        (JobState.CANCELLED, 1, 4, 25),
        (JobState.FAILED, 4, 4, 100),
        # Never outside 0-100, whatever the row says.
        (JobState.RUNNING, 7, 3, 99),
        (JobState.CANCELLED, -1, 3, 0),
    ],
)
def test_percent(state: JobState, done: int, total: int, expected: int) -> None:
    assert percent(state, done, total) == expected


def test_a_job_fails_only_when_no_step_succeeded() -> None:
    assert final_state(total=20, succeeded=19) is JobState.DONE
    assert final_state(total=20, succeeded=1) is JobState.DONE
    assert final_state(total=20, succeeded=0) is JobState.FAILED
    # Nothing to make (a year without items) is done, not failed.
    assert final_state(total=0, succeeded=0) is JobState.DONE


# --- cancelling --------------------------------------------------------------------------------


def test_cancel_by_state() -> None:
    assert cancel_decision(JobState.QUEUED) is Cancel.NOW
    assert cancel_decision(JobState.RUNNING) is Cancel.REQUEST
    for state in (JobState.DONE, JobState.FAILED, JobState.CANCELLED):
        assert cancel_decision(state) is Cancel.REFUSE


def test_a_running_job_stops_between_steps_on_either_request() -> None:
    assert not should_stop(cancel_requested=False, stop_asked=False)
    assert should_stop(cancel_requested=True, stop_asked=False)
    assert should_stop(cancel_requested=False, stop_asked=True)


# --- parameters -----------------------------------------------------------------------------------

SPECS = (
    Param(
        "audience",
        "Audience",
        "choice",
        choices=(("public", "P"), ("party", "M")),
        default="public",
    ),
    Param("year", "Year", "int", default=lambda now: now.year, minimum=2000, maximum=2100),
    Param("title", "Title", "text"),
)


def test_params_get_defaults_and_types() -> None:
    assert clean_params(SPECS, {"title": " 公开栏 ", "year": "2025"}, NOW) == {
        "audience": "public",
        "year": 2025,
        "title": "公开栏",
    }
    # A default may depend on the time: this year.
    assert clean_params(SPECS, {"title": "x", "year": ""}, NOW)["year"] == 2026


@pytest.mark.parametrize(
    ("raw", "name"),
    [
        ({"year": 2026}, "title"),  # required, no default
        ({"title": "x", "audience": "everyone"}, "audience"),
        ({"title": "x", "year": "twenty"}, "year"),
        ({"title": "x", "year": 1999}, "year"),
        ({"title": "x", "year": 2101}, "year"),
        ({"title": "x", "year": True}, "year"),
        ({"title": "x", "colour": "red"}, "colour"),  # unknown
        ({"title": ["a"]}, "title"),
        ({"title": "长" * 201}, "title"),
    ],
)
def test_bad_params_name_the_field(raw: dict[str, object], name: str) -> None:
    with pytest.raises(BadRequest) as caught:
        clean_params(SPECS, raw, NOW)
    assert caught.value.code == "invalid_params"
    assert caught.value.details[0]["field"] == name
    assert caught.value.details[0]["message"].startswith(f"{name}: ")


def test_the_key_is_the_same_for_the_same_batch_only() -> None:
    first = default_key("boards", 7, {"audience": "public", "year": 2026})
    assert first == default_key("boards", 7, {"year": 2026, "audience": "public"})
    assert first != default_key("boards", 7, {"audience": "party", "year": 2026})
    assert first != default_key("boards", 8, {"audience": "public", "year": 2026})
    assert first != default_key("dossiers", 7, {"audience": "public", "year": 2026})
    assert len(default_key("k" * 40, 10**12, {"t": "长" * 500})) <= 128


# --- file names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("集义村公开栏.pdf", "集义村公开栏.pdf"),
        ("../../etc/passwd", "_.._etc_passwd"),
        ('a/b\\c:d*e?f"g<h>i|j.pdf', "a_b_c_d_e_f_g_h_i_j.pdf"),
        (".hidden.pdf", "hidden.pdf"),
        ("  \x00\x1f ", "document.pdf"),
        ("", "document.pdf"),
    ],
)
def test_safe_names(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_long_names_keep_their_extension() -> None:
    name = safe_name("很长的名字" * 60 + ".pdf")
    assert len(name) <= 120 and name.endswith(".pdf")


def test_names_are_unique_within_a_job() -> None:
    taken = ["东关村.pdf", "东关村 (2).pdf"]
    assert unique_name("东关村.pdf", taken) == "东关村 (3).pdf"
    assert unique_name("西关村.pdf", taken) == "西关村.pdf"
    assert unique_name("README", ["readme"]) == "README (2)"


def test_what_to_download() -> None:
    assert download_kind(0) is Download.NOTHING
    assert download_kind(1) is Download.SINGLE
    assert download_kind(20) is Download.BUNDLE


# --- runners and restarts -----------------------------------------------------------------------

HERE = Runner("county-server", "boot-b", 4242)


def test_runner_round_trip() -> None:
    assert Runner.parse(str(Runner("county-server", "boot", 12))) == Runner(
        "county-server", "boot", 12
    )
    assert Runner.parse("h||12") == Runner("h", "", 12)
    for bad in (None, "", "h", "h|b", "h|b|x"):
        assert Runner.parse(bad) is None


@pytest.mark.parametrize(
    ("recorded", "alive", "dead"),
    [
        # A process of this boot that still runs: leave its job alone.
        (Runner("county-server", "boot-b", 100), True, False),
        # ... that does not run any more: dead.
        (Runner("county-server", "boot-b", 100), False, True),
        # An earlier boot: dead, even if a process with that id lives now.
        (Runner("county-server", "boot-a", 100), True, True),
        # This very process id: this process is starting, it runs nothing yet.
        (Runner("county-server", "boot-b", 4242), True, True),
        # Another host: cannot be judged from here.
        (Runner("other-host", "boot-b", 100), False, False),
        # No runner recorded: nothing can be running it.
        (None, True, True),
    ],
)
def test_left_by_dead_process(recorded: Runner | None, alive: bool, dead: bool) -> None:
    assert left_by_dead_process(recorded, HERE, lambda pid: alive) is dead


def test_a_running_process_never_takes_its_own_jobs_for_dead() -> None:
    mine = Runner("county-server", "boot-b", 4242)
    assert left_by_dead_process(mine, HERE, lambda pid: True, starting=True)
    assert not left_by_dead_process(mine, HERE, lambda pid: True, starting=False)
    other = Runner("county-server", "boot-b", 100)
    assert left_by_dead_process(other, HERE, lambda pid: False, starting=False)


def test_a_job_is_queued_again_until_it_was_started_too_often() -> None:
    assert after_interruption(1) is JobState.QUEUED
    assert after_interruption(MAX_ATTEMPTS - 1) is JobState.QUEUED
    assert after_interruption(MAX_ATTEMPTS) is JobState.FAILED
