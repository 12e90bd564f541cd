"""The command menu of the screen wall's tiles and of a screen's page: CSRF-protected forms
that issue or cancel a command, then return to where the operator was."""

from __future__ import annotations

from typing import Any

from flask import Blueprint
from flask import flash
from flask import redirect
from flask import request
from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.errorhandlers import domain_message
from signage_server.fleet.commands import rules
from signage_server.fleet.commands import services
from signage_server.fleet.commands.models import ScreenCommand
from signage_server.screens.models import Screen
from signage_server.web.outcome import REFUSALS
from signage_server.web.outcome import flash_outcome

bp = Blueprint("commands", __name__)


def _back(screen_id: int) -> Response:
    if request.form.get("back") == "wall":
        return redirect(url_for("screens.wall") + f"#screen-{screen_id}")
    return redirect(url_for("screens.screen", screen_id=screen_id) + "#commands")


@bp.post("/screens/<int:screen_id>/commands")
@login_required
def issue(screen_id: int) -> Response:
    try:
        issued = services.issue_command(current_principal(), screen_id, request.form.get("kind"))
    except REFUSALS as error:
        flash(domain_message(error), "danger")
        return _back(screen_id)
    command = issued.command
    label = _(rules.KINDS[command.kind].label)
    if not issued.created:
        flash(_("%(kind)s is still waiting for the screen: not sent twice.", kind=label), "info")
    elif command.state is rules.State.SENT:
        flash(_("Command sent to the screen: %(kind)s.", kind=label), "success")
    else:
        flash(
            _(
                "The screen is offline: %(kind)s is sent when it connects again (until %(until)s).",
                kind=label,
                until=format_datetime(command.expires_at, "yyyy-MM-dd HH:mm"),
            ),
            "success",
        )
    return _back(screen_id)


@bp.post("/screens/<int:screen_id>/commands/<int:command_id>/cancel")
@login_required
def cancel(screen_id: int, command_id: int) -> Response:
    principal = current_principal()
    flash_outcome(
        lambda: services.cancel_command(principal, screen_id, command_id),
        _("The command was cancelled."),
    )
    return _back(screen_id)


def command_menu(screen: Screen) -> list[tuple[str, str, bool]] | None:
    """The command menu of ``screen`` for the current operator: ``(kind, label, enabled)``
    each; ``None`` when they may not manage the screen or it has no player paired."""
    principal = current_principal()
    if not principal.can(Permission.MANAGE_SCREENS, screen.org) or not screen.token_hash:
        return None
    return [
        (kind.value, _(label), enabled)
        for kind, label, enabled in services.offer(screen, registry.now())
    ]


def recent_commands(screen: Screen) -> list[dict[str, Any]]:
    """The screen's latest commands as its page lists them."""
    principal = current_principal()
    now = registry.now()
    found: list[ScreenCommand] = services.recent_commands(principal, screen.id)
    return [
        {
            "id": c.id,
            "label": _(rules.KINDS[c.kind].label),
            "state": c.state.value,
            "state_label": _(rules.STATE_LABELS[c.state]),
            "issued_by": c.issued_by,
            "issued_at": c.issued_at,
            "done_at": c.done_at,
            "error": c.error,
            "cancellable": rules.cancellable(c.state, c.expires_at, now),
        }
        for c in found
    ]
