"""No viewer ever receives what its audience may not see — over EVERY URL of the app.

Hypothesis generates organisations' items (scopes; current, scheduled, lapsed, expired,
withdrawn, superseded, archived, draft), screens with audiences, and puts unique markers into
each revision's title, body, department, accountable person, withdrawal reason and file. Then
every rule of ``app.url_map`` is requested anonymously (and with each screen's token where a
token is accepted), its parameters filled from the generated data, and no answer may carry a
marker of a revision the pure audience rule does not let that viewer see (title and the like:
``full``; body and files: ``content``).

The map of endpoints (:data:`PUBLIC` fillers, :data:`LOGIN` endpoints) is explicit: a new URL
rule fails the test until somebody says how to fill it, so no public route goes unchecked.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from collections.abc import Iterator
from dataclasses import dataclass
from dataclasses import field
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck
from hypothesis import Phase
from hypothesis import example
from hypothesis import given
from hypothesis import settings
from hypothesis import strategies as st
from PIL import Image

from content.assets import Limits
from signage_server import services as registry
from signage_server.accounts.models import User
from signage_server.appraisal import links as appraisal_links
from signage_server.assets import STORE
from signage_server.assets import services as assets
from signage_server.audit import services as audit
from signage_server.disclosure.audience import ANONYMOUS
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.audience import RevisionFacts
from signage_server.disclosure.audience import ScreenViewer
from signage_server.disclosure.audience import Viewer
from signage_server.disclosure.audience import decide
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.models import RevisionAsset
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.disclosure.services import Fields
from signage_server.disclosure.services import broken_seals
from signage_server.disclosure.services import content_sha256
from signage_server.extensions import db
from signage_server.feedback import codes
from signage_server.feedback import links
from signage_server.orgs.models import Org
from signage_server.orgs.rules import OrgKind
from signage_server.orgs.services import add_org
from signage_server.screens.layouts import design_sizes
from signage_server.screens.services import ScreenFields
from signage_server.screens.services import register
from tests.conftest import NOW
from tests.conftest import wipe

H = dt.timedelta(hours=1)
D = dt.timedelta(days=1)


@pytest.fixture
def app_overrides() -> dict[str, Any]:
    # Hundreds of scans from one address: the flood limits are tested elsewhere.
    return {
        "feedback_rate_limit": "100000 per minute",
        "track_rate_limit": "100000 per minute",
        "public_page_rate_limit": "100000 per minute",
    }


# --- the generated world ----------------------------------------------------------------

ORGS = ("TOWNSHIP", "VILLAGE", "OTHER")
LIFECYCLES = (
    "current",
    "scheduled",
    "lapsed",  # published, past its validity, the expiry job has not run yet
    "expired",
    "withdrawn",
    "superseded",  # revision 1 superseded by revision 2 (current)
    "superseded_withdrawn",  # revision 1 superseded by revision 2, which was withdrawn
    "archived",
    "draft",
)


@dataclass(frozen=True)
class ItemSpec:
    org: str
    scope: Scope
    lifecycle: str


@dataclass(frozen=True)
class ScreenSpec:
    org: str
    audience: Audience


items_st = st.lists(
    st.builds(
        ItemSpec,
        st.sampled_from(ORGS),
        st.sampled_from(list(Scope)),
        st.sampled_from(LIFECYCLES),
    ),
    min_size=1,
    max_size=4,
)
screens_st = st.lists(
    st.builds(ScreenSpec, st.sampled_from(ORGS), st.sampled_from(list(Audience))),
    min_size=1,
    max_size=3,
)


@dataclass
class RevisionMade:
    item_id: int
    number: int
    facts: RevisionFacts
    #: Markers that need a ``full`` view, and markers that need ``content``.
    identity: list[bytes]
    content: list[bytes]
    asset: str


@dataclass
class World:
    orgs: dict[str, Org]
    revisions: list[RevisionMade]
    items: list[int]
    screens: list[tuple[int, str, ScreenViewer]]  # id, token, viewer
    receipts: list[str] = field(default_factory=list)
    case_ids: list[int] = field(default_factory=list)

    def codes(self, key: bytes) -> list[str]:
        found = [codes.make(key, "r", r.item_id, r.number) for r in self.revisions]
        found += [codes.make(key, "p", item) for item in self.items]
        return found


_counter = iter(range(10**9))


def _marker(kind: str) -> str:
    return f"ZQX{kind}{next(_counter):06d}Q"


def _png(seed: int) -> bytes:
    rng = random.Random(seed)
    image = Image.new("RGB", (24, 16))
    image.putdata(
        [(rng.randrange(256), rng.randrange(256), rng.randrange(256)) for _ in range(384)]
    )
    import io

    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def _revision_states(lifecycle: str) -> list[dict[str, Any]]:
    """Return the states and dates of the revisions of an item with ``lifecycle``."""
    published = {"published_at": NOW - 2 * D}
    match lifecycle:
        case "current":
            return [{"state": State.PUBLISHED, **published, "valid_until": NOW + 5 * D}]
        case "scheduled":
            return [{"state": State.PUBLISHED, **published, "valid_from": NOW + D}]
        case "lapsed":
            return [{"state": State.PUBLISHED, **published, "valid_until": NOW - H}]
        case "expired":
            return [{"state": State.EXPIRED, **published, "valid_until": NOW - D, "end": "expire"}]
        case "withdrawn":
            return [{"state": State.WITHDRAWN, **published, "end": "withdraw"}]
        case "archived":
            return [{"state": State.ARCHIVED, **published, "end": "withdraw+archive"}]
        case "superseded":
            return [
                {"state": State.SUPERSEDED, **published, "end": "supersede"},
                {"state": State.PUBLISHED, "published_at": NOW - D},
            ]
        case "superseded_withdrawn":
            return [
                {"state": State.SUPERSEDED, **published, "end": "supersede"},
                {"state": State.WITHDRAWN, "published_at": NOW - D, "end": "withdraw"},
            ]
        case _:
            return [{"state": State.DRAFT}]


def build(specs: list[ItemSpec], screen_specs: list[ScreenSpec]) -> World:
    session = db.session
    county = add_org(session, code="C", name="清源县", kind=OrgKind.COUNTY, parent=None)
    township = add_org(session, code="T", name="集义镇", kind=OrgKind.TOWNSHIP, parent=county)
    orgs = {
        "TOWNSHIP": township,
        "VILLAGE": add_org(
            session, code="V1", name="集义村", kind=OrgKind.VILLAGE, parent=township
        ),
        "OTHER": add_org(session, code="V2", name="东山村", kind=OrgKind.VILLAGE, parent=township),
    }
    user = User(username="editor", display_name="编辑甲", home_org=orgs["VILLAGE"])
    session.add(user)
    session.flush()
    store = registry.get(STORE)
    made: list[RevisionMade] = []
    items: list[int] = []
    for spec in specs:
        org = orgs[spec.org]
        item = Item(org=org, created_by=user)
        session.add(item)
        session.flush()
        items.append(item.id)
        for number, values in enumerate(_revision_states(spec.lifecycle), start=1):
            title, body, dept, person, why = (
                _marker(k) for k in ("TITLE", "BODY", "DEPT", "PERSON", "WHY")
            )
            asset, _prepared = assets.upload(
                session,
                store,
                _png(next(_counter)),
                filename="证据.png",
                uploaded_by=user,
                limits=registry.get(Limits),
            )
            revision = Revision(
                number=number,
                state=values["state"],
                title=title,
                category=Category.ORGANISATION,
                timing=Timing.PERIODIC,
                scope=spec.scope,
                body={"type": "image", "asset": asset.sha256, "caption": body},
                attachments=[asset.sha256],
                department=dept,
                accountable=person,
                content_sha256="",
                valid_from=values.get("valid_from"),
                valid_until=values.get("valid_until"),
                published_at=values.get("published_at"),
                ended_at=NOW - H if values.get("end") else None,
            )
            item.revisions.append(revision)
            session.flush()
            # Sealed as the procedure seals it: the content hash of what it discloses.
            revision.content_sha256 = content_sha256(org, Fields.of(revision))
            session.add(RevisionAsset(revision_id=revision.id, sha256=asset.sha256))
            if revision.published_at is not None:
                item.live_number = number
                _audit(item, revision, "publish", "", revision.published_at)
            for action in filter(None, values.get("end", "").split("+")):
                _audit(item, revision, action, why if action == "withdraw" else "", NOW - H)
            item.current_number = number
            stored = store.get(asset.sha256) or b""
            made.append(
                RevisionMade(
                    item.id,
                    number,
                    RevisionFacts(
                        state=revision.state,
                        scope=spec.scope,
                        org_path=org.path,
                        valid_from=revision.valid_from,
                        valid_until=revision.valid_until,
                        published_at=revision.published_at,
                    ),
                    identity=[m.encode() for m in (title, dept, person, why)],
                    content=[body.encode(), asset.sha256.encode(), stored],
                    asset=asset.sha256,
                )
            )
    screens = []
    for index, spec in enumerate(screen_specs):
        org = orgs[spec.org]
        screen, token = register(
            session,
            org,
            ScreenFields(name=f"屏幕{index}", audience=spec.audience),
            layouts=design_sizes(),
        )
        assert token is not None
        screens.append((screen.id, token, ScreenViewer(spec.audience, org.path)))
    session.commit()
    # Every revision matches its seal: a tampered one is never presented, and a world of
    # tampered revisions would make this test pass without asking the audience rule.
    published = session.scalars(
        sa.select(Revision).where(Revision.item_id.in_(items), Revision.published_at.is_not(None))
    ).all()
    assert not broken_seals(session, list(published))
    return World(orgs, made, items, screens)


def _audit(item: Item, revision: Revision, action: str, reason: str, at: dt.datetime) -> None:
    audit.append(
        db.session,
        item_id=item.id,
        revision=revision.number,
        content_sha256=revision.content_sha256,
        actor="editor" if action in ("publish", "withdraw", "archive") else "system",
        role="approver",
        action=action,
        reason=reason,
        at=at,
        state=revision.state.value,
        published_at=revision.published_at,
        ended_at=revision.ended_at,
    )


# --- what each viewer may receive --------------------------------------------------------


def forbidden(world: World, viewers: list[Viewer]) -> dict[bytes, str]:
    """Return the markers none of ``viewers`` may receive (a screen's token holder is also
    anonymous: what either may see is allowed)."""
    out: dict[bytes, str] = {}
    for made in world.revisions:
        answers = [decide(made.facts, viewer, NOW) for viewer in viewers]
        where = f"item {made.item_id} r{made.number} {made.facts.scope}/{made.facts.state}"
        if not any(a.full for a in answers):
            out.update({m: where + " (identity)" for m in made.identity})
        if not any(a.content for a in answers):
            out.update({m: where + " (content)" for m in made.content})
    return out


# --- the URL map --------------------------------------------------------------------------


@dataclass(frozen=True)
class Call:
    method: str
    url: str
    data: dict[str, str] | None = None
    headers: dict[str, str] | None = None


Filler = Callable[[World, Flask], Iterator[Call]]


def _key(app: Flask) -> bytes:
    return links.code_key(app)


def _forms(world: World, app: Flask) -> Iterator[Call]:
    key = _key(app)
    screen_codes = [links.screen_code(s[0], app) for s in world.screens]
    for index, code in enumerate(world.codes(key)):
        yield Call("GET", f"/f/{code}")
        yield Call("GET", f"/f/{code}", headers={"Accept": "application/json"})
        for screen in screen_codes:
            yield Call("GET", f"/f/{code}?s={screen}")
        # A villager leaves feedback: HTML (the receipt page) or JSON, with or without screen.
        if index % 2:
            yield Call("POST", f"/f/{code}", {"kind": "question", "text": "请问这是什么？"})
        else:
            yield Call(
                "POST",
                f"/f/{code}?s={screen_codes[0]}",
                {"kind": "report", "text": "举报"},
                {"Accept": "application/json"},
            )
        if index < 3:
            yield Call("POST", f"/f/{code}", {"kind": "nonsense", "text": ""})  # errors
    for screen in screen_codes:
        yield Call("GET", f"/f/{screen}")
        yield Call("POST", f"/f/{screen}", {"kind": "request", "text": "请公开低保名单"})


def _qr(name: str) -> Filler:
    def fill(world: World, app: Flask) -> Iterator[Call]:
        for code in world.codes(_key(app))[:3]:
            yield Call("GET", f"/f/{code}/{name}")

    return fill


def _tracks(world: World, app: Flask) -> Iterator[Call]:
    for receipt in world.receipts[:12]:
        yield Call("GET", f"/f/track/{receipt}")
        yield Call("GET", f"/f/track/{receipt}", headers={"Accept": "application/json"})


def _objections(world: World, app: Flask) -> Iterator[Call]:
    for receipt in world.receipts[:3]:
        yield Call("POST", f"/f/track/{receipt}/objection", {"text": "不服处理结果，请复查"})
        yield Call(
            "POST",
            f"/f/track/{receipt}/objection",
            {"text": ""},
            headers={"Accept": "application/json"},
        )


def _track_lookup(world: World, app: Flask) -> Iterator[Call]:
    yield Call("GET", "/f/track")
    for receipt in world.receipts[:2]:
        yield Call("GET", f"/f/track?receipt={receipt}")


def _with_tokens(world: World, url: str) -> Iterator[Call]:
    yield Call("GET", url)
    for _id, token, _viewer in world.screens:
        yield Call("GET", url, headers={"Authorization": f"Bearer {token}"})


def _assets(world: World, app: Flask) -> Iterator[Call]:
    for made in world.revisions:
        yield from _with_tokens(world, f"/assets/{made.asset}")


def _manifest(world: World, app: Flask) -> Iterator[Call]:
    yield from _with_tokens(world, "/api/v1/player/manifest")


def _agent(path: str) -> Filler:
    """A box agent's upload (``fleet``): anonymous, and with each screen's token (an empty
    body, refused; the uploads themselves are tested in tests/http/test_fleet_*.py)."""

    def fill(world: World, app: Flask) -> Iterator[Call]:
        yield Call("POST", path)
        for _id, token, _viewer in world.screens:
            yield Call("POST", path, headers={"Authorization": f"Bearer {token}"})

    return fill


def _player(world: World, app: Flask) -> Iterator[Call]:
    yield Call("GET", "/player/")
    for _id, token, _viewer in world.screens:
        yield Call("GET", f"/player/?token={token}")


def _fixed(*calls: Call) -> Filler:
    def fill(world: World, app: Flask) -> Iterator[Call]:
        yield from calls

    return fill


def _public_pages(world: World, app: Flask) -> Iterator[Call]:
    """Every organisation's public page (the county's too, and a code in small letters), each
    year of its past items, and an unknown organisation."""
    for code in ("C", *(org.code for org in world.orgs.values()), "v1", "NOPE"):
        yield Call("GET", f"/p/{code}")
    for code in ("T", "V1"):
        for year in ("all", str(NOW.year), str(NOW.year - 1), "x"):
            yield Call("GET", f"/p/{code}?year={year}")


def _pairing(world: World, app: Flask) -> Iterator[Call]:
    yield Call("POST", "/api/v1/player/pair")
    yield Call("GET", "/api/v1/player/pair/" + "x" * 32)


def _appraisal(suffix: str = "", method: str = "GET") -> Filler:
    """An appraisal's public pages: the code of an appraisal the world does not have (404)
    and a forged one; the appraisal flows are tested in tests/http/test_appraisal.py."""

    def fill(world: World, app: Flask) -> Iterator[Call]:
        with app.app_context():
            code = appraisal_links.page_code(1, app)
        data = {"phone": "13812345678", "consent": "y", "code": "123456", "ticket": "x"}
        for which in (code, code[:-1] + ("A" if code[-1] != "A" else "B"), "NOTACODE1"):
            yield Call(method, f"/a/{which}{suffix}", data if method == "POST" else None)

    return fill


#: Every endpoint reachable without a login, and how to fill its parameters.
PUBLIC: dict[str, Filler] = {
    "appraisal_public.page": _appraisal(),
    "appraisal_public.qr_svg": _appraisal("/qr.svg"),
    "appraisal_public.send_code": _appraisal("/code", "POST"),
    "appraisal_public.verify": _appraisal("/verify", "POST"),
    "appraisal_public.vote": _appraisal("/vote", "POST"),
    "feedback_public.form": _forms,
    "feedback_public.qr_png": _qr("qr.png"),
    "feedback_public.qr_svg": _qr("qr.svg"),
    "feedback_public.track": _tracks,
    "feedback_public.object_to": _objections,
    "feedback_public.track_lookup": _track_lookup,
    "assets.fetch": _assets,
    "player_api.player_manifest": _manifest,
    "player_api.start_pairing": _pairing,
    "player_api.poll_pairing": _pairing,
    "snapshots_player_api.upload": _agent("/api/v1/player/snapshots"),
    "health_player_api.report": _agent("/api/v1/player/health"),
    "player.index": _player,
    "public.index": _fixed(Call("GET", "/p/")),
    "public.org_page": _public_pages,
    "text_size.switch": _fixed(Call("GET", "/text-size?large=1&next=/p/")),
    "player.layout_css": _fixed(*(Call("GET", f"/player/layouts/{n}.css") for n in design_sizes())),
    "player.static": _fixed(Call("GET", "/player/static/main.js")),
    "player.service_worker": _fixed(Call("GET", "/player/sw.js")),
    "static": _fixed(
        Call("GET", "/static/css/feedback.css"), Call("GET", "/static/css/public.css")
    ),
    "web.healthz": _fixed(Call("GET", "/healthz")),
    "web.font": _fixed(Call("GET", "/fonts/ug.ttf"), Call("GET", "/fonts/mn.ttf")),
    # 404 without SIGNAGE_METRICS_TOKEN and its bearer (tests/http/test_metrics.py).
    "metrics.metrics": _fixed(Call("GET", "/metrics")),
    "web.set_locale": _fixed(Call("POST", "/locale", {"locale": "en"})),
    "accounts.login": _fixed(
        Call("GET", "/login"), Call("POST", "/login", {"username": "editor", "password": "x"})
    ),
    "accounts.logout": _fixed(Call("POST", "/logout")),
    "web.dashboard": _fixed(Call("GET", "/")),
}

#: Endpoints that need a login: anonymous callers and screens are turned away (checked).
LOGIN = {
    "commands.cancel",
    "commands.issue",
    "commands_api.cancel",
    "commands_api.index",
    "commands_api.issue",
    "accounts.account",
    "accounts.add_grant",
    "accounts.change_password",
    "accounts.create_my_token",
    "accounts.edit_user",
    "accounts.end_other_sessions",
    "accounts.new_user",
    "accounts.reset_password",
    "accounts.revoke_grant",
    "accounts.revoke_my_token",
    "accounts.revoke_user_token",
    "accounts.user_detail",
    "accounts.users",
    "accounts_api.add_grant",
    "accounts_api.create_user",
    "accounts_api.get_user",
    "accounts_api.list_users",
    "accounts_api.me",
    "accounts_api.remove_grant",
    "accounts_api.update_user",
    "appraisal.appraisal",
    "appraisal.appraisals",
    "appraisal.close",
    "appraisal.create",
    "appraisal.open_",
    "appraisal.poster",
    "appraisal.publish",
    "assessment.page",
    "assessment.save",
    "assessment_api.assessment_pdf",
    "archive.archive_list",
    "archive.download",
    "archive.make_now",
    "archive_api.item_dossier",
    "archive_api.make_dossier",
    "assets_api.upload",
    "audit.audit_log",
    "catalog.add_entry",
    "catalog.catalog",
    "catalog.compliance",
    "catalog.create_template",
    "catalog.decide",
    "catalog.request_exemption",
    "catalog.update_entry",
    "catalog_api.add_entry",
    "catalog_api.catalog",
    "catalog_api.compliance",
    "catalog_api.create_template",
    "catalog_api.decide",
    "catalog_api.exemptions",
    "catalog_api.request_exemption",
    "catalog_api.templates",
    "catalog_api.update_entry",
    "disclosure.diff",
    "disclosure.edit_item",
    "disclosure.item",
    "disclosure.items",
    "disclosure.new_item",
    "disclosure.preview",
    "disclosure.preview_player",
    "disclosure.tasks",
    "disclosure.transition",
    "disclosure_api.create_item",
    "disclosure_api.diff",
    "disclosure_api.edit_item",
    "disclosure_api.get_item",
    "disclosure_api.item_audit",
    "disclosure_api.list_items",
    "disclosure_api.poster",
    "disclosure_api.revision",
    "disclosure_api.revisions",
    "disclosure_api.tasks",
    "disclosure_api.transition",
    "feedback.acknowledge",
    "feedback.assign",
    "feedback.case",
    "feedback.close",
    "feedback.conclude",
    "feedback.export",
    "feedback.extend",
    "feedback.grant",
    "feedback.hide",
    "feedback.inbox",
    "feedback.make_item",
    "feedback.publish",
    "feedback.refuse",
    "feedback.reopen",
    "feedback.reply",
    "feedback.review",
    "feedback.transfer",
    "feedback.unhide",
    "feedback_office.lookup",
    "feedback_office.record",
    "feedback_office.slip",
    "feedback_office.slip_pdf",
    "feedback_api.act",
    "feedback_api.get_case",
    "feedback_api.list_cases",
    "feedback_api.reply",
    "matters.detail",
    "matters.link",
    "matters.matters",
    "matters.new_matter",
    "matters.record_stage",
    "matters.withdraw_stage",
    "orgs.edit_org",
    "orgs.new_org",
    "orgs.orgs",
    "orgs_api.create_org",
    "orgs_api.get_org",
    "orgs_api.list_orgs",
    "orgs_api.board",
    "orgs_api.update_org",
    "print_jobs.cancel",
    "print_jobs.job",
    "print_jobs.jobs",
    "print_jobs.start",
    "print_jobs_api.cancel",
    "print_jobs_api.download",
    "print_jobs_api.file",
    "print_jobs_api.index",
    "print_jobs_api.kinds",
    "print_jobs_api.show",
    "print_jobs_api.submit",
    "schedule.delete",
    "schedule.new_playlist",
    "schedule.playlist",
    "schedule.playlists",
    "schedule_api.create",
    "schedule_api.delete",
    "schedule_api.index",
    "schedule_api.show",
    "schedule_api.update",
    "power.clear_group_power",
    "power.clear_screen_power",
    "power.group_power",
    "power.screen_power",
    "power_api.clear_group_power",
    "power_api.clear_screen_power",
    "power_api.group_power",
    "power_api.screen_power",
    "power_api.set_group_power",
    "power_api.set_screen_power",
    "screens.group",
    "screens.groups",
    "screens.new_screen",
    "screens.new_token",
    "screens.pair",
    "screens.preview",
    "screens.preview_manifest",
    "screens.revoke",
    "screens.screen",
    "screens.wall",
    "screens_api.create",
    "screens_api.create_group",
    "screens_api.index",
    "screens_api.manifest",
    "screens_api.new_token",
    "screens_api.pair",
    "screens_api.played",
    "screens_api.revoke",
    "screens_api.show",
    "screens_api.update",
    "screens_api.update_group",
    "snapshots.image",
    "supervision.accountability",
    "supervision.accountability_list",
    "supervision.add_finding",
    "supervision.dismiss",
    "supervision.finding",
    "supervision.finding_action",
    "supervision.inspection",
    "supervision.meetings",
    "supervision.new_accountability",
    "supervision.new_inspection",
    "supervision.overview",
    "supervision.roster",
    "supervision_api.act",
    "supervision_api.add_finding",
    "supervision_api.finding",
    "supervision_api.findings",
    "supervision_api.record_inspection",
}


def _login_calls(app: Flask, world: World) -> Iterator[tuple[str, Call]]:
    """Every login-only rule, its numbers filled with the ids of non-public things."""
    hidden = [m for m in world.revisions if m.facts.scope is not Scope.PUBLIC] or world.revisions
    values: dict[str, Any] = {
        "item_id": hidden[0].item_id,
        "number": hidden[0].number,
        "screen_id": world.screens[0][0],
        "case_id": world.case_ids[0] if world.case_ids else 1,
        "code": "V1",
        "username": "editor",
    }
    for rule in app.url_map.iter_rules():
        if rule.endpoint not in LOGIN:
            continue
        args = {name: values.get(name, 1) for name in rule.arguments}
        url = rule.build(args, append_unknown=False)[1] if rule.arguments else rule.rule
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            yield rule.endpoint, Call(method, url)
            for _id, token, _viewer in world.screens[:1]:
                yield rule.endpoint, Call(method, url, headers={"Authorization": f"Bearer {token}"})


def _send(client: FlaskClient, call: Call) -> Any:
    return client.open(call.url, method=call.method, data=call.data, headers=call.headers or {})


def _viewers(world: World, call: Call) -> list[Viewer]:
    viewers: list[Viewer] = [ANONYMOUS]
    sent = (call.headers or {}).get("Authorization", "") + call.url
    viewers += [viewer for _id, token, viewer in world.screens if token in sent]
    return viewers


def _check(world: World, call: Call, response: Any) -> None:
    leaked = {
        where
        for marker, where in forbidden(world, _viewers(world, call)).items()
        # What the caller sent (a file's name in its URL) may come back, e.g. in a login link.
        if marker in response.data and marker.decode("latin-1") not in call.url
    }
    assert not leaked, f"{call.method} {call.url} {call.headers or ''} leaks {sorted(leaked)}"


def test_every_url_rule_is_known(app: Flask) -> None:
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    unknown = endpoints - set(PUBLIC) - LOGIN
    assert not unknown, (
        f"New URL rules {sorted(unknown)}: add them to PUBLIC (with a parameter filler, so the"
        " audience property covers them) or to LOGIN (checked to turn anonymous callers away)."
    )
    assert not (set(PUBLIC) | LOGIN) - endpoints, "stale entries in the endpoint map"


@settings(
    max_examples=6,
    deadline=None,
    # Each example is a database and hundreds of requests: report failures unshrunk.
    phases=(Phase.explicit, Phase.reuse, Phase.generate),
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@example(
    # Every scope in every lifecycle, once, before the random worlds.
    specs=[
        ItemSpec(ORGS[i % len(ORGS)], scope, lifecycle)
        for i, (scope, lifecycle) in enumerate(
            (scope, lifecycle) for scope in Scope for lifecycle in LIFECYCLES
        )
    ],
    screen_specs=[
        ScreenSpec("VILLAGE", Audience.PARTY),
        ScreenSpec("VILLAGE", Audience.UNIT),
        ScreenSpec("TOWNSHIP", Audience.PUBLIC),
    ],
)
@given(specs=items_st, screen_specs=screens_st)
def test_no_url_gives_a_viewer_what_its_audience_may_not_see(
    app: Flask, specs: list[ItemSpec], screen_specs: list[ScreenSpec]
) -> None:
    test_every_url_rule_is_known(app)
    with app.app_context():
        db.session.rollback()
        wipe(db.engine)
        world = build(specs, screen_specs)
    client = app.test_client()
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    # The forms first: their POSTs give the receipts the tracking pages need.
    order = ["feedback_public.form", *sorted(endpoints & set(PUBLIC) - {"feedback_public.form"})]
    for endpoint in order:
        for call in PUBLIC[endpoint](world, app):
            response = _send(client, call)
            assert response.status_code < 500, (call, response.get_data(as_text=True)[:300])
            _check(world, call, response)
            if endpoint == "feedback_public.form" and response.status_code == 201:
                receipt = (
                    response.get_json()["receipt"]
                    if response.is_json
                    else response.get_data(as_text=True).split('id="receipt-code">')[1][:11]
                )
                world.receipts.append(receipt)
    assert world.receipts, "no feedback was accepted"
    with app.app_context():
        from signage_server.feedback.models import Case

        world.case_ids = [c.id for c in db.session.query(Case).limit(3)]
    for endpoint, call in _login_calls(app, world):
        response = _send(client, call)
        _check(world, call, response)
        turned_away = response.status_code in (401, 403) or (
            response.status_code == 302 and "/login" in response.headers.get("Location", "")
        )
        # A form POST without its CSRF token stops even earlier.
        assert turned_away or (call.method != "GET" and response.status_code == 400), (
            endpoint,
            call,
            response.status_code,
        )
