"""The item editor and the procedure's buttons."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import BooleanField
from wtforms import DateField
from wtforms import HiddenField
from wtforms import IntegerField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import NumberRange
from wtforms.validators import Optional

from signage_server.disclosure.procedures import Meeting
from signage_server.disclosure.rules import Category
from signage_server.disclosure.rules import NoticeKind
from signage_server.disclosure.rules import Scope
from signage_server.disclosure.rules import Timing
from signage_server.web.forms import DateTimeText


def _choices(enum: Any) -> list[tuple[str, Any]]:
    return [(member.value, _l(member.label)) for member in enum]


#: The catalog entry choice of an item disclosed outside the catalog (needs higher review):
#: a choice of its own, never the default (the empty choice asks for one).
OUTSIDE_CATALOG = "outside"

BODY_TYPES = [
    ("text", _l("Text")),
    ("table", _l("Table (paste from a spreadsheet)")),
    ("image", _l("Image")),
    ("pdf", _l("PDF document")),
]


class ItemForm(FlaskForm):  # type: ignore[misc]
    org = SelectField(_l("Organisation"), validators=[DataRequired()])
    catalog_entry = SelectField(
        _l("Catalog entry"),
        validators=[
            DataRequired(
                _l(
                    "Choose the catalog entry this item discloses, or “outside the catalog”"
                    " (which needs higher review)."
                )
            )
        ],
        render_kw={"aria-required": "true"},
    )
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    category = SelectField(_l("Category"), choices=_choices(Category), validators=[DataRequired()])
    timing = SelectField(_l("Timing"), choices=_choices(Timing), validators=[DataRequired()])
    scope = SelectField(_l("Who may see it"), choices=_choices(Scope), validators=[DataRequired()])
    major = BooleanField(_l("Major matter (三重一大)"))
    urgent = BooleanField(
        _l("Urgent: interrupt the screens and scroll in the ticker (immediate disclosures)")
    )
    notice_kind = SelectField(
        _l("Public notice"),
        choices=[("", _l("No notice period")), *_choices(NoticeKind)],
        validators=[Optional()],
    )
    notice_min_days = IntegerField(
        _l("Minimum working days"), validators=[Optional(), NumberRange(min=1, max=60)]
    )
    election_on = DateField(
        _l("Election day (voter lists)"),
        validators=[Optional()],
        description=_l("A voter list goes public at least 20 days before the election."),
    )
    valid_from = DateTimeText(
        _l("On display from"),
        validators=[Optional()],
        description=_l("Year-month-day, e.g. 2026-12-01 08:00; a date alone: from 0:00."),
    )
    valid_until = DateTimeText(
        _l("On display until"),
        validators=[Optional()],
        end_of_day=True,
        description=_l(
            "Year-month-day, e.g. 2026-12-31 18:00; a date alone: until the end of that day."
        ),
    )
    stage = StringField(_l("Stage"), validators=[Optional(), Length(max=100)])
    department = StringField(
        _l("Supplying department"),
        validators=[Optional(), Length(max=100)],
        description=_l("Required before submission: who supplied the content."),
        render_kw={"aria-required": "true", "data-required-for": "submit"},
    )
    accountable = StringField(
        _l("Accountable person"),
        validators=[Optional(), Length(max=100)],
        description=_l("Required before submission: the 第一责任人 who answers for it."),
        render_kw={"aria-required": "true", "data-required-for": "submit"},
    )
    body_type = SelectField(_l("Content"), choices=BODY_TYPES, validators=[DataRequired()])
    text = TextAreaField(
        _l("Text"), validators=[Optional(), Length(max=20000)], render_kw={"rows": 10}
    )
    text_format = SelectField(
        _l("Text format"),
        choices=[("plain", _l("Plain text")), ("html", _l("Simple HTML (headings, lists, bold)"))],
        validators=[Optional()],
    )
    table = TextAreaField(
        _l("Table"),
        validators=[Optional(), Length(max=200000)],
        render_kw={"rows": 10},
        description=_l(
            "First line: the column headings. One line per row; cells separated by tabs"
            " (as copied from a spreadsheet) or by |."
        ),
    )
    # A table imported from a spreadsheet file: it fills the table above (to check and correct
    # before saving) and is kept with the revision (``attachments``).
    sheet_file = FileField(
        _l("Import from a spreadsheet file (.xlsx/.csv)"),
        description=_l(
            "The first row gives the column headings; numbers and dates come as the sheet shows"
            " them. At most 5 MB, 1000 rows and 20 columns."
        ),
        render_kw={"accept": ".xlsx,.csv"},
    )
    sheet_name = StringField(
        _l("Sheet"),
        validators=[Optional(), Length(max=100)],
        description=_l("Its name or number; empty: the first sheet."),
    )
    sheet_range = StringField(
        _l("Range"),
        validators=[Optional(), Length(max=30)],
        description=_l("E.g. A1:E20; empty: all the cells in use."),
    )
    #: The spreadsheet stored by 导入并预览, saved with the draft.
    sheet_asset = HiddenField(validators=[Optional(), Length(max=64)])
    caption = StringField(_l("Caption"), validators=[Optional(), Length(max=200)])
    note = StringField(_l("Note (source of the data)"), validators=[Optional(), Length(max=1000)])
    file = FileField(_l("File (image or PDF)"))
    asset = HiddenField()
    # The second language's text (organisations that disclose in two languages): its body
    # follows the Chinese body's type (``content.languages.translation_body_type``).
    tr_title = StringField(_l("Title"), validators=[Optional(), Length(max=200)])
    tr_text = TextAreaField(
        _l("Text"),
        validators=[Optional(), Length(max=20000)],
        render_kw={"rows": 10},
        description=_l("For an image or a PDF: what it shows, in words."),
    )
    tr_table = TextAreaField(
        _l("Table"),
        validators=[Optional(), Length(max=200000)],
        render_kw={"rows": 10},
        description=_l(
            "The same columns and rows as the Chinese table, the headings and words translated;"
            " every number exactly as in the Chinese table."
        ),
    )
    tr_caption = StringField(_l("Caption"), validators=[Optional(), Length(max=200)])
    tr_note = StringField(
        _l("Note (source of the data)"), validators=[Optional(), Length(max=1000)]
    )


class TransitionForm(FlaskForm):  # type: ignore[misc]
    action = HiddenField(validators=[DataRequired()])
    reason = TextAreaField(_l("Reason"), validators=[Optional(), Length(max=2000)])
    # The joint meeting's record (``decide``, village affairs); the rule checks it.
    held_on = DateField(_l("Date of the joint meeting"), validators=[Optional()])
    members = IntegerField(
        _l("Members of the two committees"), validators=[Optional(), NumberRange(0, 1000)]
    )
    present = IntegerField(_l("Members present"), validators=[Optional(), NumberRange(0, 1000)])
    resolution = TextAreaField(
        _l("Resolution of the meeting"), validators=[Optional(), Length(max=2000)]
    )

    def meeting(self) -> Meeting | None:
        """The joint meeting as entered (``None`` when no part of it was)."""
        if self.held_on.data is None:
            return None
        return Meeting(
            self.held_on.data,
            self.present.data or 0,
            self.members.data or 0,
            self.resolution.data or "",
        )
