"""Use cases of screens: register, pair, tokens, revoke, and what players report."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from signage_server.errors import BadRequest
from signage_server.errors import NotFound
from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.screens import changes
from signage_server.screens import plays
from signage_server.screens.models import Manifest
from signage_server.screens.models import PairingRequest
from signage_server.screens.models import PlayRecord
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenConnection
from signage_server.screens.models import ScreenGroup
from signage_server.screens.models import ScreenManifestLog
from signage_server.screens.rules import Audience

SCREEN_TOKEN_PREFIX = "scr_"  # noqa: S105 - a marker, not a secret
PAIRING_MINUTES = 15
#: Letters and digits that cannot be mistaken for one another on a screen across a room.
PAIRING_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"
#: A screen counts as online when it reported within this time (it reports every minute).
ONLINE_WITHIN = dt.timedelta(seconds=150)
RESOLUTION_MAX = 8192


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _new_token() -> str:
    return SCREEN_TOKEN_PREFIX + secrets.token_urlsafe(32)


def parse_resolution(text: str) -> str:
    """Return ``"WxH"`` normalised; raise :class:`BadRequest` when malformed."""
    try:
        width, height = (int(part) for part in text.lower().replace("×", "x").split("x"))
    except ValueError:
        raise BadRequest(
            N_("Give the resolution as width x height, e.g. 1920x1080."), code="invalid_resolution"
        ) from None
    if not (64 <= width <= RESOLUTION_MAX and 64 <= height <= RESOLUTION_MAX):
        raise BadRequest(
            N_("Give the resolution as width x height, e.g. 1920x1080."), code="invalid_resolution"
        )
    return f"{width}x{height}"


@dataclass
class ScreenFields:
    name: str
    audience: Audience
    layout: str = "landscape"
    resolution: str = ""
    timezone: str = "Asia/Shanghai"
    location: str = ""


def _check(fields: ScreenFields, layouts: Iterable[str]) -> ScreenFields:
    import zoneinfo

    name = " ".join(fields.name.split())
    if not name or len(name) > 100:
        raise BadRequest(N_("Screen names have 1-100 characters."), code="invalid_name")
    if fields.layout not in set(layouts):
        raise BadRequest(N_("Unknown layout."), code="invalid_layout")
    try:
        zoneinfo.ZoneInfo(fields.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        raise BadRequest(N_("Unknown time zone."), code="invalid_timezone") from None
    fields.name = name
    if fields.resolution:
        fields.resolution = parse_resolution(fields.resolution)
    return fields


def register(
    session: Session,
    org: Org,
    fields: ScreenFields,
    *,
    layouts: dict[str, tuple[int, int]],
    with_token: bool = True,
) -> tuple[Screen, str | None]:
    """Create a screen at ``org``; return it and its token (shown once), if one was asked for.

    :param layouts: known layouts and their design sizes (the default resolution).
    :raise BadRequest: malformed name, layout, time zone or resolution.
    """
    fields = _check(fields, layouts)
    width, height = layouts[fields.layout]
    screen = Screen(
        org=org,
        name=fields.name,
        location=fields.location.strip()[:200],
        audience=fields.audience,
        layout=fields.layout,
        resolution=fields.resolution or f"{width}x{height}",
        timezone=fields.timezone,
    )
    session.add(screen)
    session.flush()
    token = issue_token(session, screen) if with_token else None
    changes.touch_screens(session, [screen.id])
    return screen, token


def update(
    session: Session,
    screen: Screen,
    fields: ScreenFields,
    layouts: dict[str, tuple[int, int]],
    *,
    now: dt.datetime | None = None,
) -> None:
    """Change a screen's name, place, audience, layout, resolution or time zone.

    :param now: when given, an audience change that would take a public notice in its
        minimum period off this screen is refused (the edges always give it).
    :raise RuleViolation: ``notice_running``.
    """
    fields = _check(fields, layouts)
    if now is not None and fields.audience is not screen.audience:
        check_keeps_notices(session, screen, fields.audience, now)
    screen.name = fields.name
    screen.location = fields.location.strip()[:200]
    screen.audience = fields.audience
    screen.layout = fields.layout
    screen.resolution = fields.resolution or screen.resolution
    screen.timezone = fields.timezone
    session.flush()
    changes.touch_screens(session, [screen.id])


def check_keeps_notices(
    session: Session, screen: Screen, audience: Audience, now: dt.datetime
) -> None:
    """Refuse a screen change that takes a notice in its minimum period off the screen.

    Revoking a screen's token is not such a change: a stolen token is revoked at once.

    :raise RuleViolation: ``notice_running``, naming the notice.
    """
    from signage_server.screens.manifests import protected_notices_on
    from signage_server.screens.rules import scope_fits

    for revision, _item, _org in protected_notices_on(session, screen, now):
        if not scope_fits(revision.scope, audience):
            raise RuleViolation(
                N_(
                    "The public notice “%(title)s” is running its minimum period on this"
                    " screen: the change would take it off. Only the superior organisation"
                    " may end a notice early."
                ),
                code="notice_running",
                title=revision.title,
            )


def issue_token(session: Session, screen: Screen) -> str:
    """Give the screen a new token (the old one stops working); return it, shown once."""
    token = _new_token()
    screen.token_hash = hash_token(token)
    screen.token_prefix = token[:12]
    screen.token_issued_at = dt.datetime.now(dt.UTC)
    screen.revoked_at = None
    session.flush()
    changes.disconnect_screen(session, screen.id)
    return token


def revoke(session: Session, screen: Screen) -> None:
    """Revoke the screen's token: it stops working everywhere, its connections are closed."""
    screen.token_hash = ""
    screen.revoked_at = dt.datetime.now(dt.UTC)
    screen.online = False
    session.flush()
    changes.disconnect_screen(session, screen.id)


