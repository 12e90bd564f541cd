"""Forms of the feedback box: the villagers' public form and the handlers' forms."""

from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField
from wtforms import DateField
from wtforms import Form
from wtforms import HiddenField
from wtforms import RadioField
from wtforms import SelectField
from wtforms import StringField
from wtforms import TextAreaField
from wtforms.validators import AnyOf
from wtforms.validators import DataRequired
from wtforms.validators import InputRequired
from wtforms.validators import Length
from wtforms.validators import Optional
from wtforms.validators import ValidationError

from signage_server.feedback import rules
from signage_server.feedback.rules import Kind
from signage_server.feedback.services.intake import Submission
from signage_server.phones import normalise_phone


def message_field(label: Any) -> Any:
    """The message itself (the same checks wherever it is typed)."""
    return TextAreaField(
        label,
        validators=[
            DataRequired(_l("Please write your message.")),
            Length(
                min=rules.TEXT_MIN,
                max=rules.TEXT_MAX,
                message=_l("Write between %(min)d and %(max)d characters."),
            ),
        ],
    )


class MessageFields:
    """What a villager says and who they are, with its checks: the QR form's fields, which
    staff fill in too when they record a case on the villager's behalf (:class:`RecordForm`).
    A mixin of fields: each form adds its base (with or without CSRF) and its own fields."""

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
    text = message_field(_l("Your message"))
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

    def submission(self, honeypot: str = "") -> Submission:
        """Return what the villager said, checked (call after validating)."""
        return Submission(
            kind=Kind(self.kind.data),
            text=self.text.data,
            name=self.name.data or "",
            phone=self.phone.data or "",
            nonce=self.nonce.data or None,
            honeypot=honeypot,
        )


class PublicFeedbackForm(MessageFields, Form):  # type: ignore[misc]
    """The form behind every QR code. A plain WTForms form: no session, no CSRF token.

    Nobody is logged in, so a forged cross-site post could do nothing that a direct post
    cannot; what keeps floods out is the rate limit and the honeypot.
    """

    #: Left empty by people (it is hidden); robots fill it in.
    website = StringField(_l("Website"))


class RecordForm(MessageFields, FlaskForm):  # type: ignore[misc]
    """A case staff record on a villager's behalf (代录): the QR form's fields, how it came
    and when, and the item it is about (or none: the organisation in general)."""

    org = HiddenField()
    channel = RadioField(
        _l("How did the villager reach you?"),
        choices=[(c.value, _l(c.label)) for c in rules.RECORDED_CHANNELS],
        validators=[
            InputRequired(_l("Say how the villager reached you.")),
            AnyOf(
                [c.value for c in rules.RECORDED_CHANNELS],
                message=_l("Say how the villager reached you."),
            ),
        ],
    )
    received_on = DateField(
        _l("Received on (the day the call came, the letter arrived, the mailbox was opened)"),
        validators=[InputRequired(_l("Say on which day it was received."))],
    )
    item = SelectField(_l("About"), coerce=int, validate_choice=False, default=0)
    text = message_field(_l("What the villager said (in their words)"))
    consent = BooleanField(
        _l(
            "The villager was told the privacy notice and agreed that their name and number"
            " are used to handle the message."
        )
    )


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
