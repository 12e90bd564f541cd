"""Load the demo county. Idempotent: what exists is kept, what is missing is created."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from dataclasses import field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.accounts import services as accounts
from signage_server.accounts.models import User
from signage_server.accounts.rules import Role
from signage_server.catalog import services as catalog
from signage_server.catalog.models import CatalogTemplate
from signage_server.config import Settings
from signage_server.config import read_or_create_secret
from signage_server.demo import data
from signage_server.demo.appraisal import seed_appraisals
from signage_server.demo.assessment import seed_assessments
from signage_server.demo.catalog import TEMPLATES
from signage_server.demo.content import seed_content
from signage_server.demo.feedback import seed_feedback
from signage_server.demo.matters import seed_matters
from signage_server.demo.routing import seed_routing
from signage_server.demo.supervision import seed_supervision
from signage_server.orgs import services as orgs
from signage_server.orgs.models import Org
from signage_server.screens import services as screens
from signage_server.screens.layouts import design_sizes
from signage_server.screens.models import Screen
from signage_server.screens.rules import Audience


@dataclass
class SeedResult:
    orgs_created: int = 0
    users_created: int = 0
    items_created: int = 0
    orgs_total: int = 0
    users_total: int = 0
    #: ``(username, display name, roles)`` of every demo login.
    logins: list[tuple[str, str, str]] = field(default_factory=list)
    #: Feedback cases created (only on the first seeding with content).
    cases_created: int = 0
    #: ``(screen name, fresh token)`` of every demo screen.
    screens: list[tuple[str, str]] = field(default_factory=list)


def demo_password(settings: Settings) -> str:
    """Return the password of every demo login: ``SIGNAGE_DEMO_PASSWORD``, or the one
    generated once and kept in the data directory."""
    return settings.demo_password or read_or_create_secret(
        Path(settings.data_dir) / "demo_password", nbytes=9
    )


def seed(
    session: Session,
    passwords: accounts.Passwords,
    password: str,
    *,
    content_at: dt.datetime | None = None,
) -> SeedResult:
    """Create the demo orgs and users that are missing; give demo users ``password``.

    :param content_at: also tell the demo's disclosure story, dated relative to this time
        (once: not when items exist already), and set up the demo screens.
    """
    result = SeedResult()
    by_code: dict[str, Org] = {}
    for spec in data.ORGS:
        org = orgs.get_by_code(session, spec.code)
        if org is None:
            org = orgs.add_org(
                session,
                code=spec.code,
                name=spec.name,
                kind=spec.kind,
                parent=by_code[spec.parent] if spec.parent else None,
                party_members=spec.party_members,
                address=spec.address,
            )
            result.orgs_created += 1
        if spec.second_language and not org.second_language:
            org.second_language = spec.second_language
        by_code[spec.code] = org

    wanted: list[tuple[str, str, Org, list[Role]]] = []
    username, display, code = data.ADMIN
    wanted.append((username, display, by_code[code], [Role.ADMIN]))
    for code, people in data.USERS.items():
        for role, display in people.items():
            wanted.append((data.demo_username(code, role), display, by_code[code], [role]))

    # Every demo login has the same password: it is hashed once (argon2 takes a tenth of a
    # second each) and the hash is shared, as the password itself is.
    holding: set[str] = set()  # stored hashes known to hold ``password``
    shared: str | None = None
    for username, display, org, roles in wanted:
        user = accounts.get_user(session, username)
        if user is None:
            user = accounts.create_user(
                session,
                passwords,
                username=username,
                display_name=display,
                home_org=org,
                password=None,
                roles=roles,
            )
            result.users_created += 1
        for role in roles:
            accounts.grant_role(session, user, org, role, actor=None)
        # Demo passwords skip the password policy: SIGNAGE_DEMO_PASSWORD may be anything.
        if user.password_hash not in holding:
            if passwords.verify(user.password_hash, password):
                holding.add(user.password_hash)
            else:
                if shared is None:
                    shared = passwords.hash(password)
                    holding.add(shared)
                user.password_hash = shared
        result.logins.append((username, display, ", ".join(f"{r.value}@{org.code}" for r in roles)))

    seed_catalog(session, by_code["XIAN"])
    if content_at is not None:
        session.flush()
        result.items_created = seed_content(session, content_at)
        result.screens = seed_screens(session, by_code)

        result.cases_created = seed_feedback(session, content_at)
        seed_supervision(session, content_at)
        seed_matters(session, content_at)
        seed_appraisals(session, content_at)
        result.cases_created += seed_routing(session, content_at)
        seed_assessments(session, content_at)
    result.orgs_total = session.scalar(sa.select(sa.func.count()).select_from(Org)) or 0
    result.users_total = session.scalar(sa.select(sa.func.count()).select_from(User)) or 0
    return result


def seed_catalog(session: Session, county: Org) -> None:
    """Create the county's catalogs for each kind of organisation, when missing."""

    for kind, (name, entries) in TEMPLATES.items():
        template = session.scalar(
            sa.select(CatalogTemplate).where(
                CatalogTemplate.owner_org_id == county.id, CatalogTemplate.org_kind == kind
            )
        )
        if template is None:
            template = catalog.create_template(session, county, kind, name)
        have = {e.code for e in template.entries}
        for spec in entries:
            if spec.code not in have:
                catalog.add_entry(
                    session,
                    template,
                    spec.code,
                    title=spec.title,
                    category=spec.category,
                    scope=spec.scope,
                    timing=spec.timing,
                    cadence=spec.cadence,
                    grace_days=spec.grace_days,
                    department=spec.department,
                    channels=["screen", "board"],
                )


def seed_screens(session: Session, by_code: dict[str, Org]) -> list[tuple[str, str]]:
    """Create the demo screens when missing; give each a fresh token (printed, so that the
    demo can always be opened; a browser still holding the previous token pairs again)."""

    tokens = []
    for spec in data.SCREENS:
        org = by_code[spec.org]
        screen = session.scalar(
            sa.select(Screen).where(Screen.org_id == org.id, Screen.name == spec.name)
        )
        if screen is None:
            screen, _token = screens.register(
                session,
                org,
                screens.ScreenFields(
                    name=spec.name,
                    audience=Audience(spec.audience),
                    layout=spec.layout,
                    location=spec.location,
                ),
                layouts=design_sizes(),
                with_token=False,
            )
            screen.bilingual = spec.bilingual
        tokens.append((screen.name, screens.issue_token(session, screen)))
    return tokens
