"""What an item's archive dossier (归档卷宗) holds, gathered from the database into plain values.

DESIGN.md §6: every revision with what changed from the one before; the audit trail with its
hashes and the result of checking the chain at the time; where and how long each screen showed
the item (proof of play, with its gaps) and which screens could have shown it but never said so;
the villagers' feedback and the published replies, identities redacted; the catalog compliance.

Reports (举报) are never gathered, not even counted: the dossier is read by the organisation the
report may be about (DESIGN.md §5). A revision whose stored content does not match its seal in
the audit chain is not presented as the disclosed content (``body`` is ``None``).

No Flask here: :mod:`.archive` renders :class:`DossierData` with ``templates/paper/dossier.html``.
Labels are message ids, translated by the template.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from collections.abc import Callable
from collections.abc import Collection
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import sqlalchemy as sa
from markupsafe import Markup
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from content.bodies import BodyError
from content.bodies import TableBody
from content.bodies import body_text
from content.bodies import parse_body
from content.numbers import cell_display
from content.numbers import column_kinds
from content.render import render_body_html
from signage_server.accounts.models import User
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.audit.log import ROLE_LABELS
from signage_server.audit.log import action_label
from signage_server.audit.models import AuditRecord
from signage_server.audit.rules import GENESIS
from signage_server.catalog import services as catalog
from signage_server.catalog.rules import Status as ComplianceStatus
from signage_server.disclosure import notices
from signage_server.disclosure import rules as item_rules
from signage_server.disclosure import viewing
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.procedures import Seal
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import State
from signage_server.disclosure.services import broken_seals
from signage_server.disclosure.trail import display_names
from signage_server.feedback import rules as feedback_rules
from signage_server.feedback.models import Case
from signage_server.feedback.services.sealing import replies_intact
from signage_server.fleet.snapshots import services as snapshots
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import path_ids
from signage_server.paper import bilingual
from signage_server.paper import rules
from signage_server.paper.bilingual import PrintedTranslation
from signage_server.paper.rules import Changes
from signage_server.paper.rules import FieldChange
from signage_server.paper.rules import Play
from signage_server.paper.rules import Shown
from signage_server.paper.rules import Span
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.screens.rules import ItemFacts
from signage_server.screens.rules import ScreenFacts
from signage_server.screens.rules import may_show

logger = logging.getLogger(__name__)

#: Up to this many records the whole chain and its head log are verified when a dossier is made
#: (0.4 s per 10,000 records on SQLite and PostgreSQL alike, measured on a 2-core machine: see
#: docs/benchmarks.md); above it, so that a year's batch of dossiers does not spend seconds on
#: each, the item's own records are checked (keyed hashes and links to their neighbours).
FULL_CHECK_LIMIT = 20_000

#: What each kind of broken chain is called in a dossier (message ids).
PROBLEM_LABELS = {
    "sequence": N_("records deleted, inserted or reordered"),
    "broken_link": N_("a record does not link to the one before"),
    "edited": N_("a record was changed after it was written"),
    "truncated": N_("records witnessed by the head log are missing"),
    "rewritten": N_("records differ from what the head log witnessed"),
    "unrecorded": N_("a subject has no audit record"),
    "content_changed": N_("content was changed after it was sealed"),
    "state_changed": N_("a state was changed after it was sealed"),
}


# --- the values ----------------------------------------------------------------------------


@dataclass(frozen=True)
class RevisionEntry:
    """One revision as the dossier prints it."""

    number: int
    state: State
    title: str
    category: str
    timing: str
    scope: str
    major: bool
    urgent: bool
    notice: str | None
    notice_days: int | None
    stage: str
    department: str
    accountable: str
    catalog: str
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    created_at: dt.datetime | None
    submitted_at: dt.datetime | None
    published_at: dt.datetime | None
    ended_at: dt.datetime | None
    content_sha256: str
    author: str
    reviewed_by: str
    approved_by: str
    #: Village affairs: the joint meeting that decided it and the supervision committee's
    #: seal (``None`` for the party procedure, or when not intact).
    meeting: Meeting | None
    committee_seal: Seal | None
    #: Why it was sent back, and by whom (of a rejected revision).
    returned_reason: str
    returned_by: str
    #: Whether the stored content matches its seal in the audit chain.
    intact: bool
    #: The body as printed (the renderer of screens and posters); ``None`` when not intact.
    body: Markup | None
    #: A bilingual item's second text as printed (``None``: none, or not intact).
    translation: PrintedTranslation | None = None
    #: What changed from ``previous`` (the revision before it in the dossier).
    previous: int | None = None
    changes: Changes | None = None


@dataclass(frozen=True)
class AuditLine:
    seq: int
    at: dt.datetime
    revision: int | None
    action: str
    actor: str
    role: str
    state: str
    reason: str
    content_sha256: str
    prev_hash: str
    hash: str
    #: Its keyed hash matches its fields.
    genuine: bool


@dataclass(frozen=True)
class ChainCheck:
    """The audit chain checked when the dossier was made."""

    ok: bool
    #: ``full``: the whole chain, its head log and the item's revisions; ``item``: the item's
    #: own records, their links to their neighbours and the revisions (a very long chain).
    method: str
    #: Records checked.
    checked: int
    #: The first problem: its kind (see :data:`PROBLEM_LABELS`) and record.
    problem: str = ""
    problem_seq: int = 0
    #: Records the head log witnessed (0: no head log, or not read).
    witnessed: int = 0
    warnings: int = 0
    seconds: float = 0.0


@dataclass(frozen=True)
class ScreenEntry:
    id: int
    name: str
    org: str
    location: str
    audience: str
    shown: Shown
    #: Switched off in the system now (when is not recorded: it may have been active then).
    active: bool = True


@dataclass(frozen=True)
class Plays:
    """Proof of play of the item, screen by screen."""

    screens: tuple[ScreenEntry, ...]
    #: Screens that could have shown the item (the audience rule) and never reported a play.
    never: tuple[ScreenEntry, ...]
    windows: tuple[Span, ...]
    gap_hours: float

    @property
    def plays(self) -> int:
        return sum(s.shown.plays for s in self.screens)

    @property
    def hours(self) -> float:
        return sum(s.shown.hours for s in self.screens)

    @property
    def gaps(self) -> int:
        return sum(len(s.shown.gaps) for s in self.screens)


@dataclass(frozen=True)
class ReplyEntry:
    published_at: dt.datetime | None
    text: str


@dataclass(frozen=True)
class FeedbackEntry:
    receipt: str
    kind: str
    received_at: dt.datetime
    state: str
    revision: int | None
    screen: str
    #: How it came, when staff recorded it (a letter, a call): its label; empty for the QR form.
    channel: str
    #: Identities redacted (see ``feedback.rules.redact``).
    text: str
    replies: tuple[ReplyEntry, ...]
    #: The published replies match their seal (else they are not printed).
    replies_intact: bool
    real_name: bool


@dataclass(frozen=True)
class ComplianceEntry:
    code: str
    title: str
    timing: str
    cadence: str | None
    status: str
    status_label: str
    period: str | None = None
    deadline: dt.date | None = None
    since: dt.date | None = None


@dataclass
class DossierData:
    """Everything an item's dossier prints."""

    item_id: int
    number: str
    org_name: str
    org_code: str
    #: The organisations above it, top first (county, township).
    org_line: tuple[str, ...]
    title: str
    category: str
    catalog: str
    scope: str
    timing: str
    generated_at: dt.datetime
    tz: dt.tzinfo
    #: Not stored: printed on request before (or without) archiving.
    interim: bool
    #: How the publication ended (``paper.rules.Ending``) and when.
    ending: str
    ended_at: dt.datetime | None
    first_published: dt.datetime | None
    #: The revision that is or was last published.
    live_number: int | None
    head: audit.Head
    chain: ChainCheck
    revisions: list[RevisionEntry]
    drafts: list[int]
    audit: list[AuditLine]
    plays: Plays
    feedback: list[FeedbackEntry]
    #: Feedback hidden as abuse (not printed).
    hidden: int
    compliance: ComplianceEntry | None
    gap_threshold_hours: float = rules.GAP.total_seconds() / 3600
    broken: list[int] = field(default_factory=list)
    #: Snapshots of screens showing it, taken by their box agents (``fleet.snapshots``).
    snapshots: list[snapshots.Printed] = field(default_factory=list)

    @property
    def intact(self) -> bool:
        return self.chain.ok and not self.broken


