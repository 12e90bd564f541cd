"""Forms of organisation administration."""

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

from content.languages import LANGUAGES
from signage_server.accounts.forms import MultiCheckboxField
from signage_server.disclosure.rules import Category
from signage_server.orgs.rules import CODE_MAX
from signage_server.orgs.rules import NAME_MAX
from signage_server.orgs.rules import OrgKind


def kind_choices() -> list[tuple[str, Any]]:
    return [(kind.value, _l(kind.label)) for kind in OrgKind]


class OrgForm(FlaskForm):  # type: ignore[misc]
    code = StringField(
        _l("Code"),
        validators=[DataRequired(), Length(max=CODE_MAX)],
        description=_l("Capital letters, digits and dashes, e.g. JIYI-20. Cannot change later."),
    )
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    kind = SelectField(_l("Kind"), choices=kind_choices, validators=[DataRequired()])
    parent = SelectField(_l("Parent organisation"), validators=[DataRequired()])
    party_members = IntegerField(
        _l("Party members"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])


class OrgEditForm(FlaskForm):  # type: ignore[misc]
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=NAME_MAX)])
    kind = SelectField(_l("Kind"), choices=kind_choices, validators=[DataRequired()])
    parent = SelectField(_l("Parent organisation"), validators=[Optional()])
    party_members = IntegerField(
        _l("Party members"), validators=[Optional(), NumberRange(min=0, max=1_000_000)]
    )
    address = StringField(_l("Address"), validators=[Optional(), Length(max=200)])
    second_language = SelectField(
        _l("Disclosure languages"),
        choices=lambda: [
            ("", _l("Chinese only")),
            *((code, f"中文 + {lang.name_zh} {lang.endonym}") for code, lang in LANGUAGES.items()),
        ],
        validators=[Optional()],
        description=_l(
            "With a second language every item is written in both, and both texts go through"
            " the procedure together."
        ),
    )
    active = BooleanField(_l("Active (untick to dissolve)"))
    higher_review = MultiCheckboxField(
        _l("Categories that also need the superior organisation's review"),
        choices=lambda: [(c.value, _l(c.label)) for c in Category if c is not Category.CADRES],
        description=_l(
            "Cadre matters, major matters (三重一大) and items outside the catalog always do."
        ),
    )
    merge_review = BooleanField(
        _l("Allow one person to review and sign off (small organisations)"),
        description=_l(
            "Set by an administrator of a higher organisation only, with a written reason."
            " The drafter still never reviews or signs off."
        ),
    )
    merge_review_reason = StringField(
        _l("Reason for changing the merged review"), validators=[Optional(), Length(max=500)]
    )
