import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from .. import exercises
from ..models import QuestionType
from ..services import authoring, content_io
from ..services.authoring import sentence
from ..services.content_io import ChoiceSpec

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
CHOICE_ROWS = 6


class NewModuleForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    slug = StringField(
        "Web address",
        validators=[DataRequired(), Length(max=80)],
        description="Lower-case letters, digits and hyphens, e.g. patient-privacy. "
        "It cannot change later.",
    )
    summary = TextAreaField("Summary", validators=[Length(max=2000)], render_kw={"rows": 3})
    submit = SubmitField("Create the module")

    def validate_slug(self, field):
        field.data = (field.data or "").strip()
        if not _SLUG.match(field.data):
            raise ValidationError("Use lower-case letters, digits and hyphens only.")
        if authoring.module_by_slug(field.data) is not None:
            raise ValidationError("A module with this address already exists.")


class ModuleSettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    summary = TextAreaField("Summary", validators=[Length(max=2000)], render_kw={"rows": 3})
    pass_mark = IntegerField(
        "Pass mark (%)",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 100)],
    )
    quiz_size = IntegerField(
        "Questions per attempt",
        validators=[Optional(), NumberRange(1, 500)],
        description="Leave empty to ask every question.",
    )
    estimated_minutes = IntegerField(
        "Estimated minutes",
        validators=[InputRequired("Enter a whole number."), NumberRange(1, 600)],
    )
    position = IntegerField(
        "Order in the catalogue",
        validators=[InputRequired("Enter a whole number."), NumberRange(0, 10_000)],
        description="Smaller numbers come first.",
    )
    submit = SubmitField("Save settings")


class LessonForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    body = TextAreaField(
        "Text (Markdown)",
        validators=[DataRequired()],
        render_kw={"rows": 18, "class": "markdown-editor"},
        description="Headings (##), lists, **bold**, *italics*, links, tables and https "
        "images. Anything else is removed when you save.",
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Save lesson")


class ChoiceRowForm(Form):
    text = StringField("Choice text", validators=[Length(max=1000)])
    correct = BooleanField("Correct")
    feedback = StringField("Feedback when picked", validators=[Length(max=1000)])


class QuestionForm(FlaskForm):
    type = SelectField(
        "Type",
        choices=[
            SelectChoice(QuestionType.SINGLE.value, "Single answer"),
            SelectChoice(QuestionType.MULTIPLE.value, "Multiple answers"),
            SelectChoice(QuestionType.TRUE_FALSE.value, "True / false"),
        ],
    )
    prompt = TextAreaField("Question", validators=[DataRequired()], render_kw={"rows": 3})
    choices = FieldList(FormField(ChoiceRowForm), min_entries=CHOICE_ROWS, max_entries=12)
    explanation = TextAreaField(
        "Explanation",
        render_kw={"rows": 3},
        description="Shown to every learner after they submit.",
    )
    submit = SubmitField("Save question")

    def choice_specs(self) -> list[ChoiceSpec]:
        """The filled-in choice rows; empty rows are ignored."""
        return [
            ChoiceSpec(
                row.text.data.strip(), bool(row.correct.data), (row.feedback.data or "").strip()
            )
            for row in (entry.form for entry in self.choices)
            if (row.text.data or "").strip()
        ]

    def validate_choices(self, field):
        problems = content_io.choice_problems(QuestionType(self.type.data), self.choice_specs())
        if problems:
            raise ValidationError(sentence(problems))


class ExerciseForm(FlaskForm):
    kind = SelectField(
        "Kind", choices=[SelectChoice(k, v.label) for k, v in exercises.KINDS.items()]
    )
    title = StringField("Title", validators=[DataRequired(), Length(max=200)])
    instructions = TextAreaField("Instructions (Markdown)", render_kw={"rows": 6})
    params = TextAreaField(
        "Parameters (YAML or JSON)",
        render_kw={"rows": 8, "spellcheck": "false"},
        description="One 'name: value' per line, e.g. required_hashtags: [FluShot]. "
        "Leave empty for the kind's defaults.",
    )
    submit = SubmitField("Save exercise")

    parsed_params: dict = {}

    def validate_params(self, field):
        params, problems = authoring.parse_params(self.kind.data, field.data or "")
        if problems:
            raise ValidationError(" ".join(problems))
        self.parsed_params = params


class PublishForm(FlaskForm):
    change_summary = StringField(
        "What changed",
        validators=[DataRequired(), Length(max=500)],
        description="A line for the history, e.g. 'Updated the hashtag rules'.",
    )
    requires_retraining = BooleanField("Requires retraining")
    reason = StringField(
        "Reason learners see",
        validators=[Length(max=500)],
        description="Required with retraining: shown on learners' dashboards and in reports.",
    )
    submit = SubmitField("Publish")

    def validate_reason(self, field):
        if self.requires_retraining.data and not (field.data or "").strip():
            raise ValidationError("Say why learners must retrain.")


class ImportModuleForm(FlaskForm):
    file = FileField(
        "Module file",
        validators=[FileRequired("Choose a file."), FileAllowed(["md", "txt"], "A .md file.")],
    )
    into = SelectField("Import as", choices=[SelectChoice("", "A new module")])
    submit = SubmitField("Import")


class GiftImportForm(FlaskForm):
    file = FileField(
        "GIFT file",
        validators=[FileRequired("Choose a file."), FileAllowed(["txt", "gift"], "A .txt file.")],
        description="Moodle's GIFT format: multiple choice, multiple answers and true/false.",
    )
    submit = SubmitField("Import questions")


class ActionForm(FlaskForm):
    """A button that posts: move, delete, discard (CSRF only)."""
