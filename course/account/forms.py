from flask_wtf import FlaskForm
from wtforms import StringField, SubmitField
from wtforms.validators import Length


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
