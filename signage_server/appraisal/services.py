"""The use cases of the democratic appraisal (民主评议), on a ``Session``; no Flask.

The approver's side: :func:`create_appraisal`, :func:`open_appraisal`, :func:`close_appraisal`
(seals the tally), :func:`publish_results` (drafts a disclosure item with the tally, which
then goes through the procedure like any item); each step sealed in the audit chain with no
personal data. The villagers' side: :func:`request_code`, :func:`verify_code`,
:func:`cast_ballot`. Each writing use case commits (or rolls back when it raises).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from collections.abc import Mapping
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import POLICY
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import grant_reaches
from signage_server.appraisal import rules
from signage_server.appraisal.models import Appraisal
from signage_server.appraisal.models import AppraisalSubject
from signage_server.appraisal.models import Ballot
from signage_server.appraisal.models import CodeRequest
from signage_server.appraisal.models import Voter
from signage_server.appraisal.rules import Action
from signage_server.appraisal.rules import CodeCheck
from signage_server.appraisal.rules import CodePolicy
from signage_server.appraisal.rules import State
from signage_server.appraisal.sms import SmsError
from signage_server.appraisal.sms import SmsSender
from signage_server.audit import rules as audit_rules
from signage_server.audit import services as audit
from signage_server.catalog.models import CatalogEntry
from signage_server.catalog.services import entries_for
from signage_server.db import transaction
from signage_server.disclosure import services as disclosure
from signage_server.disclosure.models import Item
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.errors import Conflict
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.errors import Unavailable
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind

# --- reading -------------------------------------------------------------------------------


def get_appraisal(session: Session, appraisal_id: int) -> Appraisal:
    """:raise NotFound: no such appraisal."""
    found = session.get(Appraisal, appraisal_id)
    if found is None:
        raise NotFound(N_("No such appraisal."), code="not_found")
    return found


def visible_appraisal(
    session: Session, principal: Principal, appraisal_id: int, permission: Permission
) -> Appraisal:
    """Return the appraisal if ``principal`` has ``permission`` at its village.

    :raise NotFound: no such appraisal. :raise PermissionDenied: outside the caller's reach.
    """
    appraisal = get_appraisal(session, appraisal_id)
    principal.require(permission, appraisal.org)
    return appraisal


def readable_appraisal(
    session: Session, principal: Principal, appraisal_id: int, now: dt.datetime
) -> Appraisal:
    """Return the appraisal if ``principal`` may read its page: whoever sees results at its
    village (live, while voting), and its editors once voting is over (they draft the
    results item).

    :raise NotFound: no such appraisal. :raise PermissionDenied: outside the caller's reach.
    """
    appraisal = get_appraisal(session, appraisal_id)
    if not (
        phase_of(appraisal, now) is rules.Phase.OVER
        and principal.can(Permission.DRAFT_ITEMS, appraisal.org)
    ):
        principal.require(Permission.SEE_APPRAISAL_RESULTS, appraisal.org)
    return appraisal


def list_appraisals(session: Session, principal: Principal, now: dt.datetime) -> list[Appraisal]:
    """Return the appraisals the caller may read (see :func:`readable_appraisal`), newest
    year first."""
    over = sa.or_(
        Appraisal.state.in_([State.CLOSED, State.PUBLISHED]),
        sa.and_(Appraisal.state == State.OPEN, Appraisal.closes_at <= now),
    )
    query = (
        sa.select(Appraisal)
        .join(Org, Appraisal.org_id == Org.id)
        .where(
            sa.or_(
                principal.org_condition(Permission.SEE_APPRAISAL_RESULTS),
                sa.and_(principal.org_condition(Permission.DRAFT_ITEMS), over),
            )
        )
        .order_by(Appraisal.year.desc(), Org.code)
    )
    return list(session.scalars(query))


def villages_managed(session: Session, principal: Principal) -> list[Org]:
    """Return the villages where the caller may create appraisals."""
    query = (
        sa.select(Org)
        .where(principal.org_condition(Permission.MANAGE_APPRAISALS), Org.kind == OrgKind.VILLAGE)
        .order_by(Org.code)
    )
    return list(session.scalars(query))


def _ballot_answers(session: Session, appraisal: Appraisal) -> list[list[dict[str, object]]]:
    query = sa.select(Ballot.answers).where(Ballot.appraisal_id == appraisal.id).order_by(Ballot.id)
    return [list(answers) for answers in session.scalars(query)]


def tally_of(session: Session, appraisal: Appraisal) -> rules.Tally:
    """Count the appraisal's ballots (live while voting)."""
    ballots = _ballot_answers(session, appraisal)
    return rules.tally(
        [s.id for s in appraisal.subjects],
        ([(int(str(a["subject"])), str(a["rating"])) for a in ballot] for ballot in ballots),
    )


