"""Shared steps for the managers' area tests: a ward, its manager, and a learner's completion."""

from datetime import timedelta

from model_answers import MODEL_ANSWERS
from sqlalchemy import select

from course.extensions import db
from course.models import Department, Module
from course.models.types import utcnow
from course.services import assignments, catalog, practice, progress, quiz
from course.services.scope import scope_for

SLUG = "meet-the-experts"  # its lessons, its one exercise and the quiz complete it


def module(slug=SLUG) -> Module:
    return catalog.published_module(slug)


def department(name) -> Department:
    return db.session.scalar(select(Department).where(Department.name == name))


def assign(manager, slug=SLUG, department_name="Ward A", days=14, recert=None, user_ids=None):
    scope = scope_for(manager)
    return assignments.assign(
        manager.id,
        scope,
        [module(slug).id],
        utcnow().date() + timedelta(days=days),
        recert,
        department_id=None if user_ids else department(department_name).id,
        user_ids=user_ids,
    )


def right_answers(attempt) -> dict:
    return {q["key"]: [c["id"] for c in q["choices"] if c["correct"]] for q in attempt.questions}


def pass_quiz(user_id, slug=SLUG):
    mod = module(slug)
    attempt = quiz.start_attempt(user_id, mod)
    quiz.submit_attempt(attempt, right_answers(attempt))
    return progress.refresh(user_id, mod)


def complete(user_id, slug=SLUG) -> bool:
    """Read every lesson, pass every exercise with its model answer, then pass the quiz."""
    mod = module(slug)
    for lesson in mod.published.lessons:
        progress.record_lesson_read(user_id, mod, lesson)
    for exercise in mod.published.exercises:
        submission, _ = practice.submit(user_id, mod, exercise, MODEL_ANSWERS[exercise.key])
        assert submission.passed, submission.findings
    return pass_quiz(user_id, slug)