# --- gathering ------------------------------------------------------------------------------


def item_number(item: Item) -> str:
    """Return the item's number as its documents print it: ``JIYI-01-000042``."""
    return f"{item.org.code}-{item.id:06d}"


def _ancestors(session: Session, org: Org) -> tuple[str, ...]:
    ids = path_ids(org.path)[:-1]
    if not ids:
        return ()
    names = dict(session.execute(sa.select(Org.id, Org.name).where(Org.id.in_(ids))).all())
    return tuple(names[i] for i in ids if i in names)


def ending_of(session: Session, revision: Revision) -> str:
    """Return how the publication of ``revision`` ended (``paper.rules.Ending``)."""
    withdrawn = (
        session.scalar(
            sa.select(sa.func.count())
            .select_from(AuditRecord)
            .where(
                AuditRecord.subject == audit_rules.ITEM,
                AuditRecord.item_id == revision.item_id,
                AuditRecord.revision == revision.number,
                AuditRecord.action == Action.WITHDRAW.value,
            )
        )
        or 0
    ) > 0
    return rules.ending_of(
        revision.state, withdrawn=withdrawn, notice=revision.notice_kind is not None
    )


def gather(
    session: Session,
    item: Item,
    *,
    now: dt.datetime,
    tz: dt.tzinfo,
    asset_url: Callable[[str], str],
    interim: bool,
) -> DossierData:
    """Return everything ``item``'s dossier prints, as the database holds it at ``now``."""
    org = item.org
    live = item.live
    main = live or item.current
    records = audit.records_of(session, item.id)
    names = display_names(session, [r.actor for r in records] + _people(item))
    presented = [r for r in item.revisions if r.state is not State.DRAFT]
    broken = {r.number for r in broken_seals(session, presented)}
    sent_back = {
        r.number - 1: (r.returned_reason, r.returned_by)
        for r in item.revisions
        if r.returned_reason
    }
    names |= display_names(session, [by for _reason, by in sent_back.values()])
    revisions = _revisions(session, presented, sent_back, broken, names, asset_url, tz)
    head = audit.head(session)
    chain = check_chain(session, records, head)
    entry = main.catalog_entry
    return DossierData(
        item_id=item.id,
        number=item_number(item),
        org_name=org.name,
        org_code=org.code,
        org_line=_ancestors(session, org),
        title=main.title,
        category=main.category.label,
        catalog=f"{entry.code} {entry.title}" if entry else "",
        scope=main.scope.label,
        timing=main.timing.label,
        generated_at=now,
        tz=tz,
        interim=interim,
        ending=ending_of(session, live) if live is not None else rules.Ending.MANUAL,
        ended_at=live.ended_at if live is not None and live.state in rules.ENDED else None,
        first_published=min(
            (r.published_at for r in item.revisions if r.published_at is not None), default=None
        ),
        live_number=item.live_number,
        head=head,
        chain=chain,
        revisions=revisions,
        drafts=[r.number for r in item.revisions if r.state is State.DRAFT],
        audit=[_audit_line(session, r, names) for r in records],
        plays=proof_of_play(session, item, now),
        feedback=_feedback(session, item),
        hidden=_hidden_feedback(session, item),
        compliance=_compliance(session, item, main, now, tz),
        broken=sorted(broken),
        snapshots=snapshots.for_dossier(session, item.id, main.scope),
    )


