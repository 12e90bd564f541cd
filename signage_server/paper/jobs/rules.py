"""Pure rules of print jobs: their states, progress, cancelling, parameters, file names and
what happens to a job whose process died. No Flask, no database session; a bad parameter
raises the shared ``BadRequest`` (``invalid_params``).

A job moves through::

    queued ─claim→ running ─(every step done)→ done
      │               ├─(cancel asked; seen between two steps)→ cancelled
      │               ├─(it could not be planned, or every step failed)→ failed
      │               └─(its process died: found at the next start-up)→ queued again,
      │                  or failed after MAX_ATTEMPTS starts
      └─cancel→ cancelled  (at once: nothing ran yet)

A step that fails does not stop the job: the other documents are still made (one board that
cannot be printed must not lose the other twenty). The job ends ``done`` with that step listed
among its failures, or ``failed`` when no step succeeded.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable
from collections.abc import Iterable
from collections.abc import Mapping
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum
from enum import StrEnum
from typing import Any
from typing import Literal

from signage_server.errors import BadRequest
from signage_server.i18n import N_
from signage_server.i18n import Label


class JobState(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    DONE = "done"
    FAILED = "failed"
    CANCELLED = "cancelled"

    @property
    def label(self) -> str:
        return STATE_LABELS[self]


STATE_LABELS = {
    JobState.QUEUED: N_("Queued"),
    JobState.RUNNING: N_("Running"),
    JobState.DONE: N_("Done"),
    JobState.FAILED: N_("Failed"),
    JobState.CANCELLED: N_("Cancelled"),
}

#: States a job never leaves.
FINISHED = frozenset({JobState.DONE, JobState.FAILED, JobState.CANCELLED})
#: States of a job that may still make something (one open job per key).
OPEN = frozenset({JobState.QUEUED, JobState.RUNNING})

#: Starts of a job (its first and the restarts after its process died) before it fails.
MAX_ATTEMPTS = 3


# --- progress -------------------------------------------------------------------------------


def percent(state: JobState, done: int, total: int) -> int:
    """Return how far a job is, 0-100: a finished-and-done job is 100 even with no steps; a
    running one never shows 100 before its end (its last file is still being bundled)."""
    if state is JobState.DONE:
        return 100
    if total <= 0:
        return 0
    value = int(100 * max(0, min(done, total)) / total)
    return min(value, 99) if state in OPEN else value


def final_state(total: int, succeeded: int) -> JobState:
    """Return how a job whose every step ran ends: ``failed`` when it had steps and none of
    them succeeded, else ``done`` (the failed steps, if any, are listed)."""
    if total > 0 and succeeded == 0:
        return JobState.FAILED
    return JobState.DONE


# --- cancelling -----------------------------------------------------------------------------


class Cancel(Enum):
    """What asking to cancel a job does, by its state."""

    #: Nothing ran yet: it is cancelled at once.
    NOW = "now"
    #: It is running: it stops before its next step.
    REQUEST = "request"
    #: It has ended already: nothing to cancel.
    REFUSE = "refuse"


def cancel_decision(state: JobState) -> Cancel:
    if state is JobState.QUEUED:
        return Cancel.NOW
    if state is JobState.RUNNING:
        return Cancel.REQUEST
    return Cancel.REFUSE


def should_stop(cancel_requested: bool, stop_asked: bool = False) -> bool:
    """Tell whether a running job stops before its next step (checked between two steps:
    a step is never cut in the middle)."""
    return cancel_requested or stop_asked


# --- parameters -----------------------------------------------------------------------------

ParamType = Literal["choice", "int", "text"]


@dataclass(frozen=True)
class Param:
    """One parameter of a kind of job, e.g. the audience of the boards or the year of the
    dossiers: checked when a job is submitted (API, form, command line), and shown as a field
    of the form that starts it.

    :param label: a message id (translated where shown).
    :param choices: of a ``choice``: ``(value, message id of its label)``.
    :param default: a value, or a function of the current time (e.g. this year); ``None``:
        the parameter is required.
    """

    name: str
    label: str
    type: ParamType = "text"
    choices: tuple[tuple[str, str], ...] = ()
    default: Any = None
    minimum: int | None = None
    maximum: int | None = None

    def initial(self, now: dt.datetime) -> Any:
        """Return the value a form starts with."""
        return self.default(now) if callable(self.default) else self.default


def _refused(spec: Param, problem: str, **params: Any) -> BadRequest:
    """Return the error of parameter ``spec``: ``problem`` is a message id whose ``%(param)s``
    is the parameter's label (translated where shown), the rest from ``params``; the field
    and the English text in ``details``."""
    english = problem % {"param": spec.label, **params}
    return BadRequest(
        problem,
        code="invalid_params",
        details=[{"field": spec.name, "message": f"{spec.name}: {english}"}],
        **{**params, "param": Label(spec.label)},
    )


def clean_params(
    specs: Sequence[Param], raw: Mapping[str, Any], now: dt.datetime
) -> dict[str, Any]:
    """Return ``raw`` checked against ``specs``: every parameter present (defaults filled in),
    of its type, within its choices and bounds; nothing else.

    :raise BadRequest: the first problem found (``invalid_params``, the field in ``details``).
    """
    known = {spec.name for spec in specs}
    for name in raw:
        if name not in known:
            raise _refused(Param(str(name), str(name)), N_("%(param)s: no such parameter."))
    clean: dict[str, Any] = {}
    for spec in specs:
        value = raw.get(spec.name)
        if value is None or (isinstance(value, str) and not value.strip()):
            value = spec.initial(now)
            if value is None:
                raise _refused(spec, N_("%(param)s is required."))
        clean[spec.name] = _clean_value(spec, value)
    return clean


def _clean_value(spec: Param, value: Any) -> Any:
    if spec.type == "int":
        if isinstance(value, bool):
            raise _refused(spec, N_("%(param)s must be a whole number."))
        try:
            number = int(str(value).strip())
        except ValueError:
            raise _refused(spec, N_("%(param)s must be a whole number.")) from None
        if spec.minimum is not None and number < spec.minimum:
            raise _refused(spec, N_("%(param)s must be at least %(n)s."), n=spec.minimum)
        if spec.maximum is not None and number > spec.maximum:
            raise _refused(spec, N_("%(param)s must be at most %(n)s."), n=spec.maximum)
        return number
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise _refused(spec, N_("%(param)s must be a text."))
    text = str(value).strip()
    if spec.type == "choice" and text not in {v for v, _label in spec.choices}:
        raise _refused(
            spec,
            N_("%(param)s must be one of: %(choices)s."),
            choices=", ".join(v for v, _label in spec.choices),
        )
    if len(text) > 200:
        raise _refused(spec, N_("%(param)s must have at most %(n)s characters."), n=200)
    return text


def default_key(kind: str, org_id: int | None, params: Mapping[str, Any]) -> str:
    """Return the key of a job: one open job per kind, organisation and parameters (a second
    request for the same township's boards while they print follows the first job)."""
    canonical = json.dumps(dict(params), sort_keys=True, ensure_ascii=False, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()[:24]
    return f"{kind[:32]}:{org_id if org_id is not None else '-'}:{digest}"


# --- files ----------------------------------------------------------------------------------

_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
NAME_MAX = 120


def safe_name(name: str, fallback: str = "document.pdf") -> str:
    """Return ``name`` fit to be a file name inside a ZIP and on any desktop: no directory
    parts, no control or reserved characters, not hidden, at most :data:`NAME_MAX` characters
    (the extension kept)."""
    text = unicodedata.normalize("NFC", name)
    text = _UNSAFE.sub("_", text).strip().strip(".").strip()
    if not any(char.isalnum() for char in text):
        return fallback
    if len(text) > NAME_MAX:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 8:
            text = stem[: NAME_MAX - len(ext) - 1].rstrip() + "." + ext
        else:
            text = text[:NAME_MAX].rstrip()
    return text


def unique_name(name: str, taken: Iterable[str]) -> str:
    """Return ``name`` made safe, numbered ``name (2).pdf`` … when another file has it."""
    used = {n.casefold() for n in taken}
    base = safe_name(name)
    if base.casefold() not in used:
        return base
    stem, dot, ext = base.rpartition(".")
    if not dot:
        stem, ext = base, ""
    number = 2
    while True:
        candidate = f"{stem} ({number})" + (f".{ext}" if ext else "")
        if candidate.casefold() not in used:
            return candidate
        number += 1


class Download(Enum):
    """What a finished job offers to download."""

    NOTHING = "nothing"
    #: Its one file, as it is.
    SINGLE = "single"
    #: One ZIP of all its files.
    BUNDLE = "bundle"


def download_kind(files: int) -> Download:
    if files <= 0:
        return Download.NOTHING
    return Download.SINGLE if files == 1 else Download.BUNDLE


# --- runners and restarts -------------------------------------------------------------------


@dataclass(frozen=True)
class Runner:
    """Which process runs a job: host name (no ``|``), boot of that host (so that a process id
    of an earlier boot is never mistaken for a living one) and process id."""

    host: str
    boot: str
    pid: int

    def __str__(self) -> str:
        return f"{self.host}|{self.boot}|{self.pid}"

    @classmethod
    def parse(cls, text: str | None) -> Runner | None:
        """Read what :meth:`__str__` wrote; ``None`` when it is not that."""
        host, sep, rest = (text or "").partition("|")
        boot, sep2, pid = rest.rpartition("|")
        if not (sep and sep2 and pid.isdigit()):
            return None
        return cls(host, boot, int(pid))


def left_by_dead_process(
    recorded: Runner | None,
    here: Runner,
    alive: Callable[[int], bool],
    *,
    starting: bool = True,
) -> bool:
    """Tell whether a job marked running by ``recorded`` was left behind by a process that no
    longer runs, as seen from the process ``here``.

    Only jobs of this host are judged (another host's processes cannot be seen): an earlier
    boot, or a process id that is not alive, mean a dead runner. When ``here`` is starting up
    (it runs no job yet), its own process id means a dead runner too (an earlier process that
    had the same id). A job with no runner recorded cannot be running: it is dead too.
    """
    if recorded is None:
        return True
    if recorded.host != here.host:
        return False
    if recorded.boot != here.boot:
        return True
    if recorded.pid == here.pid:
        return starting
    return not alive(recorded.pid)


def after_interruption(attempts: int) -> JobState:
    """Return what becomes of a job whose process died after it was started ``attempts``
    times: queued again from its first step (what it made is content-addressed, so making it
    again is harmless), or failed once it has been started :data:`MAX_ATTEMPTS` times (a job
    that kills its process must not kill every process after it)."""
    return JobState.QUEUED if attempts < MAX_ATTEMPTS else JobState.FAILED
