"""Which procedure an item goes through, and the village-affairs procedure's own facts. Pure.

Party affairs (党务) and village affairs (村务) are disclosed by different bodies::

    party:    draft ─submit→ review (审核) ─approve→ sign-off (审签) ─→ [higher review] → publish
    village:  draft ─submit→ review by the 村务监督委员会 (审核完善)
              ─decide→ the 两委 joint meeting decides (联席会议: date, attendance, resolution)
              ─seal→ a 监督委员会 member signs and seals (签字盖章) → [higher review] → publish

The kind of procedure follows from the item's category and the organisation's kind
(:func:`procedure_for`): village affairs (三资, finances) of a village take the village-affairs
procedure; everything else, and village affairs of any other organisation, the party one.
It is decided when a revision is submitted and kept with it (sealed in the audit chain).

The joint meeting's record (:class:`Meeting`) and the seal (:class:`Seal`) are sealed in the
audit chain with the steps that made them, and shown wherever the item is shown: screens,
the QR page, posters and the archive dossier.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from signage_server.errors import RuleViolation
from signage_server.i18n import N_
from signage_server.orgs.rules import OrgKind


class Procedure(StrEnum):
    PARTY = "party"
    VILLAGE = "village"

    @property
    def label(self) -> str:
        return PROCEDURE_LABELS[self]


PROCEDURE_LABELS = {
    Procedure.PARTY: N_("Party affairs procedure"),
    Procedure.VILLAGE: N_("Village affairs procedure"),
}

#: The category whose items a village discloses through its own procedure.
VILLAGE_AFFAIRS = "village_affairs"


def procedure_for(category: str, org_kind: OrgKind) -> Procedure:
    """Return the procedure of an item of ``category`` at an organisation of ``org_kind``."""
    if category == VILLAGE_AFFAIRS and org_kind is OrgKind.VILLAGE:
        return Procedure.VILLAGE
    return Procedure.PARTY


#: The joint meeting's resolution as recorded (characters).
RESOLUTION_MAX = 1000
#: The fewest members a joint meeting of the 两委 can have.
MIN_MEMBERS = 3
#: The most members a joint meeting of the 两委 can have (a typo guard).
MAX_MEMBERS = 60


@dataclass(frozen=True)
class Meeting:
    """The 两委 joint meeting (村党组织和村委会联席会议) that decided a village-affairs item."""

    held_on: dt.date
    #: Members present, and members of the two committees.
    present: int
    members: int
    resolution: str

    def json(self) -> dict[str, Any]:
        return {
            "held_on": self.held_on.isoformat(),
            "present": self.present,
            "members": self.members,
            "resolution": self.resolution,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Meeting | None:
        if not data:
            return None
        return cls(
            held_on=dt.date.fromisoformat(str(data["held_on"])),
            present=int(data["present"]),
            members=int(data["members"]),
            resolution=str(data["resolution"]),
        )


def check_meeting(meeting: Meeting, *, reviewed_on: dt.date | None, today: dt.date) -> Meeting:
    """Return the meeting record as it is kept (the resolution trimmed), or refuse it.

    The meeting decides the draft as the supervision committee reviewed it: it is held on or
    after that day and not in the future; more than half of the members attend (a quorum);
    the resolution is written down.

    :raise RuleViolation: ``meeting_invalid``; ``details`` names each wrong field.
    """
    problems: dict[str, str] = {}
    if meeting.held_on > today:
        problems["held_on"] = "in_future"
    elif reviewed_on is not None and meeting.held_on < reviewed_on:
        problems["held_on"] = "before_review"
    if not MIN_MEMBERS <= meeting.members <= MAX_MEMBERS:
        problems["members"] = "out_of_range"
    if meeting.present < 0 or meeting.present > meeting.members:
        problems["present"] = "out_of_range"
    elif meeting.present * 2 <= meeting.members:
        problems["present"] = "no_quorum"
    resolution = meeting.resolution.strip()
    if not resolution:
        problems["resolution"] = "required"
    elif len(resolution) > RESOLUTION_MAX:
        problems["resolution"] = "too_long"
    if problems:
        raise RuleViolation(
            MEETING_MESSAGES[_first(problems)], code="meeting_invalid", details=problems
        )
    return Meeting(meeting.held_on, meeting.present, meeting.members, resolution)


def _first(problems: dict[str, str]) -> str:
    for name in ("held_on", "members", "present", "resolution"):
        if name in problems:
            return f"{name}:{problems[name]}"
    raise AssertionError(problems)


MEETING_MESSAGES = {
    "held_on:in_future": N_("The joint meeting cannot be held in the future."),
    "held_on:before_review": N_(
        "The joint meeting decides the reviewed draft: it cannot be dated before the review."
    ),
    "members:out_of_range": N_("Give the number of members of the two committees (3 to 60)."),
    "present:out_of_range": N_("The members present cannot be more than the members."),
    "present:no_quorum": N_(
        "More than half of the members must attend: the joint meeting had no quorum."
    ),
    "resolution:required": N_("Write down the joint meeting's resolution."),
    "resolution:too_long": N_("The resolution is too long (at most 1000 characters)."),
}


@dataclass(frozen=True)
class Seal:
    """The supervision committee's signature and seal (监督委员会签字盖章) on a revision."""

    #: The login name of the member who sealed, and the name they are shown by.
    by: str
    name: str
    at: dt.datetime

    def json(self) -> dict[str, Any]:
        return {
            "by": self.by,
            "name": self.name,
            "at": self.at.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any] | None) -> Seal | None:
        if not data:
            return None
        at = dt.datetime.fromisoformat(str(data["at"]).replace("Z", "+00:00"))
        return cls(by=str(data["by"]), name=str(data["name"]), at=at)


#: What the seal line says, wherever it is shown (screens, QR page, posters, dossier).
SEAL_LINE = N_("Reviewed and sealed by the village affairs supervision committee")
MEETING_LINE = N_("Decided by the joint meeting of the two committees")
