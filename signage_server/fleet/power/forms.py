"""The 定时开关屏 form of a screen's or a group's power page."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from signage_server.fleet.power import rules
from signage_server.fleet.power.services import WATTS_MAX

_WINDOW_HELP = _l(
    "On–off time, e.g. 07:00-22:00 (22:00-02:00 runs past midnight). Empty: off all day."
)


def _day(label: Any) -> StringField:
    return StringField(
        label,
        validators=[Optional(), Length(max=20)],
        render_kw={"placeholder": "07:00-22:00", "autocomplete": "off"},
    )


class PowerForm(FlaskForm):  # type: ignore[misc]
    mon = _day(_l("Monday"))
    tue = _day(_l("Tuesday"))
    wed = _day(_l("Wednesday"))
    thu = _day(_l("Thursday"))
    fri = _day(_l("Friday"))
    sat = _day(_l("Saturday"))
    sun = _day(_l("Sunday"))
    holiday_mode = SelectField(
        _l("Public holidays"),
        choices=[
            (rules.WEEKDAY, _l("As on the weekday")),
            (rules.OFF, _l("Off all day")),
            ("window", _l("Their own times")),
        ],
        default=rules.WEEKDAY,
        description=_l(
            "Holidays of the official calendar (the weekend inside a holiday too). An adjusted"
            " working day (调休) on a weekend uses Monday's times."
        ),
    )
    holiday = _day(_l("Holiday times"))
    watts = IntegerField(
        _l("Power draw of the display (watts)"),
        validators=[Optional(), NumberRange(min=0, max=WATTS_MAX)],
        description=_l("Optional: to show the energy saved in kWh."),
    )

    def schedule_data(self) -> dict[str, Any]:
        """Return what :func:`rules.parse_schedule` takes (an empty day: off all day)."""
        week = {key: (getattr(self, key).data or "").strip() or rules.OFF for key in rules.DAYS}
        mode = self.holiday_mode.data
        holiday = (self.holiday.data or "").strip() if mode == "window" else mode
        return {"week": week, "holiday": holiday or rules.OFF, "watts": self.watts.data or 0}

    def show(self, stored: dict[str, Any], watts: int) -> None:
        """Fill the form from a stored schedule."""
        for key in rules.DAYS:
            value = stored.get("week", {}).get(key, rules.OFF)
            getattr(self, key).data = "" if value == rules.OFF else value
        holiday = stored.get("holiday", rules.WEEKDAY)
        if holiday in (rules.WEEKDAY, rules.OFF):
            self.holiday_mode.data = holiday
        else:
            self.holiday_mode.data = "window"
            self.holiday.data = holiday
        self.watts.data = watts or None

    def field_of(self, row: str) -> Any:
        return getattr(self, row) if row in (*rules.DAYS, "holiday") else self.mon


WINDOW_HELP = _WINDOW_HELP