def _people(item: Item) -> list[str]:
    found = []
    for revision in item.revisions:
        if revision.author is not None:
            found.append(revision.author.username)
    return found


def _revisions(
    session: Session,
    presented: Sequence[Revision],
    sent_back: dict[int, tuple[str, str]],
    broken: set[int],
    names: dict[str, str],
    asset_url: Callable[[str], str],
    tz: dt.tzinfo,
) -> list[RevisionEntry]:
    ids = {i for r in presented for i in (r.reviewed_by_id, r.approved_by_id) if i is not None}
    users: dict[int, str] = {}
    if ids:
        for user_id, username, display in session.execute(
            sa.select(User.id, User.username, User.display_name).where(User.id.in_(ids))
        ):
            users[user_id] = display or username
    entries: list[RevisionEntry] = []
    previous: Revision | None = None
    for revision in presented:
        intact = revision.number not in broken
        entry = revision.catalog_entry
        reason, by = (
            sent_back.get(revision.number, ("", ""))
            if revision.state is State.REJECTED
            else ("", "")
        )
        author = revision.author
        entries.append(
            RevisionEntry(
                number=revision.number,
                state=revision.state,
                title=revision.title,
                category=revision.category.label,
                timing=revision.timing.label,
                scope=revision.scope.label,
                major=revision.major,
                urgent=revision.urgent,
                notice=revision.notice_kind.label if revision.notice_kind else None,
                notice_days=(
                    notices.minimum_days(revision.notice_kind, revision.notice_min_days)
                    if revision.notice_kind
                    else None
                ),
                stage=revision.stage,
                department=revision.department,
                accountable=revision.accountable,
                catalog=f"{entry.code} {entry.title}" if entry else "",
                valid_from=revision.valid_from,
                valid_until=revision.valid_until,
                created_at=revision.created_at,
                submitted_at=revision.submitted_at,
                published_at=revision.published_at,
                ended_at=revision.ended_at,
                content_sha256=revision.content_sha256,
                author=(names.get(author.username) or author.name) if author else "",
                reviewed_by=users.get(revision.reviewed_by_id or 0, ""),
                approved_by=users.get(revision.approved_by_id or 0, ""),
                meeting=revision.joint_meeting if intact else None,
                committee_seal=revision.committee_seal if intact else None,
                returned_reason=reason,
                returned_by=names.get(by, by),
                intact=intact,
                body=_body(revision, asset_url) if intact else None,
                translation=(
                    bilingual.printed(revision.translation, revision.body, asset_url)
                    if intact
                    else None
                ),
                previous=previous.number if previous is not None else None,
                changes=changes(previous, revision, tz, broken) if previous is not None else None,
            )
        )
        previous = revision
    return entries


