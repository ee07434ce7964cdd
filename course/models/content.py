"""Content: modules and their revisions, each revision holding lessons, questions, exercises.

A module has at most one published revision (what learners see) and at most one draft (what
trainers edit). Lessons, questions and exercises carry a `key` that stays the same from one
revision to the next, so progress recorded against an older revision still counts.
"""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from .types import Json, enum_type, utcnow


class RevisionState(StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    SUPERSEDED = "superseded"


class QuestionType(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"


class Module(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    #: The article a shipped module was written from; empty for modules written in the studio.
    source: Mapped[str] = mapped_column(String(200), default="")
    published_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("module_revision.id", use_alter=True, ondelete="SET NULL")
    )
    draft_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("module_revision.id", use_alter=True, ondelete="SET NULL")
    )
    #: Evidence from revisions older than this number no longer completes the module.
    retrain_since: Mapped[int] = mapped_column(default=1)
    retrain_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    #: Set while the module is retired: hidden from learners and from new assignments, its
    #: revisions and every piece of evidence kept; cleared to bring it back.
    archived_at: Mapped[datetime | None]
    #: A policy learners sign at the end of the module: completing it requires a signature
    #: of the policy's current version (services/policies.py).
    policy_id: Mapped[int | None] = mapped_column(
        ForeignKey("policy.id", ondelete="SET NULL"), index=True
    )
    #: Continuing-education credit, set by an admin and copied onto each certificate issued:
    #: contact hours in hundredths (100 = 1.0 hour), the accredited provider, its approval or
    #: provider number, and the accreditation statement. None / "" when not set.
    contact_hours_hundredths: Mapped[int | None]
    ce_provider: Mapped[str] = mapped_column(String(200), default="", server_default="")
    ce_number: Mapped[str] = mapped_column(String(100), default="", server_default="")
    ce_statement: Mapped[str] = mapped_column(Text, default="", server_default="")

    published: Mapped["ModuleRevision | None"] = relationship(
        foreign_keys=[published_revision_id], post_update=True
    )
    draft: Mapped["ModuleRevision | None"] = relationship(
        foreign_keys=[draft_revision_id], post_update=True
    )


class ModuleRevision(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    module_id: Mapped[int] = mapped_column(ForeignKey("module.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    state: Mapped[RevisionState] = mapped_column(enum_type(RevisionState))
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    #: Percentage of questions right needed to pass the quiz.
    pass_mark: Mapped[int] = mapped_column(default=80)
    #: Questions drawn per attempt; None means all of them.
    quiz_size: Mapped[int | None]
    estimated_minutes: Mapped[int] = mapped_column(default=15)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    change_summary: Mapped[str] = mapped_column(Text, default="")
    requires_retraining: Mapped[bool] = mapped_column(default=False)
    #: Why this version asked everyone to retrain, as learners read it.
    retrain_reason: Mapped[str | None] = mapped_column(Text)

    module: Mapped[Module] = relationship(foreign_keys=[module_id])
    lessons: Mapped[list["Lesson"]] = relationship(
        back_populates="revision", order_by="Lesson.position", cascade="all, delete-orphan"
    )
    questions: Mapped[list["Question"]] = relationship(
        back_populates="revision", order_by="Question.position", cascade="all, delete-orphan"
    )
    exercises: Mapped[list["Exercise"]] = relationship(
        back_populates="revision", order_by="Exercise.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("module_id", "number"),)


class Lesson(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("module_revision.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    title: Mapped[str] = mapped_column(String(200))
    body_markdown: Mapped[str] = mapped_column(Text)
    #: Sanitized on save; learners are served this, never the Markdown.
    body_html: Mapped[str] = mapped_column(Text)

    revision: Mapped[ModuleRevision] = relationship(back_populates="lessons")

    __table_args__ = (UniqueConstraint("revision_id", "key"),)


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("module_revision.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    type: Mapped[QuestionType] = mapped_column(enum_type(QuestionType))
    prompt: Mapped[str] = mapped_column(Text)
    explanation: Mapped[str] = mapped_column(Text, default="")

    revision: Mapped[ModuleRevision] = relationship(back_populates="questions")
    choices: Mapped[list["Choice"]] = relationship(
        back_populates="question", order_by="Choice.position", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("revision_id", "key"),)


class Choice(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(
        ForeignKey("question.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    is_correct: Mapped[bool] = mapped_column(default=False)
    #: Shown after submitting when this choice was picked (GIFT's per-answer feedback).
    feedback: Mapped[str] = mapped_column(Text, default="")

    question: Mapped[Question] = relationship(back_populates="choices")


class Exercise(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("module_revision.id", ondelete="CASCADE"), index=True
    )
    key: Mapped[str] = mapped_column(String(80))
    position: Mapped[int]
    #: A name registered in course.exercises.KINDS.
    kind: Mapped[str] = mapped_column(String(40))
    title: Mapped[str] = mapped_column(String(200))
    instructions_markdown: Mapped[str] = mapped_column(Text, default="")
    instructions_html: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict] = mapped_column(Json, default=dict)

    revision: Mapped[ModuleRevision] = relationship(back_populates="exercises")

    __table_args__ = (UniqueConstraint("revision_id", "key"),)
