"""Forms of the catalog pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from signage_server.catalog.rules import Cadence
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.orgs.rules import OrgKind


def _choices(enum: Any) -> list[tuple[str, Any]]:
    return [(member.value, _l(member.label)) for member in enum]


class TemplateForm(FlaskForm):  # type: ignore[misc]
    org_kind = SelectField(_l("For organisations of kind"), choices=_choices(OrgKind))
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)])


class EntryForm(FlaskForm):  # type: ignore[misc]
    code = StringField(_l("Code"), validators=[DataRequired(), Length(max=32)])
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), choices=_choices(Category))
    scope = SelectField(_l("Who may see it"), choices=_choices(Scope))
    timing = SelectField(_l("Timing"), choices=_choices(Timing))
    cadence = SelectField(
        _l("Cadence"), choices=[("", "—"), *_choices(Cadence)], validators=[Optional()]
    )
    grace_days = IntegerField(
        _l("Grace days after the period starts"),
        default=19,
        validators=[Optional(), NumberRange(min=0, max=180)],
    )
    department = StringField(_l("Responsible department"), validators=[Optional(), Length(max=100)])
    active = BooleanField(_l("In force"), default=True)


class ExemptionForm(FlaskForm):  # type: ignore[misc]
    entry = HiddenField(validators=[DataRequired()])
    explanation = TextAreaField(
        _l("Why it is not suitable for disclosure"), validators=[DataRequired(), Length(max=5000)]
    )


class DecisionForm(FlaskForm):  # type: ignore[misc]
    decision = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reasons"), validators=[Optional(), Length(max=5000)])
