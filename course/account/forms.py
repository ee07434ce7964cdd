from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, Length

from ..auth.forms import NewPasswordForm


class TimeZoneForm(FlaskForm):
    time_zone = StringField(
        "Show times in this time zone",
        validators=[Length(max=64)],
        description="A place name such as Europe/London or America/Chicago. Leave it empty to "
        "use the organisation's time zone. Due dates and expiry dates are always the "
        "organisation's.",
        render_kw={"list": "time-zones", "autocomplete": "off", "spellcheck": "false"},
    )
    submit = SubmitField("Save")


class NameForm(FlaskForm):
    name = StringField(
        "Your name",
        validators=[DataRequired("Enter your name."), Length(max=120)],
        description="As it prints on your certificates.",
        render_kw={"autocomplete": "name"},
    )
    submit = SubmitField("Save my name")


def _current_password(label="Your current password"):
    return PasswordField(
        label,
        validators=[DataRequired("Enter your current password."), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )


class EmailForm(FlaskForm):
    email = EmailField(
        "New email address",
        validators=[DataRequired("Enter the new address."), Length(max=254)],
        description="We send a link there; your address changes when you open it.",
        render_kw={"autocomplete": "email", "spellcheck": "false"},
    )
    #: Named apart from the password form's field: both are on one page.
    email_current_password = _current_password()
    submit = SubmitField("Send a confirmation link")

    def validate_email(self, field):
        Email("Enter an email address such as name@hospital.org.")(self, field)


class ChangePasswordForm(NewPasswordForm):
    current_password = _current_password()
    submit = SubmitField("Change my password")


class ConfirmForm(FlaskForm):
    """A button and its CSRF token (sign out everywhere, confirm an email)."""

    submit = SubmitField("Confirm")
