"""Pure rules of the audit chain (DESIGN.md §2, tamper evidence). No Flask, no database.

Every record carries ``hash = sha256(prev_hash + canonical JSON of its fields)``, where
``prev_hash`` is the hash of the record before it (64 zeros for the first). One chain
runs through the records of all items in ``seq`` order, so that editing, deleting,
inserting or reordering any record breaks it at that record.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64

#: The fields a record's hash covers, in the order of the contract.
HASHED_FIELDS = (
    "seq",
    "item",
    "revision",
    "content_sha256",
    "actor",
    "role",
    "action",
    "reason",
    "at",
)


def canonical_json(value: Any) -> bytes:
    """Return ``value`` as canonical JSON: sorted keys, no spaces, UTF-8, no ASCII escapes."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode(
        "utf-8"
    )


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def timestamp(moment: dt.datetime) -> str:
    """Return the canonical text of a time in the chain: UTC, microseconds, ``Z``."""
    return moment.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


@dataclass(frozen=True)
class Entry:
    """One audit record as plain values."""

    seq: int
    item: int
    revision: int
    content_sha256: str
    actor: str
    role: str
    action: str
    reason: str
    at: str
    prev_hash: str
    hash: str

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HASHED_FIELDS}


def record_hash(prev_hash: str, fields: dict[str, Any]) -> str:
    """Return the hash of a record with ``fields`` following a record hashed ``prev_hash``."""
    return sha256_hex(prev_hash.encode("ascii") + canonical_json(fields))


def seal(prev: Entry | None, **fields: Any) -> Entry:
    """Return the record that follows ``prev`` (``None``: the first), with its hash."""
    prev_hash = prev.hash if prev else GENESIS
    seq = prev.seq + 1 if prev else 1
    values = {**fields, "seq": seq}
    missing = set(HASHED_FIELDS) - set(values)
    if missing:
        raise ValueError(f"audit record lacks {sorted(missing)}")
    ordered = {name: values[name] for name in HASHED_FIELDS}
    return Entry(**ordered, prev_hash=prev_hash, hash=record_hash(prev_hash, ordered))


@dataclass(frozen=True)
class Problem:
    """The first record where the chain breaks, and how."""

    seq: int
    position: int
    kind: str
    message: str


def verify_chain(entries: Iterable[Entry]) -> tuple[int, Problem | None]:
    """Walk ``entries`` in storage order; return how many were checked and the first problem.

    Checks, for each record: its ``seq`` follows the previous one (a gap means a deletion,
    a repeat or step back an insertion or reordering), its ``prev_hash`` is the previous
    record's hash (reordering, insertion), and its hash matches its fields (any edit).
    """
    prev_hash = GENESIS
    expected_seq = 1
    count = 0
    for position, entry in enumerate(entries, start=1):
        count = position
        if entry.seq != expected_seq:
            message = (
                f"record {entry.seq} stands where record {expected_seq} belongs"
                " (records deleted, inserted or reordered)"
            )
            return count, Problem(entry.seq, position, "sequence", message)
        if entry.prev_hash != prev_hash:
            return count, Problem(
                entry.seq,
                position,
                "broken_link",
                f"record {entry.seq} does not link to record {entry.seq - 1}",
            )
        if record_hash(entry.prev_hash, entry.fields()) != entry.hash:
            return count, Problem(
                entry.seq,
                position,
                "edited",
                f"record {entry.seq} was changed after it was written",
            )
        prev_hash = entry.hash
        expected_seq += 1
    return count, None
