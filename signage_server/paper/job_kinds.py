"""The kinds of print jobs of the paper module (``paper.jobs`` runs them: progress, cancel,
the ZIP): every board of a subtree, and a year of archive dossiers."""

from __future__ import annotations

from functools import partial

from sqlalchemy.orm import Session
from sqlalchemy.orm import selectinload

from signage_server import services as registry
from signage_server.accounts.models import User
from signage_server.accounts.rules import Permission
from signage_server.disclosure.audience import AUDIENCE_LABELS
from signage_server.disclosure.audience import Audience
from signage_server.disclosure.models import Item
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import subtree
from signage_server.paper import ARCHIVE
from signage_server.paper import archive
from signage_server.paper.jobs import Output
from signage_server.paper.jobs import Param
from signage_server.paper.jobs import Step
from signage_server.paper.jobs import register_kind
from signage_server.paper.models import Dossier
from signage_server.paper.models import PrintJob
from signage_server.paper.posters import board_pdf
from signage_server.paper.posters import board_revisions


def plan_boards(session: Session, job: PrintJob) -> list[Step]:
    """One board per active organisation of the job's subtree that has something to show
    that audience now: the job's organisation first (always), then the others by code
    (JIYI-01 … JIYI-19, JIYI-EDU). An empty board is paper nobody needs."""
    assert job.org is not None
    audience = Audience(job.params["audience"])
    now = registry.now()
    below = sorted(
        (org for org in subtree(session, job.org) if org.id != job.org.id),
        key=lambda org: org.code,
    )
    chosen = [job.org] + [org for org in below if board_revisions(session, org, audience, now)]
    return [Step(org.name, partial(make_board, org.id, audience)) for org in chosen]


def make_board(org_id: int, audience: Audience, session: Session) -> Output:
    org = session.get(Org, org_id)
    assert org is not None
    pdf = board_pdf(session, org, audience=audience, now=registry.now())
    return Output(f"{org.code} {org.name}公开栏.pdf", pdf)


def plan_dossiers(session: Session, job: PrintJob) -> list[Step]:
    """One dossier per item of the job's organisation (and below) that ended in the year."""
    assert job.org is not None
    return [
        Step(
            (item.live or item.current).title,
            partial(dossier_file, item.id, job.created_by_id),
        )
        for item in archive.items_for_year(session, job.org, int(job.params["year"]))
    ]


def dossier_file(item_id: int, user_id: int | None, session: Session) -> Output:
    """The item's archived dossier: the sealed one of its ended revision when there is one
    (the scheduler made it when the publication ended; it is checked against its seal), else
    made, stored and sealed now."""
    item = session.get(Item, item_id, options=[selectinload(Item.revisions)])
    assert item is not None
    dossier: Dossier | None = archive.archived(session, item)
    store = registry.get(ARCHIVE)
    if dossier is not None:
        data = archive.check_stored(session, dossier, store)
    else:
        user = session.get(User, user_id) if user_id is not None else None
        dossier = archive.make_dossier(
            session,
            item,
            now=registry.now(),
            actor=user.username if user is not None else "system",
            role="print_job",
        )
        data = store.get(dossier.sha256) or b""
    return Output(f"{item.org.code}-{item.id} {dossier.title}.pdf", data)


#: The kinds this module registers.
KINDS = ("boards", "dossiers")


def register() -> None:
    """Called from ``paper.init_app`` (every process: server, worker, command line)."""
    register_kind(
        "boards",
        plan_boards,
        label=N_("Boards of every organisation"),
        description=N_(
            "One PDF per organisation of the subtree that has something to show, ready to pin"
            " on its board; all of them in one ZIP file."
        ),
        permission=Permission.VIEW,
        params=[
            Param(
                "audience",
                N_("Audience"),
                "choice",
                choices=tuple((a.value, AUDIENCE_LABELS[a]) for a in Audience),
                default=Audience.PUBLIC.value,
            )
        ],
    )
    register_kind(
        "dossiers",
        plan_dossiers,
        label=N_("Dossiers of a year"),
        description=N_(
            "The archive dossier of every item of the organisation that ended in that year,"
            " sealed in the audit chain."
        ),
        permission=Permission.PUBLISH_ITEMS,
        params=[
            Param(
                "year", N_("Year"), "int", default=lambda now: now.year, minimum=2000, maximum=2100
            )
        ],
    )
