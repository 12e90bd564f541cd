"""Who sees a case, who handles it, who reviews its refusal: the pure rule
(``rules.SEEING``/``rules.HANDLING``) applied to one case, and its SQL form for lists.

:func:`visible_condition` is generated from the same table as :func:`rules.can_see
<signage_server.feedback.rules.can_see>`; ``tests/http/test_feedback_visibility_property.py``
holds the two equal on SQLite and PostgreSQL. A case the caller may not see is a 404,
never a 403, so that its existence does not leak either.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts.permissions import Principal
from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.errors import NotFound
from signage_server.feedback import rules
from signage_server.feedback.models import Case
from signage_server.feedback.rules import Capacity
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.models import within


def reach_condition(
    reaches: Iterable[rules.Reach], grants: Iterable[Grant]
) -> sa.ColumnElement[bool]:
    """Return, as an SQL condition on :class:`Case`, whether ``grants`` reach a case through
    one of ``reaches`` (the SQL form of :meth:`rules.Reach.grants_reach`)."""
    held = list(grants)
    in_reach = (
        sa.select(Org.id)
        .where(
            Org.id == Case.handling_org_id,
            sa.or_(
                sa.false(),
                *(
                    sa.and_(
                        Case.kind.in_(sorted(reach.kinds)),
                        Org.path.in_(sorted({g.org_path for g in held if g.role in reach.roles}))
                        if reach.exact
                        else within(
                            [g.org_path for g in held if g.role in reach.roles],
                            strict=reach.strict,
                        ),
                    )
                    for reach in reaches
                ),
            ),
        )
        .correlate_except(Org)
    )
    return in_reach.exists()


def visible_condition(principal: Principal) -> sa.ColumnElement[bool]:
    """Return an SQL condition on :class:`Case` matching the cases ``principal`` may see
    (:data:`rules.SEEING <signage_server.feedback.rules.SEEING>`)."""
    return reach_condition(rules.SEEING, principal.grants)


def can_see(principal: Principal, case: Case) -> bool:
    return rules.can_see(principal.grants, case.kind, case.handling_org.path)


def can_handle(principal: Principal, case: Case) -> bool:
    return rules.can_handle(principal.grants, case.kind, case.handling_org.path)


def handling_role(principal: Principal, case: Case) -> Role | None:
    """Return the role in which ``principal`` acts on ``case`` as its handler (``discipline``,
    ``handler`` or, on questions about village affairs, ``reviewer``), if any."""
    path = case.handling_org.path
    return next((g.role for g in principal.grants if rules.can_handle([g], case.kind, path)), None)


def can_see_identity(principal: Principal, case: Case) -> bool:
    return rules.can_see_identity(principal.grants, case.kind, case.handling_org.path)


def can_review_refusal(principal: Principal, case: Case) -> bool:
    """Tell whether ``principal`` gives the higher review of a refusal (the parent's superior)."""
    return principal.can(Permission.SUPERIOR_APPROVE_ITEMS, case.org)


def capacities(principal: Principal, case: Case) -> frozenset[Capacity]:
    """Return the capacities in which ``principal`` may act on ``case`` (for the workflow)."""
    held = set()
    if can_handle(principal, case):
        held.add(Capacity.HANDLER)
    if can_review_refusal(principal, case):
        held.add(Capacity.REVIEWER)
    if can_see(principal, case) and principal.can(Permission.DRAFT_ITEMS, case.org):
        held.add(Capacity.DRAFTER)
    return frozenset(held)


def visible_case(session: Session, principal: Principal, case_id: int) -> Case:
    """Return a case the caller may see.

    :raise NotFound: no such case, or one the caller may not know exists.
    """
    case = session.get(Case, case_id)
    if case is None or not can_see(principal, case):
        raise NotFound(N_("No such feedback case."), code="not_found")
    return case
