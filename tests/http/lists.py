"""Many rows, quickly: direct model inserts for the tests of lists (paging, search, filters).

The procedure is not the subject of these tests, so rows are written straight into the
tables, with the fields the lists show and filter on. Call inside an app context.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.rules import Role
from signage_server.audit import services as audit
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.feedback import rules as feedback_rules
from signage_server.feedback.models import Case
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Kind
from signage_server.feedback.rules import Source
from signage_server.orgs.models import Org
from signage_server.screens.models import Screen
from signage_server.screens.rules import Audience
from tests.conftest import NOW


def org(session: Session, code: str) -> Org:
    return session.scalars(sa.select(Org).where(Org.code == code)).one()


def user(session: Session, username: str) -> User:
    return session.scalars(sa.select(User).where(User.username == username)).one()


def add_items(
    session: Session,
    code: str,
    count: int,
    *,
    title: str = "分页测试事项",
    state: State = State.DRAFT,
    category: Category = Category.VILLAGE_AFFAIRS,
    author: str | None = None,
    contributors: list[str] | None = None,
    start: dt.datetime = NOW - dt.timedelta(days=30),
    step: dt.timedelta = dt.timedelta(hours=1),
    returned_reason: str = "",
    **fields: Any,
) -> list[Item]:
    """Insert ``count`` items of org ``code``, titled ``<title> 001`` …, updated one ``step``
    apart from ``start`` on (the newest last). Submitted states get ``submitted_at`` too."""
    where = org(session, code)
    drafter = user(session, author) if author else None
    helpers = [user(session, name).id for name in contributors or []]
    if drafter is not None and drafter.id not in helpers:
        helpers.append(drafter.id)
    items = []
    for n in range(1, count + 1):
        at = (start + step * (n - 1)).astimezone(dt.UTC)
        name = f"{title} {n:03d}"
        item = Item(org=where, created_at=at, updated_at=at, current_number=1)
        item.revisions.append(
            Revision(
                number=1,
                state=state,
                title=name,
                category=category,
                timing=Timing.PERIODIC,
                scope=Scope.PUBLIC,
                body={"type": "text", "text": name, "format": "plain"},
                content_sha256=hashlib.sha256(name.encode()).hexdigest(),
                author=drafter,
                contributors=helpers,
                created_at=at,
                updated_at=at,
                submitted_at=at if state is not State.DRAFT else None,
                returned_reason=returned_reason,
                **fields,
            )
        )
        items.append(item)
    session.add_all(items)
    session.flush()
    return items


def audit_items(session: Session, items: list[Item], actor: str, role: str = "editor") -> None:
    """Seal a ``create`` record of each item into the audit chain, at its creation time."""
    for item in items:
        revision = item.current
        audit.append(
            session,
            item_id=item.id,
            revision=revision.number,
            content_sha256=revision.content_sha256,
            actor=actor,
            role=role,
            action="create",
            reason="",
            at=item.created_at,
            state=revision.state.value,
        )


def add_cases(
    session: Session,
    code: str,
    count: int,
    *,
    kind: Kind = Kind.COMMENT,
    text: str = "分页测试意见",
    state: CaseState = CaseState.RECEIVED,
    start: dt.datetime = NOW - dt.timedelta(days=3),
    step: dt.timedelta = dt.timedelta(minutes=10),
    **fields: Any,
) -> list[Case]:
    """Insert ``count`` feedback cases about org ``code`` (reports handled by its parent)."""
    about = org(session, code)
    handling = about
    if kind is Kind.REPORT and about.parent_id is not None:
        handling = session.get(Org, about.parent_id) or about
    cases = []
    for n in range(1, count + 1):
        cases.append(
            Case(
                receipt=feedback_rules.new_receipt(),
                kind=kind,
                state=state,
                source=Source.POSTER,
                org=about,
                handling_org=handling,
                text=f"{text} {n:03d}",
                received_at=(start + step * (n - 1)).astimezone(dt.UTC),
                **fields,
            )
        )
    session.add_all(cases)
    session.flush()
    return cases


def add_screens(
    session: Session,
    code: str,
    count: int,
    *,
    name: str = "分页测试屏",
    location: str = "",
    **fields: Any,
) -> list[Screen]:
    where = org(session, code)
    screens = [
        Screen(
            org=where,
            name=f"{name} {n:03d}",
            location=location,
            **{"audience": Audience.PUBLIC, **fields},
        )
        for n in range(1, count + 1)
    ]
    session.add_all(screens)
    session.flush()
    return screens


def add_users(
    session: Session,
    code: str,
    count: int,
    *,
    prefix: str = "paging",
    display: str = "分页测试用户",
    role: Role | None = Role.EDITOR,
    active: bool = True,
) -> list[User]:
    where = org(session, code)
    users = []
    for n in range(1, count + 1):
        person = User(
            username=f"{prefix}{n:03d}",
            display_name=f"{display}{n:03d}",
            home_org=where,
            active=active,
        )
        if role is not None:
            person.grants.append(RoleGrant(org=where, role=role))
        users.append(person)
    session.add_all(users)
    session.flush()
    return users
