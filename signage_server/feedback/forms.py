"""Forms of the feedback box: the villagers' public form and the handlers' forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import Form
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import AnyOf
from wtforms.validators import DataRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from signage_server.feedback import rules
from signage_server.feedback.rules import Kind
from signage_server.phones import normalise_phone


class PublicFeedbackForm(Form):  # type: ignore[misc]
    """The form behind every QR code. A plain WTForms form: no session, no CSRF token.

    Nobody is logged in, so a forged cross-site post could do nothing that a direct post
    cannot; what keeps floods out is the rate limit and the honeypot.
    """

    kind = RadioField(
        _l("What is it about?"),
        choices=[(k.value, _l(rules.KIND_LABELS[k])) for k in rules.FORM_KINDS],
        default=Kind.COMMENT.value,
        validate_choice=False,
        validators=[
            DataRequired(_l("Choose what your message is about.")),
            AnyOf(
                [k.value for k in rules.SUBMITTED_KINDS],
                message=_l("Choose what your message is about."),
            ),
        ],
    )
    text = TextAreaField(
        _l("Your message"),
        validators=[
            DataRequired(_l("Please write your message.")),
            Length(
                min=rules.TEXT_MIN,
                max=rules.TEXT_MAX,
                message=_l("Write between %(min)d and %(max)d characters."),
            ),
        ],
    )
    name = StringField(
        _l("Name (optional)"),
        validators=[
            Optional(),
            Length(max=rules.NAME_MAX, message=_l("At most %(max)d characters.")),
        ],
    )
    phone = StringField(_l("Mobile number (optional)"), validators=[Optional()])
    consent = BooleanField(
        _l(
            "I have read the privacy notice and agree that my name and number"
            " are used to handle my message."
        )
    )
    #: Left empty by people (it is hidden); robots fill it in.
    website = StringField(_l("Website"))
    nonce = HiddenField()

    def offer(self, kinds: tuple[Kind, ...]) -> None:
        """Offer these kinds (``rules.form_kinds``: an objection on a voter list's form)."""
        self.kind.choices = [(k.value, _l(rules.KIND_LABELS[k])) for k in kinds]

    def validate_text(self, field: Any) -> None:
        field.data = rules.clean_text(field.data or "")
        if len(field.data) < rules.TEXT_MIN:
            raise ValidationError(_l("Please write your message."))

    def validate_name(self, field: Any) -> None:
        field.data = rules.clean_text(field.data or "").replace("\n", " ")

    def validate_phone(self, field: Any) -> None:
        if not (field.data or "").strip():
            field.data = ""
            return
        number = normalise_phone(field.data)
        if number is None:
            raise ValidationError(
                _l("This is not a mobile number of mainland China (11 digits, starting with 1).")
            )
        field.data = number

    def validate_consent(self, field: Any) -> None:
        if (self.name.data or self.phone.data) and not field.data:
            raise ValidationError(
                _l(
                    "To give your name or number, agree to the privacy notice"
                    " (or leave both empty)."
                )
            )

    def validate_nonce(self, field: Any) -> None:
        value = (field.data or "").strip()
        field.data = value if value.isalnum() and 16 <= len(value) <= 64 else ""


class NoteForm(FlaskForm):  # type: ignore[misc]
    """A handler's action with an optional (or, for some actions, required) note."""

    note = TextAreaField(_l("Note"), validators=[Length(max=rules.REASON_MAX)])


class ReplyForm(FlaskForm):  # type: ignore[misc]
    text = TextAreaField(
        _l("Reply"),
        validators=[DataRequired(_l("Write the reply.")), Length(max=rules.REPLY_MAX)],
    )
    publish = BooleanField(_l("Publish at once"))


class AssignForm(FlaskForm):  # type: ignore[misc]
    assignee = SelectField(_l("Handler"), coerce=int, validators=[Optional()])


class ObjectionForm(Form):  # type: ignore[misc]
    """The reporter's objection to the handling result, on the tracking page (no login: the
    receipt code is the key)."""

    text = TextAreaField(
        _l("Why do you disagree with the handling result?"),
        validators=[
            DataRequired(_l("Say why you disagree with the handling result.")),
            Length(max=rules.REASON_MAX, message=_l("At most %(max)d characters.")),
        ],
    )