def screen_for_token(session: Session, token: str | None) -> Screen | None:
    """Return the active screen holding ``token``, or ``None``."""
    if not token or not token.startswith(SCREEN_TOKEN_PREFIX) or len(token) > 128:
        return None
    digest = hash_token(token)
    screen = session.scalar(sa.select(Screen).where(Screen.token_hash == digest))
    if screen is None or not screen.active or not hmac.compare_digest(screen.token_hash, digest):
        return None
    return screen


def get(session: Session, screen_id: int) -> Screen:
    screen = session.get(Screen, screen_id)
    if screen is None:
        raise NotFound(N_("No such screen."), code="screen_not_found")
    return screen


def is_online(screen: Screen, now: dt.datetime) -> bool:
    return bool(screen.online and screen.last_seen_at and now - screen.last_seen_at < ONLINE_WITHIN)


def online_condition(now: dt.datetime) -> sa.ColumnElement[bool]:
    """Return :func:`is_online` as an SQL condition on :class:`Screen` (for lists)."""
    return sa.and_(
        Screen.online.is_(True),
        Screen.last_seen_at.is_not(None),
        Screen.last_seen_at > now - ONLINE_WITHIN,
    )


def up_to_date_condition() -> sa.ColumnElement[bool]:
    """SQL form of the wall's "up to date": the screen acknowledged its current manifest."""
    return sa.and_(Screen.acked_version != "", Screen.acked_version == Screen.manifest_version)


# --- pairing ----------------------------------------------------------------------------


def start_pairing(session: Session, now: dt.datetime, address: str) -> tuple[PairingRequest, str]:
    """Open a pairing request; return it and its secret (kept by the player only)."""
    code = "".join(secrets.choice(PAIRING_ALPHABET) for _ in range(6))
    code = f"{code[:3]}-{code[3:]}"
    secret = secrets.token_urlsafe(24)
    request = PairingRequest(
        code=code,
        secret_hash=hash_token(secret),
        expires_at=now + dt.timedelta(minutes=PAIRING_MINUTES),
        address=address[:64],
    )
    session.add(request)
    session.flush()
    return request, secret


def _open_request(session: Session, code: str, now: dt.datetime) -> PairingRequest:
    normalised = code.strip().upper().replace(" ", "")
    if len(normalised) == 6:
        normalised = f"{normalised[:3]}-{normalised[3:]}"
    request = session.scalar(
        sa.select(PairingRequest)
        .where(PairingRequest.code == normalised, PairingRequest.expires_at > now)
        .where(PairingRequest.screen_id.is_(None))
        .order_by(PairingRequest.id.desc())
    )
    if request is None:
        raise RuleViolation(
            N_("No screen is showing this pairing code (codes last 15 minutes)."),
            code="pairing_unknown",
        )
    return request


