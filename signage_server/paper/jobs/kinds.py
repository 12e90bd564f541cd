"""The kinds of print jobs: what a job of each kind makes, step by step (see the package's
docstring for the interface). No Flask here; a kind's functions get the database session."""

from __future__ import annotations

from collections.abc import Callable
from collections.abc import Sequence
from dataclasses import dataclass
from dataclasses import field
from typing import TYPE_CHECKING
from typing import Any

from signage_server.accounts.rules import Permission
from signage_server.paper.jobs.rules import Param

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from signage_server.paper.models import PrintJob


@dataclass(frozen=True)
class Output:
    """A file a step made, to keep: stored in the archive store and offered for download
    (several outputs of a job are bundled into one ZIP)."""

    #: The file's name as the user gets it, e.g. ``集义村公开栏.pdf`` (made safe and unique
    #: within its job by the framework).
    name: str
    data: bytes
    mime: str = "application/pdf"


@dataclass(frozen=True)
class Step:
    """One document of a job, e.g. one organisation's board.

    :param label: what the step is about, shown while it runs (``集义村``).
    :param run: makes it with the job's database session; returns the file to keep, or
        ``None`` when there is nothing to keep (it may also just write rows, e.g. a dossier).
        It may raise: the step is then listed among the job's failures and the job goes on.
    """

    label: str
    run: Callable[[Session], Output | None]


#: ``plan(session, job)``: the steps of ``job``, in order (run once, when the job starts).
Plan = Callable[["Session", "PrintJob"], Sequence[Step]]


@dataclass(frozen=True)
class Kind:
    """A registered kind of print job."""

    name: str
    plan: Plan
    #: What the kind makes, as a message id (``N_("Boards of every organisation")``).
    label: str = ""
    #: A sentence saying more, as a message id (shown on the form that starts it).
    description: str = ""
    #: What a user needs at the job's organisation to start (and cancel) such a job.
    permission: Permission = Permission.VIEW
    params: tuple[Param, ...] = ()
    #: Whether two open jobs with the same organisation and parameters are one (the second
    #: request follows the first job).
    exclusive: bool = True
    #: The name of the job's ZIP (when it made several files); default
    #: ``<kind>-<org code>-<yyyymmdd>-<id>.zip``.
    bundle_name: Callable[[PrintJob], str] | None = field(default=None, compare=False)

    def param(self, name: str) -> Param | None:
        return next((p for p in self.params if p.name == name), None)


#: Plain dict operations (atomic under the GIL): read from the worker's native thread too.
_kinds: dict[str, Kind] = {}


def register_kind(
    name: str,
    plan: Plan,
    *,
    label: str = "",
    description: str = "",
    permission: Permission = Permission.VIEW,
    params: Sequence[Param] = (),
    exclusive: bool = True,
    bundle_name: Callable[[PrintJob], str] | None = None,
) -> Kind:
    """Make jobs of kind ``name`` possible (again: the newer registration replaces the older,
    so registering at app creation is idempotent). Kinds are registered per process."""
    if not name or len(name) > 32 or not name.replace("_", "").replace("-", "").isalnum():
        raise ValueError(f"a kind's name has 1-32 letters, digits, - and _: {name!r}")
    kind = Kind(
        name=name,
        plan=plan,
        label=label or name,
        description=description,
        permission=permission,
        params=tuple(params),
        exclusive=exclusive,
        bundle_name=bundle_name,
    )
    _kinds[name] = kind
    return kind


def unregister_kind(name: str) -> None:
    """Forget kind ``name`` (tests)."""
    _kinds.pop(name, None)


def get_kind(name: str) -> Kind | None:
    return _kinds.get(name)


def registered_kinds() -> list[Kind]:
    """Return the registered kinds, by name."""
    found = dict(_kinds)
    return [found[name] for name in sorted(found)]


def describe(kind: Kind) -> dict[str, Any]:
    """Return what an API client needs to know of ``kind`` to start a job of it."""
    return {
        "name": kind.name,
        "label": kind.label,
        "permission": kind.permission.value,
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "choices": [v for v, _label in p.choices],
                "required": p.default is None,
                "minimum": p.minimum,
                "maximum": p.maximum,
            }
            for p in kind.params
        ],
    }
