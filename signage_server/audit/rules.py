"""Pure rules of the audit chain (DESIGN.md §2, tamper evidence). No Flask, no database.

Every record carries ``hash = HMAC-SHA256(key, prev_hash + canonical JSON of its fields)``,
where ``prev_hash`` is the hash of the record before it (64 zeros for the first) and ``key``
is the audit key, kept outside the database (``SIGNAGE_AUDIT_KEY`` or ``<data dir>/audit_key``).
Whoever can write to the database but does not hold the key cannot recompute the hashes after
an edit. One chain runs through the records of all subjects in ``seq`` order, so that
editing, deleting, inserting or reordering any record breaks it at that record.

Each record seals the *resulting* state of its subject (an item revision, a feedback case,
an exemption, an org setting): ``verify`` compares the subject's state in the database with
the last record of that subject, so that flipping a state in the database is found too. The
newest records are witnessed outside the database by the head log (see :func:`check_witnesses`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import json
from collections.abc import Iterable
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field
from typing import Any

GENESIS = "0" * 64

#: The fields a record's hash covers, in the order of the contract.
HASHED_FIELDS = (
    "seq",
    "subject",
    "subject_id",
    "item",
    "revision",
    "content_sha256",
    "state",
    "published_at",
    "ended_at",
    "actor",
    "role",
    "action",
    "reason",
    "at",
    "details",
)

#: Kinds of subject a record is about.
ITEM = "item"
CASE = "case"
EXEMPTION = "exemption"
ORG = "org"
#: An archive dossier: its record seals the PDF's sha256 (``content_sha256``).
DOSSIER = "dossier"
#: Supervision: an inspection recorded, a finding through its rectification (整改), a
#: supervisors' meeting recorded, an accountability record (责任追究) opened.
INSPECTION = "inspection"
FINDING = "finding"
MEETING = "meeting"
ACCOUNTABILITY = "accountability"
#: A major village matter (四议两公开): its stages and its two disclosures.
MATTER = "matter"
#: A democratic appraisal (民主评议): opening, closing (its tally sealed), its results drafted.
APPRAISAL = "appraisal"
#: A half-yearly or year-end assessment (考核): the assessor's scores saved, finalised.
ASSESSMENT = "assessment"
#: A screen: the remote commands operators send to it (reload, reboot the box, ...) and its
#: settings they changed (a power schedule); a screen group: its power schedule.
SCREEN = "screen"
SCREEN_GROUP = "screen_group"
SUBJECTS = (
    ITEM,
    CASE,
    EXEMPTION,
    ORG,
    DOSSIER,
    INSPECTION,
    FINDING,
    MEETING,
    ACCOUNTABILITY,
    MATTER,
    APPRAISAL,
    ASSESSMENT,
    SCREEN,
    SCREEN_GROUP,
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


def optional_timestamp(moment: dt.datetime | None) -> str | None:
    return timestamp(moment) if moment is not None else None


@dataclass(frozen=True)
class Entry:
    """One audit record as plain values."""

    seq: int
    subject: str
    subject_id: int
    item: int | None
    revision: int | None
    content_sha256: str
    state: str
    published_at: str | None
    ended_at: str | None
    actor: str
    role: str
    action: str
    reason: str
    at: str
    prev_hash: str
    hash: str
    details: Mapping[str, Any] = field(default_factory=dict)

    def fields(self) -> dict[str, Any]:
        return {name: getattr(self, name) for name in HASHED_FIELDS} | {
            "details": dict(self.details)
        }


def record_hash(key: bytes, prev_hash: str, fields: Mapping[str, Any]) -> str:
    """Return the keyed hash of a record with ``fields`` following a record hashed ``prev_hash``."""
    if not key:
        raise ValueError("the audit key is empty")
    message = prev_hash.encode("ascii") + canonical_json(dict(fields))
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def seal(key: bytes, prev: Entry | None, **fields: Any) -> Entry:
    """Return the record that follows ``prev`` (``None``: the first), with its keyed hash."""
    prev_hash = prev.hash if prev else GENESIS
    seq = prev.seq + 1 if prev else 1
    values = {"details": {}, **fields, "seq": seq}
    missing = set(HASHED_FIELDS) - set(values)
    if missing:
        raise ValueError(f"audit record lacks {sorted(missing)}")
    unknown = set(values) - set(HASHED_FIELDS)
    if unknown:
        raise ValueError(f"audit record has unknown fields {sorted(unknown)}")
    if values["subject"] not in SUBJECTS:
        raise ValueError(f"unknown audit subject {values['subject']!r}")
    ordered = {name: values[name] for name in HASHED_FIELDS}
    ordered["details"] = dict(ordered["details"] or {})
    return Entry(**ordered, prev_hash=prev_hash, hash=record_hash(key, prev_hash, ordered))


@dataclass(frozen=True)
class Problem:
    """The first record where the chain breaks, and how.

    ``kind`` is one of ``sequence`` (deleted, inserted or reordered), ``broken_link``,
    ``edited`` (fields do not match the keyed hash), ``truncated`` (a record witnessed by the
    head log is missing), ``rewritten`` (a witnessed record has another hash now),
    ``unrecorded``, ``content_changed``, ``state_changed``.
    """

    seq: int
    position: int
    kind: str
    message: str


def verify_chain(key: bytes, entries: Iterable[Entry]) -> tuple[int, Problem | None]:
    """Walk ``entries`` in storage order; return how many were checked and the first problem.

    Checks, for each record: its ``seq`` follows the previous one (a gap means a deletion,
    a repeat or step back an insertion or reordering), its ``prev_hash`` is the previous
    record's hash (reordering, insertion), and its keyed hash matches its fields (any edit,
    and any record recomputed without the key).
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
        if not hmac.compare_digest(record_hash(key, entry.prev_hash, entry.fields()), entry.hash):
            message = f"record {entry.seq} was changed after it was written"
            if position == 1:
                message += (
                    " (or the audit key is not the key this chain was sealed with:"
                    " check SIGNAGE_AUDIT_KEY or <data dir>/audit_key)"
                )
            return count, Problem(entry.seq, position, "edited", message)
        prev_hash = entry.hash
        expected_seq += 1
    return count, None


