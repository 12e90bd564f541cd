"""``signage bench manifest-bytes``: what a screen is sent when one item of eight (or more)
changes
(results in docs/benchmarks.md, "Manifest bytes").

It seeds a throw-away demo installation, then, in a fresh process on its database
(``python -m signage_server.bench.manifest_bytes``): tops the demo village up to
:data:`ITEMS` public items (at least) through its demo users' procedure, compiles a public screen's
manifest (the base the screen acknowledged), publishes a new revision of one item (its title
and text changed), compiles again, and measures the full manifest and the delta
(:mod:`signage_server.screens.deltas`) as Socket.IO frames: raw, and compressed as
permessage-deflate would (the websocket transport, simple-websocket, accepts it; Chromium
offers it): each message alone, and with the context kept from the previous message (the
full base manifest sent earlier on the same connection; the extension's default).
"""

from __future__ import annotations

import datetime as dt
import json
import sys
import tempfile
import time
import zlib
import zoneinfo
from pathlib import Path
from typing import Any

import click
import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server import create_app
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.accounts.services import get_user
from signage_server.bench import procedure
from signage_server.bench.installation import run_module
from signage_server.bench.installation import seeded
from signage_server.catalog.services import require_entry_for
from signage_server.disclosure import services as items
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.models import Item
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import Action
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.rules import Timing
from signage_server.disclosure.services import get_item
from signage_server.extensions import db
from signage_server.orgs.models import Org
from signage_server.orgs.services import require_by_code
from signage_server.screens import manifests
from signage_server.screens.context import current_context
from signage_server.screens.deltas import delta_of
from signage_server.screens.deltas import wire_size
from signage_server.screens.models import Manifest
from signage_server.screens.models import Screen
from signage_server.workdays.services import load_calendar

#: Items of the manifest measured.
ITEMS = 8
ORG = "JIYI-01"
TARGET_BYTES = 4096


def _person(session: Session, role: str) -> Principal:
    user = get_user(session, f"jiyi01_{role}")
    assert user is not None, f"no demo user jiyi01_{role}"
    return Principal.of(user)


def _env(session: Session, now: dt.datetime) -> items.Env:
    return items.Env(now, load_calendar(session), zoneinfo.ZoneInfo("Asia/Shanghai"))


def _through_procedure(session: Session, item: Item, env: items.Env) -> None:
    actions = (Action.SUBMIT, Action.REVIEW, Action.APPROVE, Action.PUBLISH)
    procedure.take(session, item, lambda role: _person(session, role), env, actions)


def _text(n: int) -> str:
    return (
        f"第{n}项：村民代表会议讨论通过的事项，按规定在村务公开栏和电子屏公开，"
        "接受群众监督。如有疑问请在公开期内向村务监督委员会反映。"
    ) * 4


def _screen(session: Session, org: Org) -> Screen:
    """A public landscape screen of the village (added when the demo has none)."""
    screen = session.scalar(
        sa.select(Screen)
        .where(Screen.org_id == org.id, Screen.audience == Audience.PUBLIC, Screen.active)
        .where(Screen.layout == "landscape")
        .order_by(Screen.id)
    )
    if screen is None:
        screen = Screen(org_id=org.id, name="村口大屏", audience=Audience.PUBLIC)
        session.add(screen)
        session.flush()
    return screen


def _current(session: Session, screen: Screen, context: manifests.Context) -> dict[str, Any]:
    manifests.refresh(session, [screen], context)
    session.commit()
    return manifests.current(session, screen, context)