def attach(session: Session, code: str, screen: Screen, now: dt.datetime) -> None:
    """Attach the player showing ``code`` to ``screen``: it receives a new token."""
    request = _open_request(session, code, now)
    request.screen_id = screen.id
    request.token = issue_token(session, screen)
    session.flush()


def collect(session: Session, secret: str, now: dt.datetime) -> dict[str, Any]:
    """Return the pairing state for the player holding ``secret``; hand the token over once.

    :raise NotFound: no such request, or it expired, or its token was collected.
    """
    request = session.scalar(
        sa.select(PairingRequest).where(PairingRequest.secret_hash == hash_token(secret))
    )
    if request is None or request.collected_at is not None:
        raise NotFound(N_("Pairing expired."), code="pairing_expired")
    if request.screen_id is None:
        if request.expires_at <= now:
            raise NotFound(N_("Pairing expired."), code="pairing_expired")
        return {
            "state": "waiting",
            "code": request.code,
            "expires_at": request.expires_at.isoformat(),
        }
    token = request.token
    request.token = ""
    request.collected_at = now
    session.flush()
    return {"state": "paired", "token": token, "screen": request.screen_id}


# --- what players report ----------------------------------------------------------------


def seen(screen: Screen, now: dt.datetime, address: str | None = None) -> None:
    screen.online = True
    screen.last_seen_at = now
    if address:
        screen.player_address = address[:64]


def connected(session: Session, screen: Screen, sid: str, now: dt.datetime, address: str) -> None:
    seen(screen, now, address)
    session.merge(ScreenConnection(sid=sid, screen_id=screen.id))
    session.flush()


def disconnected(session: Session, sid: str, now: dt.datetime) -> Screen | None:
    connection = session.get(ScreenConnection, sid)
    if connection is None:
        return None
    screen = session.get(Screen, connection.screen_id)
    session.delete(connection)
    session.flush()
    if screen is not None:
        others = session.scalar(
            sa.select(sa.func.count())
            .select_from(ScreenConnection)
            .where(ScreenConnection.screen_id == screen.id)
        )
        screen.online = bool(others)
        screen.last_seen_at = now
    return screen


def acknowledge(session: Session, screen: Screen, version: str, now: dt.datetime) -> None:
    """The player holds manifest ``version`` now (stored, its files cached)."""
    if isinstance(version, str) and len(version) <= 64:
        screen.acked_version = version
        sent = session.scalar(
            sa.select(ScreenManifestLog)
            .where(ScreenManifestLog.screen_id == screen.id, ScreenManifestLog.version == version)
            .order_by(ScreenManifestLog.sent_at.desc())
            .limit(1)
        )
        if sent is not None and sent.acked_at is None:
            sent.acked_at = now
    seen(screen, now)


def _manifest_items(session: Session, *versions: str) -> set[int]:
    items: set[int] = set()
    for version in {v for v in versions if v}:
        manifest = session.get(Manifest, version)
        if manifest is not None:
            items |= {item for item, _revision in plays.windows(manifest.body)}
    return items


def report_status(
    session: Session, screen: Screen, status: dict[str, Any], now: dt.datetime
) -> None:
    """Store what the player says it shows; an item of none of its manifests is not believed."""
    item = status.get("current_item")
    shown = isinstance(item, int) and not isinstance(item, bool) and 0 < item <= plays.ID_MAX
    screen.current_item_id = (
        item
        if shown and item in _manifest_items(session, screen.manifest_version, screen.acked_version)
        else None
    )
    uptime = status.get("uptime_s")
    if isinstance(uptime, int | float) and 0 <= uptime < 10**9:
        screen.uptime_s = int(uptime)
    version = status.get("version")
    if isinstance(version, str) and len(version) <= 64:
        screen.acked_version = version or screen.acked_version
    seen(screen, now)


#: Proof-of-play records looked at in one batch; more are refused (the player batches by 50).
PLAYED_BATCH_MAX = 500


@dataclass(frozen=True)
class PlayedReport:
    """What became of a batch of proof of play (sent back to the player)."""

    #: Stored now.
    accepted: int = 0
    #: Stored before (a batch sent again): nothing to do.
    duplicates: int = 0
    #: Refused for good: malformed, out of bounds, or not in a manifest the screen held.
    rejected: int = 0
    #: Not looked at: over the screen's rate; send them again later.
    deferred: int = 0

    def json(self) -> dict[str, int]:
        return {
            "accepted": self.accepted,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "deferred": self.deferred,
        }


