"""Login, the user's own account page, and user administration (``/admin/users``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint
from flask import abort
from flask import flash
from flask import make_response
from flask import redirect
from flask import render_template
from flask import request
from flask import session
from flask import url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user
from flask_login import login_user
from flask_login import logout_user
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

from signage_server import listing
from signage_server import services as registry
from signage_server.accounts import services
from signage_server.accounts.forms import ActionForm
from signage_server.accounts.forms import GrantForm
from signage_server.accounts.forms import LoginForm
from signage_server.accounts.forms import PasswordChangeForm
from signage_server.accounts.forms import PasswordResetForm
from signage_server.accounts.forms import TokenForm
from signage_server.accounts.forms import UserCreateForm
from signage_server.accounts.forms import UserEditForm
from signage_server.accounts.models import AccountEvent
from signage_server.accounts.models import ApiToken
from signage_server.accounts.models import RoleGrant
from signage_server.accounts.models import User
from signage_server.accounts.models import new_session_stamp
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.permissions import require_manage_user
from signage_server.accounts.permissions import role_required
from signage_server.accounts.rules import EVENT_LABELS
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.accounts.rules import login_key
from signage_server.config import Settings
from signage_server.db import utcnow
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.extensions import client_address
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.i18n import N_
from signage_server.orgs.models import Org
from signage_server.orgs.services import get_by_code
from signage_server.orgs.services import tree_order
from signage_server.web.safety import safe_next

bp = Blueprint("accounts", __name__)


def _login_rate() -> str:
    return registry.get(Settings).login_rate_limit


def _login_user_key() -> str:
    return "login-user:" + request.form.get("username", "").strip().lower()[:64]


def _passwords() -> services.Passwords:
    return registry.get(services.Passwords)


#: The key of the browser session that names its server-side login session.
SESSION_KEY = "login"


def _log_in(user: User) -> None:
    """Open a server-side login session for ``user`` and tie this browser session to it.

    Login sessions live in real time, like the signed cookie whose age Flask checks by the
    wall clock (the app's clock, which tests move, decides lockouts and the procedure)."""
    settings = registry.get(Settings)
    now = utcnow()
    services.prune_sessions(db.session, user, now, dt.timedelta(days=settings.session_max_days))
    key = services.start_session(db.session, user, now)
    db.session.commit()
    login_user(user)
    session[SESSION_KEY] = key


def _locked_page(form: LoginForm, until: dt.datetime) -> Any:
    """The login form saying that the name is locked for now (whether it exists or not)."""
    form.password.errors.append(
        _(
            "Too many failed logins with this user name. Try again after %(time)s.",
            time=format_datetime(until, "yyyy-MM-dd HH:mm"),
        )
    )
    response = make_response(render_template("accounts/login.html", form=form), 429)
    seconds = max(int((until - registry.now()).total_seconds()), 1)
    response.headers["Retry-After"] = str(seconds)
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(_login_rate, key_func=client_address, methods=["POST"], scope="login-addr")
@limiter.limit(_login_rate, key_func=_login_user_key, methods=["POST"], scope="login-user")
def login() -> Any:
    """Log in with user name and password."""
    if current_user.is_authenticated:
        return redirect(url_for("web.dashboard"))
    form = LoginForm()
    if form.validate_on_submit():
        policy = registry.get(Settings).lockout
        key = login_key(form.username.data)
        until = services.locked_until(db.session, policy, key, registry.now())
        if until is not None:
            # Refused without looking at the password: guessing during a lock gains nothing.
            return _locked_page(form, until)
        user = services.authenticate(
            db.session, _passwords(), form.username.data, form.password.data
        )
        if user is not None:
            services.login_succeeded(db.session, key)
            chosen_locale = session.get("locale")
            session.clear()  # a fresh session: nothing from before the login carries over
            _log_in(user)
            session.permanent = True
            if user.locale or chosen_locale:
                session["locale"] = user.locale or chosen_locale
            return redirect(safe_next(request.args.get("next")) or url_for("web.dashboard"))
        db.session.rollback()
        services.login_failed(db.session, policy, key, registry.now())
        db.session.commit()
        form.password.errors.append(_("Wrong user name or password."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    if ActionForm().validate_on_submit():
        key = session.get(SESSION_KEY)
        if isinstance(key, str):
            services.end_session(db.session, key, utcnow())
            db.session.commit()
        logout_user()
        session.clear()
    return redirect(url_for("accounts.login"))


def _my_tokens(user: User) -> list[ApiToken]:
    query = sa.select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
    return list(db.session.scalars(query))


def _account_page(status: int = 200, **forms: Any) -> Any:
    user = current_principal().user
    context = {
        "password_form": forms.get("password_form") or PasswordChangeForm(prefix="pw"),
        "token_form": forms.get("token_form") or TokenForm(prefix="tk"),
        "action_form": ActionForm(),
        "tokens": _my_tokens(user),
        "new_token": forms.get("new_token"),
        "now": utcnow(),
    }
    return render_template("accounts/account.html", user=user, **context), status


@bp.get("/account")
@login_required
def account() -> Any:
    """The user's own account: roles, password, language, API tokens."""
    return _account_page()


@bp.post("/account/password")
@login_required
def change_password() -> Any:
    form = PasswordChangeForm(prefix="pw")
    user = current_principal().user
    if form.validate_on_submit():
        if not _passwords().verify(user.password_hash, form.current.data):
            form.current.errors.append(_("The current password is wrong."))
        else:
            try:
                services.set_password(db.session, _passwords(), user, form.new.data, actor=user)
            except DomainError as error:
                form.new.errors.append(domain_message(error))
            else:
                # The new session stamp ends every session; this one goes on in a new one.
                _log_in(user)
                flash(_("Your password was changed. Other sessions were logged out."), "success")
                return redirect(url_for("accounts.account"))
    return _account_page(400, password_form=form)


@bp.post("/account/tokens")
@login_required
def create_my_token() -> Any:
    form = TokenForm(prefix="tk")
    user = current_principal().user
    if not form.validate_on_submit():
        return _account_page(400, token_form=form)
    expires = utcnow() + dt.timedelta(days=form.days.data) if form.days.data else None
    _token, plain = services.create_token(db.session, user, name=form.name.data, expires_at=expires)
    db.session.commit()
    return _account_page(201, new_token=plain)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_my_token(token_id: int) -> Response:
    user = current_principal().user
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)
    if ActionForm().validate_on_submit():
        services.revoke_token(db.session, token, actor=user)
        db.session.commit()
        flash(_("The token was revoked."), "success")
    return redirect(url_for("accounts.account"))


@bp.post("/account/sessions/end")
@login_required
def end_other_sessions() -> Response:
    user = current_principal().user
    if ActionForm().validate_on_submit():
        user.session_stamp = new_session_stamp()
        current = session.get(SESSION_KEY)
        services.end_sessions(
            db.session, user, utcnow(), keep=current if isinstance(current, str) else None
        )
        db.session.commit()
        login_user(user)
        flash(_("All your other sessions were logged out."), "success")
    return redirect(url_for("accounts.account"))


# --- user administration -------------------------------------------------------------


def _org_choices(principal: Principal) -> list[tuple[str, str]]:
    """Return ``(code, label)`` of the orgs the admin manages, indented as a tree."""
    query = sa.select(Org).where(principal.org_condition(Permission.MANAGE_USERS))
    ordered = tree_order(db.session.scalars(query))
    return [(o.code, "\u3000" * depth + f"{o.name} ({o.code})") for depth, o in ordered]


def _managed_user_or_404(username: str) -> tuple[Principal, User]:
    principal = current_principal()
    user = services.get_user(db.session, username)
    if user is None:
        abort(404)
    require_manage_user(principal, user)
    return principal, user


@bp.get("/admin/users")
@login_required
@role_required(Role.ADMIN)
def users() -> str:
    """List the users the admin manages, in pages; search by name, filter by organisation
    subtree, role and whether the account is active."""
    principal = current_principal()
    filters = listing.Filters(
        [
            listing.search(placeholder=N_("User name or full name")),
            listing.select("org", N_("Organisation"), _org_choices(principal), translate=False),
            listing.select("role", N_("Role"), [(r.value, r.label) for r in Role]),
            listing.select(
                "active", N_("Account"), [("yes", N_("active")), ("no", N_("inactive"))]
            ),
        ],
        request.args,
    )
    query = (
        sa.select(User)
        .join(Org, User.home_org_id == Org.id)
        .where(principal.org_condition(Permission.MANAGE_USERS))
        .options(selectinload(User.grants), selectinload(User.home_org))
        .order_by(Org.code, User.username, User.id)
    )
    org = get_by_code(db.session, filters.get("org")) if filters.get("org") else None
    if org is not None:
        query = query.where(Org.path.like(org.path + "%"))
    if filters.get("q"):
        query = query.where(listing.text_match(filters.get("q"), User.username, User.display_name))
    if filters.get("role"):
        holders = sa.select(RoleGrant.user_id).where(RoleGrant.role == Role(filters.get("role")))
        query = query.where(User.id.in_(holders))
    if filters.get("active"):
        query = query.where(User.active.is_(filters.get("active") == "yes"))
    page = listing.paginate(db.session, query, listing.page_number(request.args.get("page")))
    return render_template("accounts/users.html", page=page, filters=filters)


@bp.route("/admin/users/new", methods=["GET", "POST"])
@login_required
@role_required(Role.ADMIN)
def new_user() -> Any:
    principal = current_principal()
    form = UserCreateForm()
    form.home_org.choices = _org_choices(principal)
    if request.method == "GET" and request.args.get("org"):
        form.home_org.data = request.args["org"]
    if form.validate_on_submit():
        org = get_by_code(db.session, form.home_org.data)
        if org is None:
            abort(400)
        principal.require(Permission.MANAGE_USERS, org)
        try:
            user = services.create_user(
                db.session,
                _passwords(),
                username=form.username.data,
                display_name=form.display_name.data or "",
                home_org=org,
                password=form.password.data,
                roles=[Role(r) for r in form.roles.data or []],
                actor=principal.user,
            )
        except DomainError as error:
            db.session.rollback()
            field = form.password if error.code == "weak_password" else form.username
            field.errors.append(domain_message(error))
        else:
            db.session.commit()
            flash(_("User %(name)s was created.", name=user.username), "success")
            return redirect(url_for("accounts.user_detail", username=user.username))
    status = 400 if request.method == "POST" else 200
    return render_template("accounts/user_new.html", form=form), status


def _user_page(principal: Principal, user: User, status: int = 200, **forms: Any) -> Any:
    edit_form = forms.get("edit_form") or UserEditForm(obj=user, prefix="ed")
    grant_form = forms.get("grant_form") or GrantForm(prefix="gr")
    grant_form.org.choices = _org_choices(principal)
    if not grant_form.org.data:
        grant_form.org.data = user.home_org.code
    events = db.session.scalars(
        sa.select(AccountEvent)
        .where(AccountEvent.user_id == user.id)
        .order_by(AccountEvent.id.desc())
        .limit(50)
    )
    context = {
        "edit_form": edit_form,
        "grant_form": grant_form,
        "password_form": forms.get("password_form") or PasswordResetForm(prefix="pw"),
        "action_form": ActionForm(),
        "tokens": _my_tokens(user),
        "events": list(events),
        "can_revoke": {g.id: principal.can(Permission.MANAGE_USERS, g.org) for g in user.grants},
        "event_labels": EVENT_LABELS,
        "roles": {role.value: role for role in Role},
        "now": utcnow(),
    }
    return render_template("accounts/user_detail.html", user=user, **context), status


@bp.get("/admin/users/<username>")
@login_required
@role_required(Role.ADMIN)
def user_detail(username: str) -> Any:
    principal, user = _managed_user_or_404(username)
    return _user_page(principal, user)


@bp.post("/admin/users/<username>")
@login_required
@role_required(Role.ADMIN)
def edit_user(username: str) -> Any:
    principal, user = _managed_user_or_404(username)
    form = UserEditForm(prefix="ed")
    if not form.validate_on_submit():
        return _user_page(principal, user, 400, edit_form=form)
    if user.id == principal.user.id and not form.active.data:
        form.active.errors.append(_("You cannot deactivate yourself."))
        return _user_page(principal, user, 422, edit_form=form)
    user.display_name = (form.display_name.data or "").strip()
    services.set_active(db.session, user, bool(form.active.data), actor=principal.user)
    db.session.commit()
    flash(_("Saved."), "success")
    return redirect(url_for("accounts.user_detail", username=user.username))


@bp.post("/admin/users/<username>/password")
@login_required
@role_required(Role.ADMIN)
def reset_password(username: str) -> Any:
    principal, user = _managed_user_or_404(username)
    form = PasswordResetForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.set_password(
                db.session, _passwords(), user, form.new.data, actor=principal.user
            )
        except DomainError as error:
            form.new.errors.append(domain_message(error))
        else:
            db.session.commit()
            flash(_("The password was set; the user's sessions were logged out."), "success")
            return redirect(url_for("accounts.user_detail", username=user.username))
    return _user_page(principal, user, 400, password_form=form)


@bp.post("/admin/users/<username>/grants")
@login_required
@role_required(Role.ADMIN)
def add_grant(username: str) -> Any:
    principal, user = _managed_user_or_404(username)
    form = GrantForm(prefix="gr")
    form.org.choices = _org_choices(principal)
    if not form.validate_on_submit():
        return _user_page(principal, user, 400, grant_form=form)
    org = get_by_code(db.session, form.org.data)
    if org is None:
        abort(400)
    principal.require(Permission.MANAGE_USERS, org)
    services.grant_role(db.session, user, org, Role(form.role.data), actor=principal.user)
    db.session.commit()
    flash(_("The role was granted."), "success")
    return redirect(url_for("accounts.user_detail", username=user.username))


@bp.post("/admin/users/<username>/grants/<int:grant_id>/revoke")
@login_required
@role_required(Role.ADMIN)
def revoke_grant(username: str, grant_id: int) -> Response:
    principal, user = _managed_user_or_404(username)
    grant = next((g for g in user.grants if g.id == grant_id), None)
    if grant is None:
        abort(404)
    principal.require(Permission.MANAGE_USERS, grant.org)
    if ActionForm().validate_on_submit():
        services.revoke_role(db.session, grant, actor=principal.user)
        db.session.commit()
        flash(_("The role was revoked."), "success")
    return redirect(url_for("accounts.user_detail", username=user.username))


@bp.post("/admin/users/<username>/tokens/<int:token_id>/revoke")
@login_required
@role_required(Role.ADMIN)
def revoke_user_token(username: str, token_id: int) -> Response:
    principal, user = _managed_user_or_404(username)
    token = db.session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id:
        abort(404)
    if ActionForm().validate_on_submit():
        services.revoke_token(db.session, token, actor=principal.user)
        db.session.commit()
        flash(_("The token was revoked."), "success")
    return redirect(url_for("accounts.user_detail", username=user.username))
