"""Snapshots: receiving one from a box agent, showing them to those who may see them, linking
them to proof of play, and pruning old ones.

An upload is checked as any uploaded image is (``content.assets.inspect``: by its content, fully
decoded, within pixel limits), then resized to at most ``rules.MAX_WIDTH`` wide and stored as
JPEG under the SHA-256 of the stored bytes. The server's clock stamps it; the item revision the
player says it showed is kept only when a manifest the screen held then named it; the proof of
play covering that moment is linked now or, as plays arrive after they end, later
(:func:`link_pending`); the audit chain's head at receipt is written beside it.
"""

from __future__ import annotations

import base64
import datetime as dt
import io
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa
from PIL import Image
from sqlalchemy.orm import Session

from content.assets import AssetRejected
from content.assets import AssetStore
from content.assets import Limits
from content.assets import inspect
from signage_server import services as registry
from signage_server.accounts.permissions import Principal
from signage_server.assets.services import refusal
from signage_server.audit.services import head
from signage_server.config import Settings
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.audience import Member
from signage_server.disclosure.rules import Scope
from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.errors import TooLarge
from signage_server.errors import UnsupportedMediaType
from signage_server.fleet import news
from signage_server.fleet.snapshots import rules
from signage_server.fleet.snapshots.models import Snapshot
from signage_server.fleet.snapshots.storage import SNAPSHOTS
from signage_server.i18n import N_
from signage_server.screens import plays
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.screens.services.lookup import find
from signage_server.screens.services.players import holdings
from signage_server.screens.services.tokens import token_holder
from signage_server.unit_of_work import committed
from signage_server.unit_of_work import session as current_session

#: The image types an agent may upload.
MIMES = ("image/png", "image/jpeg")
#: Pixel bounds of an upload (a 4K screen is 8.3 megapixels).
LIMITS = Limits(max_image_bytes=rules.MAX_UPLOAD_BYTES, max_pixels=40_000_000)


@dataclass(frozen=True)
class Upload:
    """What an agent sends beside the image (query parameters)."""

    item: int | None = None
    revision: int | None = None
    command: int | None = None
    reason: str = "scheduled"
    #: The agent's name of the capture (kept when it sends it again).
    capture: str = ""


