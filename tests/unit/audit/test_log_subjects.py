"""The audit log knows each subject of the chain once (``audit.log.LOG_SUBJECTS``), and its
page shows each of them."""

from __future__ import annotations

from signage_server.audit import log
from signage_server.audit import rules
from tests.conftest import ROOT


def test_every_subject_of_the_chain_has_one_entry_in_the_log() -> None:
    keys = [subject.key for subject in log.LOG_SUBJECTS]
    assert sorted(keys) == sorted(rules.SUBJECTS)
    assert len(set(keys)) == len(keys)
    for subject in log.LOG_SUBJECTS:
        assert subject.actions, f"{subject.key}: no action labels"
        assert subject.label in log.SUBJECT_LABELS.values()


def test_the_log_page_shows_every_subject() -> None:
    page = (ROOT / "signage_server" / "templates" / "audit" / "log.html").read_text()
    for subject in log.LOG_SUBJECTS:
        assert f"r.subject == '{subject.key}'" in page, subject.key
