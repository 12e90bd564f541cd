"""Remote commands to a screen: what an operator may ask of a box from the screen wall, how long
each request stays worth carrying out, and how a command goes from queued to its end. Pure: no
Flask, no database.

A command is ``queued`` when issued, ``sent`` once emitted to a connected player (a player that
reconnects is sent its queued and sent commands again: the player runs each id once), then
``done`` or ``failed`` as the player answers, ``expired`` when its time ran out before an
answer, or ``cancelled`` by an operator while still queued.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from dataclasses import dataclass

from signage_server.i18n import N_


class Kind(enum.StrEnum):
    RELOAD = "reload"
    CLEAR_CACHE = "clear_cache"
    IDENTIFY = "identify"
    REBOOT = "reboot"
    SNAPSHOT = "snapshot"


class State(enum.StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    DONE = "done"
    FAILED = "failed"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


#: Not yet answered: delivered (again) to the player while unexpired.
PENDING = frozenset({State.QUEUED, State.SENT})
#: Final: nothing changes them any more.
FINAL = frozenset({State.DONE, State.FAILED, State.EXPIRED, State.CANCELLED})


@dataclass(frozen=True)
class KindRule:
    #: How long after issuing the command is still worth carrying out.
    lifetime: dt.timedelta
    #: Only the box agent (deploy/kiosk) can carry it out; a plain browser cannot.
    agent_only: bool
    #: What the menu calls it (message id).
    label: str


#: Each kind's lifetime: a reload or cache clearing still helps a box that comes back the next
#: day (24 h); a reboot asked for is stale after an hour (the box may have been restarted by
#: hand meanwhile); a snapshot "now" is no evidence of now after 15 minutes; identifying a
#: screen helps the person standing in front of it only while they are there (10 minutes).
KINDS: Mapping[Kind, KindRule] = {
    Kind.RELOAD: KindRule(dt.timedelta(hours=24), False, N_("Reload")),
    Kind.CLEAR_CACHE: KindRule(dt.timedelta(hours=24), False, N_("Clear cache and reload")),
    Kind.IDENTIFY: KindRule(dt.timedelta(minutes=10), False, N_("Identify the screen")),
    Kind.REBOOT: KindRule(dt.timedelta(hours=1), True, N_("Reboot the box")),
    Kind.SNAPSHOT: KindRule(dt.timedelta(minutes=15), True, N_("Take a snapshot now")),
}

#: What each state is called (message ids).
STATE_LABELS: Mapping[State, str] = {
    State.QUEUED: N_("queued"),
    State.SENT: N_("sent"),
    State.DONE: N_("done"),
    State.FAILED: N_("failed"),
    State.EXPIRED: N_("expired"),
    State.CANCELLED: N_("cancelled"),
}

#: The audit chain's actions (subject ``screen``): issuing each kind, cancelling one.
CANCEL_ACTION = "cancel_command"


def issue_action(kind: Kind) -> str:
    return f"command_{kind.value}"


ACTION_LABELS: Mapping[str, str] = {
    issue_action(Kind.RELOAD): N_("Remote command: reload"),
    issue_action(Kind.CLEAR_CACHE): N_("Remote command: clear cache and reload"),
    issue_action(Kind.IDENTIFY): N_("Remote command: identify the screen"),
    issue_action(Kind.REBOOT): N_("Remote command: reboot the box"),
    issue_action(Kind.SNAPSHOT): N_("Remote command: take a snapshot"),
    CANCEL_ACTION: N_("Remote command cancelled"),
}

#: How long the identify overlay stays on screen (the player's own clock).
IDENTIFY_SECONDS = 30
#: Longest error text stored from a player's answer.
ERROR_MAX = 200


def parse_kind(value: object) -> Kind | None:
    """Return the kind ``value`` names, or ``None``."""
    try:
        return Kind(value) if isinstance(value, str) else None
    except ValueError:
        return None


def expires_at(kind: Kind, issued_at: dt.datetime) -> dt.datetime:
    return issued_at + KINDS[kind].lifetime


def needs_agent(kind: Kind) -> bool:
    return KINDS[kind].agent_only


def is_due_to_expire(state: State, expires: dt.datetime, now: dt.datetime) -> bool:
    """Whether a command in ``state`` with ``expires`` counts as expired at ``now``."""
    return state in PENDING and now >= expires


def effective_state(state: State, expires: dt.datetime, now: dt.datetime) -> State:
    """The command's state as an operator sees it at ``now`` (a pending command past its time
    is expired even before anything stored it so)."""
    return State.EXPIRED if is_due_to_expire(state, expires, now) else state


def deliverable(state: State, expires: dt.datetime, now: dt.datetime) -> bool:
    """Whether the command is (still) sent to its player at ``now``."""
    return state in PENDING and now < expires


def cancellable(state: State, expires: dt.datetime, now: dt.datetime) -> bool:
    """Only a command not yet sent (nor expired) may be cancelled."""
    return state is State.QUEUED and now < expires


def answered(state: State, ok: bool) -> State | None:
    """The state a player's answer (``ok`` or not) moves a command in ``state`` to; ``None``:
    the answer changes nothing (the command was cancelled or answered before). A command that
    expired while its answer was on the way is recorded as carried out all the same."""
    if state in PENDING or state is State.EXPIRED:
        return State.DONE if ok else State.FAILED
    return None


def clean_error(value: object) -> str:
    """The error a player reported, as stored (plain text, bounded)."""
    if not isinstance(value, str):
        return ""
    return "".join(c for c in value if c.isprintable())[:ERROR_MAX]
