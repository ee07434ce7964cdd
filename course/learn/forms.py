import secrets

from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class StartQuizForm(FlaskForm):
    submit = SubmitField("Start the quiz")


def quiz_form(questions: list[dict], formdata=None, picks: dict | None = None) -> FlaskForm:
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


def answers_from(form, questions: list[dict]) -> dict[str, list[str]]:
    """The picked choice ids per question key, whatever the field type."""
    answers = {}
    for index, question in enumerate(questions):
        data = form[f"q{index}"].data
        picked = data if isinstance(data, list) else ([data] if data else [])
        answers[question["key"]] = [str(p) for p in picked]
    return answers


def exercise_form(kind, params: dict, formdata=None) -> FlaskForm:
    """A form generated from an exercise kind's answer fields.

    A "posts" field becomes one text box per allowed post, named posts-0, posts-1, ...
    """

    class ExerciseForm(FlaskForm):
        #: Names this copy of the form: sending it twice records one submission.
        form_token = HiddenField(default=new_form_token)
        submit = SubmitField("Check my answer")

    for spec in kind.fields:
        if spec.widget == "posts":
            for index in range(max_posts(params)):
                setattr(
                    ExerciseForm,
                    f"{spec.name}-{index}",
                    TextAreaField(f"Post {index + 1}", render_kw={"rows": 3}),
                )
        elif spec.widget == "select":
            choices = [SelectChoice("", "Choose one")] + [SelectChoice(*c) for c in spec.choices]
            setattr(
                ExerciseForm,
                spec.name,
                SelectField(
                    spec.label, choices=choices, description=spec.help, validate_choice=False
                ),
            )
        elif spec.widget == "textarea":
            setattr(
                ExerciseForm,
                spec.name,
                TextAreaField(spec.label, description=spec.help, render_kw={"rows": 6}),
            )
        else:
            setattr(ExerciseForm, spec.name, StringField(spec.label, description=spec.help))
    return ExerciseForm(formdata=formdata) if formdata is not None else ExerciseForm()


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


def max_posts(params: dict) -> int:
    value = params.get("max_posts", 10)
    return value if isinstance(value, int) and 1 <= value <= 10 else 10


def exercise_answer(form, kind, params: dict) -> dict:
    """The answer as the validators take it: field name -> text, or a list for posts."""
    answer: dict = {}
    for spec in kind.fields:
        if spec.widget == "posts":
            posts = [form[f"{spec.name}-{i}"].data or "" for i in range(max_posts(params))]
            while posts and not posts[-1].strip():
                posts.pop()
            answer[spec.name] = posts
        else:
            answer[spec.name] = form[spec.name].data or ""
    return answer


def form_field_name(finding_field: str | None) -> str | None:
    """Where a finding is shown: "posts[2]" belongs next to the field posts-2."""
    if finding_field and finding_field.endswith("]") and "[" in finding_field:
        name, index = finding_field[:-1].split("[", 1)
        return f"{name}-{index}"
    return finding_field
