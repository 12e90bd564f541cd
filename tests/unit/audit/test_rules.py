"""The audit chain breaks at any edited, deleted, inserted or reordered record."""

from __future__ import annotations

import dataclasses

import pytest
from hypothesis import given
from hypothesis import strategies as st

from signage_server.audit.rules import GENESIS
from signage_server.audit.rules import Current
from signage_server.audit.rules import Entry
from signage_server.audit.rules import Witness
from signage_server.audit.rules import canonical_json
from signage_server.audit.rules import check_current
from signage_server.audit.rules import check_witnesses
from signage_server.audit.rules import record_hash
from signage_server.audit.rules import seal
from signage_server.audit.rules import verify_chain

KEY = b"k" * 32


def chain(n: int, key: bytes = KEY) -> list[Entry]:
    entries: list[Entry] = []
    for i in range(n):
        entries.append(
            seal(
                key,
                entries[-1] if entries else None,
                subject="item",
                subject_id=1 + i % 3,
                item=1 + i % 3,
                revision=1,
                content_sha256="ab" * 32,
                state="draft",
                published_at=None,
                ended_at=None,
                actor="jiyi01_editor",
                role="editor",
                action=["create", "submit", "review", "approve", "publish"][i % 5],
                reason="",
                at=f"2026-11-0{1 + i % 9}T08:00:00.000000Z",
            )
        )
    return entries


def test_canonical_json_is_stable_and_keeps_chinese() -> None:
    assert canonical_json({"b": 1, "a": "集义"}) == '{"a":"集义","b":1}'.encode()


def test_hash_formula() -> None:
    first = chain(1)[0]
    assert first.prev_hash == GENESIS
    assert first.hash == record_hash(KEY, GENESIS, first.fields())


def test_intact_chain() -> None:
    assert verify_chain(KEY, chain(12)) == (12, None)
    assert verify_chain(KEY, []) == (0, None)


def test_edited_record() -> None:
    entries = chain(6)
    entries[3] = dataclasses.replace(entries[3], reason="改了")
    _, problem = verify_chain(KEY, entries)
    assert problem is not None
    assert (problem.seq, problem.kind) == (4, "edited")


def test_deleted_record() -> None:
    entries = chain(6)
    del entries[2]
    _, problem = verify_chain(KEY, entries)
    assert problem is not None
    assert (problem.seq, problem.kind) == (4, "sequence")


def test_inserted_record() -> None:
    entries = chain(6)
    forged = seal(KEY, entries[2], **{k: v for k, v in entries[3].fields().items() if k != "seq"})
    entries.insert(3, dataclasses.replace(forged, action="withdraw"))
    _, problem = verify_chain(KEY, entries)
    assert problem is not None
    assert problem.seq == 4


def test_reordered_records() -> None:
    entries = chain(6)
    entries[2], entries[3] = entries[3], entries[2]
    _, problem = verify_chain(KEY, entries)
    assert problem is not None
    assert (problem.seq, problem.kind) == (4, "sequence")


def test_rehashed_edit_still_breaks_the_next_link() -> None:
    entries = chain(6)
    edited = dataclasses.replace(entries[2], actor="someone_else")
    entries[2] = dataclasses.replace(
        edited, hash=record_hash(KEY, edited.prev_hash, edited.fields())
    )
    _, problem = verify_chain(KEY, entries)
    assert problem is not None
    assert (problem.seq, problem.kind) == (4, "broken_link")


@given(st.integers(2, 15), st.data())
def test_any_single_field_edit_is_found_at_that_record(n: int, data: st.DataObject) -> None:
    entries = chain(n)
    index = data.draw(st.integers(0, n - 1))
    name = data.draw(
        st.sampled_from(["actor", "role", "action", "reason", "at", "content_sha256", "state"])
    )
    entries[index] = dataclasses.replace(
        entries[index], **{name: "x" + str(getattr(entries[index], name))}
    )
    _, problem = verify_chain(KEY, entries)
    assert problem is not None
    assert problem.seq == index + 1


def test_seal_needs_every_field() -> None:
    with pytest.raises(ValueError, match="lacks"):
        seal(KEY, None, item=1)


def test_the_chain_is_keyed() -> None:
    """Recomputing every hash without the key (or with another one) does not pass."""
    assert chain(5)[0].hash != chain(5, b"another key")[0].hash
    _, problem = verify_chain(KEY, chain(5, b"another key"))
    assert problem is not None
    assert (problem.seq, problem.kind) == (1, "edited")
    assert "audit key" in problem.message


def test_witnesses_find_truncation_and_rewriting() -> None:
    entries = chain(6)
    stored = {e.seq: e.hash for e in entries}
    witnesses = [Witness(e.seq, e.hash, "t") for e in entries]
    assert check_witnesses(stored, 6, witnesses) == (None, 6)
    del stored[6]
    problem, _ = check_witnesses(stored, 5, witnesses)
    assert problem is not None and (problem.seq, problem.kind) == (6, "truncated")
    stored = {e.seq: e.hash for e in entries} | {3: "0" * 64}
    problem, _ = check_witnesses(stored, 6, witnesses)
    assert problem is not None and (problem.seq, problem.kind) == (3, "rewritten")
    assert check_witnesses({e.seq: e.hash for e in entries}, 6, witnesses[:4]) == (None, 4)


def test_current_state_is_compared_with_the_last_record() -> None:
    last = chain(1)[0]
    current = Current("item", 1, 1, "draft", "item 1 revision 1", content_sha256="ab" * 32)
    assert check_current(current, last) is None
    flipped = check_current(dataclasses.replace(current, state="published"), last)
    assert flipped is not None and flipped.kind == "state_changed"
    changed = check_current(dataclasses.replace(current, content_sha256="cd" * 32), last)
    assert changed is not None and changed.kind == "content_changed"
    assert check_current(current, None) is not None
    assert check_current(dataclasses.replace(current, required=False), None) is None
