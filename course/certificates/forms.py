"""My certificates: the period whose contact hours are added up."""

from flask_wtf import FlaskForm
from wtforms import DateField
from wtforms.validators import Optional, ValidationError


class PeriodForm(FlaskForm):
    """From and to, both optional and included; read from the query string."""

    class Meta:
        csrf = False

    start = DateField("From", validators=[Optional()])
    end = DateField("To", validators=[Optional()])

    def validate_end(self, field):
        if field.data and self.start.data and field.data < self.start.data:
            raise ValidationError("The end of the period is before its start.")

    def query_args(self) -> dict:
        return {
            name: value.isoformat()
            for name, value in (("start", self.start.data), ("end", self.end.data))
            if value
        }