def measure(session: Session, now: dt.datetime) -> dict[str, Any]:
    """Top the village up to :data:`ITEMS` items on a public screen, change one, measure."""
    org = require_by_code(session, ORG)
    env = _env(session, now)
    screen = _screen(session, org)
    context = current_context(now)
    base = _current(session, screen, context)
    added = 0
    while len(base["items"]) < ITEMS:
        added += 1
        fields = items.Fields(
            title=f"集义村村务公开事项（第{added}项）",
            category=Category.VILLAGE_AFFAIRS,
            timing=Timing.PERIODIC,
            scope=Scope.PUBLIC,
            body={"type": "text", "format": "plain", "text": _text(added)},
            department="村委会",
            accountable="王建国",
            catalog_entry=require_entry_for(session, org, "CW-01"),
        )
        _through_procedure(
            session, items.create_item(session, org, _person(session, "editor"), fields, env), env
        )
        session.commit()
        base = _current(session, screen, context)
    # The screen acknowledged ``base``: its stored body is the delta's base.
    stored = session.get(Manifest, base["version"])
    assert stored is not None
    changed_id = base["items"][len(base["items"]) // 2]["id"]
    item = get_item(session, changed_id)
    revision: Revision = item.current
    assert revision.state is State.PUBLISHED
    changes: dict[str, Any] = {"title": revision.title + "（更正）"}
    if revision.body.get("type") == "text":
        changes["body"] = {**revision.body, "text": revision.body.get("text", "") + "（已更正）"}
    items.edit_item(session, item, _person(session, "editor"), changes, env)
    _through_procedure(session, item, env)
    session.commit()
    new = _current(session, screen, context)
    delta = delta_of(stored.body, new)
    return report_of(base, new, delta, changed_id)


def _deflated(*messages: str) -> int:
    """Bytes of the last message as permessage-deflate sends it, the earlier messages having
    gone through the same compressor (context takeover)."""
    compressor = zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, zlib.DEFLATED, -15)
    size = 0
    for message in messages:
        out = compressor.compress(message.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH)
        size = len(out) - 4  # the extension drops the 00 00 ff ff tail
    return size


def _frame(event: str, payload: Any) -> str:
    return f'42/player,["{event}",{json.dumps(payload)}]'


def report_of(
    base: dict[str, Any], new: dict[str, Any], delta: dict[str, Any], changed_id: int
) -> dict[str, Any]:
    """The figures of one change: the full manifest and the delta, raw and deflated."""
    full_frame, delta_frame, base_frame = (
        _frame("manifest", new),
        _frame("manifest_delta", delta),
        _frame("manifest", base),
    )
    assets = {a["sha256"] for e in delta["items_changed"] for a in e.get("assets", [])}
    return {
        "items": len(new["items"]),
        "changed_item": changed_id,
        "items_changed": len(delta["items_changed"]),
        "rest_fields": sorted(delta["rest"]),
        "new_assets": len(assets - {a["sha256"] for e in base["items"] for a in e["assets"]}),
        "full": {
            "bytes": wire_size("manifest", new),
            "deflate": _deflated(full_frame),
            "deflate_after_base": _deflated(base_frame, full_frame),
        },
        "delta": {
            "bytes": wire_size("manifest_delta", delta),
            "deflate": _deflated(delta_frame),
            "deflate_after_base": _deflated(base_frame, delta_frame),
        },
        "target_bytes": TARGET_BYTES,
    }


def table(report: dict[str, Any]) -> list[str]:
    """The report as the Markdown table of docs/benchmarks.md."""
    full, delta = report["full"], report["delta"]
    lines = [
        f"Manifest of {report['items']} items, one item changed (a new revision):",
        "",
        "| sent | Socket.IO frame | permessage-deflate, alone | deflate after the base manifest |",
        "|---|---|---|---|",
    ]
    for label, found in (("full `manifest`", full), ("`manifest_delta`", delta)):
        lines.append(
            f"| {label} | {found['bytes']} B | {found['deflate']} B"
            f" | {found['deflate_after_base']} B |"
        )
    lines.append("")
    lines.append(
        f"Delta: {report['items_changed']} item entry, fields {', '.join(report['rest_fields'])};"
        f" target ≤ {report['target_bytes']} B per changed item:"
        f" {'met' if delta['bytes'] <= report['target_bytes'] else 'NOT met'}."
    )
    return lines


def run_manifest_bytes() -> dict[str, Any]:
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="signage-bench-manifest-") as folder:
        env = seeded(Path(folder))
        output = run_module(env, "manifest_bytes")
    report: dict[str, Any] = json.loads(output)
    report.update(
        benchmark="manifest-bytes",
        started_at=dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        wall_s=time.perf_counter() - started,
    )
    return report


@click.command("manifest-bytes")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def manifest_bytes(as_json: bool) -> None:
    """Bytes sent to a screen when one item of eight changes: full manifest and delta."""
    report = run_manifest_bytes()
    if as_json:
        click.echo(json.dumps(report, indent=2, ensure_ascii=False))
    else:
        click.echo("\n".join(table(report)))


def main() -> None:
    """Measure in the installation of the environment; print the report as JSON."""
    app = create_app()
    with app.app_context():
        found = measure(db.session, registry.now())
    sys.stdout.write(json.dumps(found) + "\n")


if __name__ == "__main__":
    main()
