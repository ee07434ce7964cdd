"""Progress: recording lesson reads and deriving each learner's standing in a module.

A module is complete when every lesson of the published revision has been read, the quiz
has been passed and every exercise has been passed, all counting only evidence from
revisions at or after the module's `retrain_since`; and, when a policy is attached to the
module, the learner has signed its current version (services/policies.py). The learner's
ModuleProgress row holds the result (status, completion, steps done) and every page, export
and the API read it: `steps.percent` is the one progress figure, `refresh` the one writer of a
learner's row, `reopen` and `recount` the set-based writers a publication uses.
"""

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import and_, bindparam, func, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from ..database import Prepared
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
    PastCompletion,
    ProgressStatus,
    QuizAttempt,
)
from ..models.types import utcnow
from . import certificates, policies, reports
from .steps import percent


@dataclass(frozen=True)
class Evidence:
    """What counts of a learner's evidence in a module's published revision."""

    read_keys: frozenset[str]
    passed_exercise_keys: frozenset[str]
    best_score: int | None
    quiz_passed_at: datetime | None
    #: Every step done: the moment the last one was, else None.
    complete_at: datetime | None
    started: bool


@dataclass(frozen=True)
class Standing:
    """A learner's standing in one module.

    The counted evidence (which steps are done) and the summary row's status, the one every page
    shows.
    """

    evidence: Evidence
    status: ProgressStatus
    completed_at: datetime | None
    reopened_reason: str | None

    @property
    def completed(self) -> bool:
        """True when the module is completed."""
        return self.status is ProgressStatus.COMPLETED

    # The evidence's parts, as the learner's pages read them.
    read_keys = property(lambda self: self.evidence.read_keys)
    passed_exercise_keys = property(lambda self: self.evidence.passed_exercise_keys)
    best_score = property(lambda self: self.evidence.best_score)
    quiz_passed_at = property(lambda self: self.evidence.quiz_passed_at)


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


# Built once: building these costs more than running them, and every module page and
# submission runs them (through the driver: database.Prepared).
_FIRST_READS = Prepared(
    select(LessonRead.lesson_key, func.min(LessonRead.read_at))
    .where(*_counting(LessonRead))
    .group_by(LessonRead.lesson_key)
)
_QUIZ_RESULT = Prepared(
    select(
        func.max(QuizAttempt.score),
        func.min(QuizAttempt.submitted_at).filter(QuizAttempt.passed.is_(True)),
    ).where(*_counting(QuizAttempt, QuizAttempt.state == AttemptState.SUBMITTED))
)
_FIRST_PASSES = Prepared(
    select(ExerciseSubmission.exercise_key, func.min(ExerciseSubmission.submitted_at))
    .where(*_counting(ExerciseSubmission, ExerciseSubmission.passed.is_(True)))
    .group_by(ExerciseSubmission.exercise_key)
)


def evidence(user_id: int, module: Module) -> Evidence:
    """The learner's counted evidence in the published revision (three indexed queries)."""
    revision = module.published
    where = {"user_id": user_id, "module_id": module.id, "since": module.retrain_since}
    reads = dict(_FIRST_READS.rows(where))
    ((best_score, quiz_passed_at),) = _QUIZ_RESULT.rows(where)
    passes = dict(_FIRST_PASSES.rows(where))
    lesson_keys = [lesson.key for lesson in revision.lessons]
    exercise_keys = [exercise.key for exercise in revision.exercises]
    needed = [reads.get(k) for k in lesson_keys] + [passes.get(k) for k in exercise_keys]
    needed.append(quiz_passed_at)
    needed += policies.module_condition(user_id, module)  # the attached policy, signed
    return Evidence(
        read_keys=frozenset(k for k in reads if k in lesson_keys),
        passed_exercise_keys=frozenset(k for k in passes if k in exercise_keys),
        best_score=best_score,
        quiz_passed_at=quiz_passed_at,
        complete_at=max(needed) if all(m is not None for m in needed) else None,
        started=bool(reads or passes or best_score is not None),
    )


def standing(user_id: int, module: Module) -> Standing:
    """The learner's counted evidence with the status their summary row holds."""
    row = db.session.get(ModuleProgress, (user_id, module.id))
    return Standing(
        evidence=evidence(user_id, module),
        status=row.status if row else ProgressStatus.NOT_STARTED,
        completed_at=row.completed_at if row else None,
        reopened_reason=row.reopened_reason if row else None,
    )


