"""Forms of the screen pages."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional

from signage_server.screens.rules import Audience


class ScreenForm(FlaskForm):  # type: ignore[misc]
    org = SelectField(_l("Organisation"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    location = StringField(_l("Where it hangs"), validators=[Optional(), Length(max=200)])
    audience = SelectField(
        _l("Who stands in front of it"),
        choices=[(a.value, _l(a.label)) for a in Audience],
        validators=[DataRequired()],
        description=_l("A public screen only ever shows items disclosed to the public."),
    )
    layout = SelectField(_l("Layout"), validators=[DataRequired()])
    resolution = StringField(
        _l("Resolution"),
        validators=[Optional(), Length(max=16)],
        description=_l("Width x height in pixels; empty: the layout's size."),
    )
    timezone = StringField(
        _l("Time zone"), default="Asia/Shanghai", validators=[DataRequired(), Length(max=64)]
    )


class PairForm(FlaskForm):  # type: ignore[misc]
    code = StringField(
        _l("Pairing code shown on the screen"), validators=[DataRequired(), Length(min=6, max=16)]
    )


class GroupForm(FlaskForm):  # type: ignore[misc]
    org = SelectField(_l("Organisation"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
