from types import SimpleNamespace

from flask import Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from wtforms.fields.choices import SelectChoice

from .. import downloads, exercises
from ..auth.decorators import role_required
from ..database import begin_writing, reads_first
from ..extensions import db
from ..learn.forms import (
    answer_sections,
    answers_from,
    counters,
    exercise_answer,
    findings_by_place,
    quiz_form,
)
from ..learn.forms import exercise_form as learner_exercise_form
from ..models import Role
from ..saving import save
from ..services import authoring, content_io, quiz
from ..services import item_analysis as analysis_service
from ..services.content_io import ContentError
from ..services.rendering import render_markdown
from ..uploads import accepts_upload
from ..wording import counted
from . import bp
from .forms import (
    CHOICE_ROWS,
    ActionForm,
    ExerciseKindForm,
    GiftImportForm,
    ImportModuleForm,
    LessonForm,
    ModuleSettingsForm,
    NewModuleForm,
    PublishForm,
    QuestionForm,
    exercise_form,
)

studio = role_required(Role.TRAINER, Role.ADMIN)
PARTS = {"lessons", "questions", "exercises"}


def _module_or_404(slug: str):
    return authoring.module_by_slug(slug) or abort(404)


def _current(module):
    """What the editor shows: the draft when there is one, else the published revision."""
    return module.draft or module.published


def _item_or_404(module, part: str, key: str):
    revision = _current(module)
    return next((row for row in getattr(revision, part) if row.key == key), None) or abort(404)


def _file_text(storage) -> str | None:
    try:
        return storage.read().decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


@bp.get("/")
@studio
def list_modules():
    return render_template("author/list.html", modules=authoring.list_modules())


@bp.route("/modules/new", methods=["GET", "POST"])
@studio
def new_module():
    form = NewModuleForm()
    if form.validate_on_submit() and (
        module := save(
            form,
            lambda: authoring.create_module(
                current_user.id,
                form.slug.data,
                form.title.data.strip(),
                (form.summary.data or "").strip(),
            ),
            "slug",
        )
    ):
        flash("Module created as a draft. Add lessons and questions, then publish.", "success")
        return redirect(url_for(".edit_module", slug=module.slug))
    return render_template("author/new_module.html", form=form)


@bp.route("/modules/<slug>", methods=["GET", "POST"])
@studio
def edit_module(slug):
    module = _module_or_404(slug)
    revision = _current(module)
    form = ModuleSettingsForm(obj=revision)
    if form.validate_on_submit() and save(
        form,
        lambda: authoring.update_settings(
            module,
            current_user.id,
            title=form.title.data.strip(),
            summary=(form.summary.data or "").strip(),
            pass_mark=form.pass_mark.data,
            quiz_size=form.quiz_size.data,
            estimated_minutes=form.estimated_minutes.data,
            position=form.position.data,
        ),
        refusal_field="quiz_size",
    ):
        flash("Settings saved in the draft.", "success")
        return redirect(url_for(".edit_module", slug=slug))
    return render_template(
        "author/module.html",
        module=module,
        revision=revision,
        form=form,
        action=ActionForm(),
        changes=authoring.changes(module),
        history=authoring.history(module),
        kinds=exercises.KINDS,
    ), (422 if form.errors else 200)


@bp.route("/modules/<slug>/lessons/new", methods=["GET", "POST"], defaults={"key": None})
@bp.route("/modules/<slug>/lessons/<key>", methods=["GET", "POST"])
@studio
def edit_lesson(slug, key):
    module = _module_or_404(slug)
    lesson = _item_or_404(module, "lessons", key) if key else None
    form = LessonForm(data={"title": lesson.title, "body": lesson.body_markdown} if lesson else {})
    preview_html = None
    if form.validate_on_submit():
        if form.preview.data:
            # The very function that renders what learners get, on the text as typed.
            preview_html = render_markdown(form.body.data)
        elif saved := save(
            form,
            lambda: authoring.save_lesson(
                module, current_user.id, key, form.title.data.strip(), form.body.data
            ),
            refusal_field="title",
        ):
            flash(f"Lesson “{saved.title}” saved in the draft.", "success")
            return redirect(url_for(".edit_lesson", slug=slug, key=saved.key))
    return render_template(
        "author/lesson.html", module=module, lesson=lesson, form=form, preview_html=preview_html
    ), (422 if form.errors else 200)


