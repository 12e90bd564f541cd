"""Forms of the 四议两公开 pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from signage_server.matters.rules import Body
from signage_server.matters.rules import Counting
from signage_server.web import dates


class DateText(StringField):  # type: ignore[misc]
    """A date typed and shown as 年-月-日 (``2026-12-01``) in a plain text input."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        render_kw = {
            "placeholder": _l("YYYY-MM-DD"),
            "pattern": dates.DATE_PATTERN,
            "autocomplete": "off",
            **kwargs.pop("render_kw", {}),
        }
        super().__init__(*args, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return self.data.isoformat() if isinstance(self.data, dt.date) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = dates.parse_date(str(valuelist[0]))
        except ValueError:
            self.data = None
            raise ValueError(_l("Write the date as year-month-day, e.g. 2026-12-01.")) from None


class MatterForm(FlaskForm):  # type: ignore[misc]
    org = SelectField(_l("Village"), choices=[], validators=[DataRequired()])
    title = StringField(_l("Matter"), validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField(_l("What it is about"), validators=[Optional(), Length(max=5000)])


_COUNT = [InputRequired(), NumberRange(min=0, max=100000)]


class StageForm(FlaskForm):  # type: ignore[misc]
    held_on = DateText(_l("Held on"), validators=[DataRequired()])
    body = SelectField(
        _l("Meeting"), choices=[(b.value, _l(b.label)) for b in Body], validators=[DataRequired()]
    )
    counting = SelectField(
        _l("Attendance counts"),
        choices=[
            (Counting.MEMBERS.value, _l("people (members, representatives, adult villagers)")),
            (Counting.HOUSEHOLDS.value, _l("households represented (villagers' assembly only)")),
        ],
        default=Counting.MEMBERS.value,
    )
    expected = IntegerField(_l("Expected (all members)"), validators=_COUNT)
    present = IntegerField(_l("Present"), validators=_COUNT)
    votes_for = IntegerField(_l("Votes for"), validators=_COUNT)
    votes_against = IntegerField(_l("Votes against"), validators=_COUNT)
    abstained = IntegerField(_l("Abstained"), validators=_COUNT)
    resolution = TextAreaField(
        _l("What the meeting proposed, agreed or resolved"),
        validators=[DataRequired(), Length(max=5000)],
    )


class LinkForm(FlaskForm):  # type: ignore[misc]
    item = IntegerField(_l("Disclosure item"), validators=[InputRequired()])


class WithdrawForm(FlaskForm):  # type: ignore[misc]
    reason = TextAreaField(_l("Why (what was wrong)"), validators=[DataRequired(), Length(max=500)])