def refresh(user_id: int, module: Module, last_lesson_key: str | None = None) -> bool:
    """Bring the learner's summary row up to date with their evidence.

    True when this event completed the module (or renewed an expired completion).

    A completion is kept: a later version that adds steps, or passing again, never ends it.
    Only a publication requiring retraining (`reopen`) ends one; expiry is read off it by the
    report's status rule, and the quiz passed after expiry renews it here.
    """
    now = utcnow()
    found = evidence(user_id, module)
    row = db.session.get(ModuleProgress, (user_id, module.id))
    if row is None:
        row = ModuleProgress(user_id=user_id, module_id=module.id, started_at=now)
        db.session.add(row)
    row.lessons_read = len(found.read_keys)
    row.exercises_passed = len(found.passed_exercise_keys)
    row.quiz_passed = found.quiz_passed_at is not None
    row.best_score = found.best_score
    row.last_activity_at = now
    row.started_at = row.started_at or now
    if last_lesson_key:
        row.last_lesson_key = last_lesson_key
    completed_at = None
    if (
        row.past_completion_id is not None
        and found.complete_at is not None
        and found.complete_at > row.completed_at
    ):
        # Done here after an imported completion: the app's own completion, with its
        # certificate, takes over (the imported record stays as evidence).
        completed_at = found.complete_at
    elif row.status is ProgressStatus.COMPLETED and row.completed_at is not None:
        completed_at = certificates.renewed_completion(user_id, module, row.completed_at)
    elif found.complete_at is not None:
        completed_at = found.complete_at
        row.status = ProgressStatus.COMPLETED
        row.reopened_reason = None
    else:
        row.status = ProgressStatus.IN_PROGRESS if found.started else ProgressStatus.NOT_STARTED
    if completed_at is not None:
        row.completed_at = completed_at
        row.completed_revision = module.published.number
        row.past_completion_id = None  # the completion is the app's own now
        certificates.issue(user_id, module, completed_at, found.best_score)
    db.session.flush()
    return completed_at is not None


def reopen(module: Module, reason: str) -> int:
    """A publication requiring retraining.

    Every learner who had begun the module starts again (older evidence no longer counts, see
    `_counting`), with `reason` shown wherever the module is. Set-based; returns how many
    completions this ended. Evidence and certificates are kept.
    """
    mine = and_(
        ModuleProgress.module_id == module.id,
        or_(
            ModuleProgress.last_activity_at.is_not(None),
            ModuleProgress.past_completion_id.is_not(None),  # an imported completion ends too
        ),
    )
    ended = db.session.scalar(
        select(func.count()).where(mine, ModuleProgress.completed_at.is_not(None))
    )
    db.session.execute(
        update(ModuleProgress)
        .where(mine)
        .values(
            status=ProgressStatus.NOT_STARTED,
            lessons_read=0,
            exercises_passed=0,
            quiz_passed=False,
            best_score=None,
            completed_at=None,
            completed_revision=None,
            past_completion_id=None,
            reopened_reason=reason[:500],
        )
        .execution_options(synchronize_session=False)
    )
    _expire_loaded_rows()
    return ended


def recount(module: Module) -> None:
    """A publication without retraining.

    Recount each learner's steps against the new version (lessons or exercises may have come or
    gone). Statuses, completions and evidence stay. Set-based: one UPDATE, however many
    learners.
    """
    revision = module.published
    lesson_keys = [lesson.key for lesson in revision.lessons] or [""]
    exercise_keys = [exercise.key for exercise in revision.exercises] or [""]

    def counted(model, *conditions):
        return (
            model.user_id == ModuleProgress.user_id,
            model.module_id == module.id,
            model.revision_number >= module.retrain_since,
            *conditions,
        )

    reads = select(func.count(func.distinct(LessonRead.lesson_key))).where(
        *counted(LessonRead, LessonRead.lesson_key.in_(lesson_keys))
    )
    passes = select(func.count(func.distinct(ExerciseSubmission.exercise_key))).where(
        *counted(
            ExerciseSubmission,
            ExerciseSubmission.passed.is_(True),
            ExerciseSubmission.exercise_key.in_(exercise_keys),
        )
    )
    quiz_passed = (
        select(QuizAttempt.id)
        .where(
            *counted(
                QuizAttempt,
                QuizAttempt.state == AttemptState.SUBMITTED,
                QuizAttempt.passed.is_(True),
            )
        )
        .exists()
    )
    db.session.execute(
        update(ModuleProgress)
        .where(ModuleProgress.module_id == module.id)
        .values(
            lessons_read=reads.scalar_subquery(),
            exercises_passed=passes.scalar_subquery(),
            quiz_passed=quiz_passed,
        )
        .execution_options(synchronize_session=False)
    )
    _expire_loaded_rows()