def comments_of(session: Session, appraisal: Appraisal) -> dict[int, list[str]]:
    """Return the comments per subject (for the approver's page only; never public)."""
    found: dict[int, list[str]] = {s.id: [] for s in appraisal.subjects}
    for ballot in _ballot_answers(session, appraisal):
        for answer in ballot:
            comment = str(answer.get("comment") or "")
            subject = int(str(answer["subject"]))
            if comment and subject in found:
                found[subject].append(comment)
    for comments in found.values():
        comments.sort()  # not in the order they came
    return found


def tally_sha256(tally: rules.Tally) -> str:
    return audit_rules.sha256_hex(audit_rules.canonical_json(tally.as_json()))


# --- the approver's side --------------------------------------------------------------------


@dataclass(frozen=True)
class Draft:
    """What the approver gives for a new appraisal."""

    year: int
    title: str
    opens_at: dt.datetime
    closes_at: dt.datetime
    #: The committee's members as (name, post), besides the committee as a whole.
    members: tuple[tuple[str, str], ...] = ()


def _role(actor: Principal, permission: Permission, org: Org) -> str:
    """Return the role in which ``actor`` holds ``permission`` at ``org`` (for the record)."""
    rule = POLICY[permission]
    for grant in actor.grants:
        if grant.role in rule.roles and grant_reaches(grant, rule.reach, org.path):
            return grant.role.value
    return ""


def _seal(
    session: Session,
    appraisal: Appraisal,
    actor: Principal,
    permission: Permission,
    action: Action,
    now: dt.datetime,
    details: Mapping[str, object] | None = None,
) -> None:
    """Seal a step in the audit chain: ids, states, counts and hashes, no personal data."""
    audit.record_event(
        session,
        subject=audit_rules.APPRAISAL,
        subject_id=appraisal.id,
        actor=actor.user.username,
        role=_role(actor, permission, appraisal.org),
        action=action.value,
        reason="",
        at=now,
        state=appraisal.state.value,
        details={"org": appraisal.org.code, "year": appraisal.year, **(details or {})},
    )


