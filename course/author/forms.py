import re

from flask_wtf import FlaskForm
from flask_wtf.file import FileAllowed, FileField, FileRequired
from wtforms import (
    BooleanField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
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
from wtforms.widgets import CheckboxInput, ListWidget, NumberInput

from .. import exercises
from ..exercises import params
from ..exercises.limits import PLATFORM_LABELS
from ..models import QuestionType
from ..services import authoring, content_io
from ..services import content_limits as limits
from ..services.authoring import sentence
from ..services.content_io import ChoiceSpec
from ..uploads import FileSize, UploadForm

_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,79}$")
CHOICE_ROWS = 6


class NewModuleForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=limits.TITLE)])
    slug = StringField(
        "Web address",
        validators=[DataRequired(), Length(max=80)],
        description="Lower-case letters, digits and hyphens, e.g. patient-privacy. "
        "It cannot change later.",
    )
    summary = TextAreaField(
        "Summary", validators=[Length(max=limits.SUMMARY)], render_kw={"rows": 3}
    )
    submit = SubmitField("Create the module")

    def validate_slug(self, field):
        field.data = (field.data or "").strip()
        if not _SLUG.match(field.data):
            raise ValidationError("Use lower-case letters, digits and hyphens only.")
        if authoring.module_by_slug(field.data) is not None:
            raise ValidationError("A module with this address already exists.")


class ModuleSettingsForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=limits.TITLE)])
    summary = TextAreaField(
        "Summary", validators=[Length(max=limits.SUMMARY)], render_kw={"rows": 3}
    )
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
    title = StringField("Title", validators=[DataRequired(), Length(max=limits.TITLE)])
    body = TextAreaField(
        "Text (Markdown)",
        validators=[DataRequired(), Length(max=limits.LESSON_TEXT)],
        render_kw={"rows": 18, "class": "markdown-editor"},
        description="Headings (##), lists, **bold**, *italics*, links, tables and https "
        "images. Anything else is removed when you save.",
    )
    preview = SubmitField("Preview")
    submit = SubmitField("Save lesson")


class ChoiceRowForm(Form):
    text = StringField("Choice text", validators=[Length(max=limits.CHOICE_TEXT)])
    correct = BooleanField("Correct")
    feedback = StringField("Feedback when picked", validators=[Length(max=limits.FEEDBACK)])


class QuestionForm(FlaskForm):
    type = SelectField(
        "Type",
        choices=[
            SelectChoice(QuestionType.SINGLE.value, "Single answer"),
            SelectChoice(QuestionType.MULTIPLE.value, "Multiple answers"),
            SelectChoice(QuestionType.TRUE_FALSE.value, "True / false"),
        ],
    )
    prompt = TextAreaField(
        "Question",
        validators=[DataRequired(), Length(max=limits.PROMPT)],
        render_kw={"rows": 3},
    )
    choices = FieldList(
        FormField(ChoiceRowForm), min_entries=CHOICE_ROWS, max_entries=limits.CHOICES
    )
    explanation = TextAreaField(
        "Explanation",
        validators=[Length(max=limits.EXPLANATION)],
        render_kw={"rows": 3},
        description="Shown to every learner after they submit.",
    )
    submit = SubmitField("Save question")

    def question(self) -> dict:
        """The question as `authoring.save_question` takes it."""
        return {
            "type": QuestionType(self.type.data),
            "prompt": self.prompt.data.strip(),
            "explanation": (self.explanation.data or "").strip(),
            "choices": self.choice_specs(),
        }

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
        if self.type.data not in set(QuestionType):
            return  # the type field says what is wrong
        problems = content_io.choice_problems(QuestionType(self.type.data), self.choice_specs())
        if problems:
            raise ValidationError(sentence(problems))


#: Settings inputs are named after their parameter with this prefix: settings-min_hashtags.
SETTING_PREFIX = "settings-"
DEFAULT_KIND = "post"


class ExerciseKindForm(Form):
    """The kind picker: a GET form that shows the exercise editor with another kind's settings."""

    kind = SelectField(
        "Kind",
        choices=[SelectChoice(k, v.label) for k, v in exercises.KINDS.items()],
        description="Each kind has its own settings. Pick one and press the button to see its "
        "settings; the kind changes when you save the exercise.",
    )


class ExerciseForm(FlaskForm):
    """The exercise editor; `exercise_form` adds one input per parameter of the kind."""

    kind = HiddenField(id="exercise-kind")
    title = StringField("Title", validators=[DataRequired(), Length(max=limits.TITLE)])
    instructions = TextAreaField(
        "Instructions (Markdown)",
        validators=[Length(max=limits.INSTRUCTIONS)],
        render_kw={"rows": 6},
    )
    submit = SubmitField("Save exercise")

    #: The kind the settings inputs are for, and its parameters in order.
    settings_kind: str = DEFAULT_KIND
    setting_names: tuple[str, ...] = ()
    #: Every parameter's value, set when the form validates.
    params: dict = {}

    def setting_fields(self) -> list:
        return [self[SETTING_PREFIX + name] for name in self.setting_names]

    def validate_kind(self, field):
        if field.data not in exercises.KINDS:
            raise ValidationError(f"Choose a kind: {', '.join(exercises.KINDS)}.")

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.kind.errors:
            return False
        defaults = exercises.KINDS[self.kind.data].defaults
        typed = {name: self[SETTING_PREFIX + name].data for name in self.setting_names}
        self.params, findings = params.read_settings(defaults, typed)
        for finding in findings:
            target = self._fields.get(SETTING_PREFIX + str(finding.field), self.kind)
            target.errors.append(finding.message)
        return valid and not findings

    def changed_params(self) -> dict:
        """What the exercise stores: the parameters that differ from the kind's defaults."""
        return params.changed_params(exercises.KINDS[self.kind.data].defaults, self.params)

    def exercise(self) -> dict:
        """The exercise as `authoring.save_exercise` takes it."""
        return {
            "kind": self.kind.data,
            "title": self.title.data.strip(),
            "instructions": self.instructions.data or "",
            "params": self.changed_params(),
        }


