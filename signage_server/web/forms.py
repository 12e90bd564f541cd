"""Forms of the web shell, and fields the other pages' forms share."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import HiddenField
from wtforms import StringField

from signage_server.web import dates


class LocaleForm(FlaskForm):  # type: ignore[misc]
    locale = HiddenField()


class DateTimeText(StringField):  # type: ignore[misc]
    """A moment typed and shown as 年-月-日 时:分 (``2026-12-01 08:00``) in a plain text input,
    the same whatever the browser's language (``<input type=datetime-local>`` follows it).

    :param end_of_day: a date typed without a time means the end of that day (an "until").
    """

    def __init__(self, *args: Any, end_of_day: bool = False, **kwargs: Any) -> None:
        render_kw = {
            "placeholder": _l("YYYY-MM-DD HH:MM"),
            "pattern": dates.DATETIME_PATTERN,
            "autocomplete": "off",
            "spellcheck": "false",
            **kwargs.pop("render_kw", {}),
        }
        super().__init__(*args, render_kw=render_kw, **kwargs)
        self.end_of_day = end_of_day

    def _value(self) -> str:
        if self.raw_data:
            return str(self.raw_data[0])
        return dates.format_datetime(self.data) if isinstance(self.data, dt.datetime) else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        if not valuelist:
            return
        try:
            self.data = dates.parse_datetime(str(valuelist[0]), end_of_day=self.end_of_day)
        except ValueError:
            self.data = None
            raise ValueError(
                _l("Write the date as year-month-day, e.g. 2026-12-01 or 2026-12-01 08:00.")
            ) from None