@bp.get("/modules/<slug>/lessons/<key>/preview")
@studio
def preview_lesson(slug, key):
    module = _module_or_404(slug)
    revision = _current(module)
    lessons = revision.lessons
    index = next((i for i, x in enumerate(lessons) if x.key == key), None)
    if index is None:
        abort(404)
    return render_template(
        "author/preview_lesson.html",
        module=module,
        revision=revision,
        lesson=lessons[index],
        number=index + 1,
        previous=lessons[index - 1] if index > 0 else None,
        next=lessons[index + 1] if index + 1 < len(lessons) else None,
    )


def _question_form(question):
    if request.method == "POST" or question is None:
        return QuestionForm()
    rows = [
        {"text": c.text, "correct": c.is_correct, "feedback": c.feedback} for c in question.choices
    ]
    rows += [{}] * max(0, CHOICE_ROWS - len(rows))
    return QuestionForm(
        data={
            "type": question.type.value,
            "prompt": question.prompt,
            "explanation": question.explanation,
            "choices": rows,
        }
    )


@bp.route("/modules/<slug>/questions/new", methods=["GET", "POST"], defaults={"key": None})
@bp.route("/modules/<slug>/questions/<key>", methods=["GET", "POST"])
@studio
def edit_question(slug, key):
    module = _module_or_404(slug)
    question = _item_or_404(module, "questions", key) if key else None
    form = _question_form(question)
    if form.validate_on_submit() and (
        saved := save(
            form,
            lambda: authoring.save_question(module, current_user.id, key, **form.question()),
            refusal_field="prompt",
        )
    ):
        flash("Question saved in the draft.", "success")
        return redirect(url_for(".edit_question", slug=slug, key=saved.key))
    return render_template("author/question.html", module=module, question=question, form=form), (
        422 if form.errors else 200
    )


@bp.route("/modules/<slug>/exercises/new", methods=["GET", "POST"], defaults={"key": None})
@bp.route("/modules/<slug>/exercises/<key>", methods=["GET", "POST"])
@studio
def edit_exercise(slug, key):
    module = _module_or_404(slug)
    exercise = _item_or_404(module, "exercises", key) if key else None
    kind = request.form.get("kind") if request.method == "POST" else request.args.get("kind")
    form = exercise_form(exercise, kind)
    if form.validate_on_submit() and (
        saved := save(
            form,
            lambda: authoring.save_exercise(module, current_user.id, key, **form.exercise()),
            refusal_field="title",
        )
    ):
        flash("Exercise saved in the draft.", "success")
        return redirect(url_for(".edit_exercise", slug=slug, key=saved.key))
    shown = exercises.KINDS[form.settings_kind]
    return render_template(
        "author/exercise.html",
        module=module,
        exercise=exercise,
        form=form,
        kind=shown,
        kind_form=ExerciseKindForm(data={"kind": shown.name}),
    ), (422 if form.errors else 200)


@bp.post("/modules/<slug>/<part>/<key>/move/<any(up, down):direction>")
@studio
def move_item(slug, part, key, direction):
    module = _module_or_404(slug)
    if part not in PARTS:
        abort(404)
    if ActionForm().validate_on_submit():
        save(None, lambda: authoring.move_item(module, current_user.id, part, key, direction))
    return redirect(url_for(".edit_module", slug=slug, _anchor=part))


def _studio_url(slug: str) -> str:
    return url_for(".edit_module", slug=slug)