def _expire_loaded_rows() -> None:
    """Loaded rows would keep the values a bulk statement replaced."""
    for instance in list(db.session.identity_map.values()):
        if isinstance(instance, ModuleProgress):
            db.session.expire(instance)


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
    exercises_passed: int
    quiz_passed: bool
    best_score: int | None
    completed_at: datetime | None
    reopened_reason: str | None
    #: Where the completion was done, when it is an imported one (past_completions).
    imported_from: str | None = None
    #: Set when the module is assigned to the learner (reports.assigned_to).
    due: "reports.Due | None" = None

    @property
    def overdue(self) -> bool:
        """True when the module is assigned and overdue or expired."""
        return self.due is not None and self.due.status.value in ("overdue", "expired")

    @property
    def expired(self) -> bool:
        """True when the module is assigned and its completion has expired."""
        return self.due is not None and self.due.status.value == "expired"

    @property
    def exempt(self) -> bool:
        """True when the learner is exempt from the assigned module (its reason: due)."""
        return self.due is not None and self.due.status.value == "exempt"

    @property
    def done(self) -> bool:
        """Completed and not expired: what "You have completed N modules" counts."""
        return self.status is ProgressStatus.COMPLETED and not self.expired

    @property
    def percent(self) -> int:
        """How far through the module, in percent (`steps.percent`)."""
        return percent(
            self.lessons_read,
            self.lesson_count,
            self.exercises_passed,
            self.exercise_count,
            self.quiz_passed,
            self.status is ProgressStatus.COMPLETED,
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
            ModuleProgress.exercises_passed,
            ModuleProgress.quiz_passed,
            ModuleProgress.best_score,
            ModuleProgress.completed_at,
            ModuleProgress.reopened_reason,
            PastCompletion.source,
        )
        .join(revision, Module.published_revision_id == revision.id)
        .outerjoin(
            ModuleProgress,
            (ModuleProgress.module_id == Module.id)
            & (ModuleProgress.user_id == bindparam("user_id")),
        )
        .outerjoin(PastCompletion, PastCompletion.id == ModuleProgress.past_completion_id)
        .where(Module.archived_at.is_(None))
        .order_by(revision.position, revision.title)
    )


# Built once (building costs more than running them), run through the driver (Prepared).
_DASHBOARD = Prepared(_dashboard_statement())
_ONE_CARD = Prepared(_dashboard_statement().where(Module.id == bindparam("module_id")))


def dashboard(user_id: int) -> list[ModuleCard]:
    """Every published module with the learner's standing.

    Assigned ones first with their due dates: three queries, however many modules.
    """
    cards = _cards(_DASHBOARD.rows({"user_id": user_id}), user_id)
    # Assigned modules first, soonest due first; the rest keep the curriculum's order.
    return sorted(cards, key=lambda c: (c.due is None, c.due.due_on if c.due else date.min))


def card(user_id: int, module_id: int) -> ModuleCard | None:
    """One module as the dashboard shows it, for the module's own page to say the same."""
    rows = _ONE_CARD.rows({"user_id": user_id, "module_id": module_id})
    return next(iter(_cards(rows, user_id)), None)


def _cards(rows, user_id: int) -> list[ModuleCard]:
    assigned = reports.assigned_to(user_id)
    return [
        ModuleCard(
            slug=slug,
            title=title,
            summary=summary,
            estimated_minutes=minutes,
            lesson_count=lessons,
            exercise_count=exercises,
            status=status or ProgressStatus.NOT_STARTED,
            lessons_read=lessons_read or 0,
            exercises_passed=exercises_passed or 0,
            quiz_passed=bool(quiz_passed),
            best_score=best_score,
            completed_at=completed_at,
            reopened_reason=reopened_reason,
            imported_from=imported_from,
            due=assigned.get(module_id),
        )
        for (module_id, slug, title, summary, minutes, lessons, exercises, status, lessons_read,
             exercises_passed, quiz_passed, best_score, completed_at, reopened_reason,
             imported_from) in rows
    ]  # fmt: skip
