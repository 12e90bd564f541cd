"""Operator pages of 定时开关屏: a screen's and a group's power schedule, and what the wall and
a screen's page show of it (template globals, so those pages need no change of their views)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask import Blueprint
from flask import abort
from flask import flash
from flask import redirect
from flask import render_template
from flask import request
from flask import url_for
from flask_babel import gettext as _
from werkzeug.wrappers import Response

from signage_server import services as registry
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.rules import Permission
from signage_server.errorhandlers import domain_message
from signage_server.errors import BadRequest
from signage_server.fleet.power import reports
from signage_server.fleet.power import rules
from signage_server.fleet.power import schedules
from signage_server.fleet.power import services
from signage_server.fleet.power.forms import WINDOW_HELP
from signage_server.fleet.power.forms import PowerForm
from signage_server.fleet.power.models import PowerReport
from signage_server.fleet.power.rules import ScheduleInvalid
from signage_server.screens.models import Screen
from signage_server.screens.services.lookup import group_for
from signage_server.screens.services.lookup import screen_for
from signage_server.unit_of_work import session as current_session
from signage_server.web.outcome import flash_outcome

bp = Blueprint("power", __name__)


def _save(form: PowerForm, change: Any) -> bool:
    """Save the form through ``change(data)``; put refusals under their fields."""
    try:
        change(form.schedule_data())
    except ScheduleInvalid as error:
        for problem in error.problems:
            form.field_of(problem.row).errors.append(_(problem.message, text=problem.text))
        return False
    except BadRequest as error:
        form.watts.errors.append(domain_message(error))
        return False
    return True


@bp.route("/screens/<int:screen_id>/power", methods=["GET", "POST"])
@login_required
def screen_power(screen_id: int) -> Any:
    principal = current_principal()
    screen = screen_for(principal, screen_id, Permission.VIEW)
    can_manage = principal.can(Permission.MANAGE_SCREENS, screen.org)
    session = current_session()
    own = services.screen_schedule_row(session, screen.id)
    form = PowerForm()
    if request.method == "POST":
        if not can_manage:
            abort(403)
        if form.validate_on_submit() and _save(
            form, lambda data: services.set_screen_schedule(principal, screen.id, data)
        ):
            flash(_("Saved. The screen gets its power schedule within a second."), "success")
            return redirect(url_for("power.screen_power", screen_id=screen.id))
    elif own is not None:
        form.show(own.rows, own.watts)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "power/screen.html",
        screen=screen,
        form=form,
        own=own,
        card=power_card(screen),
        can_manage=can_manage,
        window_help=WINDOW_HELP,
    ), status


@bp.post("/screens/<int:screen_id>/power/clear")
@login_required
def clear_screen_power(screen_id: int) -> Response:
    principal = current_principal()
    flash_outcome(
        lambda: services.clear_screen_schedule(principal, screen_id),
        _("The screen's own power schedule was removed."),
    )
    return redirect(url_for("power.screen_power", screen_id=screen_id))


@bp.route("/screens/groups/<int:group_id>/power", methods=["GET", "POST"])
@login_required
def group_power(group_id: int) -> Any:
    principal = current_principal()
    group = group_for(principal, group_id, Permission.VIEW)
    can_manage = principal.can(Permission.MANAGE_SCREENS, group.org)
    row = services.group_schedule_row(current_session(), group.id)
    form = PowerForm()
    if request.method == "POST":
        if not can_manage:
            abort(403)
        if form.validate_on_submit() and _save(
            form, lambda data: services.set_group_schedule(principal, group.id, data)
        ):
            flash(
                _("Saved. The group's screens get the power schedule within a second."), "success"
            )
            return redirect(url_for("power.group_power", group_id=group.id))
    elif row is not None:
        form.show(row.rows, row.watts)
    status = 400 if request.method == "POST" else 200
    return render_template(
        "power/group.html",
        group=group,
        form=form,
        own=row,
        can_manage=can_manage,
        window_help=WINDOW_HELP,
    ), status


@bp.post("/screens/groups/<int:group_id>/power/clear")
@login_required
def clear_group_power(group_id: int) -> Response:
    principal = current_principal()
    flash_outcome(
        lambda: services.clear_group_schedule(principal, group_id),
        _("The group's power schedule was removed."),
    )
    return redirect(url_for("power.group_power", group_id=group_id))


# --- what other pages show ---------------------------------------------------------------------


@bp.app_template_global()
def power_now_of(screens: Iterable[Screen]) -> dict[int, dict[str, Any]]:
    """The screens' power now (``state``: on / off / woken, ``until_text``) by id, those with a
    schedule only: the wall's tiles, their schedules looked up at once."""
    return schedules.power_states(current_session(), list(screens), registry.now())


@bp.app_template_global()
def power_card(screen: Screen) -> dict[str, Any]:
    """What a screen's page shows of its power schedule."""
    session = current_session()
    now = registry.now()
    effective = schedules.effective_of(session, screen)
    power = schedules.power_now(session, screen, effective, now)
    return {
        "effective": effective,
        "rows": effective.schedule.json() if effective else None,
        "now": power.json() if power else None,
        "saved": reports.saved_by_month(session, screen, effective, now),
        # What its player last said of its display (``status``'s ``power``).
        "reported": session.get(PowerReport, screen.id),
        "days": [(key, rules.day_name(key)) for key in (*rules.DAYS, "holiday")],
    }
