"""Forms of the web shell."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import HiddenField


class LocaleForm(FlaskForm):  # type: ignore[misc]
    locale = HiddenField()