@dataclass(frozen=True)
class Witness:
    """One line of the head log: the chain's head as it was after a commit."""

    seq: int
    hash: str
    at: str


def format_witness(seq: int, hash_: str, at: dt.datetime) -> str:
    """Return the head log line of a committed record (``seq hash time``, newline-ended)."""
    return f"{seq} {hash_} {timestamp(at)}\n"


def parse_witnesses(text: str) -> tuple[list[Witness], list[int]]:
    """Return the witnesses of a head log, and the numbers of lines that could not be read."""
    witnesses = []
    bad = []
    for number, line in enumerate(text.splitlines(), start=1):
        parts = line.split()
        if not parts:
            continue
        try:
            seq = int(parts[0])
            hash_ = parts[1]
            if len(hash_) != 64 or seq < 1:
                raise ValueError
            witnesses.append(Witness(seq, hash_, parts[2] if len(parts) > 2 else ""))
        except (ValueError, IndexError):
            bad.append(number)
    return witnesses, bad


def check_witnesses(
    stored: Mapping[int, str], last_seq: int, witnesses: Iterable[Witness]
) -> tuple[Problem | None, int]:
    """Check that the chain holds every record the head log witnessed.

    :param stored: hash of every record in the database, by ``seq``.
    :param last_seq: the newest ``seq`` in the database (0: none).
    :return: the first problem (lowest ``seq``), and the highest witnessed ``seq``.
    """
    problem: Problem | None = None
    highest = 0
    for witness in witnesses:
        highest = max(highest, witness.seq)
        found = stored.get(witness.seq)
        if found == witness.hash:
            continue
        if problem is not None and problem.seq <= witness.seq:
            continue
        if found is None and witness.seq > last_seq:
            problem = Problem(
                witness.seq,
                0,
                "truncated",
                f"record {witness.seq}, witnessed by the head log at {witness.at}, is missing:"
                f" the chain ends at record {last_seq} (the newest records were deleted)",
            )
        elif found is None:
            problem = Problem(
                witness.seq,
                0,
                "truncated",
                f"record {witness.seq}, witnessed by the head log at {witness.at}, is missing",
            )
        else:
            problem = Problem(
                witness.seq,
                0,
                "rewritten",
                f"record {witness.seq} is not the record the head log witnessed at {witness.at}"
                " (records rewritten, reordered or replaced)",
            )
    return problem, highest


@dataclass(frozen=True)
class Current:
    """A subject's state as the database holds it now, to compare with its last record.

    ``content_sha256`` ``None``: the content is not compared (drafts may change). Each key of
    ``details`` is compared with the same key of the last record's details, where it sealed one.
    """

    subject: str
    subject_id: int
    revision: int | None
    state: str
    label: str
    content_sha256: str | None = None
    published_at: str | None = None
    ended_at: str | None = None
    details: Mapping[str, Any] = field(default_factory=dict)
    #: Must have a record (a draft reopened by a rejection has none yet).
    required: bool = True

    @property
    def key(self) -> tuple[str, int, int | None]:
        return (self.subject, self.subject_id, self.revision)


def subject_key(entry: Entry) -> tuple[str, int, int | None]:
    """Return which subject a record is about: (subject, id, revision for items)."""
    return (entry.subject, entry.subject_id, entry.revision)


def check_current(current: Current, last: Entry | None) -> Problem | None:
    """Compare a subject's state in the database with its last sealed record."""
    if last is None:
        if not current.required:
            return None
        return Problem(
            0,
            0,
            "unrecorded",
            f"{current.label} ({current.state}) has no audit record",
        )
    if current.content_sha256 is not None and current.content_sha256 != last.content_sha256:
        return Problem(
            last.seq,
            0,
            "content_changed",
            f"{current.label} was changed after record {last.seq} sealed it",
        )
    differences = []
    if current.state != last.state:
        differences.append(f"state {current.state!r}, sealed {last.state!r}")
    if current.subject == ITEM:
        for name in ("published_at", "ended_at"):
            now, sealed = getattr(current, name), getattr(last, name)
            if now != sealed:
                differences.append(f"{name} {now or 'none'}, sealed {sealed or 'none'}")
    for name, value in current.details.items():
        # A fact the record did not seal (written before it was sealed) is not compared.
        if name in last.details and last.details[name] != value:
            differences.append(f"{name} {value!r}, sealed {last.details.get(name)!r}")
    if differences:
        return Problem(
            last.seq,
            0,
            "state_changed",
            f"{current.label} does not match record {last.seq}: " + "; ".join(differences),
        )
    return None
