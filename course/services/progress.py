"""Progress: recording lesson reads and deriving each learner's standing in a module.

A module is complete when every lesson of the published revision has been read, the quiz
has been passed and every exercise has been passed, all counting only evidence from
revisions at or after the module's `retrain_since`; and, when a policy is attached to the
module, the learner has signed its current version (services/policies.py).
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..extensions import db
from ..models import (
    AttemptState,
    Exercise,
    ExerciseSubmission,
    Lesson,
    LessonRead,
    Module,
    ModuleProgress,
    ModuleRevision,
    ProgressStatus,
    QuizAttempt,
)
from ..models.types import utcnow
from . import certificates, policies, reports
from .steps import percent


@dataclass(frozen=True)
class Standing:
    """What a learner has done in one module, as its pages show it."""

    read_keys: frozenset[str]
    passed_exercise_keys: frozenset[str]
    best_score: int | None
    quiz_passed_at: datetime | None
    status: ProgressStatus
    completed_at: datetime | None


def record_lesson_read(user_id: int, module: Module, lesson: Lesson) -> None:
    """Note that the learner opened a lesson; reading it again records nothing new."""
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    inserted = db.session.execute(
        insert(LessonRead)
        .values(
            user_id=user_id,
            module_id=module.id,
            lesson_key=lesson.key,
            revision_number=module.published.number,
            read_at=utcnow(),
        )
        .on_conflict_do_nothing()
    )
    if inserted.rowcount:  # only a first read can change the learner's standing
        refresh(user_id, module, last_lesson_key=lesson.key)


def _counting(model, *conditions):
    """The evidence that counts: this learner's, in this module, from `since` on."""
    return (
        model.user_id == bindparam("user_id"),
        model.module_id == bindparam("module_id"),
        model.revision_number >= bindparam("since"),
        *conditions,
    )


# Built once: building these costs more than running them, and every module page runs them.
_FIRST_READS = (
    select(LessonRead.lesson_key, func.min(LessonRead.read_at))
    .where(*_counting(LessonRead))
    .group_by(LessonRead.lesson_key)
)
_QUIZ_RESULT = select(
    func.max(QuizAttempt.score),
    func.min(QuizAttempt.submitted_at).filter(QuizAttempt.passed.is_(True)),
).where(*_counting(QuizAttempt, QuizAttempt.state == AttemptState.SUBMITTED))
_FIRST_PASSES = (
    select(ExerciseSubmission.exercise_key, func.min(ExerciseSubmission.submitted_at))
    .where(*_counting(ExerciseSubmission, ExerciseSubmission.passed.is_(True)))
    .group_by(ExerciseSubmission.exercise_key)
)


def standing(user_id: int, module: Module) -> Standing:
    """Derive the learner's standing from the evidence (three indexed queries)."""
    revision = module.published
    evidence = {"user_id": user_id, "module_id": module.id, "since": module.retrain_since}
    reads = dict(db.session.execute(_FIRST_READS, evidence).all())
    best_score, quiz_passed_at = db.session.execute(_QUIZ_RESULT, evidence).one()
    exercises = dict(db.session.execute(_FIRST_PASSES, evidence).all())
    lesson_keys = [lesson.key for lesson in revision.lessons]
    exercise_keys = [exercise.key for exercise in revision.exercises]
    needed = [reads.get(k) for k in lesson_keys] + [exercises.get(k) for k in exercise_keys]
    needed.append(quiz_passed_at)
    needed += policies.module_condition(user_id, module)  # the attached policy, signed
    complete = all(moment is not None for moment in needed)
    started = bool(reads or exercises or best_score is not None)
    status = (
        ProgressStatus.COMPLETED
        if complete
        else ProgressStatus.IN_PROGRESS
        if started
        else ProgressStatus.NOT_STARTED
    )
    return Standing(
        read_keys=frozenset(k for k in reads if k in lesson_keys),
        passed_exercise_keys=frozenset(k for k in exercises if k in exercise_keys),
        best_score=best_score,
        quiz_passed_at=quiz_passed_at,
        status=status,
        completed_at=max(needed) if complete else None,
    )


