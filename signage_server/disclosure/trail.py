"""The facts of an item's procedure path and audit trail, looked up for :mod:`.path`: the
audit records of a revision, people's real names and posts instead of login names, and who
holds the roles that take the next step. No Flask."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.rules import POLICY
from signage_server.accounts.rules import Grant
from signage_server.audit.models import AuditRecord
from signage_server.disclosure import path as procedure
from signage_server.disclosure import rules
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import State
from signage_server.disclosure.services import SYSTEM
from signage_server.disclosure.services import merges_review
from signage_server.disclosure.services import procedure_of
from signage_server.orgs.models import Org

#: How many names the page lists for the waiting step before "and N more".
SHOWN_PEOPLE = 4


def display_names(session: Session, usernames: Iterable[str]) -> dict[str, str]:
    """Return the name each user is shown by: real name and post (``王小红（村报账员）``),
    or the login name of an account without one."""
    wanted = {u for u in usernames if u and u != SYSTEM}
    if not wanted:
        return {}
    rows = session.execute(
        sa.select(User.username, User.display_name).where(User.username.in_(wanted))
    )
    found = {username: display or username for username, display in rows}
    return {u: found.get(u, u) for u in wanted}


def ancestor_paths(path: str) -> list[str]:
    """Return the paths of an org and its ancestors: ``/1/4/17/`` → ``/1/``, ``/1/4/``, …"""
    parts = [p for p in path.split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def facts_of(item: Item, revision: Revision) -> procedure.Facts:
    """Return what the path needs of ``revision``; before submission, whether it will need
    the higher review as it stands."""
    if revision.state is State.DRAFT:
        reasons = rules.higher_review_reasons(
            revision.category,
            revision.major,
            revision.catalog_entry_id is not None,
            item.org.settings.get("higher_review_categories", []),
        )
    else:
        reasons = list(revision.higher_review or [])
    needs = bool(reasons) if revision.state is State.DRAFT else revision.needs_superior
    author = revision.author
    return procedure.Facts(
        state=revision.state,
        needs_superior=needs,
        higher_review=tuple(reasons),
        contributors=frozenset(int(c) for c in revision.contributors or []),
        reviewed_by=revision.reviewed_by_id,
        approved_by=revision.approved_by_id,
        merged_review=merges_review(item.org),
        org_path=item.org.path,
        author=author.name if author is not None else "",
        procedure=procedure_of(item, revision),
    )


def records_of(session: Session, item: Item, revision: Revision) -> list[procedure.Record]:
    """Return the audit records of ``revision``, oldest first, with people's display names."""
    found = list(
        session.scalars(
            sa.select(AuditRecord)
            .where(AuditRecord.item_id == item.id, AuditRecord.revision == revision.number)
            .order_by(AuditRecord.seq)
        )
    )
    names = display_names(session, (r.actor for r in found))
    return [procedure.Record(r.action, names.get(r.actor, ""), r.at, r.reason or "") for r in found]


def people_at(session: Session, org: Org) -> list[procedure.Person]:
    """Return the active users holding a procedure role at ``org`` or above it."""
    roles = {role for p in procedure.NEEDS.values() for role in POLICY[p].roles}
    paths = ancestor_paths(org.path)
    grants = session.scalars(
        sa.select(RoleGrant)
        .join(Org, RoleGrant.org_id == Org.id)
        .join(User, RoleGrant.user_id == User.id)
        .where(
            Org.path.in_(paths),
            Org.active.is_(True),
            User.active.is_(True),
            RoleGrant.role.in_(roles),
        )
        .options(selectinload(RoleGrant.user))
    )
    by_user: dict[int, tuple[User, list[Grant]]] = {}
    for grant in grants:
        by_user.setdefault(grant.user_id, (grant.user, []))[1].append(
            Grant(grant.role, grant.org.path)
        )
    depth = len(paths)
    return [
        procedure.Person(
            id=user.id,
            name=user.name,
            grants=tuple(held),
            distance=depth - max(len(ancestor_paths(g.org_path)) for g in held),
        )
        for user, held in by_user.values()
    ]


@dataclass(frozen=True)
class Progress:
    """The path of the revision in the procedure, and who may take its waiting step."""

    path: procedure.Path
    revision: Revision
    #: Names of those who may take the waiting step (the first few), and how many in all.
    who: list[str]
    who_count: int


def progress(session: Session, item: Item, revision: Revision | None = None) -> Progress:
    """Return the path of ``revision`` (default: the item's current one)."""
    revision = revision or item.current
    facts = facts_of(item, revision)
    path = procedure.build(facts, records_of(session, item, revision))
    people = (
        procedure.who_may_take(path.waiting, facts, people_at(session, item.org))
        if path.waiting is not None
        else []
    )
    return Progress(
        path=path,
        revision=revision,
        who=[p.name for p in people[:SHOWN_PEOPLE]],
        who_count=len(people),
    )


def rejected_before(item: Item, revision: Revision) -> Revision | None:
    """Return the revision whose rejection opened the draft ``revision``, if it was one."""
    if revision.state is not State.DRAFT or not revision.returned_reason:
        return None
    previous = item.revision(revision.number - 1)
    return previous if previous is not None and previous.state is State.REJECTED else None