def _holdings(
    session: Session, screen: Screen, first: dt.datetime, last: dt.datetime
) -> list[plays.Holding]:
    """The manifests the screen may have held between ``first`` and ``last``."""
    rows = session.execute(
        sa.select(
            ScreenManifestLog.version, ScreenManifestLog.sent_at, ScreenManifestLog.acked_at
        ).where(ScreenManifestLog.screen_id == screen.id)
    ).all()
    held = []
    for span in plays.spans(plays.Sent(*row) for row in rows):
        if plays.overlaps(span, first, last):
            manifest = session.get(Manifest, span[0].version)
            if manifest is not None:
                held.append(plays.holding(span, manifest.body))
    return held


def _first_manifest(session: Session, screen: Screen) -> dt.datetime | None:
    return session.scalar(
        sa.select(sa.func.min(ScreenManifestLog.sent_at)).where(
            ScreenManifestLog.screen_id == screen.id
        )
    )


def record_played(
    session: Session, screen: Screen, records: Any, now: dt.datetime, *, per_minute: int
) -> PlayedReport:
    """Store the proof of play a screen may claim; say what became of each record.

    A record is stored only when well formed and bounded (:func:`plays.parse`) and when a
    manifest the screen held at its start named that item revision (:func:`plays.was_held`).
    At most :data:`PLAYED_BATCH_MAX` records are looked at per batch and ``per_minute`` stored
    per screen and minute (by the application clock); the rest are deferred.
    """
    if not isinstance(records, list):
        return PlayedReport(rejected=1)
    batch = records[:PLAYED_BATCH_MAX]
    rejected = len(records) - len(batch)
    recent = session.scalar(
        sa.select(sa.func.count())
        .select_from(PlayRecord)
        .where(
            PlayRecord.screen_id == screen.id,
            PlayRecord.received_at > now - dt.timedelta(minutes=1),
        )
    )
    budget = max(0, per_minute - int(recent or 0))
    earliest = _first_manifest(session, screen)
    parsed = [plays.parse(record, now, earliest) for record in batch]
    valid = [p for p in parsed if p is not None]
    rejected += len(parsed) - len(valid)
    moments = [p.started_at for p in valid]
    held = _holdings(session, screen, min(moments), max(moments)) if valid else []
    accepted = duplicates = deferred = 0
    seen_keys: set[tuple[int, int, dt.datetime]] = set()
    for play in valid:
        key = (play.item, play.revision, play.started_at)
        if not plays.was_held(play, held):
            rejected += 1
            continue
        if key in seen_keys or session.scalar(
            sa.select(PlayRecord.id).where(
                PlayRecord.screen_id == screen.id,
                PlayRecord.item_id == play.item,
                PlayRecord.revision == play.revision,
                PlayRecord.started_at == play.started_at,
            )
        ):
            duplicates += 1
            continue
        if accepted >= budget:
            deferred += 1
            continue
        seen_keys.add(key)
        session.add(
            PlayRecord(
                screen_id=screen.id,
                item_id=play.item,
                revision=play.revision,
                started_at=play.started_at,
                duration_s=play.duration_s,
                received_at=now,
            )
        )
        accepted += 1
    seen(screen, now)
    session.flush()
    return PlayedReport(accepted, duplicates, rejected, deferred)


# --- groups -----------------------------------------------------------------------------


def create_group(session: Session, org: Org, name: str, screens: Iterable[Screen]) -> ScreenGroup:
    name = " ".join(name.split())
    if not name:
        raise BadRequest(N_("Give the group a name."), code="invalid_name")
    members = list(screens)
    for screen in members:
        if not screen.org.path.startswith(org.path):
            raise RuleViolation(
                N_("A group holds screens of its organisation's subtree only."),
                code="screen_outside",
            )
    group = ScreenGroup(org=org, name=name, screens=members)
    session.add(group)
    session.flush()
    changes.touch_screens(session, [s.id for s in members])
    return group


def set_group_screens(session: Session, group: ScreenGroup, screens: Iterable[Screen]) -> None:
    before = {s.id for s in group.screens}
    members = list(screens)
    for screen in members:
        if not screen.org.path.startswith(group.org.path):
            raise RuleViolation(
                N_("A group holds screens of its organisation's subtree only."),
                code="screen_outside",
            )
    group.screens = members
    session.flush()
    changes.touch_screens(session, before | {s.id for s in members})
