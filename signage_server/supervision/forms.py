"""Forms of the supervision pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import SelectMultipleField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from signage_server.supervision.rules import NOTE_MAX
from signage_server.supervision.rules import TEXT_MAX
from signage_server.supervision.rules import Breach
from signage_server.supervision.rules import FindingAction
from signage_server.supervision.rules import Measure
from signage_server.supervision.rules import MeetingKind
from signage_server.supervision.rules import Point
from signage_server.supervision.rules import Result


def _choices(enum: Any) -> list[tuple[str, Any]]:
    return [(member.value, _l(member.label)) for member in enum]


class InspectionForm(FlaskForm):  # type: ignore[misc]
    inspected_on = DateField(_l("Inspected on"), validators=[DataRequired()])
    inspectors = SelectMultipleField(_l("Other inspectors"), coerce=int, validate_choice=False)
    summary = TextAreaField(_l("Summary"), validators=[Optional(), Length(max=TEXT_MAX)])

    def results(self) -> dict[str, tuple[str, str]]:
        """Return the checklist as typed: point -> (result, note)."""
        return {
            point.value: (
                self[f"{point.value}_result"].data or Result.OK.value,
                self[f"{point.value}_note"].data or "",
            )
            for point in Point
        }


for _point in Point:
    setattr(
        InspectionForm,
        f"{_point.value}_result",
        SelectField(_l(_point.label), choices=_choices(Result), default=Result.OK.value),
    )
    setattr(
        InspectionForm,
        f"{_point.value}_note",
        StringField(_l("Note"), validators=[Optional(), Length(max=NOTE_MAX)]),
    )


class FindingForm(FlaskForm):  # type: ignore[misc]
    point = SelectField(_l("Checklist point"), choices=_choices(Point))
    description = TextAreaField(
        _l("Problem found"), validators=[DataRequired(), Length(max=TEXT_MAX)]
    )
    owner = SelectField(_l("Responsible for rectification"), coerce=int, validate_choice=False)
    deadline = DateField(_l("Rectify by"), validators=[Optional()])
    item = IntegerField(_l("Disclosure item number (optional)"), validators=[Optional()])


class FindingActionForm(FlaskForm):  # type: ignore[misc]
    action = HiddenField(validators=[DataRequired()])
    text = TextAreaField(_l("Note"), validators=[Optional(), Length(max=TEXT_MAX)])
    evidence = TextAreaField(_l("Evidence"), validators=[Optional(), Length(max=TEXT_MAX)])
    deadline = DateField(_l("New deadline (optional)"), validators=[Optional()])

    def chosen(self) -> FindingAction | None:
        try:
            return FindingAction(self.action.data)
        except ValueError:
            return None


class MeetingForm(FlaskForm):  # type: ignore[misc]
    org = SelectField(_l("Organisation"), validate_choice=False)
    kind = SelectField(_l("Kind"), choices=_choices(MeetingKind))
    held_on = DateField(_l("Held on"), validators=[DataRequired()])
    attendees_count = IntegerField(
        _l("Number of attendees"), default=0, validators=[Optional(), NumberRange(min=0, max=999)]
    )
    attendees = TextAreaField(_l("Attendees"), validators=[Optional(), Length(max=TEXT_MAX)])
    topics = TextAreaField(_l("Topics"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    conclusions = TextAreaField(
        _l("Conclusions and follow-up"), validators=[Optional(), Length(max=TEXT_MAX)]
    )


class SupervisorForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
    post = StringField(_l("Post or unit"), validators=[Optional(), Length(max=200)])
    phone = StringField(_l("Phone (optional)"), validators=[Optional(), Length(max=32)])
    appointed_on = DateField(_l("Appointed on"), validators=[DataRequired()])
    term_until = DateField(_l("Term until"), validators=[Optional()])


class DismissForm(FlaskForm):  # type: ignore[misc]
    pass


class AccountabilityForm(FlaskForm):  # type: ignore[misc]
    org = SelectField(_l("Organisation held to account"), validate_choice=False)
    breach = SelectField(_l("Breach"), choices=_choices(Breach))
    persons = TextAreaField(
        _l("Persons held to account (name and post)"),
        validators=[DataRequired(), Length(max=TEXT_MAX)],
    )
    facts = TextAreaField(_l("Facts"), validators=[DataRequired(), Length(max=TEXT_MAX)])
    measure = SelectField(_l("Measure"), choices=_choices(Measure))
    decision = TextAreaField(_l("Decision"), validators=[Optional(), Length(max=TEXT_MAX)])
    decided_on = DateField(_l("Decided on"), validators=[DataRequired()])
    item_ids = StringField(_l("Disclosure item numbers"), validators=[Optional(), Length(max=500)])
    finding_ids = StringField(_l("Finding numbers"), validators=[Optional(), Length(max=500)])
