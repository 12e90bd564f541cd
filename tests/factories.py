"""Factories: the few organisations, users, items, screens and feedback cases a test needs,
instead of the whole demo county (the ``demo`` fixture, for tests that need it).

Everything is made the way the application makes it, so the domain rules hold:

* organisations and users by the org and account services (where an org may sit, who holds
  which role where);
* items, screens and feedback cases through the JSON API and the public form, as editors,
  operators and villagers make them: a "published" item went through submit, review,
  approve, the superior's approval when needed, and publish, by users holding those roles.

A code or user name of the demo county (``JIYI-01``, ``jiyi01_editor``; see
:mod:`signage_server.demo.data`) brings the demo's name, kind, parent, display name and role,
so a test converted from ``demo`` keeps its assertions; the parents it needs are made too.
Any other code or name is made as given. Each call commits.

    def test_something(client, make):
        make.users("jiyi01_editor", "jiyi01_reviewer")
        item = make.item("JIYI-01", state="submitted")

:class:`Factory` is a :class:`~tests.conftest.Demo` (``token``, ``headers``, ``login``), so the
HTTP helpers of ``tests/http`` take it where they take the demo.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Flask

from signage_server import services as registry
from signage_server.accounts import services as accounts
from signage_server.accounts.rules import Role
from signage_server.demo import data
from signage_server.demo.seed import seed_catalog
from signage_server.extensions import db
from signage_server.feedback import codes
from signage_server.orgs import services as orgs
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from tests.conftest import Demo
from tests.http import items

#: The demo's organisations by code, and its users by name: ``(org code, role, display name)``.
DEMO_ORGS = {spec.code: spec for spec in data.ORGS}
DEMO_USERS = {
    data.demo_username(code, role): (code, role, display)
    for code, people in data.USERS.items()
    for role, display in people.items()
} | {data.ADMIN[0]: (data.ADMIN[2], Role.ADMIN, data.ADMIN[1])}

#: The kind of an org made under a parent of each kind, when the test does not say.
CHILD_KIND = {OrgKind.COUNTY: OrgKind.TOWNSHIP, OrgKind.TOWNSHIP: OrgKind.VILLAGE}

#: The steps from a draft to each state of the procedure: ``(action, role)``.
STEPS = {
    "draft": (),
    "submitted": (("submit", Role.EDITOR),),
    "reviewed": (("submit", Role.EDITOR), ("review", Role.REVIEWER)),
    "approved": (("submit", Role.EDITOR), ("review", Role.REVIEWER), ("approve", Role.APPROVER)),
}

#: A text item of village affairs, outside the catalog (it needs the superior's approval).
ITEM = {
    "title": "集义村2026年冬季用水安排",
    "category": "village_affairs",
    "timing": "immediate",
    "scope": "public",
    "body": {"type": "text", "text": "冬季每日6时至22时供水，请村民节约用水。"},
    "department": "村委会",
    "accountable_person": "王建国",
}


def prefix(code: str) -> str:
    """Return the user-name prefix of org ``code``, as the demo spells it: ``jiyi01``."""
    return code.lower().replace("-", "")


class Factory(Demo):
    """Makes what a test needs on ``app``'s database (see the module's docstring)."""

    def __init__(self, app: Flask) -> None:
        super().__init__(app)
        #: What this factory made or found (each is looked up once): org codes, user names,
        #: and the roles users hold where (``(user, org code, role)``).
        self._orgs: set[str] = set()
        self._users: set[str] = set()
        self._grants: set[tuple[str, str, Role]] = set()

    # --- organisations and users --------------------------------------------------------

    def org(
        self,
        code: str,
        *,
        parent: str | None = None,
        kind: OrgKind | None = None,
        name: str | None = None,
        party_members: int | None = None,
        address: str = "",
    ) -> str:
        """Make org ``code`` (and its parents) unless it exists; return its code.

        A demo code takes the demo's parent, kind, name and details; otherwise ``parent``
        (none: a county at the root), the kind below the parent's and the code as name.
        """
        if code in self._orgs:
            return code
        spec = DEMO_ORGS.get(code)
        if spec is not None:
            parent = parent or spec.parent
            kind = kind or spec.kind
            name = name or spec.name
            party_members = party_members if party_members is not None else spec.party_members
            address = address or spec.address
        if parent is not None:
            self.org(parent)
        with self.app.app_context():
            if orgs.get_by_code(db.session, code) is None:
                above = orgs.get_by_code(db.session, parent) if parent else None
                orgs.create_org(  # as the installation (no actor): commits
                    db.session,
                    actor=None,
                    code=code,
                    name=name or code,
                    kind=kind or (CHILD_KIND[above.kind] if above else OrgKind.COUNTY),
                    parent=parent,
                    party_members=party_members,
                    address=address,
                )
        self._orgs.add(code)
        return code

    def user(
        self,
        username: str,
        org: str | None = None,
        *roles: Role,
        display_name: str | None = None,
        password: str | None = None,
    ) -> str:
        """Make user ``username`` at ``org`` holding ``roles`` there (and the org); return
        the name. A demo user name brings the demo's org, role and display name; a user that
        exists gets the roles it lacks. The password is the demo's unless given."""
        known = DEMO_USERS.get(username)
        if known is not None:
            org = org or known[0]
            roles = roles or (known[1],)
            display_name = display_name if display_name is not None else known[2]
        if org is None:
            raise ValueError(f"{username}: at which org?")
        if username in self._users and all((username, org, r) in self._grants for r in roles):
            return username
        self.org(org)
        with self.app.app_context():
            where = orgs.require_by_code(db.session, org)
            user = accounts.get_user(db.session, username)
            if user is None:
                user = accounts.create_user(
                    db.session,
                    registry.get(accounts.Passwords),
                    username=username,
                    display_name=display_name or username,
                    home_org=where,
                    password=password or self.password,
                )
            for role in roles:
                accounts.grant_role(db.session, user, where, role, actor=None)
            db.session.commit()
        self._users.add(username)
        self._grants.update((username, org, role) for role in roles)
        return username

    def users(self, *usernames: str) -> list[str]:
        """Make each of the demo users ``usernames`` (see :meth:`user`)."""
        return [self.user(name) for name in usernames]

    def procedure(self, org: str) -> dict[Role, str]:
        """Make the people who take an item of ``org`` through the procedure: its editor,
        reviewer, approver and operator, and the superior at the org above (when there is
        one); return their names by role (``jiyi01_editor`` …)."""
        self.org(org)
        people = {
            role: self.user(f"{prefix(org)}_{role.value}", org, role)
            for role in (Role.EDITOR, Role.REVIEWER, Role.APPROVER, Role.OPERATOR)
        }
        with self.app.app_context():
            above = orgs.require_by_code(db.session, org).parent
            parent = above.code if above is not None else None
        if parent is not None:
            people[Role.SUPERIOR] = self.user(
                f"{prefix(parent)}_{Role.SUPERIOR.value}", parent, Role.SUPERIOR
            )
        return people

    def catalog(self, county: str = "XIAN") -> None:
        """Give ``county`` the demo's disclosure catalogs (entries ``CW-01`` …)."""
        self.org(county)
        with self.app.app_context():
            found = db.session.scalar(sa.select(Org).where(Org.code == county))
            assert found is not None
            seed_catalog(db.session, found)
            db.session.commit()

    # --- items ----------------------------------------------------------------------------

    def item(self, org: str = "JIYI-01", state: str = "draft", **payload: Any) -> dict[str, Any]:
        """Draft an item of ``org`` through the API and take it to ``state`` (``draft``,
        ``submitted``, ``reviewed``, ``approved``/``ready`` (whichever the procedure gives
        after sign-off), ``published``, ``withdrawn``); return the item as the API answers.

        ``payload`` overrides fields of :data:`ITEM` (the JSON of ``POST /api/v1/items``).
        """
        people = self.procedure(org)
        client = self.app.test_client()
        response = client.post(
            "/api/v1/items",
            json={**ITEM, "org": org, **payload},
            headers=self.headers(people[Role.EDITOR]),
        )
        assert response.status_code == 201, response.get_json()
        body: dict[str, Any] = response.get_json()
        signed = state in ("approved", "ready", "published", "withdrawn")
        for action, role in STEPS["approved" if signed else state]:
            if action == "approve" and body["procedure"] == "village":
                # Village affairs: the joint meeting decides, the supervision committee seals.
                body = self.decide(body["id"], people[Role.APPROVER])
                body = self.act(body["id"], people[Role.REVIEWER], "seal")
                continue
            body = self.act(body["id"], people[role], action)
        if signed and body["state"] == "approved" and state != "approved":
            body = self.act(body["id"], people[Role.SUPERIOR], "superior_approve")
        if state in ("published", "withdrawn"):
            body = self.act(body["id"], people[Role.OPERATOR], "publish")
        if state == "withdrawn":
            body = self.act(body["id"], people[Role.APPROVER], "withdraw", "已不再适用")
        expected = "ready" if state == "approved" and body["state"] == "ready" else state
        assert body["state"] == expected, (state, body["state"])
        return body

    def decide(self, item_id: int, username: str) -> dict[str, Any]:
        """Record a quorate joint meeting held today as the decision on a village-affairs item."""
        response = self.app.test_client().post(
            f"/api/v1/items/{item_id}/transitions",
            json={"action": "decide", "meeting": items.meeting(self)},
            headers=self.headers(username),
        )
        assert response.status_code == 200, ("decide", username, response.get_json())
        body: dict[str, Any] = response.get_json()
        return body

    def act(self, item_id: int, username: str, action: str, reason: str = "") -> dict[str, Any]:
        """Take a step of the procedure as ``username``; return the item as answered."""
        response = self.app.test_client().post(
            f"/api/v1/items/{item_id}/transitions",
            json={"action": action, "reason": reason},
            headers=self.headers(username),
        )
        assert response.status_code == 200, (action, username, response.get_json())
        body: dict[str, Any] = response.get_json()
        return body

    def notice(
        self, org: str = "JIYI-01", *, kind: str = "general", days: int | None = 5, **payload: Any
    ) -> dict[str, Any]:
        """Publish a notice (公示) of ``org``: ``kind`` with a minimum of ``days`` working days
        (``None``: the kind's default), shown from now (the app's clock) for 30 days."""
        with self.app.app_context():
            now = registry.now()
        fields: dict[str, Any] = {
            "title": "集义村2026年低保评议结果公示",
            "notice": {"kind": kind, "min_working_days": days},
            "valid_from": now.isoformat(),
            "valid_until": (now + dt.timedelta(days=30)).isoformat(),
        }
        return self.item(org, "published", **fields | payload)

    # --- screens and feedback ---------------------------------------------------------------

    def screen(
        self,
        org: str = "JIYI-01",
        name: str = "集义村文化广场大屏",
        *,
        audience: str = "public",
        layout: str = "landscape",
        **fields: Any,
    ) -> dict[str, Any]:
        """Register a screen of ``org`` as its operator; return the API's answer (``id``,
        ``token``, ``player_url`` …)."""
        operator = self.user(f"{prefix(org)}_{Role.OPERATOR.value}", org, Role.OPERATOR)
        response = self.app.test_client().post(
            "/api/v1/screens",
            json={"org": org, "name": name, "audience": audience, "layout": layout, **fields},
            headers=self.headers(operator),
        )
        assert response.status_code == 201, response.get_json()
        body: dict[str, Any] = response.get_json()
        return body

    def case(
        self,
        item: dict[str, Any] | None = None,
        *,
        kind: str = "question",
        text: str = "村里修路的钱从哪里来？",
        address: str = "10.0.0.1",
        **fields: Any,
    ) -> str:
        """Submit feedback on the QR code of ``item`` (a published item; by default one made
        here) through the public form, as a villager does; return the receipt."""
        item = item or self.item("JIYI-01", "published")
        code = codes.make(
            codes.derive_key(self.app.config["SECRET_KEY"]), "r", item["id"], item["revision"]
        )
        response = self.app.test_client().post(
            f"/f/{code}",
            data={"kind": kind, "text": text, **fields},
            headers={"Accept": "application/json"},
            environ_base={"REMOTE_ADDR": address},
        )
        assert response.status_code == 201, response.get_data(as_text=True)[:800]
        receipt: str = response.get_json()["receipt"]
        return receipt