def create_appraisal(
    session: Session, principal: Principal, org: Org, draft: Draft, now: dt.datetime
) -> Appraisal:
    """Draft the appraisal of ``org``'s committee for ``draft.year``.

    :raise PermissionDenied: the caller may not manage appraisals there.
    :raise RuleViolation: not a village; an empty or too long period; a bad title or member.
    :raise Conflict: the village has an appraisal for that year already.
    """
    principal.require(Permission.MANAGE_APPRAISALS, org)
    if org.kind is not OrgKind.VILLAGE:
        raise RuleViolation(N_("Democratic appraisals are held in villages."), code="not_a_village")
    title = " ".join(draft.title.split())[: rules.TITLE_MAX]
    if not title:
        raise RuleViolation(N_("Give the appraisal a title."), code="invalid_title")
    rules.check_period(draft.opens_at, draft.closes_at)
    members = [
        (rules.clean_text(name, rules.NAME_MAX), rules.clean_text(post, rules.POST_MAX))
        for name, post in draft.members
        if name.strip()
    ]
    if len(members) > rules.MEMBERS_MAX:
        raise RuleViolation(N_("At most 15 members can be appraised."), code="too_many_members")
    with transaction(session):
        taken = session.scalar(
            sa.select(Appraisal.id).where(Appraisal.org_id == org.id, Appraisal.year == draft.year)
        )
        if taken is not None:
            raise Conflict(
                N_("This village has an appraisal for that year already."), code="duplicate"
            )
        appraisal = Appraisal(
            org=org,
            year=draft.year,
            title=title,
            opens_at=draft.opens_at,
            closes_at=draft.closes_at,
            state=State.DRAFT,
            created_by=principal.user,
            created_at=now,
        )
        subjects = [AppraisalSubject(position=0, name=rules.COMMITTEE, post="")]
        subjects += [
            AppraisalSubject(position=i, name=name, post=post)
            for i, (name, post) in enumerate(members, start=1)
        ]
        appraisal.subjects = subjects
        session.add(appraisal)
        session.flush()
        _seal(session, appraisal, principal, Permission.MANAGE_APPRAISALS, Action.CREATE, now)
    return appraisal


def open_appraisal(
    session: Session, principal: Principal, appraisal: Appraisal, now: dt.datetime
) -> None:
    """Open the appraisal: the villagers vote from ``opens_at`` until ``closes_at``.

    :raise PermissionDenied, Conflict: see :func:`rules.check_can_open`.
    """
    principal.require(Permission.MANAGE_APPRAISALS, appraisal.org)
    rules.check_can_open(appraisal.state, appraisal.closes_at, now)
    with transaction(session):
        appraisal.state = State.OPEN
        appraisal.opened_at = now
        _seal(session, appraisal, principal, Permission.MANAGE_APPRAISALS, Action.OPEN, now)


def _close(
    session: Session, principal: Principal, appraisal: Appraisal, now: dt.datetime
) -> rules.Tally:
    appraisal.state = State.CLOSED
    appraisal.closed_at = now
    # No more codes under way: nothing of the numbers is kept once voting ended.
    session.execute(sa.delete(CodeRequest).where(CodeRequest.appraisal_id == appraisal.id))
    tally = tally_of(session, appraisal)
    _seal(
        session,
        appraisal,
        principal,
        Permission.MANAGE_APPRAISALS,
        Action.CLOSE,
        now,
        {"ballots": tally.ballots, "tally_sha256": tally_sha256(tally)},
    )
    return tally


def close_appraisal(
    session: Session, principal: Principal, appraisal: Appraisal, now: dt.datetime
) -> rules.Tally:
    """Close the appraisal (early, or after its period) and seal its tally in the audit chain.

    :raise PermissionDenied, Conflict: see :func:`rules.check_can_close`.
    """
    principal.require(Permission.MANAGE_APPRAISALS, appraisal.org)
    rules.check_can_close(appraisal.state)
    with transaction(session):
        return _close(session, principal, appraisal, now)


def catalog_entry_for(session: Session, org: Org) -> CatalogEntry | None:
    """Return the org's catalog entry for the appraisal's results: a periodic entry whose
    title names the democratic appraisal (民主评议), if the catalog has one."""
    for entry in entries_for(session, org):
        if entry.timing is Timing.PERIODIC and "民主评议" in entry.title:
            return entry
    return None


