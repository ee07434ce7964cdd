"""Progress: what each learner read, answered and submitted, kept as evidence.

Attempts and submissions store a snapshot of what the learner saw, so later content edits
never change a recorded result. ModuleProgress is a per-learner summary, recomputed from the
evidence after every event, that dashboards and reports read with one indexed query.
"""

from datetime import date, datetime
from enum import StrEnum
from typing import Literal, TypedDict

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column

from ..exercises.findings import FindingRecord
from ..extensions import db
from .types import Json, enum_type, utcnow


class ProgressStatus(StrEnum):
    NOT_STARTED = "not_started"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"


class AttemptState(StrEnum):
    OPEN = "open"
    SUBMITTED = "submitted"


class ChoiceRecord(TypedDict):
    """A choice as an attempt stored it: the Choice's id as a string, its text and feedback."""

    id: str
    text: str
    correct: bool
    feedback: str


class QuestionRecord(TypedDict):
    """A question as stored in `QuizAttempt.questions` (a JSON list of these).

    Built by `quiz.draw_questions` when the attempt starts, never by hand: the question as the
    learner saw it, its choices in the order shown and which are right, so grading and the
    review read the attempt alone, whatever the module's later revisions say.
    """

    key: str
    type: Literal["single", "multiple", "true_false"]
    prompt: str
    explanation: str
    choices: list[ChoiceRecord]


class LessonRead(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    lesson_key: Mapped[str] = mapped_column(String(80))
    #: The module revision the learner read it in.
    revision_number: Mapped[int]
    read_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (UniqueConstraint("user_id", "module_id", "lesson_key", "revision_number"),)


class QuizAttempt(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    revision_number: Mapped[int]
    state: Mapped[AttemptState] = mapped_column(enum_type(AttemptState))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    submitted_at: Mapped[datetime | None]
    #: The questions and choices in the order this learner saw them, with the right answers.
    questions: Mapped[list[QuestionRecord]] = mapped_column(Json)
    #: question key -> list of choice ids picked.
    answers: Mapped[dict | None] = mapped_column(Json)
    correct_count: Mapped[int | None]
    question_count: Mapped[int]
    #: Percentage, 0-100.
    score: Mapped[int | None]
    pass_mark: Mapped[int]
    passed: Mapped[bool | None]

    __table_args__ = (Index("ix_quiz_attempt_user_module", "user_id", "module_id", "state"),)


class ExerciseSubmission(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user.id", ondelete="CASCADE"))
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"))
    exercise_key: Mapped[str] = mapped_column(String(80))
    revision_number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(40))
    #: The task as the learner saw it: title and validator parameters.
    exercise: Mapped[dict] = mapped_column(Json)
    answer: Mapped[dict] = mapped_column(Json)
    #: What the validator said, as `Finding.as_record` stores it.
    findings: Mapped[list[FindingRecord]] = mapped_column(Json)
    passed: Mapped[bool]
    submitted_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: The random token of the form this answer was sent from: the same form sent twice (a
    #: double click, two tabs) records one submission. None for submissions made before it.
    form_token: Mapped[str | None] = mapped_column(String(64))

    __table_args__ = (
        Index("ix_exercise_submission_user_module", "user_id", "module_id", "exercise_key"),
        UniqueConstraint("user_id", "form_token"),
    )


class ModuleProgress(db.Model):
    """One learner's standing in one module, derived from the evidence above."""

    user_id: Mapped[int] = mapped_column(
        ForeignKey("user.id", ondelete="CASCADE"), primary_key=True
    )
    module_id: Mapped[int] = mapped_column(
        ForeignKey("module.id", ondelete="CASCADE"), primary_key=True
    )
    status: Mapped[ProgressStatus] = mapped_column(enum_type(ProgressStatus))
    lessons_read: Mapped[int] = mapped_column(default=0)
    exercises_passed: Mapped[int] = mapped_column(default=0)
    quiz_passed: Mapped[bool] = mapped_column(default=False, server_default=false())
    best_score: Mapped[int | None]
    started_at: Mapped[datetime | None]
    last_activity_at: Mapped[datetime | None]
    #: Where "continue" takes the learner back to.
    last_lesson_key: Mapped[str | None] = mapped_column(String(80))
    completed_at: Mapped[datetime | None]
    completed_revision: Mapped[int | None]
    #: Set when a publication requiring retraining re-opened a completed module.
    reopened_reason: Mapped[str | None] = mapped_column(String(500))
    #: The learner's effective assignment, copied from Assignment by due_dates.refresh_due so
    #: reports need no join over assignments: the earliest due date and the shortest
    #: recertification interval among their own and their department's assignments. NULL
    #: when the module is not assigned to the learner (a row is created when it is).
    due_on: Mapped[date | None]
    recert_months: Mapped[int | None]
    #: Set while the completion held here is an imported one (services/past_completions.py):
    #: pages say "imported" with its source. A completion in the app replacing it clears it.
    past_completion_id: Mapped[int | None] = mapped_column(
        ForeignKey("past_completion.id", ondelete="SET NULL")
    )

    __table_args__ = (
        # Covers the report's aggregate and page: they reach it from the learner and read
        # only these columns.
        Index(
            "ix_module_progress_report",
            "user_id",
            "module_id",
            "due_on",
            "recert_months",
            "status",
            "completed_at",
            "best_score",
        ),
        # Publishing a module that requires retraining updates its rows by module.
        Index("ix_module_progress_module", "module_id", "status"),
    )