#: What a setting's input takes: its longest valid value (a full list), with separators.
_SETTING_LENGTH = Length(max=params.MAX_ENTRIES * (params.MAX_TEXT + 2))


def _setting_field(name: str):
    setting = params.SETTINGS[name]
    if setting.input == "platform":
        return SelectField(
            setting.label,
            choices=[SelectChoice(*pair) for pair in PLATFORM_LABELS.items()],
            description=setting.help,
            validate_choice=False,
        )
    if setting.input == "count":
        return StringField(
            setting.label,
            description=setting.help,
            validators=[Length(max=20)],
            widget=NumberInput(min=setting.minimum, max=setting.maximum),
            render_kw={"class": "short"},
        )
    if setting.input == "choice":
        return SelectField(
            setting.label,
            choices=[SelectChoice(*pair) for pair in setting.choices],
            description=setting.help,
            validate_choice=False,
        )
    if setting.input == "options":
        return SelectMultipleField(
            setting.label,
            choices=[SelectChoice(*pair) for pair in setting.choices],
            description=setting.help,
            validate_choice=False,
            widget=ListWidget(prefix_label=False),
            option_widget=CheckboxInput(),
        )
    if setting.input == "paragraph":
        return TextAreaField(setting.label, description=setting.help, render_kw={"rows": 4})
    if setting.input == "line":
        return StringField(setting.label, description=setting.help)
    if setting.input == "yes_no":
        return BooleanField(setting.label, description=setting.help)
    if setting.input in ("hashtags", "domains", "names"):
        return TextAreaField(
            setting.label,
            description=setting.help,
            validators=[_SETTING_LENGTH],
            render_kw={
                "rows": 8 if setting.input == "names" else 3,
                "spellcheck": "false",
                "autocapitalize": "none",
            },
        )
    attrs = {"spellcheck": "false", "autocapitalize": "none", "autocomplete": "off"}
    if setting.input == "region":
        attrs["class"] = "short"
    return StringField(
        setting.label, description=setting.help, validators=[Length(max=253)], render_kw=attrs
    )


def exercise_form(exercise, kind: str | None = None) -> ExerciseForm:
    """The exercise editor for `exercise` (None for a new one) with the settings of `kind`.

    `kind` is the one posted, or asked for with ?kind=; an unknown one falls back to the
    exercise's. The inputs show the saved parameters that the kind takes, overlaid on its
    defaults; on a POST, what was typed (a posted unknown kind fails `validate_kind`).
    """
    saved_kind = exercise.kind if exercise is not None else DEFAULT_KIND
    shown = kind if kind in exercises.KINDS else saved_kind
    defaults = exercises.KINDS[shown].defaults
    saved = dict(exercise.params or {}) if exercise is not None else {}

    class KindExerciseForm(ExerciseForm):
        settings_kind = shown
        setting_names = tuple(defaults)

    data = {"kind": shown}
    if exercise is not None:
        data |= {"title": exercise.title, "instructions": exercise.instructions_markdown}
    for name, default in defaults.items():
        setattr(KindExerciseForm, SETTING_PREFIX + name, _setting_field(name))
        data[SETTING_PREFIX + name] = params.setting_text(name, saved.get(name, default))
    return KindExerciseForm(data=data)


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


class ImportModuleForm(UploadForm):
    file = FileField(
        "Module file",
        validators=[
            FileRequired("Choose a file."),
            FileAllowed(["md", "txt"], "A .md file."),
            FileSize("CONTENT_IMPORT_MAX_BYTES"),
        ],
    )
    into = SelectField("Import as", choices=[SelectChoice("", "A new module")])
    replace_draft = BooleanField(
        "Replace its draft",
        description="Only when the module already has an unpublished draft: the file "
        "replaces that draft's edits.",
    )
    submit = SubmitField("Import")


class GiftImportForm(UploadForm):
    file = FileField(
        "GIFT file",
        validators=[
            FileRequired("Choose a file."),
            FileAllowed(["txt", "gift"], "A .txt file."),
            FileSize("CONTENT_IMPORT_MAX_BYTES"),
        ],
        description="Moodle's GIFT format: multiple choice, multiple answers and true/false.",
    )
    when_unsupported = RadioField(
        "If some questions cannot be imported",
        choices=[
            SelectChoice("nothing", "Import nothing, and list every problem by line"),
            SelectChoice(
                "skip", "Import the supported questions, and list the skipped ones by line"
            ),
        ],
        default="nothing",
    )
    submit = SubmitField("Import questions")


class ActionForm(FlaskForm):
    """A button that posts: move, delete, discard (CSRF only)."""