def _confirm(module, **page):
    """A page that asks before an action that removes something (works without JavaScript:
    the action's own button is on this page, its POST does it)."""
    return render_template("author/confirm.html", module=module, action=ActionForm(), **page)


@bp.get("/modules/<slug>/<part>/<key>/delete")
@studio
def confirm_delete_item(slug, part, key):
    module = _module_or_404(slug)
    if part not in PARTS:
        abort(404)
    item = _item_or_404(module, part, key)
    noun, name = authoring.NOUNS[part], authoring.item_title(item)
    return _confirm(
        module,
        title=f"Remove the {noun} “{name}”?",
        explanation=[
            f"The {noun} leaves the draft. Learners keep seeing it until you publish.",
            "Recorded attempts, submissions and certificates never change.",
        ],
        post_to=url_for(".delete_item", slug=slug, part=part, key=key),
        button=f"Remove “{name}”",
        back=url_for(".edit_module", slug=slug, _anchor=part),
    )


@bp.post("/modules/<slug>/<part>/<key>/delete")
@studio
def delete_item(slug, part, key):
    module = _module_or_404(slug)
    if part not in PARTS:
        abort(404)
    if ActionForm().validate_on_submit() and (
        name := save(None, lambda: authoring.delete_item(module, current_user.id, part, key))
    ):
        flash(f"Removed the {authoring.NOUNS[part]} “{name}” from the draft.", "success")
    return redirect(url_for(".edit_module", slug=slug, _anchor=part))


@bp.get("/modules/<slug>/discard")
@studio
def confirm_discard_draft(slug):
    module = _module_or_404(slug)
    if module.draft is None or module.published is None:
        reason = (
            "There is no draft: learners already see the latest version."
            if module.draft is None
            else "This module has never been published: there is no version to go back to."
        )
        return _confirm(
            module, title="Nothing to discard", explanation=[reason], back=_studio_url(slug)
        )
    changes = authoring.changes(module)
    return _confirm(
        module,
        title=f"Discard draft {module.draft.number} of “{module.draft.title}”?",
        explanation=[
            "Every change in this draft is thrown away; learners keep the published version "
            f"{module.published.number}. This cannot be undone.",
        ],
        changes=changes,
        post_to=url_for(".discard_draft", slug=slug),
        button=f"Discard draft {module.draft.number}",
        back=url_for(".edit_module", slug=slug),
    )


@bp.post("/modules/<slug>/discard")
@studio
def discard_draft(slug):
    module = _module_or_404(slug)
    if ActionForm().validate_on_submit():
        number = module.draft.number if module.draft else None
        discarded = save(None, lambda: authoring.discard_draft(module, current_user.id))
        if discarded and number is not None:
            flash(
                f"Draft {number} of “{authoring.title(module)}” discarded; learners see "
                "the published version.",
                "success",
            )
    return redirect(url_for(".edit_module", slug=slug))


@bp.route("/modules/<slug>/archive", methods=["GET", "POST"])
@studio
def archive_module(slug):
    """Retire a module (asks first); nothing recorded is deleted."""
    module = _module_or_404(slug)
    if request.method == "POST":
        if ActionForm().validate_on_submit() and save(
            None, lambda: authoring.archive(module, current_user.id)
        ):
            flash(
                f"“{authoring.title(module)}” is archived: learners no longer see it and it "
                "cannot be assigned. Everything recorded is kept; Restore brings it back.",
                "success",
            )
        return redirect(url_for(".edit_module", slug=slug))
    if module.archived_at is not None:
        return _confirm(
            module,
            title=f"“{authoring.title(module)}” is archived",
            explanation=["Restore it from its page in the studio."],
            back=_studio_url(slug),
        )
    return _confirm(
        module,
        title=f"Archive “{authoring.title(module)}”?",
        explanation=[
            "Learners stop seeing the module on their dashboard, and managers can no longer "
            "assign it.",
            "Nothing is deleted: its versions, the assignments, every attempt, submission and "
            "certificate are kept, certificates still verify and the reports keep their rows.",
            "You can restore it at any time.",
        ],
        post_to=url_for(".archive_module", slug=slug),
        button=f"Archive “{authoring.title(module)}”",
        back=url_for(".edit_module", slug=slug),
    )


