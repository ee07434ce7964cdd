"""Hands-on exercises: checking a learner's answer and keeping it as evidence."""

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from .. import exercises
from ..extensions import db
from ..models import Exercise, ExerciseSubmission, Module
from . import progress


def submit(
    user_id: int, module: Module, exercise: Exercise, answer: dict, form_token: str | None = None
):
    """Check the answer with the exercise's validator and store answer, findings and verdict.

    Returns (submission, newly_completed): whether this submission completed the module. The
    same `form_token` sent again (a double click, a resent form, two workers at once) records
    nothing and returns the submission it already made.
    """
    if form_token and (earlier := _sent_with(user_id, form_token)) is not None:
        return earlier, False
    params = exercises.merged_params(exercise.kind, exercise.params)
    result = exercises.check(exercise.kind, answer, params)
    submission = ExerciseSubmission(
        user_id=user_id,
        module_id=module.id,
        exercise_key=exercise.key,
        revision_number=module.published.number,
        kind=exercise.kind,
        exercise={"title": exercise.title, "params": params},
        answer=answer,
        findings=[f.as_record() for f in result.findings],
        passed=result.passed,
        form_token=form_token or None,
    )
    try:
        with db.session.begin_nested():  # the twin request committed first: keep its record
            db.session.add(submission)
    except IntegrityError:
        return _sent_with(user_id, form_token), False
    newly_completed = progress.refresh(user_id, module)
    return submission, newly_completed


def _sent_with(user_id: int, form_token: str) -> ExerciseSubmission | None:
    return db.session.scalar(
        select(ExerciseSubmission).where(
            ExerciseSubmission.user_id == user_id, ExerciseSubmission.form_token == form_token
        )
    )


def submissions(user_id: int, module_id: int, exercise_key: str) -> list[ExerciseSubmission]:
    """The learner's submissions for one exercise, newest first."""
    return list(
        db.session.scalars(
            select(ExerciseSubmission)
            .where(
                ExerciseSubmission.user_id == user_id,
                ExerciseSubmission.module_id == module_id,
                ExerciseSubmission.exercise_key == exercise_key,
            )
            .order_by(ExerciseSubmission.id.desc())
        )
    )
