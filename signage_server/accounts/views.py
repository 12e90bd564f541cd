"""Login, the user's own account page, and user administration (``/admin/users``).

Each page parses its form and calls one use case (or query) of ``accounts.services``, which
checks permissions and rules and commits; what stays here is the browser's session (Flask-Login,
the key of the server-side login session) and the pages.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import Blueprint
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
from signage_server.accounts.models import User
from signage_server.accounts.permissions import Principal
from signage_server.accounts.permissions import current_principal
from signage_server.accounts.permissions import login_required
from signage_server.accounts.permissions import role_required
from signage_server.accounts.rules import EVENT_LABELS
from signage_server.accounts.rules import Permission
from signage_server.accounts.rules import Role
from signage_server.clock import SystemClock
from signage_server.config import Settings
from signage_server.errorhandlers import domain_message
from signage_server.errors import DomainError
from signage_server.extensions import client_address
from signage_server.extensions import db
from signage_server.extensions import limiter
from signage_server.i18n import N_
from signage_server.orgs.services import managed_choices
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
#: Tokens expire in real time (their expiry is shown against it).
REAL_TIME = SystemClock()


def _longest() -> dt.timedelta:
    """How long a login session lasts at most (``SIGNAGE_SESSION_MAX_DAYS``)."""
    return dt.timedelta(days=registry.get(Settings).session_max_days)


def load_user(session_id: str) -> User | None:
    """Flask-Login's user loader: the user of a login session id ``"<id>.<stamp>"`` while the
    server-side login session this browser session names is open."""
    return services.session_user(db.session, session_id, session.get(SESSION_KEY), _longest())


def _tie(user: User, key: str) -> None:
    """Tie this browser session to the server-side login session ``key`` of ``user``."""
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
        outcome = services.log_in(
            db.session,
            _passwords(),
            registry.get(Settings).lockout,
            form.username.data,
            form.password.data,
            now=registry.now(),
            longest=_longest(),
        )
        if outcome.locked_until is not None:
            return _locked_page(form, outcome.locked_until)
        if outcome.user is not None:
            chosen_locale = session.get("locale")
            session.clear()  # a fresh session: nothing from before the login carries over
            _tie(outcome.user, outcome.key)
            session.permanent = True
            if outcome.user.locale or chosen_locale:
                session["locale"] = outcome.user.locale or chosen_locale
            return redirect(safe_next(request.args.get("next")) or url_for("web.dashboard"))
        form.password.errors.append(_("Wrong user name or password."))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout() -> Response:
    """End the session."""
    if ActionForm().validate_on_submit():
        key = session.get(SESSION_KEY)
        if isinstance(key, str):
            services.log_out(db.session, key)
        logout_user()
        session.clear()
    return redirect(url_for("accounts.login"))


def _account_page(status: int = 200, **forms: Any) -> Any:
    user = current_principal().user
    context = {
        "password_form": forms.get("password_form") or PasswordChangeForm(prefix="pw"),
        "token_form": forms.get("token_form") or TokenForm(prefix="tk"),
        "action_form": ActionForm(),
        "tokens": services.tokens_of(db.session, user, newest_first=True),
        "new_token": forms.get("new_token"),
        "now": REAL_TIME.now(),
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
        try:
            key = services.change_own_password(
                db.session, _passwords(), user, form.current.data, form.new.data, _longest()
            )
        except DomainError as error:
            field = form.current if error.code == "wrong_password" else form.new
            field.errors.append(domain_message(error))
        else:
            # The new session stamp ends every session; this one goes on in a new one.
            _tie(user, key)
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
    plain = services.create_own_token(db.session, user, name=form.name.data, days=form.days.data)
    return _account_page(201, new_token=plain)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_my_token(token_id: int) -> Response:
    principal = current_principal()
    if ActionForm().validate_on_submit():
        services.revoke_user_token(db.session, principal, principal.user, token_id)
        flash(_("The token was revoked."), "success")
    return redirect(url_for("accounts.account"))


@bp.post("/account/sessions/end")
@login_required
def end_other_sessions() -> Response:
    user = current_principal().user
    if ActionForm().validate_on_submit():
        current = session.get(SESSION_KEY)
        services.end_other_sessions(db.session, user, current if isinstance(current, str) else None)
        login_user(user)
        flash(_("All your other sessions were logged out."), "success")
    return redirect(url_for("accounts.account"))


# --- user administration -------------------------------------------------------------


def _org_choices(principal: Principal) -> list[tuple[str, str]]:
    """Return ``(code, label)`` of the orgs the admin manages, indented as a tree."""
    return managed_choices(db.session, principal, Permission.MANAGE_USERS)


def _managed_user(username: str) -> tuple[Principal, User]:
    principal = current_principal()
    return principal, services.managed_user(db.session, principal, username)


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
    page = services.users_page(
        db.session,
        principal,
        services.UserFilters(
            text=filters.get("q"),
            org=filters.get("org"),
            role=filters.get("role"),
            active=filters.get("active"),
        ),
        listing.page_number(request.args.get("page")),
    )
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
        try:
            user = services.add_user(
                db.session,
                _passwords(),
                principal,
                username=form.username.data,
                display_name=form.display_name.data or "",
                org=form.home_org.data,
                password=form.password.data,
                roles=[Role(r) for r in form.roles.data or []],
            )
        except DomainError as error:
            field = form.password if error.code == "weak_password" else form.username
            field.errors.append(domain_message(error))
        else:
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
    context = {
        "edit_form": edit_form,
        "grant_form": grant_form,
        "password_form": forms.get("password_form") or PasswordResetForm(prefix="pw"),
        "action_form": ActionForm(),
        "tokens": services.tokens_of(db.session, user, newest_first=True),
        "events": services.events_of(db.session, user),
        "can_revoke": {g.id: principal.can(Permission.MANAGE_USERS, g.org) for g in user.grants},
        "event_labels": EVENT_LABELS,
        "roles": {role.value: role for role in Role},
        "now": REAL_TIME.now(),
    }
    return render_template("accounts/user_detail.html", user=user, **context), status


@bp.get("/admin/users/<username>")
@login_required
@role_required(Role.ADMIN)
def user_detail(username: str) -> Any:
    principal, user = _managed_user(username)
    return _user_page(principal, user)


@bp.post("/admin/users/<username>")
@login_required
@role_required(Role.ADMIN)
def edit_user(username: str) -> Any:
    principal, user = _managed_user(username)
    form = UserEditForm(prefix="ed")
    if not form.validate_on_submit():
        return _user_page(principal, user, 400, edit_form=form)
    try:
        services.edit_user(
            db.session,
            _passwords(),
            principal,
            user,
            display_name=form.display_name.data or "",
            email=form.email.data or "",
            active=bool(form.active.data),
        )
    except DomainError as error:
        form.active.errors.append(domain_message(error))
        return _user_page(principal, user, error.status, edit_form=form)
    flash(_("Saved."), "success")
    return redirect(url_for("accounts.user_detail", username=user.username))


@bp.post("/admin/users/<username>/password")
@login_required
@role_required(Role.ADMIN)
def reset_password(username: str) -> Any:
    principal, user = _managed_user(username)
    form = PasswordResetForm(prefix="pw")
    if form.validate_on_submit():
        try:
            services.edit_user(db.session, _passwords(), principal, user, password=form.new.data)
        except DomainError as error:
            form.new.errors.append(domain_message(error))
        else:
            flash(_("The password was set; the user's sessions were logged out."), "success")
            return redirect(url_for("accounts.user_detail", username=user.username))
    return _user_page(principal, user, 400, password_form=form)


@bp.post("/admin/users/<username>/grants")
@login_required
@role_required(Role.ADMIN)
def add_grant(username: str) -> Any:
    principal, user = _managed_user(username)
    form = GrantForm(prefix="gr")
    form.org.choices = _org_choices(principal)
    if not form.validate_on_submit():
        return _user_page(principal, user, 400, grant_form=form)
    services.add_grant(db.session, principal, user, form.org.data, Role(form.role.data))
    flash(_("The role was granted."), "success")
    return redirect(url_for("accounts.user_detail", username=user.username))


@bp.post("/admin/users/<username>/grants/<int:grant_id>/revoke")
@login_required
@role_required(Role.ADMIN)
def revoke_grant(username: str, grant_id: int) -> Response:
    principal, user = _managed_user(username)
    if ActionForm().validate_on_submit():
        services.remove_grant(db.session, principal, user, grant_id)
        flash(_("The role was revoked."), "success")
    return redirect(url_for("accounts.user_detail", username=user.username))


@bp.post("/admin/users/<username>/tokens/<int:token_id>/revoke")
@login_required
@role_required(Role.ADMIN)
def revoke_user_token(username: str, token_id: int) -> Response:
    principal, user = _managed_user(username)
    if ActionForm().validate_on_submit():
        services.revoke_user_token(db.session, principal, user, token_id)
        flash(_("The token was revoked."), "success")
    return redirect(url_for("accounts.user_detail", username=user.username))
