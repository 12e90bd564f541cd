"""Pure rules of roles and permissions (DESIGN.md §1), user names, passwords, the login
lockout. No Flask, no database session; a broken rule raises a shared error of
``signage_server.errors``. The use cases applying them live in ``accounts.services``.

A role is granted to a user at one organisation and reaches that organisation's whole
subtree. Each permission names the roles that carry it and how far a grant reaches:

* ``SUBTREE`` - the org of the grant and everything below it;
* ``BELOW`` - only the orgs strictly below it. Higher review (``superior``) and reports
  (``discipline``) belong to the *parent* organisation: a township's superior approves
  its villages' items, never the township's own.

Every view, API endpoint and socket handler asks :func:`allows` (through
``signage_server.accounts.permissions``); nothing else decides who may do what.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from enum import Enum
from enum import StrEnum

from signage_server.errors import BadRequest
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.rules import is_strictly_below
from signage_server.orgs.rules import is_within


class Role(StrEnum):
    """The nine roles of DESIGN.md §1."""

    EDITOR = "editor"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    SUPERIOR = "superior"
    OPERATOR = "operator"
    HANDLER = "handler"
    DISCIPLINE = "discipline"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"

    @property
    def label(self) -> str:
        return ROLE_LABELS[self]

    @property
    def description(self) -> str:
        return ROLE_DESCRIPTIONS[self]


ROLE_LABELS: dict[Role, str] = {
    Role.EDITOR: N_("Editor"),
    Role.REVIEWER: N_("Reviewer"),
    Role.APPROVER: N_("Approver"),
    Role.SUPERIOR: N_("Superior reviewer"),
    Role.OPERATOR: N_("Screen operator"),
    Role.HANDLER: N_("Feedback handler"),
    Role.DISCIPLINE: N_("Discipline inspection"),
    Role.SUPERVISOR: N_("Supervisor"),
    Role.ADMIN: N_("System administrator"),
}

ROLE_DESCRIPTIONS: dict[Role, str] = {
    Role.EDITOR: N_("Drafts disclosure items and answers for their truth."),
    Role.REVIEWER: N_("Checks accuracy, necessity and confidentiality of drafts."),
    Role.APPROVER: N_("The accountable person: signs items off and publishes them."),
    Role.SUPERIOR: N_(
        "Approves items of the organisations below that need higher review; sets their catalog."
    ),
    Role.OPERATOR: N_("Manages screens, layouts and playlists, and publishes approved items."),
    Role.HANDLER: N_("Triages and answers villagers' feedback."),
    Role.DISCIPLINE: N_("Receives reports about the organisations below; sees reporters."),
    Role.SUPERVISOR: N_("Reads everything in scope and records inspection findings."),
    Role.ADMIN: N_("Manages users and organisations."),
}


class Reach(Enum):
    """How far below its organisation a grant carries a permission."""

    SUBTREE = "subtree"
    BELOW = "below"


class Permission(StrEnum):
    """Everything the product lets a user do, each held by some roles."""

    VIEW = "org.view"
    DRAFT_ITEMS = "item.draft"
    REVIEW_ITEMS = "item.review"
    APPROVE_ITEMS = "item.approve"
    SUPERIOR_APPROVE_ITEMS = "item.superior_approve"
    PUBLISH_ITEMS = "item.publish"
    MANAGE_SCREENS = "screen.manage"
    MANAGE_PLAYLISTS = "playlist.manage"
    HANDLE_FEEDBACK = "feedback.handle"
    HANDLE_REPORTS = "report.handle"
    SEE_REPORTER_IDENTITY = "report.identity"
    RECORD_INSPECTIONS = "inspection.record"
    MANAGE_USERS = "user.manage"
    MANAGE_ORGS = "org.manage"
    MANAGE_CATALOG = "catalog.manage"
    MANAGE_APPRAISALS = "appraisal.manage"
    SEE_APPRAISAL_RESULTS = "appraisal.results"
    SEE_ASSESSMENTS = "assessment.view"

    @property
    def label(self) -> str:
        return PERMISSION_LABELS[self]


PERMISSION_LABELS: dict[Permission, str] = {
    Permission.VIEW: N_("See the organisation and its disclosures"),
    Permission.DRAFT_ITEMS: N_("Draft disclosure items"),
    Permission.REVIEW_ITEMS: N_("Review drafts"),
    Permission.APPROVE_ITEMS: N_("Sign items off"),
    Permission.SUPERIOR_APPROVE_ITEMS: N_("Give higher review"),
    Permission.PUBLISH_ITEMS: N_("Publish approved items"),
    Permission.MANAGE_SCREENS: N_("Manage screens"),
    Permission.MANAGE_PLAYLISTS: N_("Manage playlists"),
    Permission.HANDLE_FEEDBACK: N_("Handle feedback"),
    Permission.HANDLE_REPORTS: N_("Handle reports"),
    Permission.SEE_REPORTER_IDENTITY: N_("See reporters' identities"),
    Permission.RECORD_INSPECTIONS: N_("Record inspection findings"),
    Permission.MANAGE_USERS: N_("Manage users"),
    Permission.MANAGE_ORGS: N_("Manage organisations"),
    Permission.MANAGE_CATALOG: N_("Set the disclosure catalog for the organisations below"),
    Permission.MANAGE_APPRAISALS: N_("Create, open and close democratic appraisals"),
    Permission.SEE_APPRAISAL_RESULTS: N_("See the results of democratic appraisals"),
    Permission.SEE_ASSESSMENTS: N_("See assessment reports (考核)"),
}


@dataclass(frozen=True)
class Rule:
    """Which roles carry a permission, and how far their grants reach."""

    roles: frozenset[Role]
    reach: Reach


_ALL_ROLES = frozenset(Role)

#: The policy: one line per permission.
POLICY: dict[Permission, Rule] = {
    Permission.VIEW: Rule(_ALL_ROLES, Reach.SUBTREE),
    Permission.DRAFT_ITEMS: Rule(frozenset({Role.EDITOR}), Reach.SUBTREE),
    Permission.REVIEW_ITEMS: Rule(frozenset({Role.REVIEWER}), Reach.SUBTREE),
    Permission.APPROVE_ITEMS: Rule(frozenset({Role.APPROVER}), Reach.SUBTREE),
    Permission.SUPERIOR_APPROVE_ITEMS: Rule(frozenset({Role.SUPERIOR}), Reach.BELOW),
    Permission.PUBLISH_ITEMS: Rule(frozenset({Role.APPROVER, Role.OPERATOR}), Reach.SUBTREE),
    Permission.MANAGE_SCREENS: Rule(frozenset({Role.OPERATOR}), Reach.SUBTREE),
    Permission.MANAGE_PLAYLISTS: Rule(frozenset({Role.OPERATOR}), Reach.SUBTREE),
    Permission.HANDLE_FEEDBACK: Rule(frozenset({Role.HANDLER}), Reach.SUBTREE),
    Permission.HANDLE_REPORTS: Rule(frozenset({Role.DISCIPLINE}), Reach.BELOW),
    Permission.SEE_REPORTER_IDENTITY: Rule(frozenset({Role.DISCIPLINE}), Reach.BELOW),
    Permission.RECORD_INSPECTIONS: Rule(frozenset({Role.SUPERVISOR}), Reach.SUBTREE),
    Permission.MANAGE_USERS: Rule(frozenset({Role.ADMIN}), Reach.SUBTREE),
    Permission.MANAGE_ORGS: Rule(frozenset({Role.ADMIN}), Reach.SUBTREE),
    Permission.MANAGE_CATALOG: Rule(frozenset({Role.SUPERIOR}), Reach.SUBTREE),
    # The village's accountable person, or the township's superior reviewer above it.
    Permission.MANAGE_APPRAISALS: Rule(frozenset({Role.APPROVER, Role.SUPERIOR}), Reach.SUBTREE),
    Permission.SEE_APPRAISAL_RESULTS: Rule(
        frozenset({Role.APPROVER, Role.REVIEWER, Role.SUPERIOR, Role.SUPERVISOR}), Reach.SUBTREE
    ),
    # The organisation's accountable person (its approver) and those above who oversee it;
    # editors, operators and handlers do not see how their organisation was graded.
    Permission.SEE_ASSESSMENTS: Rule(
        frozenset({Role.APPROVER, Role.SUPERIOR, Role.SUPERVISOR, Role.DISCIPLINE, Role.ADMIN}),
        Reach.SUBTREE,
    ),
}


@dataclass(frozen=True)
class Grant:
    """A role held at the organisation with materialised path ``org_path``."""

    role: Role
    org_path: str


def grant_reaches(grant: Grant, reach: Reach, target_path: str) -> bool:
    """Tell whether ``grant`` reaches the org at ``target_path`` with the given reach."""
    if reach is Reach.BELOW:
        return is_strictly_below(target_path, grant.org_path)
    return is_within(target_path, grant.org_path)


def allows(grants: Iterable[Grant], permission: Permission, target_path: str) -> bool:
    """Tell whether any of ``grants`` gives ``permission`` at the org at ``target_path``."""
    rule = POLICY[permission]
    return any(
        grant.role in rule.roles and grant_reaches(grant, rule.reach, target_path)
        for grant in grants
    )


def permissions_at(grants: Iterable[Grant], target_path: str) -> list[Permission]:
    """Return every permission ``grants`` give at the org at ``target_path``, in policy order."""
    held = list(grants)
    return [p for p in POLICY if allows(held, p, target_path)]


def can_grant(admin_grants: Iterable[Grant], target_path: str) -> bool:
    """Tell whether an admin with ``admin_grants`` may grant or revoke roles at ``target_path``.

    An administrator hands out roles, including ``admin``, only inside their own subtree,
    so nobody can raise anyone (themselves included) above their own reach.
    """
    return allows(admin_grants, Permission.MANAGE_USERS, target_path)


USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{2,63}$")
PASSWORD_MIN = 10
PASSWORD_MAX = 256


def normalise_username(username: str) -> str:
    """Return ``username`` stripped and lower-cased.

    :raise BadRequest: not a valid user name (``invalid_username``).
    """
    value = username.strip().lower()
    if not USERNAME_RE.match(value):
        raise BadRequest(
            N_("User names have 3-64 characters: lower-case letters, digits, '_', '.', '-'."),
            code="invalid_username",
        )
    return value


def check_deactivation(actor_id: int, user_id: int, active: bool) -> None:
    """Refuse an administrator's deactivating their own account (nobody could undo it).

    :raise RuleViolation: ``self_deactivation``.
    """
    if user_id == actor_id and not active:
        raise RuleViolation(N_("You cannot deactivate yourself."), code="self_deactivation")


def password_problem(password: str, username: str) -> str | None:
    """Return why ``password`` is not acceptable for ``username``, or ``None`` when it is."""
    if len(password) < PASSWORD_MIN:
        return N_("The password must have at least %(min)d characters.")
    if len(password) > PASSWORD_MAX:
        return N_("The password is too long.")
    if username and username.lower() in password.lower():
        return N_("The password must not contain the user name.")
    if len(set(password)) < 4:
        return N_("The password is too simple.")
    return None


#: What the account event log records, as shown to admins.
EVENT_LABELS: dict[str, str] = {
    "user.created": N_("User created"),
    "user.password_set": N_("Password set"),
    "user.activated": N_("Account activated"),
    "user.deactivated": N_("Account deactivated"),
    "role.granted": N_("Role granted"),
    "role.revoked": N_("Role revoked"),
    "token.created": N_("API token created"),
    "token.revoked": N_("API token revoked"),
    "org.created": N_("Organisation created"),
    "org.updated": N_("Organisation changed"),
}


def acting_role(
    grants: Iterable[Grant], permissions: Iterable[Permission], target_path: str
) -> Role | None:
    """Return the role through which ``grants`` give one of ``permissions`` at ``target_path``.

    Used to record in the audit log in which capacity someone acted.
    """
    wanted = list(permissions)
    for role in Role:
        for permission in wanted:
            rule = POLICY[permission]
            if role in rule.roles and any(
                g.role is role and grant_reaches(g, rule.reach, target_path) for g in grants
            ):
                return role
    return None


# --- login lockout -------------------------------------------------------------------------


@dataclass(frozen=True)
class LockoutPolicy:
    """How failed logins under one user name lock it: after ``after`` failures, each further
    failure locks the name for ``first``, then twice as long each time, up to ``longest``.

    The count is forgotten after a success, or after ``2 × longest`` without a failure (a
    whole quiet ``longest`` after the longest lock has passed).
    """

    after: int = 5
    first: dt.timedelta = dt.timedelta(minutes=1)
    longest: dt.timedelta = dt.timedelta(days=1)

    def delay(self, failures: int) -> dt.timedelta:
        """Return how long the name is locked after its ``failures``-th failure in a row."""
        if failures < self.after:
            return dt.timedelta(0)
        doublings = failures - self.after
        if doublings > 40:  # far beyond any ``longest``: no huge numbers
            return self.longest
        return min(self.first * (1 << doublings), self.longest)

    def forgotten(self, last_failure: dt.datetime, now: dt.datetime) -> bool:
        """Tell whether failures up to ``last_failure`` no longer count at ``now``."""
        return now - last_failure >= 2 * self.longest


def login_key(username: str) -> str:
    """Return the key that failed logins are counted under (the name as typed, normalised)."""
    return username.strip().lower()[:64]


def most_guesses(policy: LockoutPolicy, period: dt.timedelta) -> int:
    """Return an upper bound of the passwords an attacker can try against one name within any
    ``period``: the guesses of one run from a clean count (guessing again the moment each lock
    ends: the gaps only grow, so no part of a run is denser than its start), times the runs
    that fit in ``period`` (a run starts again only after ``2 × longest`` without a guess)."""
    start = dt.datetime(2000, 1, 1, tzinfo=dt.UTC)
    at, failures, burst = start, 0, 0
    while at - start <= period:
        burst += 1
        failures += 1
        at += policy.delay(failures)
    return burst * (period // (2 * policy.longest) + 2)