@bp.post("/modules/<slug>/restore")
@studio
def restore_module(slug):
    module = _module_or_404(slug)
    if ActionForm().validate_on_submit() and save(
        None, lambda: authoring.restore(module, current_user.id)
    ):
        flash(f"“{authoring.title(module)}” is restored: learners see it again.", "success")
    return redirect(url_for(".edit_module", slug=slug))


@bp.route("/modules/<slug>/publish", methods=["GET", "POST"])
@studio
def publish_module(slug):
    module = _module_or_404(slug)
    form = PublishForm()
    if (
        module.draft is not None
        and form.validate_on_submit()
        and (
            revision := save(
                form,
                lambda: authoring.publish(
                    module,
                    current_user.id,
                    form.change_summary.data.strip(),
                    form.requires_retraining.data,
                    form.reason.data or "",
                ),
            )
        )
    ):
        flash(f"Version {revision.number} is published: learners see it now.", "success")
        return redirect(url_for(".edit_module", slug=slug))
    return render_template(
        "author/publish.html", module=module, form=form, changes=authoring.changes(module)
    ), (422 if form.errors else 200)


@bp.get("/modules/<slug>/export")
@studio
def export_module(slug):
    module = _module_or_404(slug)
    draft = request.args.get("version") == "draft"
    text = authoring.export_text(module, draft=draft)
    name = f"{module.slug}{'-draft' if draft else ''}.md"
    return Response(
        text,
        mimetype="text/markdown",
        headers={"Content-Disposition": downloads.attachment(name)},
    )


@bp.route("/import", methods=["GET", "POST"])
@studio
@reads_first
@accepts_upload("CONTENT_IMPORT_MAX_BYTES")
def import_module():
    form = ImportModuleForm()
    form.into.choices = [SelectChoice("", "A new module")] + [
        SelectChoice(row.slug, f"A new draft of “{row.title}”") for row in authoring.list_modules()
    ]
    problems = None
    if form.validate_on_submit():
        storage = form.file.data
        text = _file_text(storage)
        if text is None:
            form.file.errors.append("The file is not UTF-8 text.")
        else:
            try:
                # Parsed and checked in full before the write transaction begins.
                spec = content_io.parse_module(text, storage.filename)
                begin_writing()
                into = authoring.module_by_slug(form.into.data) if form.into.data else None
                module = save(
                    form,
                    lambda: authoring.import_module(
                        current_user.id, spec, storage.filename, into, form.replace_draft.data
                    ),
                    refusal_field="into",
                )
            except ContentError as error:
                db.session.rollback()
                problems = error
            else:
                if module is not None:
                    flash("Imported as a draft: check it, then publish.", "success")
                    return redirect(url_for(".edit_module", slug=module.slug))
    return render_template("author/import.html", form=form, problems=problems), (
        422 if form.errors or problems else 200
    )


#: Skipped questions listed in the message after an import; the audit line lists them all.
SKIPPED_SHOWN = 10


def _skipped_message(filename: str, skipped: list[tuple[int | None, str]]) -> str:
    lines = "; ".join(f"line {line or '?'}: {problem}" for line, problem in skipped[:SKIPPED_SHOWN])
    more = len(skipped) - SKIPPED_SHOWN
    rest = f"; and {more} more, listed in the module's history" if more > 0 else ""
    return f"Skipped {len(skipped)} questions of {filename}, by line: {lines}{rest}."


