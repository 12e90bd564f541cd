"""Feedback visibility is one rule: the SQL that selects cases for every list, count and export
(``services.visibility.visible_condition``, through ``services.inbox.cases_query``) returns
exactly the cases the pure rule (``rules.can_see``) lets a caller see.

Hypothesis generates an organisation tree (a county, townships, villages), people with
grants of any role at any org, and cases of every kind about any org (reports and complaints
handled by the parent, as the form routes them; questions on village affairs seen by the
village's own reviewer); then, for each person, the database's answer is compared
with the pure rule's, on SQLite and on PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import Flask
from hypothesis import HealthCheck
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st

from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Role
from signage_server.extensions import db
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.rules import CaseState
from signage_server.feedback.rules import Kind
from signage_server.feedback.rules import Source
from signage_server.feedback.services import inbox
from signage_server.feedback.services import visibility
from signage_server.feedback.services.intake import handling_org
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.services import add_org
from tests.conftest import NOW
from tests.conftest import wipe


@dataclass(frozen=True)
class World:
    #: Villages under each township (the county is org 0, then townships and villages in order).
    villages: tuple[int, ...]
    #: Each person's grants: (role, org index).
    people: tuple[tuple[tuple[Role, int], ...], ...]
    #: Each case: (kind, index of the org it is about, hidden).
    cases: tuple[tuple[Kind, int, bool], ...]


MAX_ORGS = 1 + 3 + 3 * 3

worlds = st.builds(
    World,
    villages=st.lists(st.integers(0, 3), min_size=1, max_size=3).map(tuple),
    people=st.lists(
        st.lists(
            st.tuples(st.sampled_from(list(Role)), st.integers(0, MAX_ORGS - 1)), max_size=4
        ).map(tuple),
        min_size=1,
        max_size=5,
    ).map(tuple),
    cases=st.lists(
        st.tuples(st.sampled_from(list(Kind)), st.integers(0, MAX_ORGS - 1), st.booleans()),
        min_size=1,
        max_size=14,
    ).map(tuple),
)


def _build(world: World) -> tuple[list[Org], list[Case]]:
    session = db.session
    county = add_org(session, code="C", name="清源县", kind=OrgKind.COUNTY, parent=None)
    orgs = [county]
    for t, count in enumerate(world.villages):
        township = add_org(
            session, code=f"T{t}", name=f"镇{t}", kind=OrgKind.TOWNSHIP, parent=county
        )
        orgs.append(township)
        for v in range(count):
            orgs.append(
                add_org(
                    session,
                    code=f"T{t}V{v}",
                    name=f"村{t}-{v}",
                    kind=OrgKind.VILLAGE,
                    parent=township,
                )
            )
    cases = []
    for n, (kind, index, hidden) in enumerate(world.cases):
        org = orgs[index % len(orgs)]
        case = Case(
            receipt=rules.new_receipt(),
            kind=kind,
            state=CaseState.RECEIVED,
            source=Source.POSTER,
            org=org,
            handling_org=handling_org(session, org, kind),
            text=f"第{n}条意见",
            received_at=NOW,
            decision=rules.received_decision(kind),
            decision_reason="",
            hidden_reason="",
            hidden_at=NOW if hidden else None,
        )
        session.add(case)
        cases.append(case)
    session.commit()
    return orgs, cases


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(
    # A report and a request about a village, a question about a township, a report about
    # the county (handled by the county itself); people at every level in every role that
    # sees feedback, and some that do not.
    World(
        villages=(2, 1),
        people=(
            ((Role.DISCIPLINE, 1),),
            ((Role.HANDLER, 2),),
            ((Role.SUPERIOR, 1), (Role.SUPERVISOR, 4)),
            ((Role.SUPERIOR, 2),),
            ((Role.DISCIPLINE, 0), (Role.HANDLER, 0)),
            ((Role.ADMIN, 0), (Role.EDITOR, 2)),
            (),
        ),
        cases=(
            (Kind.REPORT, 2, False),
            (Kind.REQUEST, 2, False),
            (Kind.QUESTION, 1, False),
            (Kind.REPORT, 0, False),
            (Kind.COMMENT, 4, True),
            (Kind.REQUEST, 0, False),
        ),
    )
)
@example(
    # Complaints about a village (handled by the township's handlers, never by the village's
    # own), questions on village affairs (the village's reviewer, exactly there, answers;
    # handlers read), an objection to a voter list; reviewers at every level.
    World(
        villages=(2, 1),
        people=(
            ((Role.HANDLER, 2),),
            ((Role.HANDLER, 1),),
            ((Role.REVIEWER, 2),),
            ((Role.REVIEWER, 1),),
            ((Role.SUPERVISOR, 2), (Role.REVIEWER, 3)),
            ((Role.DISCIPLINE, 1),),
            ((Role.HANDLER, 0),),
        ),
        cases=(
            (Kind.COMPLAINT, 2, False),
            (Kind.COMPLAINT, 1, False),
            (Kind.AFFAIRS_QUESTION, 2, False),
            (Kind.AFFAIRS_QUESTION, 3, True),
            (Kind.OBJECTION, 2, False),
            (Kind.COMPLAINT, 0, False),
        ),
    )
)
@given(world=worlds)
def test_the_sql_listing_shows_exactly_what_the_rule_allows(app: Flask, world: World) -> None:
    with app.app_context():
        db.session.rollback()
        wipe(db.engine)
        orgs, cases = _build(world)
        for n, grants in enumerate(world.people):
            held = [Grant(role, orgs[index % len(orgs)].path) for role, index in grants]
            principal = Principal(User(username=f"person{n}"), held)
            allowed = {c.id for c in cases if rules.can_see(held, c.kind, c.handling_org.path)}
            selected = set(
                db.session.scalars(
                    sa.select(Case.id).where(visibility.visible_condition(principal))
                )
            )
            assert selected == allowed, (grants, world.cases)
            listed = set()
            for hidden in (False, True):
                query = inbox.cases_query(db.session, principal, inbox.Filters(hidden=hidden), NOW)
                listed |= {c.id for c in db.session.scalars(query)}
            assert listed == allowed, (grants, world.cases)
            # The pure rule, case by case, as the services apply it to one case.
            assert {c.id for c in cases if visibility.can_see(principal, c)} == allowed
            # Complaints and reports never reach anybody of the org they are about (unless
            # that org has no parent and handles them itself).
            for case in cases:
                if case.kind in rules.HANDLED_ABOVE and case.org.parent_id is not None:
                    own = [g for g in held if g.org_path == case.org.path]
                    assert not rules.can_see(own, case.kind, case.handling_org.path)
