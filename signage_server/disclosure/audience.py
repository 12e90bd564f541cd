"""Who may see what of an item revision: the one audience rule (DESIGN.md §2 "Scope"). Pure.

Every surface that shows anything of an item asks :func:`decide` — screens (through
``screens.rules.may_show``/``eligible``), the QR pages, asset downloads, feedback lists and
exports. Viewers:

* a :class:`ScreenViewer` (a screen: its audience and its organisation);
* :data:`ANONYMOUS` (a phone on a QR page, anybody without a login);
* a :class:`Member` (a logged-in user with their grants).

The answer is a :class:`Decision`: the :class:`Visibility` (``full``: title, body and
attachments; ``limited``: only the organisation and that the item is disclosed within a
limited scope; ``none``), the item's public :class:`Status` (current, scheduled, withdrawn,
expired, superseded, archived) and whether its content may be presented *as the disclosure*
now (``content``): a stale body is never presented as current.

Time is the window of :mod:`.windows`: a published revision is current inside its validity,
which never ends before a public notice's protection (``protected_until``, computed by the
notice rule of :mod:`.notices`). So a notice whose minimum period runs past its
``valid_until`` stays current on every surface until the period ends.

The scope table (先党内后党外): a ``public`` screen sees ``public`` items; a ``party`` screen
``party`` and ``public`` items; a ``unit`` screen ``unit`` and ``public`` items; anonymous
visitors see ``public`` items in full and ``party``/``unit`` items limited; users see what
their grants let them see (``org.view`` at the item's organisation), otherwise what an
anonymous visitor sees.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from signage_server.accounts.rules import Grant
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import allows
from signage_server.disclosure.rules import WAS_PUBLISHED
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import State
from signage_server.disclosure.windows import Window
from signage_server.disclosure.windows import validity
from signage_server.i18n import N_
from signage_server.orgs.rules import is_within


class Audience(StrEnum):
    """Who stands in front of a screen."""

    PUBLIC = "public"
    PARTY = "party"
    UNIT = "unit"

    @property
    def label(self) -> str:
        return AUDIENCE_LABELS[self]


AUDIENCE_LABELS = {
    Audience.PUBLIC: N_("Public (village square, street)"),
    Audience.PARTY: N_("Party members (party activity room)"),
    Audience.UNIT: N_("Staff (office)"),
}

#: The scopes each audience may see. The single source of the scope invariant.
VISIBLE_SCOPES: dict[Audience, frozenset[Scope]] = {
    Audience.PUBLIC: frozenset({Scope.PUBLIC}),
    Audience.PARTY: frozenset({Scope.PARTY, Scope.PUBLIC}),
    Audience.UNIT: frozenset({Scope.UNIT, Scope.PUBLIC}),
}


def scope_fits(scope: Scope, audience: Audience) -> bool:
    """Tell whether an item of ``scope`` may be shown to ``audience``."""
    return scope in VISIBLE_SCOPES[audience]


class Visibility(StrEnum):
    NONE = "none"
    LIMITED = "limited"
    FULL = "full"


class Status(StrEnum):
    """Where a revision stands for the public."""

    UNPUBLISHED = "unpublished"
    SCHEDULED = "scheduled"
    CURRENT = "current"
    EXPIRED = "expired"
    WITHDRAWN = "withdrawn"
    SUPERSEDED = "superseded"
    ARCHIVED = "archived"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]


STATUS_LABELS = {
    Status.UNPUBLISHED: N_("Not published"),
    Status.SCHEDULED: N_("Scheduled"),
    Status.CURRENT: N_("Currently disclosed"),
    Status.EXPIRED: N_("Expired"),
    Status.WITHDRAWN: N_("Withdrawn"),
    Status.SUPERSEDED: N_("Replaced by a newer revision"),
    Status.ARCHIVED: N_("Archived"),
}

#: Statuses in which a screen carries a revision (manifests reach 48 hours ahead).
ON_SCREEN = frozenset({Status.CURRENT, Status.SCHEDULED})


@dataclass(frozen=True)
class RevisionFacts:
    """What the rule needs to know of an item revision."""

    state: State
    scope: Scope
    org_path: str
    valid_from: dt.datetime | None
    valid_until: dt.datetime | None
    published_at: dt.datetime | None
    #: Whether the item's organisation is active (a dissolved org's items: its admins only).
    org_active: bool = True
    #: A published notice: until when its minimum period protects it (see ``notices``).
    protected_until: dt.datetime | None = None


@dataclass(frozen=True)
class ScreenViewer:
    """A screen: who stands in front of it, and where it is."""

    audience: Audience
    org_path: str


@dataclass(frozen=True)
class Anonymous:
    """Anybody without a login: a phone on a QR page, a visitor, a crawler."""


ANONYMOUS = Anonymous()


@dataclass(frozen=True)
class Member:
    """A logged-in user, by their grants (roles per organisation path)."""

    grants: tuple[Grant, ...]

    @classmethod
    def of(cls, grants: Iterable[Grant]) -> Member:
        return cls(tuple(grants))


Viewer = ScreenViewer | Anonymous | Member


@dataclass(frozen=True)
class Decision:
    visibility: Visibility
    status: Status
    #: Whether body and attachments may be presented as the disclosure now.
    content: bool

    @property
    def full(self) -> bool:
        return self.visibility is Visibility.FULL

    @property
    def limited(self) -> bool:
        return self.visibility is Visibility.LIMITED

    @property
    def ended(self) -> bool:
        """The revision was public and is no longer (say so, with when, who and why)."""
        return self.status in ENDED


ENDED = frozenset({Status.EXPIRED, Status.WITHDRAWN, Status.SUPERSEDED, Status.ARCHIVED})


def window(item: RevisionFacts) -> Window:
    """Return when the item may show (:func:`.windows.validity`, a notice's protection
    included)."""
    return validity(item.valid_from, item.valid_until, item.published_at, item.protected_until)


def in_window(item: RevisionFacts, at: dt.datetime) -> bool:
    return window(item).contains(at)


def status(item: RevisionFacts, at: dt.datetime) -> Status:
    """Return the public status of a revision at ``at`` (a published revision past its
    window is expired even before the expiry job has marked it)."""
    if item.state is State.PUBLISHED:
        shown = window(item)
        if shown.ended(at):
            return Status.EXPIRED
        if not shown.started(at):
            return Status.SCHEDULED
        return Status.CURRENT
    return {
        State.SUPERSEDED: Status.SUPERSEDED,
        State.EXPIRED: Status.EXPIRED,
        State.WITHDRAWN: Status.WITHDRAWN,
        State.ARCHIVED: Status.ARCHIVED,
    }.get(item.state, Status.UNPUBLISHED)


def screen_may_show(item: RevisionFacts, screen: ScreenViewer) -> bool:
    """Tell whether ``screen`` may show ``item`` at some time: it is published, the screen's
    organisation is the item's or below it, and its scope fits the screen's audience."""
    return (
        item.state is State.PUBLISHED
        and item.org_active
        and is_within(screen.org_path, item.org_path)
        and scope_fits(item.scope, screen.audience)
    )


def _member_reaches(item: RevisionFacts, member: Member) -> bool:
    # The operators' rule (accounts.permissions.Principal.can(VIEW, org)): a grant reaching the
    # item's organisation; a dissolved organisation only for the administrators above it.
    if item.org_active:
        return allows(member.grants, Permission.VIEW, item.org_path)
    return allows(member.grants, Permission.MANAGE_ORGS, item.org_path)


def may_see(item: RevisionFacts, viewer: Viewer) -> Visibility:
    """Return what ``viewer`` may know of ``item`` by scope and reach (time aside)."""
    if isinstance(viewer, ScreenViewer):
        return Visibility.FULL if screen_may_show(item, viewer) else Visibility.NONE
    if isinstance(viewer, Member) and _member_reaches(item, viewer):
        return Visibility.FULL
    if item.state not in WAS_PUBLISHED or not item.org_active:
        return Visibility.NONE
    return Visibility.FULL if item.scope is Scope.PUBLIC else Visibility.LIMITED


def decide(item: RevisionFacts, viewer: Viewer, at: dt.datetime) -> Decision:
    """Return what ``viewer`` may see of ``item`` at ``at``, and the item's public status."""
    visibility = may_see(item, viewer)
    current = status(item, at)
    if isinstance(viewer, ScreenViewer):
        if current not in ON_SCREEN:
            visibility = Visibility.NONE
        return Decision(visibility, current, visibility is Visibility.FULL)
    full = visibility is Visibility.FULL
    if isinstance(viewer, Member) and full and _member_reaches(item, viewer):
        # Operators read every revision of their items, drafts and ended ones included.
        return Decision(visibility, current, True)
    return Decision(visibility, current, full and current is Status.CURRENT)


def fully_visible(items: Iterable[RevisionFacts], viewer: Viewer, at: dt.datetime) -> bool:
    """Tell whether ``viewer`` may be given content used by any of ``items`` now (an asset
    shared by several revisions is as visible as the most visible of them)."""
    return any(decide(item, viewer, at).content for item in items)