@bp.route("/modules/<slug>/import-gift", methods=["GET", "POST"])
@studio
@reads_first
@accepts_upload("CONTENT_IMPORT_MAX_BYTES")
def import_gift(slug):
    module = _module_or_404(slug)
    form = GiftImportForm()
    problems = None
    if form.validate_on_submit():
        storage = form.file.data
        text = _file_text(storage)
        if text is None:
            form.file.errors.append("The file is not UTF-8 text.")
        else:
            try:
                # Parsed and checked in full before the write transaction begins.
                questions, skipped = authoring.read_gift(
                    text,
                    storage.filename,
                    skip_unsupported=form.when_unsupported.data == "skip",
                )
                begin_writing()
                keys = save(
                    form,
                    lambda: authoring.add_gift_questions(
                        _module_or_404(slug), current_user.id, questions, storage.filename, skipped
                    ),
                )
            except ContentError as error:
                db.session.rollback()
                problems = error
            else:
                if keys is not None:
                    flash(f"Imported {counted(len(keys), 'question')} into the draft.", "success")
                    if skipped:
                        # The top of the page, where the list of skipped questions is shown.
                        flash(_skipped_message(storage.filename, skipped), "warning")
                        return redirect(url_for(".edit_module", slug=slug))
                    return redirect(url_for(".edit_module", slug=slug, _anchor="questions"))
    return render_template(
        "author/import_gift.html", module=module, form=form, problems=problems
    ), (422 if form.errors or problems else 200)


@bp.get("/modules/<slug>/preview")
@studio
def preview_module(slug):
    module = _module_or_404(slug)
    return render_template("author/preview_module.html", module=module, revision=_current(module))


@bp.route("/modules/<slug>/preview/quiz", methods=["GET", "POST"])
@studio
def preview_quiz(slug):
    """The quiz as a learner sees it, graded in memory: nothing is stored."""
    module = _module_or_404(slug)
    revision = _current(module)
    # The whole bank, so the trainer sees every question; choices are shuffled as for learners.
    questions = quiz.draw_questions(SimpleNamespace(questions=revision.questions, quiz_size=None))
    form = quiz_form(questions)
    grade = results = None
    if request.method == "POST":
        answers = quiz.clean_answers(questions, answers_from(form, questions))
        grade = quiz.grade(questions, answers, revision.pass_mark)
        results = grade.by_key
    return render_template(
        "author/preview_quiz.html",
        module=module,
        revision=revision,
        questions=questions,
        form=form,
        grade=grade,
        results=results,
    )


@bp.route("/modules/<slug>/preview/exercises/<key>", methods=["GET", "POST"])
@studio
def preview_exercise(slug, key):
    """The exercise as a learner does it: the same form and the same checker's findings,
    nothing recorded."""
    module = _module_or_404(slug)
    revision = _current(module)
    exercise = _item_or_404(module, "exercises", key)
    kind = exercises.KINDS[exercise.kind]
    params = exercises.merged_params(exercise.kind, exercise.params)
    form = learner_exercise_form(kind, params)
    sections = answer_sections(form, kind, params)
    result = None
    if form.validate_on_submit():
        result = exercises.check(exercise.kind, exercise_answer(form, kind, params), params)
    findings = [f.as_record() for f in result.findings] if result else []
    return render_template(
        "author/preview_exercise.html",
        module=module,
        revision=revision,
        exercise=exercise,
        kind=kind,
        rules=kind.describe(params),
        form=form,
        result=result,
        sections=sections,
        findings_by_field=findings_by_place(findings, sections),
        counters=counters(kind, params, form),
    )


@bp.get("/modules/<slug>/analysis")
@studio
def item_analysis(slug):
    module = _module_or_404(slug)
    revision = _current(module)
    titles = {e.key: e.title for e in revision.exercises}
    return render_template(
        "author/item_analysis.html",
        module=module,
        revision=revision,
        analysis=analysis_service.analyse(module.id, {e.key: e.params for e in revision.exercises}),
        titles=titles,
        too_easy=analysis_service.TOO_EASY,
        too_hard=analysis_service.TOO_HARD,
    )
