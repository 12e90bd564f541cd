"""What the metrics report (``GET /metrics``, Prometheus' text format).

Two kinds of figure:

* **of the installation**, counted in the database at each scrape (:func:`figures`, a few
  ``COUNT`` queries): screens registered, active and connected, print jobs waiting, feedback
  cases by state and overdue (by the feedback deadlines' own SQL condition), published items.
  Every server process answers the same for them.
* **of this process**, kept in memory (:class:`Instruments`): how long pushes take from the
  commit to the last emit, and how many manifests were pushed. Each process counts its own
  (production runs one gevent process per instance: scrape each instance).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from prometheus_client import CollectorRegistry
from prometheus_client import Counter
from prometheus_client import Histogram
from prometheus_client import ProcessCollector
from prometheus_client import generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.core import Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector
from sqlalchemy.orm import Session

from signage_server import services as registry
from signage_server.config import Settings
from signage_server.disclosure.models import Revision
from signage_server.disclosure.rules import State
from signage_server.extensions import db
from signage_server.feedback.models import Case
from signage_server.feedback.rules import CaseState
from signage_server.feedback.services import deadlines
from signage_server.metrics import rules
from signage_server.paper.jobs.rules import OPEN
from signage_server.paper.jobs.rules import JobState
from signage_server.paper.models import PrintJob
from signage_server.realtime.dispatch import Pushed
from signage_server.screens.models import Screen
from signage_server.screens.models import ScreenConnection

#: Seconds from a commit to its manifests' last emit (DESIGN.md §4 asks for a few seconds).
PUSH_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)


@dataclass(frozen=True)
class Figures:
    """The installation's figures at one moment (the same in every process)."""

    screens_registered: int
    #: Not deactivated, token not revoked.
    screens_active: int
    #: Screens with at least one live Socket.IO connection.
    screens_connected: int
    #: Socket.IO connections of screens (a screen may hold more than one for a moment).
    screen_connections: int
    #: Print jobs by state, open states only (``queued``: the queue's depth).
    print_jobs: dict[JobState, int]
    #: Feedback cases by state (hidden cases left out).
    feedback_cases: dict[CaseState, int]
    #: Open cases with a duty past its last day (the rule of ``feedback.services.deadlines``).
    feedback_overdue: int
    #: Items with a published revision.
    items_published: int


def _count(session: Session, query: sa.Select[Any]) -> int:
    return int(session.scalar(query) or 0)


def _by(session: Session, column: Any, *where: sa.ColumnElement[bool]) -> dict[str, int]:
    rows = session.execute(sa.select(column, sa.func.count()).where(*where).group_by(column))
    return {str(state): int(n) for state, n in rows}


def figures(session: Session, now: dt.datetime) -> Figures:
    """Count the installation's figures at ``now``."""
    count = sa.func.count
    jobs = _by(session, PrintJob.state, PrintJob.state.in_(OPEN))
    cases = _by(session, Case.state, Case.hidden_at.is_(None))
    return Figures(
        screens_registered=_count(session, sa.select(count()).select_from(Screen)),
        screens_active=_count(
            session,
            sa.select(count())
            .select_from(Screen)
            .where(Screen.active.is_(True), Screen.revoked_at.is_(None)),
        ),
        screens_connected=_count(
            session, sa.select(count(sa.distinct(ScreenConnection.screen_id)))
        ),
        screen_connections=_count(session, sa.select(count()).select_from(ScreenConnection)),
        print_jobs={state: jobs.get(state, 0) for state in JobState if state in OPEN},
        feedback_cases={state: cases.get(state, 0) for state in CaseState},
        feedback_overdue=_count(
            session,
            sa.select(count())
            .select_from(Case)
            .where(deadlines.overdue_condition(deadlines.terms(session), now)),
        ),
        items_published=_count(
            session,
            sa.select(count(sa.distinct(Revision.item_id))).where(
                Revision.state == State.PUBLISHED
            ),
        ),
    )


def families(found: Figures) -> Iterator[Metric]:
    """Return ``found`` as Prometheus gauges."""

    def gauge(name: str, text: str, value: int) -> GaugeMetricFamily:
        return GaugeMetricFamily(name, text, value=value)

    yield gauge("signage_screens_registered", "Screens registered.", found.screens_registered)
    yield gauge(
        "signage_screens_active",
        "Screens neither deactivated nor revoked.",
        found.screens_active,
    )
    yield gauge(
        "signage_screens_connected",
        "Screens holding a Socket.IO connection (any server process).",
        found.screens_connected,
    )
    yield gauge(
        "signage_screen_connections",
        "Socket.IO connections of screens (any server process).",
        found.screen_connections,
    )
    jobs = GaugeMetricFamily(
        "signage_print_jobs", "Print jobs waiting (queued) or running.", labels=["state"]
    )
    for state, n in found.print_jobs.items():
        jobs.add_metric([state.value], n)
    yield jobs
    cases = GaugeMetricFamily(
        "signage_feedback_cases",
        "Feedback cases by state (hidden ones left out).",
        labels=["state"],
    )
    for case_state, n in found.feedback_cases.items():
        cases.add_metric([case_state.value], n)
    yield cases
    yield gauge(
        "signage_feedback_cases_overdue",
        "Open feedback cases with a duty past its last working day.",
        found.feedback_overdue,
    )
    yield gauge(
        "signage_items_published", "Items with a published revision.", found.items_published
    )


class InstallationCollector(Collector):
    """Counts the installation's figures in the database at each scrape (in the app context
    of the request being served)."""

    def collect(self) -> Iterator[Metric]:
        yield from families(figures(db.session, registry.now()))


@dataclass(frozen=True)
class Instruments:
    """The metrics of one app: its registry and the figures this process keeps itself."""

    registry: CollectorRegistry
    push_seconds: Histogram
    manifests_pushed: Counter

    @classmethod
    def create(cls) -> Instruments:
        found = CollectorRegistry()
        instruments = cls(
            registry=found,
            push_seconds=Histogram(
                "signage_push_seconds",
                "Seconds from a commit to the last emit of the manifests it changed "
                "(this process).",
                buckets=PUSH_BUCKETS,
                registry=found,
            ),
            manifests_pushed=Counter(
                "signage_manifests_pushed",
                "Manifests pushed to screens, one per screen (this process).",
                registry=found,
            ),
        )
        ProcessCollector(registry=found)
        found.register(InstallationCollector())
        return instruments

    def observe(self, pushed: Pushed) -> None:
        """Count a push (the dispatcher's observer)."""
        self.push_seconds.observe(pushed.seconds)
        self.manifests_pushed.inc(pushed.manifests)


INSTRUMENTS: registry.Key[Instruments] = registry.Key("metrics")


def allowed(authorization: str | None) -> bool:
    """Tell whether a request with this ``Authorization`` header may read the metrics (only
    with ``SIGNAGE_METRICS_TOKEN`` set, and its bearer)."""
    return rules.bearer_matches(authorization, registry.get(Settings).metrics_token)


def exposition() -> tuple[bytes, str]:
    """Return the metrics in Prometheus' text format, and its content type."""
    return generate_latest(registry.get(INSTRUMENTS).registry), CONTENT_TYPE_LATEST