def refresh(user_id: int, module: Module, last_lesson_key: str | None = None) -> bool:
    """Recompute the learner's summary row; True when this event completed the module."""
    now = utcnow()
    current = standing(user_id, module)
    row = db.session.get(ModuleProgress, (user_id, module.id))
    if row is None:
        row = ModuleProgress(user_id=user_id, module_id=module.id, started_at=now)
        db.session.add(row)
    was_complete = row.status is ProgressStatus.COMPLETED
    row.status = current.status
    row.lessons_read = len(current.read_keys)
    row.exercises_passed = len(current.passed_exercise_keys)
    row.best_score = current.best_score
    row.last_activity_at = now
    row.started_at = row.started_at or now
    if last_lesson_key:
        row.last_lesson_key = last_lesson_key
    newly_completed = current.status is ProgressStatus.COMPLETED and not was_complete
    completed_at = current.completed_at
    if was_complete and current.status is ProgressStatus.COMPLETED:
        # An expired completion is renewed by a quiz passed after it expired.
        renewed_at = certificates.renewed_completion(user_id, module, row.completed_at)
        if renewed_at is not None:
            newly_completed, completed_at = True, renewed_at
    if newly_completed:
        row.completed_at = completed_at
        certificates.issue(user_id, module, completed_at, current.best_score)
        row.completed_revision = module.published.number
        row.reopened_reason = None
    elif current.status is not ProgressStatus.COMPLETED:
        row.completed_at = None
    db.session.flush()
    return newly_completed


@dataclass(frozen=True)
class ModuleCard:
    """A module as the dashboard lists it."""

    slug: str
    title: str
    summary: str
    estimated_minutes: int
    lesson_count: int
    exercise_count: int
    status: ProgressStatus
    lessons_read: int
    best_score: int | None
    completed_at: datetime | None
    reopened_reason: str | None
    #: Set when the module is assigned to the learner (reports.assigned_to).
    due: "reports.Due | None" = None

    @property
    def overdue(self) -> bool:
        return self.due is not None and self.due.status.value in ("overdue", "expired")

    @property
    def percent(self) -> int:
        return percent(
            self.status is ProgressStatus.COMPLETED,
            self.lessons_read,
            self.lesson_count,
            self.exercise_count,
        )


def _count_in_revision(part):
    """Lessons or exercises of the published revision in the row, read off their index."""
    return (
        select(func.count())
        .where(part.revision_id == ModuleRevision.id)
        .correlate(ModuleRevision)
        .scalar_subquery()
    )


def _dashboard_statement():
    revision = ModuleRevision
    return (
        select(
            Module.id,
            Module.slug,
            revision.title,
            revision.summary,
            revision.estimated_minutes,
            _count_in_revision(Lesson),
            _count_in_revision(Exercise),
            ModuleProgress.status,
            ModuleProgress.lessons_read,
            ModuleProgress.best_score,
            ModuleProgress.completed_at,
            ModuleProgress.reopened_reason,
        )
        .join(revision, Module.published_revision_id == revision.id)
        .outerjoin(
            ModuleProgress,
            (ModuleProgress.module_id == Module.id)
            & (ModuleProgress.user_id == bindparam("user_id")),
        )
        .where(Module.archived_at.is_(None))
        .order_by(revision.position, revision.title)
    )


_DASHBOARD = _dashboard_statement()  # built once: building costs more than running it


def dashboard(user_id: int) -> list[ModuleCard]:
    """Every published module with the learner's standing, assigned ones first with their due
    dates: three queries, however many modules."""
    rows = db.session.execute(_DASHBOARD, {"user_id": user_id}).all()
    assigned = reports.assigned_to(user_id)
    cards = [
        ModuleCard(
            slug=slug,
            title=title,
            summary=summary,
            estimated_minutes=minutes,
            lesson_count=lessons,
            exercise_count=exercises,
            status=status or ProgressStatus.NOT_STARTED,
            lessons_read=lessons_read or 0,
            best_score=best_score,
            completed_at=completed_at,
            reopened_reason=reopened_reason,
            due=assigned.get(module_id),
        )
        for (module_id, slug, title, summary, minutes, lessons, exercises, status, lessons_read,
             best_score, completed_at, reopened_reason) in rows
    ]  # fmt: skip
    # Assigned modules first, soonest due first; the rest keep the curriculum's order.
    return sorted(cards, key=lambda c: (c.due is None, c.due.due_on if c.due else date.min))