def publish_results(
    session: Session, principal: Principal, appraisal: Appraisal, env: disclosure.Env
) -> Item:
    """Draft a disclosure item with the appraisal's tally (a table) at its village, link it,
    and mark the results published. The item is a DRAFT: it goes through review, sign-off
    and publication like any item. An appraisal still open past its period is closed first.

    The caller drafts the item, so needs the editor's permission at the village (the drafter
    of an item is never its reviewer or approver).

    :raise PermissionDenied: the caller may not draft items there.
    :raise Conflict: see :func:`rules.check_can_publish`.
    """
    principal.require(Permission.DRAFT_ITEMS, appraisal.org)
    rules.check_can_publish(appraisal.state, appraisal.closes_at, env.now)
    with transaction(session):
        if appraisal.state is State.OPEN:
            tally = _close(session, principal, appraisal, env.now)
        else:
            tally = tally_of(session, appraisal)
        entry = catalog_entry_for(session, appraisal.org)
        names = {s.id: s.label for s in appraisal.subjects}
        fields = disclosure.Fields(
            title=f"{appraisal.title}结果公开",
            category=entry.category if entry else Category.VILLAGE_AFFAIRS,
            timing=Timing.PERIODIC,
            scope=Scope.PUBLIC,
            body=rules.results_table(tally, names),
            department="村务监督委员会",
            catalog_entry=entry,
        )
        item = disclosure.create_item(session, appraisal.org, principal, fields, env)
        appraisal.item = item
        appraisal.state = State.PUBLISHED
        appraisal.published_at = env.now
        session.flush()
        _seal(
            session,
            appraisal,
            principal,
            Permission.DRAFT_ITEMS,
            Action.PUBLISH,
            env.now,
            {"item": item.id, "ballots": tally.ballots, "tally_sha256": tally_sha256(tally)},
        )
    return item


def appraisal_states(session: Session) -> Iterator[audit_rules.Current]:
    """Yield every appraisal's state as stored now, for ``audit verify``: its state, and once
    closed the hash of its tally (a ballot added, removed or changed afterwards is found)."""
    for appraisal in session.scalars(sa.select(Appraisal).order_by(Appraisal.id)):
        details: dict[str, object] = {}
        if appraisal.state in (State.CLOSED, State.PUBLISHED):
            tally = tally_of(session, appraisal)
            details = {"ballots": tally.ballots, "tally_sha256": tally_sha256(tally)}
        yield audit_rules.Current(
            subject=audit_rules.APPRAISAL,
            subject_id=appraisal.id,
            revision=None,
            state=appraisal.state.value,
            label=f"appraisal {appraisal.id}",
            details=details,
        )


# --- the villagers' side ---------------------------------------------------------------------


def phase_of(appraisal: Appraisal, now: dt.datetime) -> rules.Phase:
    return rules.phase(appraisal.state, appraisal.opens_at, appraisal.closes_at, now)


def resolve(session: Session, appraisal_id: int | None) -> Appraisal:
    """Return the appraisal a public code named; a draft is not public.

    :raise NotFound: a bad code, no such appraisal, or a draft.
    """
    found = session.get(Appraisal, appraisal_id) if appraisal_id is not None else None
    if found is None or found.state is State.DRAFT:
        raise NotFound(N_("No such appraisal."), code="not_found")
    return found


def _voted(session: Session, appraisal: Appraisal, voter: str) -> bool:
    query = sa.select(Voter.voter).where(Voter.appraisal_id == appraisal.id, Voter.voter == voter)
    return session.scalar(query) is not None


def _already_voted() -> Conflict:
    return Conflict(
        N_("This mobile number has voted in this appraisal already. Thank you."),
        code="already_voted",
    )


