"""Forms of the democratic appraisal: the approver's (with CSRF) and the villagers' (plain
WTForms, no session: the rate limits and the honeypot keep floods out, as on the feedback
form)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import Form
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import ValidationError

from signage_server.appraisal import rules
from signage_server.appraisal.rules import Answer
from signage_server.appraisal.rules import Rating
from signage_server.phones import normalise_phone


class AppraisalForm(FlaskForm):  # type: ignore[misc]
    """A new appraisal: village, year, title, period (whole days), the members appraised."""

    org = SelectField(_l("Village"), validators=[DataRequired()])
    year = IntegerField(
        _l("Year appraised"), validators=[DataRequired(), NumberRange(min=2000, max=2100)]
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=rules.TITLE_MAX)])
    opens_on = DateField(_l("Voting opens on"), validators=[DataRequired()])
    closes_on = DateField(_l("Voting ends after"), validators=[DataRequired()])
    members = TextAreaField(
        _l("Members appraised (optional): one per line, name and post"),
        validators=[Length(max=2000)],
    )

    def period(self, tz: dt.tzinfo) -> tuple[dt.datetime, dt.datetime]:
        """Return the period: from the first day's midnight to the end of the last day."""
        opens = dt.datetime.combine(self.opens_on.data, dt.time(), tz)
        closes = dt.datetime.combine(self.closes_on.data + dt.timedelta(days=1), dt.time(), tz)
        return opens, closes

    def member_list(self) -> tuple[tuple[str, str], ...]:
        """Return the members as (name, post): ``张三 村委会主任`` or ``张三，村委会主任``."""
        found = []
        for line in (self.members.data or "").splitlines():
            text = line.replace("，", " ").replace(",", " ").strip()
            if text:
                name, _, post = text.partition(" ")
                found.append((name.strip(), post.strip()))
        return tuple(found)


class ActionForm(FlaskForm):  # type: ignore[misc]
    """A step with no fields (open, close, publish results): the CSRF token only."""


class PhoneForm(Form):  # type: ignore[misc]
    """The villager's number, to receive the one-time code."""

    phone = StringField(_l("Mobile number"))
    consent = BooleanField(
        _l("I have read the privacy notice and agree that my number is used to send the code.")
    )
    #: Left empty by people (it is hidden); robots fill it in.
    website = StringField(_l("Website"))

    def validate_phone(self, field: Any) -> None:
        number = normalise_phone(field.data or "")
        if number is None:
            raise ValidationError(
                _l("This is not a mobile number of mainland China (11 digits, starting with 1).")
            )
        field.data = number

    def validate_consent(self, field: Any) -> None:
        if not field.data:
            raise ValidationError(_l("Please agree to the privacy notice to receive the code."))


class CodeForm(Form):  # type: ignore[misc]
    """The one-time code received by text message."""

    ticket = HiddenField()
    code = StringField(_l("Verification code (6 digits)"))

    def validate_code(self, field: Any) -> None:
        value = (field.data or "").strip()
        if not (len(value) == 6 and value.isdigit()):
            raise ValidationError(_l("Type the 6 digits of the code."))
        field.data = value


def ballot_answers(
    data: Mapping[str, str], subjects: list[int]
) -> tuple[dict[int, Answer], list[int]]:
    """Read the ballot's fields (``rating-<subject>``, ``comment-<subject>``); return the
    answers and the subjects left unrated."""
    answers: dict[int, Answer] = {}
    missing: list[int] = []
    for subject in subjects:
        value = data.get(f"rating-{subject}", "")
        if value not in Rating._value2member_map_:
            missing.append(subject)
            continue
        comment = rules.clean_text(data.get(f"comment-{subject}", ""), rules.COMMENT_MAX)
        answers[subject] = Answer(subject, Rating(value), comment)
    return answers, missing
