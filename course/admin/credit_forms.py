"""Forms of the organisation page: the logo and a module's continuing-education credit."""

from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField, TextAreaField
from wtforms.validators import Length, ValidationError

from ..services import credit
from ..uploads import FileSize, UploadForm


class LogoForm(UploadForm):
    upload_field = "logo"

    logo = FileField(
        "Logo",
        description="A PNG or JPEG image, at most 512 KB (the LOGO_MAX_KB setting), printed "
        "at the top left of every certificate.",
        validators=[FileRequired("Choose an image file."), FileSize("LOGO_MAX_BYTES")],
        render_kw={"accept": "image/png,image/jpeg"},
    )


class ModuleCreditForm(FlaskForm):
    contact_hours = StringField(
        "Contact hours",
        description="For example 1.0 or 1.25; empty for none.",
        validators=[Length(max=10)],
        render_kw={"inputmode": "decimal"},
    )
    ce_provider = StringField(
        "Accredited provider", description="Optional.", validators=[Length(max=200)]
    )
    ce_number = StringField(
        "Approval or provider number", description="Optional.", validators=[Length(max=100)]
    )
    ce_statement = TextAreaField(
        "Accreditation statement",
        description="Optional; printed in small type on the certificate (600 characters).",
        validators=[Length(max=600)],
        render_kw={"rows": 4},
    )

    def validate_contact_hours(self, field):
        try:
            self.hundredths = credit.parse_hours(field.data)
        except credit.CreditError as error:
            raise ValidationError(str(error)) from None