def request_code(
    session: Session,
    appraisal: Appraisal,
    phone: str,
    *,
    key: bytes,
    sender: SmsSender,
    policy: CodePolicy,
    now: dt.datetime,
) -> str:
    """Send a one-time code to ``phone`` (normalised) and return the ticket that names the
    request (the page carries it; only its hash is stored).

    Whether the number voted already is not told here (nobody learns it without the phone).

    :raise Conflict: voting is not open; too many codes for this number this hour.
    :raise Unavailable: the code could not be sent.
    """
    rules.check_can_vote(phase_of(appraisal, now))
    voter = rules.voter_digest(key, appraisal.id, phone)
    with transaction(session):
        _forget_old(session, appraisal, now)
        sent = session.scalar(
            sa.select(sa.func.count())
            .select_from(CodeRequest)
            .where(CodeRequest.appraisal_id == appraisal.id, CodeRequest.voter == voter)
        )
        if not rules.may_send(policy, sent or 0):
            raise Conflict(
                N_("Too many codes for this number: please try again in an hour."),
                code="too_many_codes",
            )
        ticket, code = rules.new_ticket(), rules.new_code()
        session.add(
            CodeRequest(
                appraisal_id=appraisal.id,
                ticket=rules.ticket_digest(ticket),
                voter=voter,
                code_digest=rules.code_digest(key, ticket, code),
                sent_at=now,
            )
        )
        session.flush()
        try:
            sender.send(phone, rules.sms_text(code, appraisal.title))
        except SmsError:
            raise Unavailable(
                N_("The code could not be sent. Please try again later."), code="sms_failed"
            ) from None
    return ticket


def _forget_old(session: Session, appraisal: Appraisal, now: dt.datetime) -> None:
    """Delete the code requests sent more than an hour ago (expired, and out of the hourly
    quota): nothing kept without need. Closing the appraisal deletes the rest."""
    session.execute(
        sa.delete(CodeRequest).where(
            CodeRequest.appraisal_id == appraisal.id,
            CodeRequest.sent_at < now - dt.timedelta(hours=1),
        )
    )


#: The code digest of a request that is used up (the number voted): no code matches it.
USED_UP = ""


def _use_up(session: Session, appraisal: Appraisal, voter: str) -> None:
    """Make the number's code requests unusable, and keep them until their hour has passed:
    deleted now, they would give the number its quota back, and whoever asked for codes to
    it before and after would learn that it voted."""
    session.execute(
        sa.update(CodeRequest)
        .where(CodeRequest.appraisal_id == appraisal.id, CodeRequest.voter == voter)
        .values(code_digest=USED_UP, verified_at=None)
    )


def _request(session: Session, appraisal: Appraisal, ticket: str) -> CodeRequest:
    found = session.scalar(
        sa.select(CodeRequest).where(
            CodeRequest.appraisal_id == appraisal.id,
            CodeRequest.ticket == rules.ticket_digest(ticket or ""),
            CodeRequest.code_digest != USED_UP,
        )
    )
    if found is None:
        raise Conflict(
            N_("This code request is unknown or used up. Please ask for a new code."),
            code="unknown_ticket",
        )
    return found


@dataclass(frozen=True)
class Checked:
    outcome: CodeCheck
    tries_left: int


def verify_code(
    session: Session,
    appraisal: Appraisal,
    ticket: str,
    code: str,
    *,
    key: bytes,
    policy: CodePolicy,
    now: dt.datetime,
) -> Checked:
    """Check a typed code; a wrong one counts as a try (kept), the fifth locks the request.

    :raise Conflict: voting is not open; unknown ticket; the number voted already.
    """
    rules.check_can_vote(phase_of(appraisal, now))
    voted = False
    with transaction(session):
        request = _request(session, appraisal, ticket)
        outcome = rules.check_code(
            policy=policy,
            sent_at=request.sent_at,
            tries=request.tries,
            expected_digest=request.code_digest,
            typed_digest=rules.code_digest(key, ticket, code.strip()),
            now=now,
        )
        if outcome is CodeCheck.WRONG:
            request.tries += 1
            if request.tries >= policy.tries:
                outcome = CodeCheck.LOCKED
        elif outcome is CodeCheck.OK:
            voted = _voted(session, appraisal, request.voter)
            if voted:
                # Nothing more to do for this number: its requests are used up.
                _use_up(session, appraisal, request.voter)
            else:
                request.verified_at = now
        checked = Checked(outcome, max(policy.tries - request.tries, 0))
    if outcome is CodeCheck.OK and voted:
        raise _already_voted()
    return checked


