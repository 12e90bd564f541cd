"""``signage supervision …``: the daily digest of supervision alerts (run it from cron)."""

from __future__ import annotations

import smtplib

import click

from signage_server import services as registry
from signage_server.cli.base import Group
from signage_server.cli.base import fail
from signage_server.config import Settings
from signage_server.disclosure.viewing import local_tz
from signage_server.extensions import db
from signage_server.supervision import digest


@click.group("supervision", cls=Group)
def supervision_group() -> None:
    """Supervision: inspections, findings and rectification, meetings."""


@supervision_group.command("digest")
@click.option("--dry-run", is_flag=True, help="Print the mails instead of sending them.")
def supervision_digest(dry_run: bool) -> None:
    """Mail each user with an email address their supervision alerts: findings overdue or due
    within five working days, rectifications awaiting acceptance, meetings not held.

    Sends only when SIGNAGE_MAIL_HOST and SIGNAGE_MAIL_SENDER are set; users without an email
    address get nothing (they see the same alerts on their home page).
    """
    settings = registry.get(Settings)
    mails = digest.collect(db.session, registry.now(), local_tz(), settings.public_url)
    if dry_run:
        for mail in mails:
            click.echo(f"To: {mail.to}\nSubject: {mail.subject}\n\n{mail.body}")
        click.echo(f"{len(mails)} digest(s) would be sent (dry run).")
        return
    if not digest.configured(settings):
        click.echo(
            f"Mail is not configured (SIGNAGE_MAIL_HOST, SIGNAGE_MAIL_SENDER):"
            f" {len(mails)} digest(s) not sent."
        )
        return
    try:
        sent = digest.send(mails, settings)
    except (OSError, smtplib.SMTPException) as error:
        fail(f"mail could not be sent: {error}")
    click.echo(f"{sent} digest(s) sent.")
