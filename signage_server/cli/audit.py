"""``signage audit verify``: check the tamper-evident audit chain and every sealed record."""

from __future__ import annotations

import click

from signage_server import migrations
from signage_server import services as registry
from signage_server.appraisal.services import appraisal_states
from signage_server.audit.services import verify
from signage_server.catalog.services import exemption_states
from signage_server.cli.base import Group
from signage_server.disclosure.services import org_settings_states
from signage_server.disclosure.services import revision_contents
from signage_server.extensions import db
from signage_server.feedback.services.sealing import case_states
from signage_server.matters.services import matter_states
from signage_server.paper import ARCHIVE
from signage_server.paper.archive import dossier_states
from signage_server.supervision.services import finding_states


@click.group("audit", cls=Group)
def audit_group() -> None:
    """The tamper-evident audit log."""


@audit_group.command("verify")
def audit_verify() -> None:
    """Check the audit chain, its head log, and that no revision, feedback case, exemption or
    archive dossier (its row and its file) changed after it was sealed.

    Exits 0 when intact (warnings, e.g. a missing head log, are printed); otherwise prints the
    first bad record and the kind of problem, and exits 1. Creates nothing.
    """
    migrations.require_current(db.engine)
    # What is sealed besides the chain: each domain says how to read its records' states.
    sealed = [
        revision_contents,
        case_states,
        exemption_states,
        org_settings_states,
        dossier_states(registry.get(ARCHIVE)),
        finding_states,
        matter_states,
        appraisal_states,
    ]
    report = verify(db.session, sealed)
    for warning in report.warnings:
        click.echo(f"WARNING: {warning}", err=True)
    if report.ok:
        click.echo(
            f"Audit chain intact: {report.checked} records ({report.witnessed} witnessed by the"
            f" head log), {report.subjects_checked} revisions, cases, exemptions and dossiers"
            " match their seals."
        )
        return
    assert report.problem is not None
    click.echo(
        f"AUDIT CHAIN BROKEN at record {report.problem.seq}: {report.problem.message}", err=True
    )
    click.echo(f"({report.checked} records read; kind: {report.problem.kind})", err=True)
    raise SystemExit(1)
