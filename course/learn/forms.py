import secrets
from dataclasses import dataclass, field

from flask_wtf import FlaskForm
from wtforms import (
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    SubmitField,
    TelField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired, Length

from ..exercises import FieldGroup, build_answer, form_name, limits
from ..exercises.length import x_counter_config
from ..form_fields import MultiCheckboxField
from ..models.progress import QuestionRecord

#: Characters in one answer field: more than any platform takes in one post (LinkedIn 3,000)
#: or profile text, and every submission is stored as evidence.
ANSWER_MAX = 5_000
_ANSWER_LENGTH = Length(
    max=ANSWER_MAX, message=f"Keep this under {ANSWER_MAX:,} characters: no platform takes more."
)
_CHOICE_LENGTH = Length(max=200)


class StartQuizForm(FlaskForm):
    submit = SubmitField("Start the quiz")


def quiz_form(
    questions: list[QuestionRecord], formdata=None, picks: dict | None = None
) -> FlaskForm:
    """A form with one field per drawn question, named q0, q1, ... in the order shown;
    `picks` (question key -> choice ids, as saved with the attempt) are shown selected."""

    class QuizForm(FlaskForm):
        submit = SubmitField("Submit answers")

    for index, question in enumerate(questions):
        choices = [SelectChoice(c["id"], c["text"]) for c in question["choices"]]
        if question["type"] == "multiple":
            field = MultiCheckboxField(
                question["prompt"],
                choices=choices,
                validators=[InputRequired("Choose at least one answer.")],
                description="Choose all that apply.",
            )
        else:
            field = RadioField(
                question["prompt"],
                choices=choices,
                validators=[InputRequired("Choose an answer.")],
                validate_choice=False,
            )
        setattr(QuizForm, f"q{index}", field)
    if formdata is not None:
        return QuizForm(formdata=formdata)
    data = {}
    for index, question in enumerate(questions):
        chosen = (picks or {}).get(question["key"]) or []
        if chosen:
            data[f"q{index}"] = chosen if question["type"] == "multiple" else chosen[0]
    return QuizForm(data=data)


def answers_from(form, questions: list[QuestionRecord]) -> dict[str, list[str]]:
    """The picked choice ids per question key, whatever the field type."""
    answers = {}
    for index, question in enumerate(questions):
        data = form[f"q{index}"].data
        picked = data if isinstance(data, list) else ([data] if data else [])
        answers[question["key"]] = [str(p) for p in picked]
    return answers


def _answer_input(spec):
    """The form input for one answer field (a "posts" field is expanded by the caller)."""
    if spec.widget == "select":
        choices = [SelectChoice("", "Choose one")] + [SelectChoice(*c) for c in spec.choices]
        return SelectField(
            spec.label,
            choices=choices,
            description=spec.help,
            validators=[_CHOICE_LENGTH],
            validate_choice=False,
        )
    if spec.widget == "radio":
        return RadioField(
            spec.label,
            choices=[SelectChoice(*c) for c in spec.choices],
            description=spec.help,
            validators=[_CHOICE_LENGTH],
            validate_choice=False,
        )
    if spec.widget == "textarea":
        return TextAreaField(
            spec.label,
            description=spec.help,
            validators=[_ANSWER_LENGTH],
            render_kw={"rows": spec.rows or 6},
        )
    attrs = {"autocomplete": spec.autocomplete} if spec.autocomplete else {}
    field_class = _TYPED_INPUTS.get(spec.input_type, StringField)
    return field_class(
        spec.label, description=spec.help, validators=[_ANSWER_LENGTH], render_kw=attrs
    )


_TYPED_INPUTS = {"url": URLField, "email": EmailField, "tel": TelField}


def exercise_form(kind, params: dict, formdata=None) -> FlaskForm:
    """A form generated from an exercise kind's answer fields for these parameters.

    Inputs are named after the fields' paths (`exercises.form_name`): `mentions[2].reply` is
    the input mentions-2-reply. A "posts" field becomes one text box per allowed post, named
    posts-0, posts-1, ...
    """

    class ExerciseForm(FlaskForm):
        #: Names this copy of the form: sending it twice records one submission.
        form_token = HiddenField(default=new_form_token)
        submit = SubmitField("Check my answer")

    for spec in kind.fields_for(params):
        if spec.widget == "posts":
            for index in range(max_posts(params)):
                setattr(
                    ExerciseForm,
                    f"{form_name(spec.name)}-{index}",
                    TextAreaField(
                        f"Post {index + 1}", validators=[_ANSWER_LENGTH], render_kw={"rows": 3}
                    ),
                )
        else:
            setattr(ExerciseForm, form_name(spec.name), _answer_input(spec))
    return ExerciseForm(formdata=formdata) if formdata is not None else ExerciseForm()


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def max_posts(params: dict) -> int:
    value = params.get("max_posts", 10)
    return value if isinstance(value, int) and 1 <= value <= 10 else 10


def exercise_answer(form, kind, params: dict) -> dict:
    """The answer as the validators take it: field path -> text, or a list for posts."""
    values: dict = {}
    for spec in kind.fields_for(params):
        name = form_name(spec.name)
        if spec.widget == "posts":
            posts = [form[f"{name}-{i}"].data or "" for i in range(max_posts(params))]
            while posts and not posts[-1].strip():
                posts.pop()
            values[spec.name] = posts
        else:
            values[spec.name] = form[name].data or ""
    return build_answer(values)


@dataclass
class AnswerSection:
    """Answer inputs shown together: one group's fieldset, or ungrouped fields in a row.

    `items` are (form field, AnswerField) pairs; `id` is the group's element id (its form
    name), where findings about the group as a whole are shown.
    """

    group: FieldGroup | None
    items: list = field(default_factory=list)

    @property
    def id(self) -> str | None:
        return form_name(self.group.key) if self.group else None


def answer_sections(form, kind, params: dict) -> list[AnswerSection]:
    """The form's answer inputs in order, grouped as the kind groups its fields.

    A "posts" field is a group of its own (findings about the thread as a whole show there).
    """
    sections: list[AnswerSection] = []
    for spec in kind.fields_for(params):
        group = spec.group
        if spec.widget == "posts" and group is None:
            group = FieldGroup(spec.name, spec.label, spec.help)
        if not sections or sections[-1].group != group:
            sections.append(AnswerSection(group))
        name = form_name(spec.name)
        if spec.widget == "posts":
            sections[-1].items += [(form[f"{name}-{i}"], spec) for i in range(max_posts(params))]
        else:
            sections[-1].items.append((form[name], spec))
    return sections


def findings_by_place(findings, sections: list[AnswerSection]) -> dict:
    """Findings keyed by the form input or group they are shown next to; a finding whose
    field is not on the page (None, or junk from an old revision) is keyed None."""
    places = {s.id for s in sections if s.id} | {f.name for s in sections for f, _ in s.items}
    out: dict = {}
    for finding in findings:
        place = form_name(finding["field"])
        out.setdefault(place if place in places else None, []).append(finding)
    return out


def counters(kind, params: dict, form) -> dict[str, dict]:
    """Form input name -> what its live counter counts, for the boxes that hold a post.

    The browser counts with X's own twitter-text (static/vendor/twitter-text) configured as
    the server's validator is (`x_counter_config`), so both give the same number; the server
    stays the judge. Other platforms count code points, as `post_length` does.
    """
    platform = params.get("platform")
    if platform not in limits.POST_MAX_LENGTH:
        return {}
    base = {
        "platform": platform,
        "max": limits.POST_MAX_LENGTH[platform],
        "x": x_counter_config() if platform == "x" else None,
        "hashtags": None,
    }
    if kind.name == "post" and "text" in form:
        hashtags = {"min": params.get("min_hashtags"), "max": params.get("max_hashtags")}
        return {"text": {**base, "hashtags": hashtags}}
    if kind.name == "crisis_update" and "text" in form:
        return {"text": base}
    return {f.name: base for f in form if f.name.startswith("posts-") and f.type == "TextAreaField"}