def cast_ballot(
    session: Session,
    appraisal: Appraisal,
    ticket: str,
    answers: Mapping[int, rules.Answer],
    *,
    policy: CodePolicy,
    now: dt.datetime,
) -> None:
    """Record a ballot for the checked number behind ``ticket``: the voter's HMAC in one
    table, the anonymous answers in another, in one transaction that writes the ballots
    afresh (:func:`_mix_in`); the number's code requests are used up (:func:`_use_up`).

    :raise Conflict: voting is not open; the code was not checked or its time ran out; the
        number voted already.
    :raise RuleViolation: a subject is unanswered.
    """
    rules.check_can_vote(phase_of(appraisal, now))
    ballot = rules.check_ballot([s.id for s in appraisal.subjects], answers)
    with transaction(session):
        _take_turn(session, appraisal)
        request = _request(session, appraisal, ticket)
        if request.verified_at is None or now >= request.verified_at + policy.ballot_time:
            raise Conflict(
                N_("Your code is not checked or has run out. Please ask for a new code."),
                code="not_verified",
            )
        voter = request.voter
        if _voted(session, appraisal, voter):
            raise _already_voted()
        _use_up(session, appraisal, voter)
        _forget_old(session, appraisal, now)
        session.add(Voter(appraisal_id=appraisal.id, voter=voter))
        try:
            session.flush()
        except IntegrityError:
            raise _already_voted() from None
        _mix_in(
            session,
            appraisal,
            [
                {
                    "subject": a.subject,
                    "rating": a.rating.value,
                    "comment": rules.clean_text(a.comment, rules.COMMENT_MAX),
                }
                for a in ballot
            ],
        )


def _take_turn(session: Session, appraisal: Appraisal) -> None:
    """Lock the appraisal's row: casts of one appraisal take turns, so no two rewrite its
    ballots at once (SQLite's writers take turns anyway; it ignores the lock)."""
    session.execute(sa.select(Appraisal.id).where(Appraisal.id == appraisal.id).with_for_update())


#: How many ballots cast earlier are written again with each new one.
MIX = 64


def _mix_in(session: Session, appraisal: Appraisal, answers: list[dict[str, object]]) -> None:
    """Add a ballot by writing it together with up to :data:`MIX` ballots cast earlier (all
    of them while there are fewer), under new random ids and in the order of those ids.

    The voter's marker is written in this transaction too. Adding the one ballot alone would
    let a reader of the database pair them: PostgreSQL keeps rows in the order they came
    (``ctid``) and stamps each with its transaction (``xmin``), in both tables. Mixed in,
    the ballot shares its transaction and its stretch of the table with the others written
    with it, and every later vote may carry it on into another group; the ids of earlier
    reads are gone. Which earlier ballots go along is random: those from a random point of
    the (random) ids on. The cost stays the same however many have voted (``signage bench
    appraisal``): rewriting them all would leave PostgreSQL a dead copy of every ballot at
    every vote until the vacuum comes.
    """
    start = rules.new_ballot_id()
    mine = Ballot.appraisal_id == appraisal.id
    picked = list(
        session.scalars(
            sa.select(Ballot.id).where(mine, Ballot.id >= start).order_by(Ballot.id).limit(MIX)
        )
    )
    if len(picked) < MIX:  # round the end of the ids to their beginning
        picked += session.scalars(
            sa.select(Ballot.id)
            .where(mine, Ballot.id < start)
            .order_by(Ballot.id)
            .limit(MIX - len(picked))
        )
    kept = session.scalars(
        sa.delete(Ballot).where(mine, Ballot.id.in_(picked)).returning(Ballot.answers)
    ).all()
    rows = [
        {"id": rules.new_ballot_id(), "appraisal_id": appraisal.id, "answers": one}
        for one in [*kept, answers]
    ]
    rows.sort(key=lambda row: str(row["id"]))
    session.execute(sa.insert(Ballot), rows)