def _body(revision: Revision, asset_url: Callable[[str], str]) -> Markup | None:
    try:
        return render_body_html(parse_body(revision.body), asset_url, revision.title)
    except BodyError:
        logger.error(
            "item %s revision %s: stored body is invalid", revision.item_id, revision.number
        )
        return None


# --- changes between revisions --------------------------------------------------------------


def _shown(name: str, value: object, revision: Revision, tz: dt.tzinfo) -> str:
    """Return a field's value as the dossier prints it (labels are message ids)."""
    if value is None or value == "" or value == []:
        return ""
    if name == "catalog_entry_id":
        entry = revision.catalog_entry
        return f"{entry.code} {entry.title}" if entry else ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.datetime):
        return value.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    if hasattr(value, "label"):
        return str(value.label)
    if isinstance(value, list):
        return ", ".join(str(v)[:12] for v in value)
    return str(value)


#: Fields whose values are message ids (translated by the template).
LABELLED = frozenset({"category", "timing", "scope", "notice_kind"})
#: Fields whose values are ``yes`` or ``no``.
FLAGS = frozenset({"major", "urgent"})


def changes(
    older: Revision, newer: Revision, tz: dt.tzinfo, broken: Collection[int] = ()
) -> Changes:
    """Return what changed from ``older`` to ``newer``: the fields, then the body (a table
    row by row, anything else as text). Nothing of a revision that fails its seal."""
    if older.number in broken or newer.number in broken:
        return Changes()
    fields = []
    for name, label in item_rules.DIFF_FIELDS:
        old = _shown(name, getattr(older, name), older, tz)
        new = _shown(name, getattr(newer, name), newer, tz)
        if old == new:
            continue
        diff = (
            rules.text_diff(old, new)
            if name in ("title", "department", "accountable", "stage")
            else None
        )
        fields.append(FieldChange(name, label, old, new, diff))
    translation = translation_changes(older.translation, newer.translation)
    table, text, kinds = body_changes(older.body, newer.body)
    return Changes(
        fields=tuple(fields), table=table, text=text, kinds=kinds, translation=translation
    )


