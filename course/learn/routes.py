from dataclasses import dataclass

from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from .. import exercises
from ..database import begin_writing
from ..errors import render_error
from ..extensions import db
from ..models import AttemptState, Module, ProgressStatus, QuizAttempt
from ..services import catalog, certificates, policies, practice, progress, quiz, throttle
from . import bp
from .forms import (
    StartQuizForm,
    answer_sections,
    answers_from,
    counters,
    exercise_answer,
    exercise_form,
    findings_by_place,
    new_form_token,
    quiz_form,
)


def _module_or_404(slug: str, *parts: str):
    return catalog.published_module(slug, parts or ("lessons", "exercises")) or abort(404)


@bp.get("/")
@login_required
def dashboard():
    cards = progress.dashboard(current_user.id)
    return render_template("learn/dashboard.html", cards=cards)


@bp.get("/modules/<slug>")
@login_required
def show_module(slug):
    module = _module_or_404(slug)  # questions load only if the quiz size must count them
    standing = progress.standing(current_user.id, module)
    completed = standing.status is ProgressStatus.COMPLETED
    return render_template(
        "learn/module.html",
        module=module,
        revision=module.published,
        standing=standing,
        card=progress.card(current_user.id, module.id),
        attempts=quiz.attempt_history(current_user.id, module.id),
        open_attempt=quiz.open_attempt(current_user.id, module.id),
        certificate=certificates.latest_for(current_user.id, module.id) if completed else None,
        policy_signed=policies.module_condition(current_user.id, module),
    )


@dataclass(frozen=True)
class NextStep:
    """The first thing left to do in a module: what a button after a result offers."""

    label: str
    url: str


def next_step(module, standing) -> NextStep | None:
    """The first lesson not read, else the quiz if not passed, else the first exercise not
    passed, else the attached policy if not signed; None when nothing is left."""
    slug = module.slug
    for lesson in module.published.lessons:
        if lesson.key not in standing.read_keys:
            return NextStep(
                f"Next: {lesson.title}", url_for(".show_lesson", slug=slug, key=lesson.key)
            )
    if standing.quiz_passed_at is None:
        return NextStep("Next: the quiz", url_for(".take_quiz", slug=slug))
    for exercise in module.published.exercises:
        if exercise.key not in standing.passed_exercise_keys:
            return NextStep(
                f"Next: {exercise.title}", url_for(".do_exercise", slug=slug, key=exercise.key)
            )
    if policies.module_condition(current_user.id, module) == [None]:
        return NextStep(
            "Next: sign the policy",
            url_for("policies.sign_policy", policy_id=module.policy_id, module=slug),
        )
    return None


def _completion(module) -> dict:
    """What a page announcing a completion offers: the certificate and the next module."""
    return {
        "certificate": certificates.latest_for(current_user.id, module.id),
        "next_card": _next_module_card(module.slug),
    }


@bp.get("/modules/<slug>/continue")
@login_required
def continue_module(slug):
    """Take the learner to the first thing left to do in the module."""
    module = _module_or_404(slug)
    step = next_step(module, progress.standing(current_user.id, module))
    return redirect(step.url if step else url_for(".show_module", slug=slug))


@bp.get("/modules/<slug>/lessons/<key>")
@login_required
def show_lesson(slug, key):
    opened = catalog.open_lesson(slug, key, current_user.id) or abort(404)
    page = render_template("learn/lesson.html", opened=opened)
    if not opened.already_read:
        begin_writing()
        module = _module_or_404(slug, "lessons")
        lesson = next((item for item in module.published.lessons if item.key == key), None)
        if lesson is not None:  # unless a publish removed it in between
            progress.record_lesson_read(current_user.id, module, lesson)
            db.session.commit()
    return page


@bp.get("/modules/<slug>/quiz")
@login_required
def take_quiz(slug):
    module = _module_or_404(slug, "questions")
    attempt = quiz.open_attempt(current_user.id, module.id)
    if attempt is None or attempt.revision_number != module.published.number:
        return render_template(
            "learn/quiz_start.html",
            module=module,
            form=StartQuizForm(),
            attempts=quiz.attempt_history(current_user.id, module.id),
        )
    form = quiz_form(attempt.questions, picks=attempt.answers)
    return render_template("learn/quiz.html", module=module, attempt=attempt, form=form)


@bp.post("/modules/<slug>/quiz/<int:attempt_id>/picks")
@login_required
def save_quiz_picks(slug, attempt_id):
    """The quiz page's script saves picks here as they are made: 204, or 409 once submitted."""
    module = _module_or_404(slug)
    attempt = _own_attempt_or_404(module, attempt_id)
    form = quiz_form(attempt.questions, formdata=request.form)
    if not quiz.save_picks(attempt, answers_from(form, attempt.questions)):
        return "", 409
    db.session.commit()
    return "", 204


def _too_fast():
    """A 429 page when the learner has sent more submissions this minute than a person
    types (services/throttle.py); None when they may go on."""
    wait = throttle.submission_wait(current_user.id)
    if not wait:
        return None
    body, status = render_error(
        429,
        f"That is more answers in a minute than anyone types. Please wait {wait} seconds "
        "and send it again; nothing you wrote was lost.",
    )
    return body, status, {"Retry-After": str(wait)}