def _resized(data: bytes) -> tuple[bytes, int, int]:
    """Return ``data`` (an accepted image) as JPEG at most ``MAX_WIDTH`` wide, and its size."""
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        picture = image.convert("RGB")
    if picture.width > rules.MAX_WIDTH:
        height = max(1, round(picture.height * rules.MAX_WIDTH / picture.width))
        picture = picture.resize((rules.MAX_WIDTH, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=rules.JPEG_QUALITY, optimize=True)
    return out.getvalue(), picture.width, picture.height


def prepare(data: bytes) -> tuple[bytes, int, int]:
    """Check an uploaded image and return it resized as JPEG, with its width and height.

    :raise BadRequest: empty; :raise TooLarge: over the size limit; :raise
        UnsupportedMediaType: not a PNG or JPEG image; :raise RuleViolation: damaged, or too
        many pixels.
    """
    if len(data) > rules.MAX_UPLOAD_BYTES:
        raise TooLarge(N_("The snapshot is too large."), code="too_large")
    try:
        inspected = inspect(data, LIMITS)
    except AssetRejected as error:
        raise refusal(error, LIMITS) from None
    if inspected.mime not in MIMES:
        raise UnsupportedMediaType(
            N_("A snapshot must be a PNG or JPEG image."), code="unsupported_type"
        )
    return _resized(data)


def _checked_item(
    session: Session, screen: Screen, upload: Upload, now: dt.datetime
) -> tuple[int | None, int | None]:
    """The item revision the player says it showed, if a manifest it held now named it."""
    if upload.item is None or upload.revision is None:
        return None, None
    held = holdings(session, screen, now, now)
    if plays.was_held(plays.Play(upload.item, upload.revision, now, 0.0), held):
        return upload.item, upload.revision
    return None, None


def _link(session: Session, snapshot: Snapshot) -> None:
    if snapshot.item_id is None or snapshot.revision is None:
        return
    rows = session.execute(
        sa.select(
            PlayRecord.id,
            PlayRecord.item_id,
            PlayRecord.revision,
            PlayRecord.started_at,
            PlayRecord.duration_s,
        ).where(
            PlayRecord.screen_id == snapshot.screen_id,
            PlayRecord.item_id == snapshot.item_id,
            PlayRecord.revision == snapshot.revision,
            PlayRecord.started_at <= snapshot.taken_at + rules.SKEW,
            PlayRecord.started_at >= snapshot.taken_at - dt.timedelta(days=1),
        )
    )
    found = rules.covering(
        (rules.Played(*row) for row in rows), snapshot.item_id, snapshot.revision, snapshot.taken_at
    )
    if found is not None:
        snapshot.play_record_id = found.id


def _reason(upload: Upload) -> str:
    return "command" if upload.command is not None else upload.reason


def receive(token: str | None, data: bytes, upload: Upload) -> tuple[Snapshot, bool]:
    """Store a snapshot the agent of the screen holding ``token`` sends; return it and whether
    it is new (sent again, its answer lost: ``rules.RESEND_WINDOW``).

    :raise Unauthorized: a bad, revoked or replaced token; and :func:`prepare`'s refusals.
    """
    if upload.reason not in rules.REASONS:
        raise BadRequest(N_("Unknown snapshot reason."), code="bad_reason")
    with committed() as session:
        screen = token_holder(session, token)
    stored, width, height = prepare(data)
    store = registry.get(SNAPSHOTS)
    with committed() as session:
        screen = token_holder(session, token)
        now = registry.now()
        sha256 = store.put(stored)
        # What a resend looks like: the same name within a day, or, unnamed, the same reason
        # (and command) within seconds.
        resent, window = (
            (Snapshot.capture == upload.capture, rules.RESEND_WINDOW)
            if upload.capture
            else (
                sa.and_(
                    Snapshot.capture == "",
                    Snapshot.reason == _reason(upload),
                    Snapshot.command_id.is_(None)
                    if upload.command is None
                    else Snapshot.command_id == upload.command,
                ),
                rules.UNNAMED_RESEND_WINDOW,
            )
        )
        again = session.scalar(
            sa.select(Snapshot)
            .where(
                Snapshot.screen_id == screen.id,
                Snapshot.sha256 == sha256,
                Snapshot.taken_at >= now - window,
                resent,
            )
            .order_by(Snapshot.taken_at.desc())
            .limit(1)
        )
        if again is not None:
            return again, False
        item, revision = _checked_item(session, screen, upload, now)
        chain = head(session)
        snapshot = Snapshot(
            screen_id=screen.id,
            sha256=sha256,
            width=width,
            height=height,
            size=len(stored),
            taken_at=now,
            item_id=item,
            revision=revision,
            audit_seq=chain.seq,
            audit_hash=chain.hash,
            reason=_reason(upload),
            command_id=upload.command,
            capture=upload.capture,
        )
        session.add(snapshot)
        _link(session, snapshot)
        screen.agent_seen_at = now
        session.flush()
        whose = news.Whose.of(screen)
    news.snapshot_taken(whose, snapshot)
    return snapshot, True


# --- who may see them -------------------------------------------------------------------


def may_view(principal: Principal, screen: Screen) -> bool:
    """Tell whether ``principal`` may see the snapshots of ``screen`` (the audience rule)."""
    return rules.may_view(screen.audience, screen.org.path, Member.of(principal.grants))


def latest(session: Session, screen_ids: Iterable[int]) -> dict[int, Snapshot]:
    """Return the newest snapshot of each of ``screen_ids`` that has one."""
    ids = list(screen_ids)
    if not ids:
        return {}
    newest = (
        sa.select(Snapshot.screen_id, sa.func.max(Snapshot.id).label("id"))
        .where(Snapshot.screen_id.in_(ids))
        .group_by(Snapshot.screen_id)
        .subquery()
    )
    rows = session.scalars(sa.select(Snapshot).join(newest, Snapshot.id == newest.c.id))
    return {s.screen_id: s for s in rows}


def of_screen(screen: Screen, limit: int = 12) -> list[Snapshot]:
    """Return the newest ``limit`` snapshots of ``screen``, newest first."""
    return list(
        current_session().scalars(
            sa.select(Snapshot)
            .where(Snapshot.screen_id == screen.id)
            .order_by(Snapshot.taken_at.desc(), Snapshot.id.desc())
            .limit(limit)
        )
    )


@dataclass(frozen=True)
class Seen:
    """A snapshot with the name of its screen (an item's page, its dossier)."""

    snapshot: Snapshot
    screen_name: str


def of_item(
    session: Session, item_id: int, principal: Principal | None, limit: int = 24
) -> list[Seen]:
    """Return the snapshots taken while ``item_id`` was on a screen, newest first: those
    ``principal`` may see (None: the system: all of them)."""
    rows = session.execute(
        sa.select(Snapshot, Screen)
        .join(Screen, Snapshot.screen_id == Screen.id)
        .where(Snapshot.item_id == item_id)
        .order_by(Snapshot.taken_at.desc(), Snapshot.id.desc())
        .limit(limit * 4)
    ).all()
    found = [
        Seen(snapshot, screen.name)
        for snapshot, screen in rows
        if principal is None or may_view(principal, screen)
    ]
    return found[:limit]


def image(principal: Principal, screen_id: int, snapshot_id: int) -> bytes:
    """Return the stored image of a snapshot, for a caller who may see its screen's content
    (the audience rule, as everywhere: a public screen's snapshot is public content, a party
    screen's only for those who may see party items there).

    :raise NotFound: no such snapshot of that screen, or the caller may not see it (which is
        not told apart: a refusal would confirm the snapshot exists).
    """
    session = current_session()
    snapshot = session.get(Snapshot, snapshot_id)
    screen = find(session, screen_id)
    if (
        snapshot is None
        or screen is None
        or snapshot.screen_id != screen.id
        or not may_view(principal, screen)
    ):
        raise NotFound(N_("No such snapshot."), code="snapshot_not_found")
    data = registry.get(SNAPSHOTS).get(snapshot.sha256)
    if data is None:
        raise NotFound(N_("No such snapshot."), code="snapshot_not_found")
    return data


# --- housekeeping -------------------------------------------------------------------------


def link_pending(session: Session, now: dt.datetime, *, limit: int = 500) -> int:
    """Link the snapshots that name an item revision but no proof of play yet to the play
    that has arrived since; return how many were linked. Only snapshots younger than the
    oldest proof of play a screen may still send (``screens.plays.MAX_AGE``) are looked at."""
    query = sa.select(Snapshot).where(
        Snapshot.play_record_id.is_(None),
        Snapshot.item_id.is_not(None),
        Snapshot.taken_at >= now - plays.MAX_AGE,
    )
    linked = 0
    for snapshot in session.scalars(query.order_by(Snapshot.id.desc()).limit(limit)):
        _link(session, snapshot)
        linked += snapshot.play_record_id is not None
    session.flush()
    return linked


def prune(session: Session, store: AssetStore, now: dt.datetime, keep_days: int) -> int:
    """Delete the snapshots older than ``keep_days`` and the files no snapshot names any more;
    return how many snapshots went."""
    before = rules.expired_before(now, keep_days)
    old = session.execute(
        sa.select(Snapshot.id, Snapshot.sha256).where(Snapshot.taken_at < before)
    ).all()
    if not old:
        return 0
    session.execute(sa.delete(Snapshot).where(Snapshot.id.in_([row[0] for row in old])))
    session.flush()
    hashes = {row[1] for row in old}
    kept = set(
        session.scalars(sa.select(Snapshot.sha256).where(Snapshot.sha256.in_(hashes)).distinct())
    )
    for sha256 in hashes - kept:
        path = store.path(sha256)
        if path is not None:
            path.unlink(missing_ok=True)
    return len(old)


#: How often the scheduler links pending snapshots and prunes old ones.
HOUSEKEEPING_EVERY = dt.timedelta(minutes=10)


def housekeeping(session: Session, now: dt.datetime) -> int:
    """Link pending snapshots and prune the expired ones (the scheduler, every
    :data:`HOUSEKEEPING_EVERY`); return how many were pruned."""
    link_pending(session, now)
    settings = registry.get(Settings)
    return prune(session, registry.get(SNAPSHOTS), now, settings.snapshot_keep_days)


# --- the archive dossier ------------------------------------------------------------------

#: Snapshots an item's dossier prints at most (the newest), and their width in pixels.
DOSSIER_SNAPSHOTS = 12
DOSSIER_WIDTH = 360


@dataclass(frozen=True)
class Printed:
    """A snapshot as an item's dossier prints it: small, with its time, screen and seal."""

    screen_name: str
    taken_at: dt.datetime
    revision: int | None
    sha256: str
    audit_seq: int
    #: A small JPEG as a ``data:`` URL (the dossier's renderer fetches nothing else).
    image: str


def _thumbnail(data: bytes) -> str:
    with Image.open(io.BytesIO(data)) as image:
        image.load()
        picture = image.convert("RGB")
    if picture.width > DOSSIER_WIDTH:
        height = max(1, round(picture.height * DOSSIER_WIDTH / picture.width))
        picture = picture.resize((DOSSIER_WIDTH, height), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    picture.save(out, "JPEG", quality=70)
    return "data:image/jpeg;base64," + base64.b64encode(out.getvalue()).decode("ascii")


def for_dossier(session: Session, item_id: int, scope: Scope) -> list[Printed]:
    """Return the snapshots an item's dossier prints: those of public screens, and those of
    screens whose audience is the item's own scope (a party item's dossier is read by those
    who may read party items; it never carries a party screen's snapshot into a public
    item's dossier). Newest first, at most :data:`DOSSIER_SNAPSHOTS`."""
    store = registry.get(SNAPSHOTS)
    audiences = {Audience.PUBLIC.value, scope.value}
    rows = session.execute(
        sa.select(Snapshot, Screen.name, Screen.audience)
        .join(Screen, Snapshot.screen_id == Screen.id)
        .where(Snapshot.item_id == item_id)
        .order_by(Snapshot.taken_at.desc(), Snapshot.id.desc())
        .limit(DOSSIER_SNAPSHOTS * 4)
    ).all()
    printed: list[Printed] = []
    for snapshot, name, audience in rows:
        if Audience(audience).value not in audiences:
            continue
        data = store.get(snapshot.sha256)
        if data is None:
            continue
        printed.append(
            Printed(
                screen_name=name,
                taken_at=snapshot.taken_at,
                revision=snapshot.revision,
                sha256=snapshot.sha256,
                audit_seq=snapshot.audit_seq,
                image=_thumbnail(data),
            )
        )
        if len(printed) >= DOSSIER_SNAPSHOTS:
            break
    return printed