BodyChanges = tuple[rules.TableDiff | None, rules.TextDiff | None, tuple[str, str] | None]


def body_changes(older: object, newer: object, *, words: bool = False) -> BodyChanges:
    """Return what changed from the body ``older`` to ``newer`` (stored JSON): a table row by
    row (with its caption and note as text), anything else as text, and the kinds of body when
    the kind changed; nothing when they are equal or one cannot be read. ``words``: texts
    compared by word (a second language's, whose joined letters a cut would take apart)."""
    if older == newer:
        return None, None, None
    try:
        old_body, new_body = parse_body(older), parse_body(newer)
    except BodyError:
        return None, None, None
    if isinstance(old_body, TableBody) and isinstance(new_body, TableBody):
        new_kinds = column_kinds(list(new_body.columns), new_body.rows)
        table = rules.table_diff(
            old_body.columns,
            _shown_rows(old_body),
            new_body.columns,
            _shown_rows(new_body),
            kinds=new_kinds,
        )
        around = rules.text_diff(
            "\n".join((old_body.caption, old_body.note)),
            "\n".join((new_body.caption, new_body.note)),
            words=words,
        )
        return table, around if around.changed else None, None
    kinds = (old_body.type, new_body.type) if old_body.type != new_body.type else None
    text = rules.text_diff(body_text(old_body), body_text(new_body), words=words)
    if old_body.type in ("image", "pdf") and old_body.type == new_body.type and not text.changed:
        # The same kind of file, another file: say so (its caption did not change).
        kinds = (old_body.type, new_body.type)
    return None, text, kinds


def translation_changes(
    older: Mapping[str, Any] | None, newer: Mapping[str, Any] | None
) -> rules.TranslationChanges | None:
    """Return what changed of a bilingual item's second text from ``older`` to ``newer``
    (stored translations), ``None`` when nothing did."""
    if (older or None) == (newer or None):
        return None
    if not older or not newer:
        gone = not newer
        lang = str((older or newer or {}).get("lang", ""))
        return rules.TranslationChanges(lang, presence="removed" if gone else "added")
    title = rules.text_diff(str(older.get("title", "")), str(newer.get("title", "")), words=True)
    table, text, kinds = body_changes(older.get("body"), newer.get("body"), words=True)
    return rules.TranslationChanges(
        str(newer.get("lang", "")),
        title=title if title.changed else None,
        table=table,
        text=text,
        kinds=kinds,
    )


def _shown_rows(table: TableBody) -> list[list[str]]:
    """Return a table's cells as the screens show them (money as 1,322.40)."""
    kinds = column_kinds(list(table.columns), table.rows)
    return [
        [cell_display(cell, kinds[i] if i < len(kinds) else "text") for i, cell in enumerate(row)]
        for row in table.rows
    ]


# --- the audit trail and the chain ---------------------------------------------------------


def _audit_line(session: Session, record: AuditRecord, names: dict[str, str]) -> AuditLine:
    system = record.actor == "system"
    return AuditLine(
        seq=record.seq,
        at=record.at,
        revision=record.revision,
        action=action_label(record),
        actor="" if system else names.get(record.actor, record.actor),
        role=ROLE_LABELS.get(record.role, record.role),
        state=record.state,
        reason=record.reason,
        content_sha256=record.content_sha256,
        prev_hash=record.prev_hash,
        hash=record.hash,
        genuine=audit.is_genuine(session, record),
    )


