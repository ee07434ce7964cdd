from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, Email, EqualTo, Length


class SignInForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email address."), Length(max=254)],
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    password = PasswordField(
        "Password",
        validators=[DataRequired("Enter your password."), Length(max=1000)],
        render_kw={"autocomplete": "current-password"},
    )
    remember = BooleanField("Keep me signed in on this device")
    next = HiddenField()
    submit = SubmitField("Sign in")

    def validate_email(self, field):
        # Reuse WTForms' check only for a helpful message; the service decides the rest.
        Email("Enter an email address such as name@hospital.org.")(self, field)


class ForgotPasswordForm(FlaskForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter your email address."), Length(max=254)],
        description="The address your account uses. A link to set a new password goes there.",
        render_kw={"autocomplete": "username", "spellcheck": "false"},
    )
    submit = SubmitField("Send me a link")

    def validate_email(self, field):
        Email("Enter an email address such as name@hospital.org.")(self, field)


class NewPasswordForm(FlaskForm):
    """A new password, typed twice; its strength is the service's rule."""

    password = PasswordField(
        "New password",
        validators=[DataRequired("Enter a new password."), Length(max=1000)],
        description="At least 10 characters that are hard to guess: a few unrelated words work "
        "well.",
        render_kw={"autocomplete": "new-password"},
    )
    confirm = PasswordField(
        "New password again",
        validators=[
            DataRequired("Enter the new password again."),
            EqualTo("password", "The two passwords differ: type the same one twice."),
        ],
        render_kw={"autocomplete": "new-password"},
    )
    submit = SubmitField("Set my new password")


class CodeForm(FlaskForm):
    code = StringField(
        "Code",
        validators=[DataRequired("Type the code."), Length(max=20)],
        description="The 6 digits your authenticator app shows now, or one of your recovery codes.",
        render_kw={"autocomplete": "one-time-code", "inputmode": "text", "spellcheck": "false"},
    )
    submit = SubmitField("Continue")
