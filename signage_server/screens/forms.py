"""Forms of the screen pages."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from signage_server.screens import choices
from signage_server.screens.rules import Audience
from signage_server.screens.rules import Bilingual


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
    bilingual = SelectField(
        _l("Items in two languages"),
        choices=[
            (Bilingual.SIDE.value, _l("Side by side: Chinese and the second language together")),
            (
                Bilingual.ALTERNATE.value,
                _l("Alternating: the Chinese pages, then the second language's"),
            ),
        ],
        default=Bilingual.SIDE.value,
        validators=[DataRequired()],
        description=_l(
            "For organisations that disclose in a second language too. Where half the screen is"
            " too narrow for a text, it alternates anyway."
        ),
    )
    resolution = SelectField(
        _l("Resolution"),
        choices=[
            (choices.LAYOUT_SIZE, _l("The layout's own size")),
            *((value, _l(label)) for value, label in choices.RESOLUTIONS),
            (choices.CUSTOM, _l("Other size…")),
        ],
        default=choices.LAYOUT_SIZE,
        validators=[Optional()],
    )
    resolution_custom = StringField(
        _l("Other size"),
        # Not Optional(): that would stop before the check that "other size" has one.
        validators=[Length(max=16)],
        description=_l("Width × height in pixels, e.g. 1280x1024."),
        render_kw={"placeholder": _l("width x height"), "autocomplete": "off"},
    )
    timezone = SelectField(
        _l("Time zone"),
        choices=[(value, _l(label)) for value, label in choices.TIMEZONES],
        default="Asia/Shanghai",
        validators=[DataRequired(), Length(max=64)],
    )

    read_aloud_times = StringField(
        _l("Read aloud at"),
        validators=[Optional(), Length(max=120)],
        description=_l(
            "Times of day the screen reads the item on it aloud, e.g. 08:00 18:00. Empty: never"
            " at set times."
        ),
        render_kw={"placeholder": "08:00 18:00", "autocomplete": "off"},
    )
    read_aloud_key = BooleanField(
        _l("Read aloud when the box's button is pressed"),
        description=_l("Enter, or a USB button or media key that sends a key press."),
    )
    snapshot_every_min = IntegerField(
        _l("Snapshot every (minutes)"),
        default=30,
        validators=[Optional(), NumberRange(min=0, max=24 * 60)],
        description=_l("How often the box agent captures what the screen shows. 0: never."),
    )

    def validate_resolution_custom(self, field: Any) -> None:
        if self.resolution.data == choices.CUSTOM and not (field.data or "").strip():
            raise ValidationError(_l("Type the size, e.g. 1280x1024."))

    def offer_timezone(self, current: str) -> None:
        """Keep a screen's time zone choosable when it is not in the list (set by the API)."""
        self.timezone.choices = [
            (value, _l(label) if value != label else label)
            for value, label in choices.timezone_choices(current)
        ]

    def show(self, resolution: str, timezone: str, read_aloud_times: str = "") -> None:
        """Show a stored resolution, time zone and reading times."""
        self.resolution.data, self.resolution_custom.data = choices.resolution_choice(resolution)
        self.offer_timezone(timezone)
        self.timezone.data = timezone
        self.read_aloud_times.data = read_aloud_times

    def chosen_resolution(self) -> str:
        """Return the resolution to store: the chosen one, the typed one, or empty (the
        layout's own size)."""
        if self.resolution.data == choices.CUSTOM:
            return str(self.resolution_custom.data or "").strip()
        return str(self.resolution.data or "")


class PairForm(FlaskForm):  # type: ignore[misc]
    code = StringField(
        _l("Pairing code shown on the screen"),
        validators=[DataRequired(), Length(min=6, max=16)],
        # Not a made-up code (that looks like one to type in): what to type, and where it is.
        render_kw={"placeholder": _l("6-character code shown on the screen")},
    )


class GroupForm(FlaskForm):  # type: ignore[misc]
    org = SelectField(_l("Organisation"), validators=[DataRequired()])
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=100)])
