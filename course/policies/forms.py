"""Forms of the policy pages: writing a version, publishing it, attaching it, signing it."""

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    PasswordField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
)

from ..form_fields import MultiCheckboxField
from ..services import clock, policies


class PolicyVersionForm(FlaskForm):
    """A draft's text: title, Markdown body, effective date, summary of changes."""

    title = StringField(
        "Title", validators=[DataRequired("Give the policy a title."), Length(max=200)]
    )
    body = TextAreaField(
        "Text (Markdown)",
        description="Headings, lists, links and emphasis in Markdown; anything else is removed "
        "as in lessons.",
        validators=[
            DataRequired("Write the text of the policy."),
            Length(max=policies.MAX_BODY),
        ],
        render_kw={"rows": 18},
    )
    effective_on = DateField(
        "Effective date", validators=[InputRequired("Choose the day it takes effect.")]
    )
    change_summary = TextAreaField(
        "Summary of changes",
        description="What changed since the previous version (required from version 2 on).",
        validators=[Length(max=2000)],
        render_kw={"rows": 3},
    )


class PublishForm(FlaskForm):
    """Publishing a draft; from version 2 on it may ask previous signers to sign again."""

    resign = BooleanField("Ask everyone who signed an earlier version to sign this one")
    due_on = DateField("Sign again by", validators=[Optional()])
    reason = TextAreaField(
        "Why they must sign again",
        description="Sent to each of them by mail and shown on the signing page.",
        validators=[Length(max=500)],
        render_kw={"rows": 3},
    )

    def validate(self, extra_validators=None) -> bool:
        """A due date and a reason are needed only when asking for signatures again."""
        valid = super().validate(extra_validators)
        if not self.resign.data:
            return valid
        if self.due_on.data is None:
            self.due_on.errors = ["Choose the day by which people must sign again."]
        elif self.due_on.data < clock.today():
            self.due_on.errors = ["The due date is in the past; choose today or later."]
        if not (self.reason.data or "").strip():
            self.reason.errors = [*self.reason.errors, "Say why people must sign again."]
        return valid and not self.due_on.errors and not self.reason.errors


class AttachForm(FlaskForm):
    modules = MultiCheckboxField("Modules that end with signing this policy", coerce=int)

    def __init__(self, module_titles, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.modules.choices = [SelectChoice(str(i), title) for i, title in module_titles]


class ConfirmForm(FlaskForm):
    """Only the CSRF token."""


class SignForm(FlaskForm):
    """Read, tick, type your full name, confirm with your password."""

    text_hash = HiddenField()
    agree = BooleanField("I have read and understood this policy")
    full_name = StringField(
        "Your full name",
        description="As your account has it.",
        validators=[Length(max=120)],
        render_kw={"autocomplete": "name"},
    )
    password = PasswordField(
        "Your password",
        description="The one you sign in with: it confirms that it is you signing.",
        validators=[Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