def check_chain(session: Session, records: Sequence[AuditRecord], head: audit.Head) -> ChainCheck:
    """Check the audit chain for the dossier: the whole chain with its head log when it has at
    most :data:`FULL_CHECK_LIMIT` records, else the item's own records (their keyed hashes and
    their links to the records before and after them)."""
    started = time.perf_counter()
    if head.seq <= FULL_CHECK_LIMIT:
        # ``verify`` reads in batches and empties its session between them: its own session,
        # on this transaction's connection (it sees what this transaction sees).
        with Session(bind=session.connection()) as reader:
            report = audit.verify(reader, [])
        problem = report.problem
        return ChainCheck(
            ok=report.ok,
            method="full",
            checked=report.checked,
            problem=problem.kind if problem else "",
            problem_seq=problem.seq if problem else 0,
            witnessed=report.witnessed,
            warnings=len(report.warnings),
            seconds=time.perf_counter() - started,
        )
    return _check_item_records(session, records, head, started)


def _check_item_records(
    session: Session, records: Sequence[AuditRecord], head: audit.Head, started: float
) -> ChainCheck:
    wanted = {r.seq - 1 for r in records} | {r.seq + 1 for r in records}
    neighbours: dict[int, tuple[str, str]] = {}
    ordered = sorted(wanted)
    for start in range(0, len(ordered), 500):
        for seq, prev_hash, hash_ in session.execute(
            sa.select(AuditRecord.seq, AuditRecord.prev_hash, AuditRecord.hash).where(
                AuditRecord.seq.in_(ordered[start : start + 500])
            )
        ):
            neighbours[seq] = (prev_hash, hash_)
    for record in records:
        before = neighbours.get(record.seq - 1, ("", ""))[1] if record.seq > 1 else GENESIS
        after = neighbours.get(record.seq + 1, ("", ""))[0] if record.seq < head.seq else None
        kind = ""
        if not audit.is_genuine(session, record):
            kind = "edited"
        elif before != record.prev_hash or after not in (None, record.hash):
            kind = "broken_link"
        elif record.seq > head.seq:
            kind = "sequence"
        if kind:
            return ChainCheck(
                False,
                "item",
                len(records),
                kind,
                record.seq,
                seconds=time.perf_counter() - started,
            )
    return ChainCheck(True, "item", len(records), seconds=time.perf_counter() - started)


# --- proof of play ------------------------------------------------------------------------


def windows_of(item: Item, now: dt.datetime) -> list[Span]:
    """Return when the item was published: the publications of its revisions (the window
    rule's, :func:`signage_server.disclosure.windows.publication`: from publication or
    ``valid_from``, whichever is later, to the end; while it runs, to ``now``), merged."""
    spans = []
    for revision in item.revisions:
        shown = viewing.protection(revision).publication(revision, now)
        if shown is not None:
            spans.append(Span(*shown))
    return rules.merge(spans)


def proof_of_play(session: Session, item: Item, now: dt.datetime) -> Plays:
    """Return, screen by screen, how often and how long the item was shown, with its gaps, and
    the screens that could have shown it (its organisation's subtree, an audience its scope
    fits, the screen existing then) but never reported a play."""
    windows = windows_of(item, now)
    by_screen: dict[int, list[Play]] = {}
    query = (
        sa.select(
            PlayRecord.screen_id, PlayRecord.revision, PlayRecord.started_at, PlayRecord.duration_s
        )
        .where(PlayRecord.item_id == item.id)
        .order_by(PlayRecord.screen_id, PlayRecord.started_at)
        .execution_options(yield_per=5000)
    )
    for screen_id, revision, started_at, seconds in session.execute(query):
        by_screen.setdefault(screen_id, []).append(Play(started_at, float(seconds), revision))
    main = item.live or item.current
    facts = ItemFacts(
        state=State.PUBLISHED,
        scope=main.scope,
        org_path=item.org.path,
        valid_from=None,
        valid_until=None,
        published_at=None,
    )
    first = windows[0].start if windows else None
    last = windows[-1].end if windows else None
    candidates = session.scalars(
        sa.select(Screen)
        .join(Org, Screen.org_id == Org.id)
        .where(
            sa.or_(
                Screen.id.in_(list(by_screen)),
                Org.path.like(item.org.path + "%"),
            )
        )
        .options(selectinload(Screen.org))
        .order_by(Org.path, Screen.name, Screen.id)
    )
    shown: list[ScreenEntry] = []
    never: list[ScreenEntry] = []
    for screen in candidates:
        plays = by_screen.get(screen.id, [])
        if not plays:
            eligible = may_show(facts, ScreenFacts(screen.audience, screen.org.path))
            existed = last is not None and screen.created_at < last
            revoked_before = (
                screen.revoked_at is not None and first is not None and screen.revoked_at < first
            )
            if not (eligible and existed and not revoked_before):
                continue
        own = [
            Span(max(w.start, screen.created_at), w.end)
            for w in windows
            if w.end > screen.created_at
        ]
        entry = ScreenEntry(
            id=screen.id,
            name=screen.name,
            org=screen.org.name,
            location=screen.location,
            audience=screen.audience.label,
            shown=rules.summarise(plays, own),
            active=screen.active,
        )
        (shown if plays else never).append(entry)
    return Plays(
        screens=tuple(shown),
        never=tuple(never),
        windows=tuple(windows),
        gap_hours=rules.GAP.total_seconds() / 3600,
    )