@bp.post("/modules/<slug>/quiz")
@login_required
def start_quiz(slug):
    module = _module_or_404(slug, "choices")
    if refused := _too_fast():
        return refused
    if StartQuizForm().validate_on_submit():
        quiz.start_attempt(current_user.id, module)
        db.session.commit()
    return redirect(url_for(".take_quiz", slug=slug))


@bp.post("/modules/<slug>/quiz/<int:attempt_id>")
@login_required
def submit_quiz(slug, attempt_id):
    # Progress needs only the keys of the exercises, not their settings and instructions.
    module = _module_or_404(slug, "lessons", "exercise_keys")
    attempt = _own_attempt_or_404(module, attempt_id)
    result = url_for(".show_result", attempt_id=attempt_id)  # the commit expires `attempt`
    if attempt.state is AttemptState.SUBMITTED:
        flash("These answers were already submitted; here is the result.", "info")
        return redirect(result)
    form = quiz_form(attempt.questions)
    if not form.validate_on_submit():
        flash("Please answer every question; the ones left are marked below.", "error")
        return render_template("learn/quiz.html", module=module, attempt=attempt, form=form), 422
    answers = quiz.clean_answers(attempt.questions, answers_from(form, attempt.questions))
    if quiz.submit_attempt(attempt, answers):
        progress.refresh(current_user.id, module)  # the result page announces a completion
    else:
        flash("These answers were already submitted; here is the result.", "info")
    db.session.commit()  # the answers and the progress they make, together
    return redirect(result)


def _own_attempt_or_404(module, attempt_id: int) -> QuizAttempt:
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id or attempt.module_id != module.id:
        abort(404)
    return attempt


@bp.get("/attempts/<int:attempt_id>")
@login_required
def show_result(attempt_id):
    attempt = db.session.get(QuizAttempt, attempt_id)
    if attempt is None or attempt.user_id != current_user.id:
        abort(404)
    if attempt.state is not AttemptState.SUBMITTED:
        return redirect(url_for(".dashboard"))
    module = _module_or_404_by_id(attempt.module_id)
    grade = quiz.grade(attempt.questions, attempt.answers or {}, attempt.pass_mark)
    standing = progress.standing(current_user.id, module)
    completed = standing.status is ProgressStatus.COMPLETED
    return render_template(
        "learn/result.html",
        module=module,
        attempt=attempt,
        grade=grade,
        results=grade.by_key,
        completed=completed,
        step=next_step(module, standing),
        **(_completion(module) if completed else {}),
    )


def _module_or_404_by_id(module_id: int):
    module = db.session.get(Module, module_id)
    if module is None or module.published is None:
        abort(404)
    return _module_or_404(module.slug)


def _next_module_card(slug: str):
    """The first module after this one that the learner has not completed."""
    cards = progress.dashboard(current_user.id)
    after = False
    for card in cards + cards:
        if after and card.slug != slug and card.status is not ProgressStatus.COMPLETED:
            return card
        after = after or card.slug == slug
    return None


def _exercise_or_404(module, key: str):
    exercise = next((e for e in module.published.exercises if e.key == key), None)
    return exercise or abort(404)


@bp.route("/modules/<slug>/exercises/<key>", methods=["GET", "POST"])
@login_required
def do_exercise(slug, key):
    module = _module_or_404(slug)
    exercise = _exercise_or_404(module, key)
    kind = exercises.KINDS[exercise.kind]
    params = exercises.merged_params(exercise.kind, exercise.params)
    form = exercise_form(kind, params)
    sections = answer_sections(form, kind, params)
    findings_by_field: dict = {}
    submission = None
    if request.method == "POST" and (refused := _too_fast()):
        return refused
    after: dict = {}
    if form.validate_on_submit():
        answer = exercise_answer(form, kind, params)
        submission, newly_completed = practice.submit(
            current_user.id, module, exercise, answer, form.form_token.data
        )
        db.session.commit()  # the submission and the progress it makes, together
        form.form_token.data = new_form_token()  # the next send is a new submission
        # What a PHI finding points to is shown here, to the learner who typed it, only.
        shown = [
            {**finding, "quote": exercises.quote_for_learner(finding, submission.answer)}
            for finding in submission.findings
        ]
        findings_by_field = findings_by_place(shown, sections)
        standing = progress.standing(current_user.id, module)
        after = {"step": next_step(module, standing), "completed": newly_completed}
        if newly_completed:
            after.update(_completion(module))
    history = practice.submissions(current_user.id, module.id, exercise.key)
    refused = form.errors or (submission is not None and not submission.passed)
    status = 422 if refused else 200
    return render_template(
        "learn/exercise.html",
        module=module,
        exercise=exercise,
        kind=kind,
        rules=kind.describe(params),
        phi_limits=exercises.PHI_LIMITS,
        form=form,
        sections=sections,
        submission=submission,
        findings_by_field=findings_by_field,
        counters=counters(kind, params, form),
        history=history,
        **after,
    ), status
