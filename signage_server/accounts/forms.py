"""Forms of login, the user's own account and user administration."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import IntegerField
from wtforms import PasswordField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import widgets
from wtforms.validators import DataRequired
from wtforms.validators import EqualTo
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import Regexp

from signage_server.accounts.rules import PASSWORD_MAX
from signage_server.accounts.rules import PASSWORD_MIN
from signage_server.accounts.rules import Role


def role_choices() -> list[tuple[str, Any]]:
    return [(role.value, _l(role.label)) for role in Role]


class MultiCheckboxField(SelectMultipleField):  # type: ignore[misc]
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class LoginForm(FlaskForm):  # type: ignore[misc]
    username = StringField(_l("User name"), validators=[DataRequired(), Length(max=64)])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=PASSWORD_MAX)])


class PasswordChangeForm(FlaskForm):  # type: ignore[misc]
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))],
    )


class PasswordResetForm(FlaskForm):  # type: ignore[misc]
    new = PasswordField(
        _l("New password"), validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)]
    )
    confirm = PasswordField(
        _l("Repeat the new password"),
        validators=[DataRequired(), EqualTo("new", message=_l("The passwords differ."))],
    )


class TokenForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("What the token is for"), validators=[DataRequired(), Length(max=100)])
    days = IntegerField(
        _l("Valid for (days, empty: until revoked)"),
        validators=[Optional(), NumberRange(min=1, max=3650)],
    )


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A form with nothing but its CSRF token, for buttons that change something."""


class UserCreateForm(FlaskForm):  # type: ignore[misc]
    username = StringField(
        _l("User name"),
        validators=[DataRequired(), Length(min=3, max=64)],
        description=_l("Lower-case letters, digits, '_', '.', '-'; e.g. jiyi05_editor"),
    )
    display_name = StringField(_l("Full name and post"), validators=[Length(max=100)])
    home_org = SelectField(_l("Organisation"), validators=[DataRequired()])
    roles = MultiCheckboxField(_l("Roles at this organisation"), choices=role_choices)
    password = PasswordField(
        _l("Initial password"),
        validators=[DataRequired(), Length(min=PASSWORD_MIN, max=PASSWORD_MAX)],
    )
    confirm = PasswordField(
        _l("Repeat the password"),
        validators=[DataRequired(), EqualTo("password", message=_l("The passwords differ."))],
    )


class UserEditForm(FlaskForm):  # type: ignore[misc]
    display_name = StringField(_l("Full name and post"), validators=[Length(max=100)])
    email = StringField(
        _l("Email (for the daily supervision digest)"),
        validators=[Optional(), Length(max=254), Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")],
        filters=[lambda value: value.strip() if isinstance(value, str) else value],
    )
    active = BooleanField(_l("Account active"))


class GrantForm(FlaskForm):  # type: ignore[misc]
    org = SelectField(_l("Organisation"), validators=[DataRequired()])
    role = SelectField(_l("Role"), choices=role_choices, validators=[DataRequired()])