# --- feedback ------------------------------------------------------------------------------


def _feedback(session: Session, item: Item) -> list[FeedbackEntry]:
    """The item's feedback, identities redacted; never a report (举报) nor a complaint (投诉):
    those are handled above the org and never shown to it (``feedback_rules.HANDLED_ABOVE``)."""
    cases = session.scalars(
        sa.select(Case)
        .where(
            Case.item_id == item.id,
            Case.kind.not_in(sorted(feedback_rules.HANDLED_ABOVE)),
            Case.hidden_at.is_(None),
        )
        .options(selectinload(Case.replies), selectinload(Case.screen))
        .order_by(Case.received_at, Case.id)
    )
    entries = []
    for case in cases:
        # The query says so; never print a report or a complaint.
        assert case.kind not in feedback_rules.HANDLED_ABOVE
        names = [case.name] if case.name else []
        intact = replies_intact(session, case)
        entries.append(
            FeedbackEntry(
                receipt=case.receipt,
                kind=case.kind.label,
                received_at=case.received_at,
                state=case.state.label,
                revision=case.revision,
                screen=case.screen.name if case.screen is not None else "",
                channel=case.channel.label if case.channel.recorded else "",
                text=feedback_rules.redact(case.text, names),
                replies=tuple(
                    ReplyEntry(r.published_at, feedback_rules.redact(r.text, names))
                    for r in case.published_replies
                )
                if intact
                else (),
                replies_intact=intact,
                real_name=case.real_name,
            )
        )
    return entries


def _hidden_feedback(session: Session, item: Item) -> int:
    return int(
        session.scalar(
            sa.select(sa.func.count())
            .select_from(Case)
            .where(
                Case.item_id == item.id,
                Case.kind.not_in(sorted(feedback_rules.HANDLED_ABOVE)),
                Case.hidden_at.is_not(None),
            )
        )
        or 0
    )


# --- compliance ------------------------------------------------------------------------------


def _compliance(
    session: Session, item: Item, revision: Revision, now: dt.datetime, tz: dt.tzinfo
) -> ComplianceEntry | None:
    """The compliance of the item's catalog entry for its organisation at ``now``."""
    entry = revision.catalog_entry
    if entry is None:
        return None
    lines = catalog.compliance(session, item.org, now, tz)
    line = next((line for line in lines if line.entry.id == entry.id), None)
    cadence = entry.cadence.label if entry.cadence else None
    if line is None:
        # The entry is no longer in the organisation's catalog (retired or replaced).
        return ComplianceEntry(
            entry.code, entry.title, entry.timing.label, cadence, "", N_("No longer in the catalog")
        )
    result = line.result
    status: ComplianceStatus = result.status
    return ComplianceEntry(
        code=entry.code,
        title=entry.title,
        timing=entry.timing.label,
        cadence=cadence,
        status=status.value,
        status_label=status.label,
        period=result.period,
        deadline=result.deadline,
        since=result.since,
    )
